// The DNS message of RFC 1035 section 4: header, question, and the answer, authority and
// additional sections, with the record types a lecture meets (A, AAAA, NS, CNAME, SOA, MX, PTR,
// TXT; any other type is carried as raw bytes). Only class IN is interpreted. No EDNS(0).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wiresim::dns {

constexpr std::uint16_t Port = 53;
// RFC 1035 4.2.1: a UDP message is at most 512 octets; a longer answer is truncated (TC)
// and the client asks again over TCP.
constexpr std::size_t MaxUdpSize = 512;
constexpr std::uint16_t ClassIn = 1;

// Record types (RFC 1035 3.2.2, RFC 3596 for AAAA). Other values are legal on the wire.
enum class RrType : std::uint16_t { A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, MX = 15, TXT = 16, AAAA = 28, ANY = 255 };
enum class Opcode : std::uint8_t { Query = 0, IQuery = 1, Status = 2 };
// RFC 1035 4.1.1 response codes.
enum class Rcode : std::uint8_t { NoError = 0, FormErr = 1, ServFail = 2, NXDomain = 3, NotImp = 4, Refused = 5 };

std::string type_name(RrType type);          // "MX", or "TYPE99" for one we do not know
std::optional<RrType> parse_type(std::string_view text);  // "mx", "MX", "TYPE15"
std::string class_name(std::uint16_t klass);  // "IN", or "CLASS3"
std::string rcode_name(Rcode rcode);          // "NOERROR", "NXDOMAIN", ... or "RCODE9"
std::string opcode_name(Opcode opcode);       // "QUERY", ...

struct AData {
  std::array<std::uint8_t, 4> address{};
  friend bool operator==(const AData&, const AData&) = default;
};
struct AaaaData {
  std::array<std::uint8_t, 16> address{};
  friend bool operator==(const AaaaData&, const AaaaData&) = default;
};
struct NameData {  // NS, CNAME and PTR: one domain name
  std::string target;
  friend bool operator==(const NameData&, const NameData&) = default;
};
struct MxData {
  std::uint16_t preference = 0;
  std::string exchange;
  friend bool operator==(const MxData&, const MxData&) = default;
};
struct SoaData {
  std::string mname, rname;
  std::uint32_t serial = 0, refresh = 0, retry = 0, expire = 0;
  std::uint32_t minimum = 0;  // RFC 2308: the TTL of negative answers from this zone
  friend bool operator==(const SoaData&, const SoaData&) = default;
};
struct TxtData {
  std::vector<std::string> strings;  // each at most 255 octets
  friend bool operator==(const TxtData&, const TxtData&) = default;
};
struct RawData {  // a type we do not interpret, kept as it came
  std::vector<std::uint8_t> bytes;
  friend bool operator==(const RawData&, const RawData&) = default;
};
using Rdata = std::variant<AData, AaaaData, NameData, MxData, SoaData, TxtData, RawData>;

struct ResourceRecord {
  std::string name;  // absolute: "www.example.com."
  RrType type = RrType::A;
  std::uint16_t klass = ClassIn;
  std::uint32_t ttl = 0;
  Rdata data;

  friend bool operator==(const ResourceRecord&, const ResourceRecord&) = default;
};

// "10 mail.example.com.", "192.0.2.1", "\"v=spf1 -all\"": the record's data as in a zone file.
std::string rdata_text(const ResourceRecord& rr);
// "www.example.com.\t300\tIN\tA\t192.0.2.1": one line as dig prints it.
std::string to_string(const ResourceRecord& rr);

struct Question {
  std::string name;  // absolute
  RrType type = RrType::A;
  std::uint16_t klass = ClassIn;

  friend bool operator==(const Question&, const Question&) = default;
};

struct Header {
  std::uint16_t id = 0;
  bool qr = false;  // false: query, true: response
  Opcode opcode = Opcode::Query;
  bool aa = false;  // authoritative answer
  bool tc = false;  // truncated
  bool rd = false;  // recursion desired
  bool ra = false;  // recursion available
  std::uint8_t z = 0;  // three reserved bits, kept as they came
  Rcode rcode = Rcode::NoError;

  friend bool operator==(const Header&, const Header&) = default;
};

struct Message {
  Header header;
  std::vector<Question> questions;
  std::vector<ResourceRecord> answers, authority, additional;

  friend bool operator==(const Message&, const Message&) = default;
};

// RFC 1035 4.1 wire form, compressing names (4.1.4) against every name written before.
// Assumes valid names (check_name); a TXT string over 255 octets is cut at 255.
std::vector<std::uint8_t> encode(const Message& message);
// For UDP: the full encoding when it fits `limit`; otherwise header and question only, with
// TC set, so the client retries over TCP (RFC 1035 4.2.1, RFC 2181 9).
std::vector<std::uint8_t> encode_limited(const Message& message, std::size_t limit = MaxUdpSize);

struct DecodeResult {
  std::optional<Message> message;  // set when every section parsed
  std::string error;               // otherwise what was wrong and where:
                                   // "compression pointer at offset 40 loops back to 12"
  std::optional<Header> header;    // the header alone, when 12 octets arrived: enough for FORMERR
};
// Parses untrusted bytes: never reads out of bounds, never loops, never throws. Rejects
// truncated sections, counts larger than the data, labels over 63 octets, names over 255,
// pointers that loop or point forward, reserved label types, rdata of the wrong length,
// and trailing bytes after the last record.
DecodeResult decode(std::span<const std::uint8_t> bytes);

// Removes the records of classes other than IN from the three record sections and returns how
// many went. Only class IN gives NS, CNAME, MX and the rest their meaning (their data arrives
// as RawData otherwise), so resolvers and stubs look at IN records alone, as RFC 1034 4.3.2
// has them match the question's class.
std::size_t drop_other_classes(Message& message);

// One-line summaries for traces and the desktop view, in Wireshark's Info style:
// "Standard query 0x1a2b A www.example.com", "Standard query response 0x1a2b A www.example.com A 192.0.2.1";
// the records of all three sections follow the question, as in Wireshark.
std::string summarize(const Message& message);

// "192.0.2.1" for an A record's data; empty for other types.
std::string address_text(const Rdata& data);

}  // namespace wiresim::dns
