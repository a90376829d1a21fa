// The RFC 1035 section 4 wire codec with name compression (4.1.4), and the text forms dig and
// Wireshark show. Leaves out EDNS(0), DNSSEC and TSIG: their records pass through as raw data.
#include "protocols/dns/message.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "protocols/dns/name.hpp"
#include "sim/core/units.hpp"

namespace wiresim::dns {
namespace {

std::string at_offset(std::size_t offset) { return " at offset " + std::to_string(offset); }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// "\DDD" for one octet, as in RFC 1035 5.1.
void append_decimal_escape(std::string& out, unsigned char octet) {
  out += '\\';
  out += static_cast<char>('0' + octet / 100);
  out += static_cast<char>('0' + octet / 10 % 10);
  out += static_cast<char>('0' + octet % 10);
}

// ---------------------------------------------------------------------------------------------
// Encoding

class Writer {
 public:
  void u8(std::uint8_t value) { out_.push_back(value); }
  void u16(std::uint16_t value) {
    u8(static_cast<std::uint8_t>(value >> 8));
    u8(static_cast<std::uint8_t>(value & 0xFF));
  }
  void u32(std::uint32_t value) {
    u16(static_cast<std::uint16_t>(value >> 16));
    u16(static_cast<std::uint16_t>(value & 0xFFFF));
  }
  void bytes(const void* data, std::size_t size) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    out_.insert(out_.end(), p, p + size);
  }
  std::size_t size() const { return out_.size(); }
  void patch16(std::size_t at, std::uint16_t value) {
    out_[at] = static_cast<std::uint8_t>(value >> 8);
    out_[at + 1] = static_cast<std::uint8_t>(value & 0xFF);
  }
  std::vector<std::uint8_t> take() { return std::move(out_); }

  // RFC 1035 4.1.4: a name ends either with the root's zero octet or with a pointer to a suffix
  // written earlier. Suffixes match case-insensitively (RFC 4343 4.1 notes the case of a later
  // copy may be lost this way). A pointer has 14 bits, so only offsets below 0x4000 are kept.
  void name(std::string_view presentation) {
    auto parts = labels(presentation);
    // Names are assumed valid; dropping empty labels and cutting overlong ones keeps the output
    // parseable even when one is not.
    std::erase_if(parts, [](const std::string& label) { return label.empty(); });
    for (auto& label : parts)
      if (label.size() > MaxLabelLength) label.resize(MaxLabelLength);
    // keys[i]: the lower-cased wire form of the suffix starting at label i.
    std::vector<std::string> keys(parts.size());
    std::string suffix;
    for (std::size_t i = parts.size(); i-- > 0;) {
      std::string key(1, static_cast<char>(parts[i].size()));
      for (const char c : parts[i]) key += lower(c);
      suffix.insert(0, key);
      keys[i] = suffix;
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (const auto known = suffixes_.find(keys[i]); known != suffixes_.end()) {
        u16(static_cast<std::uint16_t>(0xC000 | known->second));
        return;
      }
      if (out_.size() < 0x4000) suffixes_.emplace(keys[i], static_cast<std::uint16_t>(out_.size()));
      u8(static_cast<std::uint8_t>(parts[i].size()));
      bytes(parts[i].data(), parts[i].size());
    }
    u8(0);
  }

 private:
  std::vector<std::uint8_t> out_;
  std::map<std::string, std::uint16_t> suffixes_;  // suffix key -> where it was written
};

// Names inside NS, CNAME, PTR, MX and SOA data are compressed too: RFC 3597 4 allows it for the
// types of RFC 1035 and forbids it for any later type, which all arrive here as RawData.
void write_rdata(Writer& w, const Rdata& data) {
  if (const auto* a = std::get_if<AData>(&data)) {
    w.bytes(a->address.data(), a->address.size());
  } else if (const auto* aaaa = std::get_if<AaaaData>(&data)) {
    w.bytes(aaaa->address.data(), aaaa->address.size());
  } else if (const auto* n = std::get_if<NameData>(&data)) {
    w.name(n->target);
  } else if (const auto* mx = std::get_if<MxData>(&data)) {
    w.u16(mx->preference);
    w.name(mx->exchange);
  } else if (const auto* soa = std::get_if<SoaData>(&data)) {
    w.name(soa->mname);
    w.name(soa->rname);
    for (const std::uint32_t v : {soa->serial, soa->refresh, soa->retry, soa->expire, soa->minimum}) w.u32(v);
  } else if (const auto* txt = std::get_if<TxtData>(&data)) {
    // RFC 1035 3.3: a <character-string> is a length octet and at most 255 octets.
    for (const auto& s : txt->strings) {
      const std::size_t size = std::min<std::size_t>(s.size(), 255);
      w.u8(static_cast<std::uint8_t>(size));
      w.bytes(s.data(), size);
    }
  } else if (const auto* raw = std::get_if<RawData>(&data)) {
    w.bytes(raw->bytes.data(), raw->bytes.size());
  }
}

void write_record(Writer& w, const ResourceRecord& rr) {
  w.name(rr.name);
  w.u16(static_cast<std::uint16_t>(rr.type));
  w.u16(rr.klass);
  w.u32(rr.ttl);
  const std::size_t length_at = w.size();
  w.u16(0);  // RDLENGTH, known once the data (with its compressed names) is written
  write_rdata(w, rr.data);
  w.patch16(length_at, static_cast<std::uint16_t>(w.size() - length_at - 2));
}

// ---------------------------------------------------------------------------------------------
// Decoding

// Reads untrusted bytes. Every read is checked against `end_`: the message end, or while
// decoding record data, the end of its RDLENGTH. The first problem stops decoding.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes), end_(bytes.size()) {}

  std::size_t pos() const { return pos_; }
  std::size_t remaining() const { return end_ - pos_; }
  bool has(std::size_t n) const { return end_ - pos_ >= n; }
  const std::string& error() const { return error_; }
  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  // The next reads must stay before `end`; `overrun` is the message when one does not.
  void limit(std::size_t end, std::string overrun) {
    end_ = end;
    overrun_ = std::move(overrun);
  }
  void unlimit() {
    end_ = bytes_.size();
    overrun_.clear();
  }
  bool overrun() { return fail(overrun_); }

  // Callers check has() first.
  std::uint8_t u8() { return bytes_[pos_++]; }
  std::uint16_t u16() {
    const auto high = u8();
    return static_cast<std::uint16_t>(high << 8 | u8());
  }
  std::uint32_t u32() {
    const std::uint32_t high = u16();
    return high << 16 | u16();
  }
  void copy(void* to, std::size_t n) {
    std::copy_n(bytes_.data() + pos_, n, static_cast<std::uint8_t*>(to));
    pos_ += n;
  }

  bool name(std::string& out);

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
  std::size_t end_;
  std::string overrun_;
  std::string error_;
};

// RFC 1035 4.1.4 leaves room for loops: a pointer may name any offset. Encoders only point at
// names written earlier, so every pointer must land before the stretch of labels being read;
// then each jump goes strictly backwards and reading ends. The jump cap bounds the work a chain
// of pointers can cause: a name has at most 127 labels, so no sane encoder needs more.
bool Reader::name(std::string& out) {
  constexpr std::size_t MaxJumps = 128;
  const std::size_t start = pos_;
  std::vector<std::string> parts;
  std::size_t p = pos_;
  std::size_t run_start = pos_;  // where the labels being read began: the name, or a jump target
  std::size_t wire_length = 1;
  std::size_t jumps = 0;
  // Before the first jump the name lies in place and must stay before end_; after it, the labels
  // may be anywhere earlier in the message.
  const auto past_end = [&](std::string message) {
    return jumps == 0 && !overrun_.empty() ? overrun() : fail(std::move(message));
  };
  for (;;) {
    const std::size_t limit = jumps == 0 ? end_ : bytes_.size();
    if (p >= limit) return past_end("name" + at_offset(start) + " runs past the end of the message");
    const std::uint8_t length = bytes_[p];
    if (length == 0) {
      if (jumps == 0) pos_ = p + 1;
      break;
    }
    const std::uint8_t kind = length & 0xC0;
    if (kind == 0xC0) {
      if (p + 1 >= limit) {
        return past_end("compression pointer" + at_offset(p) + " is cut off by the end of the message");
      }
      const std::size_t target = static_cast<std::size_t>(length & 0x3F) << 8 | bytes_[p + 1];
      std::string pointer = "compression pointer" + at_offset(p);
      if (target == p) return fail(pointer + " points to itself");
      if (target > p) return fail(pointer + " points forward to " + std::to_string(target));
      if (target >= run_start) return fail(pointer + " loops back to " + std::to_string(target));
      if (++jumps > MaxJumps) {
        std::string message = "name" + at_offset(start) + " follows more than ";
        message += std::to_string(MaxJumps) + " compression pointers";
        return fail(message);
      }
      if (jumps == 1) pos_ = p + 2;
      p = run_start = target;
      continue;
    }
    // A length octet of 64..127 has the top bits 01, the extended label type RFC 6891 retired;
    // far more often it is a label that broke the 63-octet limit, so say that.
    if (kind == 0x40) {
      std::string message = "label of " + std::to_string(length) + " octets" + at_offset(p);
      message += "; at most 63";
      return fail(message);
    }
    if (kind == 0x80) return fail("reserved label type 0x80" + at_offset(p));
    if (limit - p - 1 < length) {
      return past_end("label of " + counted(length, "octet") + at_offset(p) + " runs past the end of the message");
    }
    wire_length += 1 + length;
    if (wire_length > MaxNameLength) return fail("name" + at_offset(start) + " longer than 255 octets");
    parts.emplace_back(reinterpret_cast<const char*>(bytes_.data() + p + 1), length);
    p += 1 + length;
  }
  out = from_labels(parts);
  return true;
}

bool read_rdata(Reader& r, ResourceRecord& rr, std::size_t length) {
  const std::string type = type_name(rr.type);
  const auto wrong_length = [&](std::size_t expected) {
    std::string message = type + " record data is " + counted(length, "octet");
    message += "; expected " + std::to_string(expected);
    return r.fail(message);
  };
  // Only class IN gives these types their meaning (RFC 1035 3.2.4); elsewhere keep the bytes.
  // ANY has no data format of its own, so it lands in the raw case below.
  const RrType kind = rr.klass == ClassIn ? rr.type : RrType::ANY;
  switch (kind) {
    case RrType::A: {
      if (length != 4) return wrong_length(4);
      AData a;
      r.copy(a.address.data(), 4);
      rr.data = a;
      return true;
    }
    case RrType::AAAA: {
      if (length != 16) return wrong_length(16);
      AaaaData aaaa;
      r.copy(aaaa.address.data(), 16);
      rr.data = aaaa;
      return true;
    }
    case RrType::NS:
    case RrType::CNAME:
    case RrType::PTR: {
      NameData n;
      if (!r.name(n.target)) return false;
      rr.data = std::move(n);
      break;
    }
    case RrType::MX: {
      MxData mx;
      if (!r.has(2)) return r.overrun();
      mx.preference = r.u16();
      if (!r.name(mx.exchange)) return false;
      rr.data = std::move(mx);
      break;
    }
    case RrType::SOA: {
      SoaData soa;
      if (!r.name(soa.mname) || !r.name(soa.rname)) return false;
      if (!r.has(20)) return r.overrun();
      for (std::uint32_t* v : {&soa.serial, &soa.refresh, &soa.retry, &soa.expire, &soa.minimum}) *v = r.u32();
      rr.data = std::move(soa);
      break;
    }
    case RrType::TXT: {
      // RFC 1035 3.3.14: one or more <character-string>s, filling the data exactly.
      if (length == 0) return r.fail("TXT record data is empty; it needs at least one string");
      TxtData txt;
      while (r.remaining() > 0) {
        const std::size_t size = r.u8();
        if (!r.has(size)) return r.overrun();
        std::string s(size, '\0');
        r.copy(s.data(), size);
        txt.strings.push_back(std::move(s));
      }
      rr.data = std::move(txt);
      break;
    }
    default: {
      RawData raw;
      raw.bytes.resize(length);
      r.copy(raw.bytes.data(), length);
      rr.data = std::move(raw);
      return true;
    }
  }
  if (r.remaining() > 0) {
    return r.fail(type + " record data has " + counted(r.remaining(), "unused octet") + " at its end");
  }
  return true;
}

bool read_question(Reader& r, Question& q) {
  const std::size_t at = r.pos();
  if (!r.name(q.name)) return false;
  if (!r.has(4)) return r.fail("question" + at_offset(at) + " ends before its type and class");
  q.type = static_cast<RrType>(r.u16());
  q.klass = r.u16();
  return true;
}

bool read_record(Reader& r, ResourceRecord& rr) {
  const std::size_t at = r.pos();
  if (!r.name(rr.name)) return false;
  if (!r.has(10)) return r.fail("record" + at_offset(at) + " ends before its type, class, TTL and RDLENGTH");
  rr.type = static_cast<RrType>(r.u16());
  rr.klass = r.u16();
  rr.ttl = r.u32();
  const std::size_t length = r.u16();
  if (!r.has(length)) {
    std::string message = "record" + at_offset(at) + " has RDLENGTH " + std::to_string(length);
    message += " but only " + counted(r.remaining(), "octet") + " remain";
    return r.fail(message);
  }
  r.limit(r.pos() + length, type_name(rr.type) + " record data overruns its RDLENGTH");
  const bool ok = read_rdata(r, rr, length);
  r.unlimit();
  return ok;
}

// "answer count 5 but the message ends after 2 records": counts come from the peer, so records
// are read one at a time until the bytes run out, never reserved up front.
bool read_section(Reader& r, std::size_t count, std::string_view section, std::vector<ResourceRecord>& into) {
  for (std::size_t i = 0; i < count; ++i) {
    if (r.remaining() == 0) {
      std::string message(section);
      message += " count " + std::to_string(count) + " but the message ends after " + counted(i, "record");
      return r.fail(message);
    }
    ResourceRecord rr;
    if (!read_record(r, rr)) return false;
    into.push_back(std::move(rr));
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Text

std::string ipv4_text(const std::array<std::uint8_t, 4>& a) {
  std::string out;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i > 0) out += '.';
    out += std::to_string(a[i]);
  }
  return out;
}

// RFC 5952 4: lower-case hex without leading zeros, the longest run of two or more zero groups
// (the first of equals) as "::"; 5: an IPv4-mapped address ends in dotted decimal.
std::string ipv6_text(const std::array<std::uint8_t, 16>& a) {
  std::array<unsigned, 8> groups{};
  for (std::size_t i = 0; i < 8; ++i) groups[i] = static_cast<unsigned>(a[2 * i] << 8 | a[2 * i + 1]);
  const bool mapped = groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0 &&
                      groups[5] == 0xFFFF;
  const std::size_t hex_groups = mapped ? 6 : 8;
  std::size_t best = hex_groups, best_length = 1;
  for (std::size_t i = 0; i < hex_groups;) {
    std::size_t j = i;
    while (j < hex_groups && groups[j] == 0) ++j;
    if (j - i > best_length) {
      best = i;
      best_length = j - i;
    }
    i = j == i ? i + 1 : j;
  }
  std::string out;
  for (std::size_t i = 0; i < hex_groups;) {
    if (i == best) {
      out += "::";
      i += best_length;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    char buf[8];
    std::snprintf(buf, sizeof buf, "%x", groups[i]);
    out += buf;
    ++i;
  }
  if (mapped) {
    if (out.back() != ':') out += ':';
    out += ipv4_text({a[12], a[13], a[14], a[15]});
  }
  return out;
}

// RFC 1035 5.1: a quoted <character-string>, with '"' and '\' escaped and other unprintable
// octets as \DDD, as dig prints TXT data.
std::string quoted_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto octet = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (octet < 0x20 || octet > 0x7E) {
      append_decimal_escape(out, octet);
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

// Untrusted text on one trace line: no control characters, so a peer cannot break the line.
std::string printable(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const auto octet = static_cast<unsigned char>(c);
    if (octet < 0x20 || octet > 0x7E) append_decimal_escape(out, octet);
    else out += c;
  }
  return out;
}

// Wireshark writes names without the final dot, and the root as "<Root>".
std::string info_name(std::string_view name) {
  if (name == "." || name.empty()) return "<Root>";
  if (name.back() == '.') name.remove_suffix(1);
  return std::string(name);
}

std::string info_data(const Rdata& data) {
  if (const auto* a = std::get_if<AData>(&data)) return ipv4_text(a->address);
  if (const auto* aaaa = std::get_if<AaaaData>(&data)) return ipv6_text(aaaa->address);
  if (const auto* n = std::get_if<NameData>(&data)) return info_name(n->target);
  if (const auto* mx = std::get_if<MxData>(&data)) {
    return std::to_string(mx->preference) + " " + info_name(mx->exchange);
  }
  if (const auto* soa = std::get_if<SoaData>(&data)) return info_name(soa->mname);
  if (const auto* txt = std::get_if<TxtData>(&data)) return txt->strings.empty() ? "" : printable(txt->strings.front());
  return "";
}

std::string operation_text(Opcode opcode) {
  switch (opcode) {
    case Opcode::Query: return "Standard query";
    case Opcode::IQuery: return "Inverse query";
    case Opcode::Status: return "Server status request";
  }
  return "Unknown operation (" + std::to_string(static_cast<unsigned>(opcode)) + ")";
}

std::string rcode_text(Rcode rcode) {
  switch (rcode) {
    case Rcode::NoError: return "No error";
    case Rcode::FormErr: return "Format error";
    case Rcode::ServFail: return "Server failure";
    case Rcode::NXDomain: return "No such name";
    case Rcode::NotImp: return "Not implemented";
    case Rcode::Refused: return "Refused";
  }
  return "Unknown error (" + std::to_string(static_cast<unsigned>(rcode)) + ")";
}

}  // namespace

std::string type_name(RrType type) {
  switch (type) {
    case RrType::A: return "A";
    case RrType::NS: return "NS";
    case RrType::CNAME: return "CNAME";
    case RrType::SOA: return "SOA";
    case RrType::PTR: return "PTR";
    case RrType::MX: return "MX";
    case RrType::TXT: return "TXT";
    case RrType::AAAA: return "AAAA";
    case RrType::ANY: return "ANY";
  }
  // RFC 3597 5: the generic name of a type without a mnemonic.
  return "TYPE" + std::to_string(static_cast<unsigned>(type));
}

std::optional<RrType> parse_type(std::string_view text) {
  std::string upper(text);
  for (auto& c : upper)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  for (const RrType t : {RrType::A, RrType::NS, RrType::CNAME, RrType::SOA, RrType::PTR, RrType::MX, RrType::TXT,
                         RrType::AAAA, RrType::ANY}) {
    if (upper == type_name(t)) return t;
  }
  const std::string_view prefix = "TYPE";
  if (upper.size() <= prefix.size() || upper.size() > prefix.size() + 5 || upper.compare(0, prefix.size(), prefix) != 0)
    return std::nullopt;
  unsigned value = 0;
  for (std::size_t i = prefix.size(); i < upper.size(); ++i) {
    if (upper[i] < '0' || upper[i] > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(upper[i] - '0');
  }
  if (value > 0xFFFF) return std::nullopt;
  return static_cast<RrType>(value);
}

std::string class_name(std::uint16_t klass) {
  switch (klass) {
    case 1: return "IN";
    case 3: return "CH";
    case 4: return "HS";
    case 255: return "ANY";
    default: return "CLASS" + std::to_string(klass);
  }
}

std::string rcode_name(Rcode rcode) {
  switch (rcode) {
    case Rcode::NoError: return "NOERROR";
    case Rcode::FormErr: return "FORMERR";
    case Rcode::ServFail: return "SERVFAIL";
    case Rcode::NXDomain: return "NXDOMAIN";
    case Rcode::NotImp: return "NOTIMP";
    case Rcode::Refused: return "REFUSED";
  }
  return "RCODE" + std::to_string(static_cast<unsigned>(rcode));
}

std::string opcode_name(Opcode opcode) {
  switch (opcode) {
    case Opcode::Query: return "QUERY";
    case Opcode::IQuery: return "IQUERY";
    case Opcode::Status: return "STATUS";
  }
  return "OPCODE" + std::to_string(static_cast<unsigned>(opcode));
}

std::string rdata_text(const ResourceRecord& rr) {
  const Rdata& data = rr.data;
  if (const auto* a = std::get_if<AData>(&data)) return ipv4_text(a->address);
  if (const auto* aaaa = std::get_if<AaaaData>(&data)) return ipv6_text(aaaa->address);
  if (const auto* n = std::get_if<NameData>(&data)) return n->target;
  if (const auto* mx = std::get_if<MxData>(&data)) return std::to_string(mx->preference) + " " + mx->exchange;
  if (const auto* soa = std::get_if<SoaData>(&data)) {
    std::string out = soa->mname + " " + soa->rname;
    for (const std::uint32_t v : {soa->serial, soa->refresh, soa->retry, soa->expire, soa->minimum}) {
      out += ' ';
      out += std::to_string(v);
    }
    return out;
  }
  if (const auto* txt = std::get_if<TxtData>(&data)) {
    std::string out;
    for (const auto& s : txt->strings) {
      if (!out.empty()) out += ' ';
      out += quoted_string(s);
    }
    return out;
  }
  // RFC 3597 5: the generic form, "\# length hex".
  const auto& bytes = std::get<RawData>(data).bytes;
  std::string out = "\\# " + std::to_string(bytes.size());
  if (!bytes.empty()) out += ' ';
  for (const std::uint8_t b : bytes) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02x", b);
    out += buf;
  }
  return out;
}

std::string to_string(const ResourceRecord& rr) {
  std::string out = rr.name;
  out += '\t';
  out += std::to_string(rr.ttl);
  out += '\t';
  out += class_name(rr.klass);
  out += '\t';
  out += type_name(rr.type);
  out += '\t';
  out += rdata_text(rr);
  return out;
}

std::vector<std::uint8_t> encode(const Message& message) {
  Writer w;
  const Header& h = message.header;
  // RFC 1035 4.1.1: |QR| Opcode |AA|TC|RD|RA| Z | RCODE |
  w.u16(h.id);
  w.u8(static_cast<std::uint8_t>((h.qr ? 0x80 : 0) | (static_cast<unsigned>(h.opcode) & 0x0F) << 3 | (h.aa ? 0x04 : 0) |
                                 (h.tc ? 0x02 : 0) | (h.rd ? 0x01 : 0)));
  w.u8(static_cast<std::uint8_t>((h.ra ? 0x80 : 0) | (h.z & 0x07) << 4 | (static_cast<unsigned>(h.rcode) & 0x0F)));
  for (const std::size_t count :
       {message.questions.size(), message.answers.size(), message.authority.size(), message.additional.size()}) {
    w.u16(static_cast<std::uint16_t>(count));
  }
  for (const auto& q : message.questions) {
    w.name(q.name);
    w.u16(static_cast<std::uint16_t>(q.type));
    w.u16(q.klass);
  }
  for (const auto* section : {&message.answers, &message.authority, &message.additional})
    for (const auto& rr : *section) write_record(w, rr);
  return w.take();
}

std::vector<std::uint8_t> encode_limited(const Message& message, std::size_t limit) {
  auto full = encode(message);
  if (full.size() <= limit) return full;
  Message truncated = message;
  truncated.header.tc = true;
  truncated.answers.clear();
  truncated.authority.clear();
  truncated.additional.clear();
  return encode(truncated);
}

DecodeResult decode(std::span<const std::uint8_t> bytes) {
  DecodeResult result;
  if (bytes.size() < 12) {
    result.error = "message is " + counted(bytes.size(), "octet") + "; a DNS header is 12";
    return result;
  }
  Reader r(bytes);
  Header h;
  h.id = r.u16();
  const std::uint8_t flags = r.u8();
  const std::uint8_t flags2 = r.u8();
  h.qr = (flags & 0x80) != 0;
  h.opcode = static_cast<Opcode>(flags >> 3 & 0x0F);
  h.aa = (flags & 0x04) != 0;
  h.tc = (flags & 0x02) != 0;
  h.rd = (flags & 0x01) != 0;
  h.ra = (flags2 & 0x80) != 0;
  h.z = static_cast<std::uint8_t>(flags2 >> 4 & 0x07);
  h.rcode = static_cast<Rcode>(flags2 & 0x0F);
  result.header = h;
  const std::size_t question_count = r.u16();
  const std::size_t answer_count = r.u16();
  const std::size_t authority_count = r.u16();
  const std::size_t additional_count = r.u16();

  Message m;
  m.header = h;
  for (std::size_t i = 0; i < question_count; ++i) {
    if (r.remaining() == 0) {
      result.error = "question count " + std::to_string(question_count) + " but the message ends after " +
                     counted(i, "question");
      return result;
    }
    Question q;
    if (!read_question(r, q)) {
      result.error = r.error();
      return result;
    }
    m.questions.push_back(std::move(q));
  }
  if (!read_section(r, answer_count, "answer", m.answers) ||
      !read_section(r, authority_count, "authority", m.authority) ||
      !read_section(r, additional_count, "additional", m.additional)) {
    result.error = r.error();
    return result;
  }
  if (r.remaining() > 0) {
    const bool records = answer_count + authority_count + additional_count > 0;
    const char* last = records ? "the last record" : question_count > 0 ? "the last question" : "the header";
    result.error = counted(r.remaining(), "trailing octet") + " after " + last;
    return result;
  }
  result.message = std::move(m);
  return result;
}

std::size_t drop_other_classes(Message& message) {
  std::size_t dropped = 0;
  for (std::vector<ResourceRecord>* section : {&message.answers, &message.authority, &message.additional})
    dropped += std::erase_if(*section, [](const ResourceRecord& rr) { return rr.klass != ClassIn; });
  return dropped;
}

std::string summarize(const Message& message) {
  const Header& h = message.header;
  std::string out = operation_text(h.opcode);
  if (h.qr) out += " response";
  char id[16];
  std::snprintf(id, sizeof id, " 0x%04x", h.id);
  out += id;
  if (h.qr && h.rcode != Rcode::NoError) {
    out += ' ';
    out += rcode_text(h.rcode);
  }
  for (const auto& q : message.questions) {
    out += ' ';
    out += type_name(q.type);
    out += ' ';
    out += printable(info_name(q.name));
  }
  // Like Wireshark's Info column: every record of every section, so a referral reads
  // "... NS a.edu-servers.net A 192.5.6.30".
  for (const auto* section : {&message.answers, &message.authority, &message.additional})
    for (const auto& rr : *section) {
      out += ' ';
      out += type_name(rr.type);
      if (const std::string data = info_data(rr.data); !data.empty()) {
        out += ' ';
        out += data;
      }
    }
  return out;
}

std::string address_text(const Rdata& data) {
  if (const auto* a = std::get_if<AData>(&data)) return ipv4_text(a->address);
  return "";
}

}  // namespace wiresim::dns
