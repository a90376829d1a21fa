// What dig, nslookup and Windows' `ipconfig /displaydns` print, rebuilt line by line from a reply so
// students meet the layouts of the real tools. Each rule names the source it copies; EDNS, DNSSEC
// and the tools' display options are left out.
#include "protocols/dns/tool_output.hpp"

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <variant>

namespace wiresim::dns {
namespace {

// nslookup and ipconfig print names without the final dot (BIND's dns_name_format(), the Windows
// DNS API); only the root keeps its ".".
std::string without_dot(std::string_view name) {
  if (name.size() > 1 && name.back() == '.') name.remove_suffix(1);
  return std::string(name);
}

bool is_address(RrType type) { return type == RrType::A || type == RrType::AAAA; }

// Appends each piece in turn; `out += a + b` chains trip a false GCC 12 -Wrestrict warning.
template <typename... Pieces>
void add(std::string& out, const Pieces&... pieces) {
  (out += ... += pieces);
}

const ResourceRecord* find_soa(const std::vector<ResourceRecord>& records) {
  for (const auto& rr : records)
    if (std::holds_alternative<SoaData>(rr.data)) return &rr;
  return nullptr;
}

// ---- dig: BIND 9.18 bin/dig/dig.c, bin/dig/dighost.c, lib/dns/message.c and masterdump.c ----

// Writes `text`, then pads as masterdump.c's indent() does so the next field starts at column
// `next`. dig's style puts TTL, class, type and data at columns 24, 32, 40 and 48, tab stops every
// 8: tabs up to the last stop at or before `next`, then spaces for the rest. A field that already
// reaches `next` is pushed on by one column, so a name of 24 or more characters is followed by a
// single space (a tab if that lands on a stop): "a-long-name.example.com.\t60 IN CNAME ...".
void field(std::string& line, std::size_t& column, const std::string& text, std::size_t next) {
  line += text;
  column += text.size();
  if (next < column + 1) next = column + 1;
  const std::size_t tabs = next / 8 - column / 8;
  if (tabs > 0) {
    line.append(tabs, '\t');
    column = next / 8 * 8;
  }
  line.append(next - column, ' ');
  column = next;
}

std::string dig_record(const ResourceRecord& rr) {
  std::string line;
  std::size_t column = 0;
  field(line, column, rr.name, 24);
  field(line, column, std::to_string(rr.ttl), 32);
  field(line, column, class_name(rr.klass), 40);
  field(line, column, type_name(rr.type), 48);
  add(line, rdata_text(rr), "\n");
  return line;
}

// message.c writes the ';' before question_totext() starts counting at column 0, and a question
// has no TTL: its class goes to column 32 and its type to 40.
std::string dig_question(const Question& q) {
  std::string line = ";";
  std::size_t column = 0;
  field(line, column, q.name, 32);
  field(line, column, class_name(q.klass), 40);
  add(line, type_name(q.type), "\n");
  return line;
}

// dns_message_sectiontotext(): an empty section prints nothing, not even its title.
void dig_section(std::string& out, const char* title, const std::vector<ResourceRecord>& records) {
  if (records.empty()) return;
  add(out, ";; ", title, " SECTION:\n");
  for (const auto& rr : records) out += dig_record(rr);
  out += '\n';
}

// printgreeting(): the command line as typed, one line for the @server, then the global options.
std::string dig_greeting(const DigRun& run) {
  std::string out = "\n; <<>> DiG 9.18 (wiresim) <<>> @";
  add(out, run.server_address, run.recurse ? "" : " +norecurse", " ", run.qname, " ", type_name(run.qtype));
  add(out, "\n; (1 server found)\n;; global options: +cmd\n");
  return out;
}

// printmessage(): flags in dig's fixed order, the counts, and a warning when rd went unanswered.
std::string dig_header(const Message& reply) {
  const Header& h = reply.header;
  std::string out;
  add(out, ";; ->>HEADER<<- opcode: ", opcode_name(h.opcode), ", status: ", rcode_name(h.rcode),
      ", id: ", std::to_string(h.id), "\n;; flags:", h.qr ? " qr" : "", h.aa ? " aa" : "", h.tc ? " tc" : "",
      h.rd ? " rd" : "", h.ra ? " ra" : "");
  add(out, "; QUERY: ", std::to_string(reply.questions.size()), ", ANSWER: ", std::to_string(reply.answers.size()),
      ", AUTHORITY: ", std::to_string(reply.authority.size()), ", ADDITIONAL: ",
      std::to_string(reply.additional.size()), "\n");
  if (h.rd && !h.ra) out += ";; WARNING: recursion requested but not available\n";
  return out;
}

// ---- nslookup, Windows: the BSD nslookup that Windows kept, as Windows 10 prints it ----

// BIND 4's p_time(), which Windows uses for SOA timers: "15 mins", "1 hour", "1 day 2 hours".
std::string windows_duration(std::uint32_t seconds) {
  const std::uint32_t parts[] = {seconds / 86400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60};
  const char* const units[] = {"day", "hour", "min", "sec"};
  std::string out;
  for (int i = 0; i < 4; ++i) {
    if (parts[i] == 0 && !(i == 3 && out.empty())) continue;
    add(out, out.empty() ? "" : " ", std::to_string(parts[i]), " ", units[i], parts[i] == 1 ? "" : "s");
  }
  return out;
}

void windows_timer(std::string& out, const char* label, std::uint32_t seconds) {
  add(out, label, std::to_string(seconds), " (", windows_duration(seconds), ")\n");
}

// One record as "name<TAB>label = data"; SOA and TXT spread over indented lines.
std::string windows_record(const ResourceRecord& rr) {
  std::string out = without_dot(rr.name);
  if (const auto* n = std::get_if<NameData>(&rr.data)) {
    out += rr.type == RrType::NS ? "\tnameserver = " : rr.type == RrType::PTR ? "\tname = " : "\tcanonical name = ";
    out += without_dot(n->target);
  } else if (const auto* mx = std::get_if<MxData>(&rr.data)) {
    add(out, "\tMX preference = ", std::to_string(mx->preference), ", mail exchanger = ", without_dot(mx->exchange));
  } else if (const auto* soa = std::get_if<SoaData>(&rr.data)) {
    add(out, "\n\tprimary name server = ", without_dot(soa->mname), "\n\tresponsible mail addr = ",
        without_dot(soa->rname), "\n\tserial  = ", std::to_string(soa->serial), "\n");
    windows_timer(out, "\trefresh = ", soa->refresh);
    windows_timer(out, "\tretry   = ", soa->retry);
    windows_timer(out, "\texpire  = ", soa->expire);
    windows_timer(out, "\tdefault TTL = ", soa->minimum);
    return out;
  } else if (const auto* txt = std::get_if<TxtData>(&rr.data)) {
    out += "\ttext =\n\n";
    for (const auto& s : txt->strings) add(out, "\t\"", s, "\"\n");
    return out;
  } else if (rr.type == RrType::A || rr.type == RrType::AAAA) {
    out += rr.type == RrType::A ? "\tinternet address = " : "\tAAAA IPv6 address = ";
    out += rdata_text(rr);
  } else {
    add(out, "\t", type_name(rr.type), " = ", rdata_text(rr));  // our wording: Windows' is unknown
  }
  out += '\n';
  return out;
}

// A list continues on lines indented by a tab and two spaces, as Windows aligns them.
void windows_list(std::string& out, const char* label, const std::vector<std::string>& items) {
  if (items.empty()) return;
  add(out, label, ":  ");
  for (std::size_t i = 0; i < items.size(); ++i) add(out, i > 0 ? "\n\t  " : "", items[i]);
  out += '\n';
}

// An address answer becomes one block: the canonical name, its addresses, then the names that
// led there through CNAMEs.
std::string windows_address_block(const std::vector<ResourceRecord>& answers) {
  std::string name, canonical;
  std::vector<std::string> addresses, aliases;
  for (const auto& rr : answers) {
    if (is_address(rr.type)) {
      if (name.empty()) name = without_dot(rr.name);
      addresses.push_back(rdata_text(rr));
    } else if (const auto* n = std::get_if<NameData>(&rr.data); n && rr.type == RrType::CNAME) {
      aliases.push_back(without_dot(rr.name));
      canonical = without_dot(n->target);
    }
  }
  std::string out;
  add(out, "Name:    ", name.empty() ? canonical : name, "\n");
  windows_list(out, addresses.size() == 1 ? "Address" : "Addresses", addresses);
  windows_list(out, "Aliases", aliases);
  return out;
}

// The old nslookup's DecodeError() texts, with Windows' "Non-existent domain".
const char* windows_error(Rcode rcode) {
  switch (rcode) {
    case Rcode::FormErr: return "Format error";
    case Rcode::ServFail: return "Server failed";
    case Rcode::NXDomain: return "Non-existent domain";
    case Rcode::NotImp: return "Not implemented";
    case Rcode::Refused: return "Query refused";
    default: return "Unspecified error";
  }
}

// An answer block ends with a blank line; a "***" error line ends the output by itself.
std::string nslookup_windows(const NslookupRun& run) {
  const std::string server = run.server_name.empty() ? "UnKnown" : without_dot(run.server_name);
  std::string timed_out;
  add(timed_out, "DNS request timed out.\n    timeout was ", std::to_string(run.timeout_s), " seconds.\n");
  std::string out;
  // Windows first asks for the server's own name (PTR); from a silent server that times out too,
  // before "Server:", which is why the name is UnKnown. Then the query and its one retry.
  if (!run.reply && run.server_name.empty() && !run.interactive) out += timed_out;
  add(out, "Server:  ", server, "\nAddress:  ", run.server_address, "\n\n");
  if (!run.reply) {
    add(out, timed_out, timed_out, "*** Request to ", server, " timed-out\n");
    return out;
  }
  const Message& reply = *run.reply;
  if (reply.header.rcode != Rcode::NoError) {
    add(out, "*** ", server, " can't find ", run.qname, ": ", windows_error(reply.header.rcode), "\n");
    return out;
  }
  if (reply.answers.empty()) {
    // No record of the asked type: Windows shows the zone's SOA from the authority section.
    if (const ResourceRecord* soa = find_soa(reply.authority)) {
      add(out, windows_record(*soa), "\n");
      return out;
    }
    // Our wording when there is no SOA either.
    add(out, "*** No ", type_name(run.qtype), " records available for ", run.qname, "\n");
    return out;
  }
  if (!reply.header.aa) out += "Non-authoritative answer:\n";
  if (is_address(run.qtype)) {
    out += windows_address_block(reply.answers);
  } else {
    for (const auto& rr : reply.answers) out += windows_record(rr);
    if (!reply.additional.empty()) out += '\n';  // the glue follows after a blank line
    for (const auto& rr : reply.additional) out += windows_record(rr);
  }
  out += '\n';
  return out;
}

// ---- nslookup, Linux: BIND 9.18 bin/dig/nslookup.c ----

// printrdata()'s rtypetext[] labels for "name<TAB>label data".
std::string unix_label(RrType type) {
  switch (type) {
    case RrType::A: return "internet address = ";
    case RrType::NS: return "nameserver = ";
    case RrType::CNAME: return "canonical name = ";
    case RrType::PTR: return "name = ";
    case RrType::MX: return "mail exchanger = ";
    case RrType::TXT: return "text = ";
    case RrType::AAAA: return "has AAAA address ";
    default: return "rdata_" + std::to_string(static_cast<unsigned>(type)) + " = ";
  }
}

// printsection(): owners lose the final dot, data keeps it (dns_rdata_totext()); addresses in the
// answer section become Name/Address pairs.
std::string unix_record(const ResourceRecord& rr, bool answer_section) {
  std::string out = answer_section && is_address(rr.type) ? "Name:\t" : "";
  out += without_dot(rr.name);
  if (answer_section && is_address(rr.type)) {
    out += "\nAddress: ";
  } else if (const auto* soa = std::get_if<SoaData>(&rr.data)) {  // printsoa()
    add(out, "\n\torigin = ", without_dot(soa->mname), "\n\tmail addr = ", without_dot(soa->rname));
    add(out, "\n\tserial = ", std::to_string(soa->serial), "\n\trefresh = ", std::to_string(soa->refresh));
    add(out, "\n\tretry = ", std::to_string(soa->retry), "\n\texpire = ", std::to_string(soa->expire));
    add(out, "\n\tminimum = ", std::to_string(soa->minimum), "\n");
    return out;
  } else {
    add(out, "\t", unix_label(rr.type));
  }
  add(out, rdata_text(rr), "\n");
  return out;
}

std::string nslookup_unix(const NslookupRun& run) {
  std::string out;
  if (!run.reply) {
    // dighost.c: a warning per try (3 by default), then the error, which ends with a blank line;
    // main() then closes every run with puts("").
    for (int i = 0; i < 3; ++i) add(out, ";; communications error to ", run.server_address, "#53: timed out\n");
    out += ";; no servers could be reached\n\n\n";
    return out;
  }
  add(out, "Server:\t\t", run.server_address, "\nAddress:\t", run.server_address, "#53\n\n");
  const Message& reply = *run.reply;
  if (reply.header.rcode != Rcode::NoError) {
    add(out, "** server can't find ", without_dot(run.qname), ": ", rcode_name(reply.header.rcode), "\n");
  } else {
    if (!reply.header.aa) out += "Non-authoritative answer:\n";
    for (const auto& rr : reply.answers) out += unix_record(rr, true);
    if (reply.answers.empty()) add(out, "*** Can't find ", run.qname, ": No answer\n");
    // Printed for every non-address query answered from a cache, even when both sections are empty.
    if (!reply.header.aa && !is_address(run.qtype)) {
      out += "\nAuthoritative answers can be found from:\n";
      for (const auto& rr : reply.authority) out += unix_record(rr, false);
      for (const auto& rr : reply.additional) out += unix_record(rr, false);
    }
  }
  out += '\n';  // main()'s closing puts("")
  return out;
}

// ---- ipconfig /displaydns: Windows' ipconfig message table ----

// Labels are padded with dot leaders to 24 characters after a 4-space indent, so values start at
// column 28, where the extra lines of an MX or SOA record are aligned too.
const std::string Continuation(28, ' ');

void cache_field(std::string& out, const char* label, const std::string& value) {
  add(out, "    ", label, value, "\n");
}

void continuation(std::string& out, const std::string& value) { add(out, Continuation, value, "\n"); }

// The DNS_RECORD's wDataLength: the size of its data struct on 64-bit Windows, where each name is
// an 8-octet pointer (MX: pointer and two WORDs; SOA: two pointers and five DWORDs, padded).
std::size_t cache_data_length(const ResourceRecord& rr) {
  if (std::holds_alternative<AData>(rr.data)) return 4;
  if (std::holds_alternative<AaaaData>(rr.data)) return 16;
  if (std::holds_alternative<NameData>(rr.data)) return 8;
  if (std::holds_alternative<MxData>(rr.data)) return 16;
  if (std::holds_alternative<SoaData>(rr.data)) return 40;
  if (const auto* txt = std::get_if<TxtData>(&rr.data)) return 8 + 8 * txt->strings.size();
  return std::get<RawData>(rr.data).bytes.size();
}

void cache_data(std::string& out, const ResourceRecord& rr) {
  if (const auto* n = std::get_if<NameData>(&rr.data)) {
    const char* label = rr.type == RrType::NS    ? "NS Record   . . . . . : "
                        : rr.type == RrType::PTR ? "PTR Record  . . . . . : "
                                                 : "CNAME Record  . . . . : ";
    cache_field(out, label, without_dot(n->target));
  } else if (const auto* mx = std::get_if<MxData>(&rr.data)) {
    cache_field(out, "MX Record . . . . . . : ", without_dot(mx->exchange));
    continuation(out, std::to_string(mx->preference));
    continuation(out, "0");  // the struct's padding WORD, which Windows prints as well
  } else if (const auto* soa = std::get_if<SoaData>(&rr.data)) {
    cache_field(out, "SOA Record  . . . . . : ", without_dot(soa->mname));
    continuation(out, without_dot(soa->rname));
    for (const std::uint32_t v : {soa->serial, soa->refresh, soa->retry, soa->expire, soa->minimum})
      continuation(out, std::to_string(v));
  } else if (const auto* txt = std::get_if<TxtData>(&rr.data)) {
    // Not in the message table we could check: our label, one string per line.
    for (std::size_t i = 0; i < txt->strings.size(); ++i) {
      if (i == 0) cache_field(out, "TXT Record  . . . . . : ", txt->strings[i]);
      else continuation(out, txt->strings[i]);
    }
  } else if (rr.type == RrType::A || rr.type == RrType::AAAA) {
    cache_field(out, rr.type == RrType::A ? "A (Host) Record . . . : " : "AAAA Record . . . . . : ", rdata_text(rr));
  } else {
    add(out, "    Record data for type ", type_name(rr.type), " could not be displayed.\n");
  }
}

}  // namespace

std::string format_dig(const DigRun& run) {
  std::string out;
  if (!run.reply) {
    // recv_done(): a warning as each try times out; after the last, the greeting dig held back
    // and the error, which ends with its own blank line.
    for (int i = 0; i < run.tries; ++i) add(out, ";; communications error to ", run.server_address, "#53: timed out\n");
    add(out, dig_greeting(run), ";; no servers could be reached\n\n");
    return out;
  }
  // recv_done() prints this as the truncated reply arrives, before the greeting that dig holds
  // back until it prints a reply. DigRun cannot tell +tcp from a retry, so every TCP run is shown
  // as a retry and the command line never carries +tcp.
  if (run.tcp) out += ";; Truncated, retrying in TCP mode.\n";
  const Message& reply = *run.reply;
  add(out, dig_greeting(run), ";; Got answer:\n", dig_header(reply), "\n");
  if (!reply.questions.empty()) {
    out += ";; QUESTION SECTION:\n";
    for (const auto& q : reply.questions) out += dig_question(q);
    out += '\n';
  }
  dig_section(out, "ANSWER", reply.answers);
  dig_section(out, "AUTHORITY", reply.authority);
  dig_section(out, "ADDITIONAL", reply.additional);
  // received(): the statistics, then a blank line. WHEN shows simulated time, not a wall clock.
  char when[64];
  std::snprintf(when, sizeof when, "%.6f", run.when_s);
  add(out, ";; Query time: ", std::to_string(run.query_time_ms), " msec\n;; SERVER: ", run.server_address, "#53(",
      run.server_address, run.tcp ? ") (TCP)\n" : ") (UDP)\n");
  add(out, ";; WHEN: t=", when, " s (simulated)\n;; MSG SIZE  rcvd: ", std::to_string(run.reply_size), "\n\n");
  return out;
}

std::string format_nslookup(const NslookupRun& run) {
  return run.style == NslookupStyle::Windows ? nslookup_windows(run) : nslookup_unix(run);
}

std::string format_nslookup_start(NslookupStyle style, const std::string& server_name,
                                  const std::string& server_address, bool ptr_answered, int timeout_s) {
  if (style == NslookupStyle::Unix) return "";
  std::string out;
  if (!ptr_answered) add(out, "DNS request timed out.\n    timeout was ", std::to_string(timeout_s), " seconds.\n");
  add(out, "Default Server:  ", server_name.empty() ? "UnKnown" : without_dot(server_name), "\nAddress:  ",
      server_address, "\n\n");
  return out;
}

// One heading per owner name, in order of first appearance; every record and negative entry is
// followed by two blank lines, as ipconfig prints them.
std::string format_displaydns(const std::vector<CacheLine>& lines) {
  std::string out = "\nWindows IP Configuration\n\n";
  std::vector<std::string> names;
  for (const auto& line : lines) {
    const std::string name = without_dot(line.record.name);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  for (const auto& name : names) {
    add(out, "    ", name, "\n    ----------------------------------------\n");
    for (const auto& line : lines) {
      const ResourceRecord& rr = line.record;
      if (without_dot(rr.name) != name) continue;
      if (line.negative) {
        out += "    Name does not exist.\n\n\n";
        continue;
      }
      cache_field(out, "Record Name . . . . . : ", name);
      cache_field(out, "Record Type . . . . . : ", std::to_string(static_cast<unsigned>(rr.type)));
      cache_field(out, "Time To Live  . . . . : ", std::to_string(rr.ttl));
      cache_field(out, "Data Length . . . . . : ", std::to_string(cache_data_length(rr)));
      cache_field(out, "Section . . . . . . . : ", line.section);
      cache_data(out, rr);
      out += "\n\n";
    }
  }
  return out;
}

}  // namespace wiresim::dns
