// The application layer of the dissector, chosen by port: the line-based text protocols
// (SMTP, POP3, IMAP, FTP, HTTP, echo), DNS (RFC 1035 4.1, over UDP and over TCP with its length
// prefix), BitTorrent's peer wire (BEP 3) and FTP data. One segment at a time: nothing is
// reassembled, so a message split over segments shows as "continued".
#include "viz/model/dissect_app.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <vector>

#include "protocols/bittorrent/types.hpp"
#include "protocols/bittorrent/wire.hpp"
#include "protocols/dns/message.hpp"

namespace wiresim::viz::detail {
namespace {

using Bytes = std::span<const std::uint8_t>;

std::string bytes_text(std::size_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

Bytes as_bytes(std::string_view text) { return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}; }

// ---------------------------------------------------------------------------------------------
// Which application

enum class App { None, Smtp, Pop3, Imap, Ftp, FtpData, Http, Dns, BitTorrent, Echo };

App app_for_port(std::uint16_t port, bool tcp) {
  if (!tcp) return port == 53 ? App::Dns : port == 7 ? App::Echo : App::None;
  switch (port) {
    case 25:
    case 587: return App::Smtp;
    case 110: return App::Pop3;
    case 143: return App::Imap;
    case 21: return App::Ftp;
    case 20: return App::FtpData;
    case 80:
    case 8080:
    case 6969: return App::Http;  // 6969: the BitTorrent tracker speaks HTTP
    case 6881: return App::BitTorrent;
    case 53: return App::Dns;
    case 7: return App::Echo;  // RFC 862, the echo tool's default
    default: return App::None;
  }
}

App recognise(const Payload& p) {
  // The lower port first: a server's well-known port beats whatever the client's is.
  const std::uint16_t low = std::min(p.source_port, p.destination_port);
  const std::uint16_t high = std::max(p.source_port, p.destination_port);
  if (const App app = app_for_port(low, p.tcp); app != App::None) return app;
  if (const App app = app_for_port(high, p.tcp); app != App::None) return app;
  // Our FTP server's passive data ports (protocols/ftp PassivePorts: 50000-50999). A client's
  // ephemeral port can land there too, but only when neither port was known above.
  const auto passive = [](std::uint16_t port) { return port >= 50000 && port <= 50999; };
  if (p.tcp && (passive(low) || passive(high))) return App::FtpData;
  return App::None;
}

// ---------------------------------------------------------------------------------------------
// Text protocols

struct Line {
  std::size_t begin = 0;        // in the payload
  std::size_t length = 0;       // with its line end
  std::size_t text_length = 0;  // without CR LF
};

std::vector<Line> split_lines(Bytes bytes) {
  std::vector<Line> lines;
  for (std::size_t begin = 0; begin < bytes.size();) {
    std::size_t end = begin;
    while (end < bytes.size() && bytes[end] != '\n') ++end;
    Line line{begin, end - begin, end - begin};
    if (end < bytes.size()) ++line.length;  // the LF
    if (line.text_length > 0 && bytes[begin + line.text_length - 1] == '\r' && end < bytes.size()) --line.text_length;
    lines.push_back(line);
    begin += line.length;
  }
  return lines;
}

std::string line_text(Bytes bytes, const Line& line) {
  std::string text = cut_text(display_text(bytes.subspan(line.begin, line.text_length)), 200);
  const std::size_t ending = line.length - line.text_length;
  if (ending == 2) text += "\\r\\n";
  if (ending == 1) text += "\\n";  // a bare LF: a CR is only stripped when an LF follows
  return text;
}

// "EHLO crepes.fr", with " (+2 lines)" when more lines follow in the segment.
std::string lines_summary(Bytes bytes, const std::vector<Line>& lines, std::size_t more) {
  if (lines.empty()) return "";
  std::string summary = cut_text(display_text(bytes.subspan(lines[0].begin, lines[0].text_length)));
  if (more > 0) summary += " (+" + std::to_string(more) + (more == 1 ? " line)" : " lines)");
  return summary;
}

void add_lines(Field& row, Bytes bytes, std::size_t base, const std::vector<Line>& lines) {
  for (const Line& line : lines) row.children.push_back({line_text(bytes, line), base + line.begin, line.length, {}});
}

bool is_text(Bytes bytes) {
  return std::all_of(bytes.begin(), bytes.end(),
                     [](std::uint8_t b) { return b >= 0x20 || b == '\r' || b == '\n' || b == '\t'; });
}

struct TextProtocol {
  const char* protocol;
  const char* title;
};

TextProtocol text_protocol(App app) {
  switch (app) {
    case App::Smtp: return {"SMTP", "Simple Mail Transfer Protocol"};
    case App::Pop3: return {"POP3", "Post Office Protocol"};
    case App::Imap: return {"IMAP", "Internet Message Access Protocol"};
    case App::Ftp: return {"FTP", "File Transfer Protocol (FTP)"};
    default: return {"ECHO", "Echo"};
  }
}

AppDissection dissect_text(App app, const Payload& p, bool with_tree) {
  const TextProtocol names = text_protocol(app);
  const auto lines = split_lines(p.bytes);
  AppDissection out{names.protocol, lines.empty() ? "0 bytes" : lines_summary(p.bytes, lines, lines.size() - 1), std::nullopt};
  if (with_tree) {
    out.tree = Field{names.title, p.base, p.bytes.size(), {}};
    add_lines(*out.tree, p.bytes, p.base, lines);
  }
  return out;
}

// RFC 9112 2.1: a message starts with a request line ("GET / HTTP/1.1") or a status line.
bool starts_http_message(Bytes bytes) {
  static constexpr std::string_view starts[] = {"HTTP/", "GET ", "POST ", "HEAD ", "PUT ", "DELETE ",
                                                "OPTIONS ", "PATCH ", "CONNECT ", "TRACE "};
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return std::any_of(std::begin(starts), std::end(starts), [&](std::string_view s) { return text.starts_with(s); });
}

AppDissection dissect_http(const Payload& p, bool with_tree) {
  AppDissection out{"HTTP", "", std::nullopt};
  if (with_tree) out.tree = Field{"Hypertext Transfer Protocol", p.base, p.bytes.size(), {}};
  if (!starts_http_message(p.bytes)) {
    // The middle of a body: without reassembly all we know is its size.
    out.summary = "continuation (" + bytes_text(p.bytes.size()) + ")";
    if (with_tree)
      out.tree->children.push_back({"Continuation data (" + bytes_text(p.bytes.size()) + ")", p.base, p.bytes.size(), {}});
    return out;
  }
  // The header lines end at the first empty line; what follows is body, not lines.
  auto lines = split_lines(p.bytes);
  std::size_t header_end = p.bytes.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].text_length == 0 && lines[i].length > 0 && i > 0) {
      header_end = lines[i].begin + lines[i].length;
      lines.resize(i + 1);
      break;
    }
  }
  const bool blank_at_end = lines.size() > 1 && lines.back().text_length == 0;
  out.summary = lines_summary(p.bytes, lines, lines.size() - 1 - (blank_at_end ? 1 : 0));
  if (with_tree) {
    add_lines(*out.tree, p.bytes, p.base, lines);
    if (header_end < p.bytes.size())
      out.tree->children.push_back({"Message body (" + bytes_text(p.bytes.size() - header_end) + ")", p.base + header_end,
                                    p.bytes.size() - header_end, {}});
  }
  return out;
}

AppDissection dissect_ftp_data(const Payload& p, bool with_tree) {
  AppDissection out{"FTP-DATA", bytes_text(p.bytes.size()) + " of data", std::nullopt};
  if (with_tree) {
    out.tree = Field{"FTP Data (" + bytes_text(p.bytes.size()) + ")", p.base, p.bytes.size(), {}};
    // A listing or an ASCII file reads best line by line; binary data stays one block.
    if (is_text(p.bytes)) add_lines(*out.tree, p.bytes, p.base, split_lines(p.bytes));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// DNS: the summary comes from dns::decode, the tree from walking the bytes, so that every
// field knows its range (a compressed name covers its bytes in place, not the pointed-to ones).

// "mail.hamburger.edu" for "mail.hamburger.edu.", as Wireshark writes names.
std::string bare_name(std::string_view name) {
  if (name.empty() || name == ".") return "<Root>";
  if (name.back() == '.') name.remove_suffix(1);
  return std::string(name);
}

std::string short_rdata(const dns::Rdata& data) {
  if (const auto* n = std::get_if<dns::NameData>(&data)) return bare_name(n->target);
  if (const auto* mx = std::get_if<dns::MxData>(&data)) return std::to_string(mx->preference) + " " + bare_name(mx->exchange);
  if (const auto* soa = std::get_if<dns::SoaData>(&data)) return bare_name(soa->mname);
  if (const auto* txt = std::get_if<dns::TxtData>(&data))
    return txt->strings.empty() ? "\"\"" : "\"" + display_text(as_bytes(txt->strings.front())) + "\"";
  if (const auto* raw = std::get_if<dns::RawData>(&data)) return bytes_text(raw->bytes.size());
  if (std::holds_alternative<dns::AaaaData>(data)) return dns::rdata_text({"", dns::RrType::AAAA, dns::ClassIn, 0, data});
  return dns::address_text(data);
}

std::string more_text(std::size_t others) { return others > 0 ? " +" + std::to_string(others) + " more" : ""; }

// "A? mail.hamburger.edu", "A mail.hamburger.edu = 128.119.40.10 +2 more",
// "NS edu → a.edu-servers.net +12 more", "NXDOMAIN mail.x.edu".
std::string dns_summary(const dns::Message& m) {
  const dns::Header& h = m.header;
  const std::string qname = m.questions.empty() ? "" : bare_name(m.questions[0].name);
  const std::string qtype = m.questions.empty() ? "" : dns::type_name(m.questions[0].type);
  if (m.questions.empty()) return h.qr ? dns::rcode_name(h.rcode) + " response without a question" : "query without a question";
  if (!h.qr) return qtype + "? " + qname;
  if (h.rcode != dns::Rcode::NoError) return dns::rcode_name(h.rcode) + " " + qname;
  if (h.tc) return qtype + " " + qname + ": truncated (TC), ask again over TCP";
  if (!m.answers.empty()) {
    const auto& rr = m.answers[0];
    return dns::type_name(rr.type) + " " + bare_name(rr.name) + " = " + short_rdata(rr.data) + more_text(m.answers.size() - 1);
  }
  const auto is_ns = [](const dns::ResourceRecord& rr) { return rr.type == dns::RrType::NS; };
  const auto ns = std::find_if(m.authority.begin(), m.authority.end(), is_ns);
  if (ns != m.authority.end()) {
    const auto count = std::count_if(m.authority.begin(), m.authority.end(), is_ns);
    return "NS " + bare_name(ns->name) + " → " + short_rdata(ns->data) + more_text(static_cast<std::size_t>(count) - 1);
  }
  return "no " + qtype + " record for " + qname;
}

struct NameRead {
  std::string text;
  std::size_t end = 0;  // one past the name's bytes in place
  std::string error;    // "" when the name was read
};

// RFC 1035 4.1.4: labels, ended by a zero octet or by a pointer to an earlier name. Pointers
// must point backwards and the name stay within 255 octets, so a loop cannot go on.
NameRead read_name(Bytes msg, std::size_t at) {
  NameRead out;
  bool jumped = false;
  std::size_t wire_length = 0;
  std::vector<std::string> labels;
  int hops = 0;
  while (true) {
    if (at >= msg.size()) return {"", 0, "name runs past the end of the message"};
    const std::uint8_t length = msg[at];
    if ((length & 0xC0) == 0xC0) {
      if (at + 1 >= msg.size()) return {"", 0, "compression pointer cut short"};
      const std::size_t target = static_cast<std::size_t>(length & 0x3F) << 8 | msg[at + 1];
      if (target >= at || ++hops > 64)
        return {"", 0, "compression pointer at offset " + std::to_string(at) + " does not point back"};
      if (!jumped) out.end = at + 2;
      jumped = true;
      at = target;
      continue;
    }
    if (length & 0xC0) return {"", 0, "reserved label type at offset " + std::to_string(at)};
    if (length == 0) {
      if (!jumped) out.end = at + 1;
      break;
    }
    if (!fits(msg, at + 1, length)) return {"", 0, "label runs past the end of the message"};
    wire_length += 1 + length;
    if (wire_length > 255) return {"", 0, "name longer than 255 octets"};
    labels.push_back(display_text(msg.subspan(at + 1, length)));
    at += 1 + length;
  }
  for (const auto& label : labels) {
    if (!out.text.empty()) out.text += '.';
    out.text += label;
  }
  if (out.text.empty()) out.text = "<Root>";
  return out;
}

// Walks one DNS message, appending rows to `parent`; stops with a note at the first problem.
struct DnsWalker {
  Bytes msg;
  std::size_t base;  // offset of msg[0] in the packet
  std::size_t at = 0;
  std::string problem;

  Field row(std::string text, std::size_t offset, std::size_t length) const {
    return {std::move(text), base + offset, length, {}};
  }

  bool need(std::size_t n, const char* what) {
    if (fits(msg, at, n)) return true;
    problem = std::string(what) + " runs past the end of the message";
    return false;
  }

  // The name at `at` (the caller moves past it), or nullopt with `problem` set.
  std::optional<NameRead> name(std::size_t limit) {
    NameRead read = read_name(msg, at);
    if (read.error.empty() && read.end > limit) read.error = "name runs past its record's data";
    if (!read.error.empty()) {
      problem = read.error;
      return std::nullopt;
    }
    return read;
  }

  Field header();
  std::optional<Field> question();
  std::optional<Field> record();
  void rdata(Field& rr, std::uint16_t type, std::size_t end, std::string& detail);
  void section(Field& parent, const char* title, std::size_t count, bool questions);
};

Field DnsWalker::header() {
  Field flags_row = row("Flags: ", 2, 2);
  const std::uint16_t f = read16(msg, 2);
  const bool qr = f & 0x8000;
  const auto rcode = static_cast<dns::Rcode>(f & 0x0F);
  char hexbuf[8];
  std::snprintf(hexbuf, sizeof hexbuf, "0x%04x", f);
  flags_row.text += hexbuf;
  flags_row.text += qr ? " Standard query response, " + dns::rcode_name(rcode) : " Standard query";
  auto bit = [&](int shift, const char* name, const char* set, const char* unset) {
    flags_row.children.push_back(row(std::string(name) + ": " + ((f >> shift & 1) ? set : unset), 2, 2));
  };
  bit(15, "Response", "Message is a response", "Message is a query");
  flags_row.children.push_back(row("Opcode: " + dns::opcode_name(static_cast<dns::Opcode>(f >> 11 & 0x0F)) + " (" +
                                       std::to_string(f >> 11 & 0x0F) + ")",
                                   2, 2));
  bit(10, "Authoritative", "Server is an authority for domain", "Server is not an authority for domain");
  bit(9, "Truncated", "Message is truncated", "Message is not truncated");
  bit(8, "Recursion desired", "Do query recursively", "Do not query recursively");
  bit(7, "Recursion available", "Server can do recursive queries", "Server can't do recursive queries");
  flags_row.children.push_back(row("Z: reserved (" + std::to_string(f >> 4 & 0x07) + ")", 2, 2));
  flags_row.children.push_back(row("Reply code: " + dns::rcode_name(rcode) + " (" + std::to_string(f & 0x0F) + ")", 2, 2));
  return flags_row;
}

std::optional<Field> DnsWalker::question() {
  const std::size_t start = at;
  const auto qname = name(msg.size());
  if (!qname) return std::nullopt;
  at = qname->end;
  if (!need(4, "question")) return std::nullopt;
  const std::uint16_t type = read16(msg, at);
  const std::uint16_t klass = read16(msg, at + 2);
  const std::string type_text = dns::type_name(static_cast<dns::RrType>(type));
  Field q = row(qname->text + ": type " + type_text + ", class " + dns::class_name(klass), start, at + 4 - start);
  q.children.push_back(row("Name: " + qname->text, start, qname->end - start));
  q.children.push_back(row("Type: " + type_text + " (" + std::to_string(type) + ")", at, 2));
  q.children.push_back(row("Class: " + dns::class_name(klass) + " (" + std::to_string(klass) + ")", at + 2, 2));
  at += 4;
  return q;
}

void DnsWalker::rdata(Field& rr, std::uint16_t type, std::size_t end, std::string& detail) {
  const std::size_t length = end - at;
  auto name_field = [&](const char* label, std::string* into) {
    const std::size_t start = at;
    const auto n = name(end);
    if (!n) return false;
    rr.children.push_back(row(std::string(label) + ": " + n->text, start, n->end - start));
    if (into) *into = n->text;
    at = n->end;
    return true;
  };
  auto u32_field = [&](const char* label) {
    if (!need(4, label) || at + 4 > end) {
      if (problem.empty()) problem = std::string(label) + " runs past its record's data";
      return false;
    }
    rr.children.push_back(row(std::string(label) + ": " + std::to_string(read32(msg, at)), at, 4));
    at += 4;
    return true;
  };
  switch (static_cast<dns::RrType>(type)) {
    case dns::RrType::A:
      if (length != 4) break;
      detail = ", addr " + std::to_string(msg[at]) + "." + std::to_string(msg[at + 1]) + "." + std::to_string(msg[at + 2]) +
               "." + std::to_string(msg[at + 3]);
      rr.children.push_back(row("Address: " + detail.substr(7), at, 4));
      at = end;
      return;
    case dns::RrType::NS:
    case dns::RrType::CNAME:
    case dns::RrType::PTR: {
      std::string target;
      const char* label = type == 2 ? "Name Server" : type == 5 ? "CNAME" : "Domain Name";
      if (name_field(label, &target)) detail = (type == 2 ? ", ns " : type == 5 ? ", cname " : ", ptr ") + target;
      break;
    }
    case dns::RrType::MX:
      if (length < 2) break;
      rr.children.push_back(row("Preference: " + std::to_string(read16(msg, at)), at, 2));
      at += 2;
      name_field("Mail Exchange", nullptr);
      break;
    case dns::RrType::SOA:
      if (name_field("Primary name server", nullptr) && name_field("Responsible authority's mailbox", nullptr))
        for (const char* label : {"Serial Number", "Refresh Interval", "Retry Interval", "Expire limit", "Minimum TTL"})
          if (!u32_field(label)) break;
      break;
    case dns::RrType::TXT:
      while (problem.empty() && at < end) {
        const std::size_t size = msg[at];
        if (size + 1 > end - at) {
          problem = "TXT string runs past its record's data";
          break;
        }
        rr.children.push_back(row("TXT: " + display_text(msg.subspan(at + 1, size)), at, size + 1));
        at += size + 1;
      }
      break;
    default: break;
  }
  if (problem.empty() && at != end) {
    rr.children.push_back(row("Data (" + bytes_text(end - at) + ")", at, end - at));
    at = end;
  }
}

std::optional<Field> DnsWalker::record() {
  const std::size_t start = at;
  const auto owner = name(msg.size());
  if (!owner) return std::nullopt;
  at = owner->end;
  if (!need(10, "record")) return std::nullopt;
  const std::uint16_t type = read16(msg, at);
  const std::uint16_t klass = read16(msg, at + 2);
  const std::uint32_t ttl = read32(msg, at + 4);
  const std::uint16_t rdlength = read16(msg, at + 8);
  const std::string type_text = dns::type_name(static_cast<dns::RrType>(type));
  Field rr = row("", start, 0);
  rr.children.push_back(row("Name: " + owner->text, start, owner->end - start));
  rr.children.push_back(row("Type: " + type_text + " (" + std::to_string(type) + ")", at, 2));
  rr.children.push_back(row("Class: " + dns::class_name(klass) + " (" + std::to_string(klass) + ")", at + 2, 2));
  rr.children.push_back(row("Time to live: " + std::to_string(ttl), at + 4, 4));
  rr.children.push_back(row("Data length: " + std::to_string(rdlength), at + 8, 2));
  at += 10;
  std::string detail;
  if (fits(msg, at, rdlength)) rdata(rr, type, at + rdlength, detail);
  else problem = "record data runs past the end of the message";
  rr.text = owner->text + ": type " + type_text + ", class " + dns::class_name(klass) + detail;
  rr.length = std::min(at, msg.size()) - start;
  return rr;
}

void DnsWalker::section(Field& parent, const char* title, std::size_t count, bool questions) {
  if (count == 0 || !problem.empty()) return;
  Field s = row(title, at, 0);
  const std::size_t start = at;
  for (std::size_t i = 0; i < count && problem.empty(); ++i) {
    auto item = questions ? question() : record();
    if (item) s.children.push_back(std::move(*item));
  }
  s.length = at - start;
  parent.children.push_back(std::move(s));
}

void dns_tree(Field& parent, Bytes msg, std::size_t base, const std::string& decode_error) {
  DnsWalker w{msg, base, 0, {}};
  if (msg.size() < 12) {
    parent.children.push_back(note("[Malformed: DNS header needs 12 bytes, " + std::to_string(msg.size()) + " present]", base));
    return;
  }
  char id[8];
  std::snprintf(id, sizeof id, "0x%04x", read16(msg, 0));
  parent.children.push_back(w.row(std::string("Transaction ID: ") + id, 0, 2));
  parent.children.push_back(w.header());
  const char* count_names[] = {"Questions", "Answer RRs", "Authority RRs", "Additional RRs"};
  for (std::size_t i = 0; i < 4; ++i)
    parent.children.push_back(w.row(std::string(count_names[i]) + ": " + std::to_string(read16(msg, 4 + 2 * i)), 4 + 2 * i, 2));
  w.at = 12;
  w.section(parent, "Queries", read16(msg, 4), true);
  w.section(parent, "Answers", read16(msg, 6), false);
  w.section(parent, "Authoritative nameservers", read16(msg, 8), false);
  w.section(parent, "Additional records", read16(msg, 10), false);
  if (!w.problem.empty()) parent.children.push_back(note("[Malformed: " + w.problem + "]", base + std::min(w.at, msg.size())));
  else if (!decode_error.empty()) parent.children.push_back(note("[Malformed: " + decode_error + "]", base + w.at));
  else if (w.at < msg.size())
    parent.children.push_back(w.row("Trailing data (" + bytes_text(msg.size() - w.at) + ")", w.at, msg.size() - w.at));
}

AppDissection dissect_dns(const Payload& p, bool with_tree) {
  AppDissection out{"DNS", "", std::nullopt};
  if (with_tree) out.tree = Field{"Domain Name System", p.base, p.bytes.size(), {}};
  Bytes msg = p.bytes;
  std::size_t base = p.base;
  if (p.tcp) {
    // RFC 1035 4.2.2: over TCP each message is preceded by its length in two octets.
    if (msg.size() < 2) {
      out.summary = "malformed DNS message";
      if (with_tree) out.tree->children.push_back(note("[Malformed: the 2-byte length prefix is cut short]", p.base));
      return out;
    }
    const std::size_t length = read16(msg, 0);
    if (with_tree) out.tree->children.push_back({"Length: " + std::to_string(length), p.base, 2, {}});
    msg = msg.subspan(2);
    base += 2;
    if (msg.size() < length) {
      out.summary = "partial DNS message (" + std::to_string(msg.size()) + " of " + bytes_text(length) + ")";
      if (with_tree) out.tree->children.push_back({"Partial message (" + bytes_text(msg.size()) + ")", base, msg.size(), {}});
      return out;
    }
    if (with_tree && msg.size() > length)
      out.tree->children.push_back(
          {"Next message (" + bytes_text(msg.size() - length) + ")", base + length, msg.size() - length, {}});
    msg = msg.first(length);
  }
  const dns::DecodeResult decoded = dns::decode(msg);
  out.summary = decoded.message ? cut_text(dns_summary(*decoded.message)) : "malformed DNS message";
  if (with_tree) dns_tree(*out.tree, msg, base, decoded.message ? "" : decoded.error);
  return out;
}

// ---------------------------------------------------------------------------------------------
// BitTorrent peer wire (BEP 3)

const char* message_title(std::uint8_t id) {
  static constexpr const char* titles[] = {"Choke", "Unchoke", "Interested", "Not Interested", "Have",
                                           "Bitfield", "Request", "Piece", "Cancel"};
  return id < std::size(titles) ? titles[id] : "Unknown";
}

// BEP 3's length for each id, prefix excluded: exact, or a minimum for bitfield and piece.
bool plausible_message(std::uint32_t length, std::optional<std::uint8_t> id) {
  if (length + std::size_t{4} > bittorrent::DefaultMaxMessageSize) return false;
  if (!id) return true;
  switch (*id) {
    case 0:
    case 1:
    case 2:
    case 3: return length == 1;
    case 4: return length == 5;
    case 5: return length >= 1;
    case 6:
    case 8: return length == 13;
    case 7: return length >= 9;
    default: return false;
  }
}

struct BtWalk {
  std::vector<std::string> words;  // "handshake", "have 17", ...
  std::optional<Field> tree;
};

std::string hex_bytes(Bytes bytes) {
  std::string out;
  char buf[4];
  for (const std::uint8_t b : bytes) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    out += buf;
  }
  return out;
}

// The handshake at the payload's start, or as much of it as arrived.
void bt_handshake(BtWalk& walk, Bytes b, std::size_t base) {
  walk.words.push_back("handshake");
  if (!walk.tree) return;
  const std::size_t present = std::min(b.size(), bittorrent::HandshakeSize);
  Field hs{"Handshake", base, present, {}};
  struct Part { const char* name; std::size_t at, length; };
  static constexpr Part parts[] = {{"Protocol Name Length", 0, 1},
                                   {"Protocol Name", 1, 19},
                                   {"Reserved Extension Bytes", 20, 8},
                                   {"SHA1 Hash of info dictionary", 28, 20},
                                   {"Peer ID", 48, 20}};
  for (const Part& part : parts) {
    if (!fits(b, part.at, part.length)) {
      hs.children.push_back(note("[Handshake continues in the next segment]", base + present));
      break;
    }
    const Bytes bytes = b.subspan(part.at, part.length);
    const bool text = part.at == 1 || part.at == 48;  // the protocol name and the peer id
    std::string value = part.at == 0 ? std::to_string(b[0]) : text ? display_text(bytes) : hex_bytes(bytes);
    hs.children.push_back({std::string(part.name) + ": " + value, base + part.at, part.length, {}});
  }
  walk.tree->children.push_back(std::move(hs));
}

// One message at b[at]: its summary words and tree rows, as much as is present.
void bt_message(BtWalk& walk, Bytes b, std::size_t at, std::size_t base) {
  const std::uint32_t length = read32(b, at);
  const std::size_t present = std::min<std::size_t>(b.size() - at, std::size_t{4} + length);
  Field row{"", base + at, present, {}};
  row.children.push_back({"Message Length: " + std::to_string(length), base + at, 4, {}});
  if (length == 0) {
    walk.words.push_back("keep-alive");
    row.text = "Keep-alive";
    if (walk.tree) walk.tree->children.push_back(std::move(row));
    return;
  }
  std::string words;
  if (present < 5) {
    words = "message (continues)";
  } else {
    const std::uint8_t id = b[at + 4];
    words = bittorrent::to_string(static_cast<bittorrent::MessageType>(id));
    std::string type = "Message Type: ";
    type += message_title(id);
    type += " (" + std::to_string(id) + ")";
    row.children.push_back({std::move(type), base + at + 4, 1, {}});
    const std::size_t fields = at + 5;
    const bool index = fits(b, fields, 4) && present >= 9;
    const bool begin = index && present >= 13;
    const bool req_length = begin && present >= 17;
    if (id == 4 || id == 6 || id == 7 || id == 8) {
      if (index) {
        words += " " + std::to_string(read32(b, fields));
        row.children.push_back({"Piece index: " + std::to_string(read32(b, fields)), base + fields, 4, {}});
      }
      if (id != 4 && begin) {
        words += " @" + std::to_string(read32(b, fields + 4));
        row.children.push_back({"Begin offset of piece: " + std::to_string(read32(b, fields + 4)), base + fields + 4, 4, {}});
      }
      if ((id == 6 || id == 8) && req_length) {
        if (id == 6) words += " (" + std::to_string(read32(b, fields + 8)) + " B)";
        row.children.push_back({"Requested length: " + std::to_string(read32(b, fields + 8)), base + fields + 8, 4, {}});
      }
      if (id == 7 && present > 13) {
        const std::size_t block = length - 9;
        const std::size_t here = present - 13;
        std::string text = "Block: " + bytes_text(here);
        if (here < block) text += " of " + std::to_string(block) + " in this segment";
        row.children.push_back({std::move(text), base + at + 13, here, {}});
      }
    }
    if (id == 5 && present > 5) {
      const Bytes bits = b.subspan(fields, present - 5);
      std::size_t set = 0;
      for (const std::uint8_t byte : bits) set += static_cast<std::size_t>(std::popcount(byte));
      std::string text = "Bitfield data: " + bytes_text(bits.size()) + ", " + std::to_string(set) + " pieces set";
      if (bits.size() <= 16) text += " (" + hex_bytes(bits) + ")";
      row.children.push_back({std::move(text), base + fields, bits.size(), {}});
    }
  }
  if (present < std::size_t{4} + length)
    row.children.push_back(note("[Message continues in the next segment]", base + at + present));
  row.text = "Message: " + words;
  walk.words.push_back(std::move(words));
  if (walk.tree) walk.tree->children.push_back(std::move(row));
}

bool starts_with_handshake(Bytes b) {
  if (b.size() < 2 || b[0] != bittorrent::ProtocolString.size()) return false;
  const std::size_t n = std::min(b.size() - 1, bittorrent::ProtocolString.size());
  return std::equal(b.begin() + 1, b.begin() + 1 + static_cast<std::ptrdiff_t>(n), bittorrent::ProtocolString.begin());
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string rest = " +" + std::to_string(words.size() - i) + " more";
    if (i > 0 && out.size() + 2 + words[i].size() > 70) return out + rest;
    if (i > 0) out += ", ";
    out += words[i];
  }
  return out;
}

AppDissection dissect_bittorrent(const Payload& p, bool with_tree) {
  const Bytes b = p.bytes;
  BtWalk walk;
  if (with_tree) walk.tree = Field{"BitTorrent", p.base, b.size(), {}};
  std::size_t at = 0;
  if (starts_with_handshake(b)) {
    bt_handshake(walk, b, p.base);
    at = std::min(b.size(), bittorrent::HandshakeSize);
  }
  while (at < b.size()) {
    if (b.size() - at < 4) {
      if (walk.tree) walk.tree->children.push_back({"Message Length (cut short)", p.base + at, b.size() - at, {}});
      break;
    }
    const std::uint32_t length = read32(b, at);
    std::optional<std::uint8_t> id;
    if (length > 0 && at + 4 < b.size()) id = b[at + 4];
    if (!plausible_message(length, id)) {
      // Not a message start: the segment carries the rest of an earlier message, a piece's
      // block in practice.
      if (at == 0) walk.words.push_back("piece data (continued)");
      if (walk.tree) {
        std::string text = at == 0 ? "Continuation data (" : "Unrecognised data (";
        text += bytes_text(b.size() - at) + ")";
        walk.tree->children.push_back({std::move(text), p.base + at, b.size() - at, {}});
      }
      break;
    }
    bt_message(walk, b, at, p.base);
    at += std::min<std::size_t>(b.size() - at, std::size_t{4} + length);
  }
  return {"BitTorrent", cut_text(join_words(walk.words), 90), std::move(walk.tree)};
}

// ---------------------------------------------------------------------------------------------

// Bytes after a UTF-8 lead byte, or -1 when `lead` cannot start a sequence.
int continuation_count(std::uint8_t lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return 1;
  if (lead >= 0xE0 && lead <= 0xEF) return 2;
  if (lead >= 0xF0 && lead <= 0xF4) return 3;
  return -1;
}

}  // namespace

std::string display_text(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const std::uint8_t b = bytes[i];
    if (b >= 0x20 && b < 0x7F) {
      out += static_cast<char>(b);
      continue;
    }
    if (b == '\t') {
      out += ' ';
      continue;
    }
    // Keep a whole, well-formed UTF-8 sequence (overlong and surrogate forms are not checked:
    // the text is only shown).
    const int more = b >= 0x80 ? continuation_count(b) : -1;
    bool valid = more > 0 && static_cast<std::size_t>(more) < bytes.size() - i;
    for (int k = 1; valid && k <= more; ++k) valid = (bytes[i + static_cast<std::size_t>(k)] & 0xC0) == 0x80;
    if (!valid) {
      out += '.';
      continue;
    }
    out.append(reinterpret_cast<const char*>(&bytes[i]), static_cast<std::size_t>(more) + 1);
    i += static_cast<std::size_t>(more);
  }
  return out;
}

std::string cut_text(std::string_view text, std::size_t limit) {
  std::size_t chars = 0;
  std::size_t cut = text.size();  // where character number limit - 1 starts
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // inside a character
    if (chars == limit - 1) cut = i;
    if (++chars > limit) {
      std::string out(text.substr(0, cut));
      out += "…";
      return out;
    }
  }
  return std::string(text);
}

AppDissection dissect_application(const Payload& p, bool with_tree) {
  const App app = recognise(p);
  switch (app) {
    case App::Smtp:
    case App::Pop3:
    case App::Imap:
    case App::Ftp:
    case App::Echo: return dissect_text(app, p, with_tree);
    case App::Http: return dissect_http(p, with_tree);
    case App::FtpData: return dissect_ftp_data(p, with_tree);
    case App::Dns: return dissect_dns(p, with_tree);
    case App::BitTorrent: return dissect_bittorrent(p, with_tree);
    case App::None: break;
  }
  AppDissection out;
  if (with_tree && !p.bytes.empty()) out.tree = Field{"Data (" + bytes_text(p.bytes.size()) + ")", p.base, p.bytes.size(), {}};
  return out;
}

}  // namespace wiresim::viz::detail
