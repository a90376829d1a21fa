#include <doctest/doctest.h>

#include "protocols/dns/message.hpp"

using namespace wiresim::dns;

namespace {

// "1234 0100" -> {0x12, 0x34, 0x01, 0x00}: wire forms written as in a hex dump.
std::vector<std::uint8_t> hex(std::string_view text) {
  std::vector<std::uint8_t> out;
  int high = -1;
  for (const char c : text) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (v < 0) continue;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  return out;
}

ResourceRecord record(std::string name, RrType type, Rdata data, std::uint32_t ttl = 300) {
  ResourceRecord rr;
  rr.name = std::move(name);
  rr.type = type;
  rr.ttl = ttl;
  rr.data = std::move(data);
  return rr;
}

Message query(std::string name, RrType type, std::uint16_t id = 0x1234) {
  Message m;
  m.header.id = id;
  m.header.rd = true;
  m.questions.push_back(Question{std::move(name), type, ClassIn});
  return m;
}

Message response_to(const Message& q) {
  Message m = q;
  m.header.qr = true;
  m.header.ra = true;
  return m;
}

std::string decode_error(const std::vector<std::uint8_t>& bytes) {
  const auto result = decode(bytes);
  CHECK_FALSE(result.message.has_value());
  return result.error;
}

// The header of a message with these counts, id 0x1234, flags 0x8180.
std::string header(int questions, int answers, int authority = 0, int additional = 0) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "1234 8180 %04x %04x %04x %04x", questions, answers, authority, additional);
  return buf;
}

// "www.example.com." in the question: offset 12 up to 28, then type A and class IN.
const std::string www_question = "03 777777 07 6578616d706c65 03 636f6d 00 0001 0001";

}  // namespace

TEST_CASE("dns encodes the classic query for www.example.com byte for byte") {
  const auto bytes = encode(query("www.example.com.", RrType::A));
  // RFC 1035 4.1.1: id 0x1234, only RD set, one question; 4.1.2: the name as labels, type, class.
  CHECK(bytes == hex("1234 0100 0001 0000 0000 0000"
                     "03 777777 07 6578616d706c65 03 636f6d 00 0001 0001"));
  CHECK(bytes.size() == 33);
}

TEST_CASE("dns encodes an answer's name as a pointer to the question (0xC00C)") {
  auto m = response_to(query("www.example.com.", RrType::A));
  m.answers.push_back(record("www.example.com.", RrType::A, AData{{192, 0, 2, 1}}));
  CHECK(encode(m) == hex(header(1, 1) + www_question + "c00c 0001 0001 0000012c 0004 c0000201"));
}

TEST_CASE("dns compression matches suffixes without regard to case") {
  auto m = response_to(query("www.example.com.", RrType::A));
  m.answers.push_back(record("WWW.Example.COM.", RrType::A, AData{{192, 0, 2, 1}}));
  CHECK(encode(m) == hex(header(1, 1) + www_question + "c00c 0001 0001 0000012c 0004 c0000201"));
}

TEST_CASE("dns compresses the names inside CNAME, MX, NS and SOA data") {
  auto m = response_to(query("www.example.com.", RrType::A));
  m.answers.push_back(record("www.example.com.", RrType::CNAME, NameData{"web.example.com."}));
  m.authority.push_back(record("example.com.", RrType::NS, NameData{"web.example.com."}));
  m.additional.push_back(record("example.com.", RrType::MX, MxData{10, "mail.example.com."}));
  m.additional.push_back(record("example.com.", RrType::SOA, SoaData{"web.example.com.", "admin.example.com.", 1, 2, 3, 4, 5}));
  const std::string expected = header(1, 1, 1, 2) + www_question +
                               // offset 33: the CNAME; its target "web" at 45, then "example.com." (16)
                               "c00c 0005 0001 0000012c 0006 03 776562 c010"
                               // offset 51: NS, owner example.com. (16), target web.example.com. (45)
                               "c010 0002 0001 0000012c 0002 c02d"
                               // offset 65: MX 10 mail + example.com.
                               "c010 000f 0001 0000012c 0009 000a 04 6d61696c c010"
                               // offset 86: SOA web.example.com. admin.example.com. and five numbers
                               "c010 0006 0001 0000012c 001e c02d 05 61646d696e c010"
                               "00000001 00000002 00000003 00000004 00000005";
  CHECK(encode(m) == hex(expected));
}

TEST_CASE("dns encode keeps the reserved Z bits, opcode and rcode in the header") {
  Message m;
  m.header.id = 0xBEEF;
  m.header.qr = true;
  m.header.opcode = Opcode::Status;
  m.header.aa = true;
  m.header.tc = true;
  m.header.rd = true;
  m.header.ra = true;
  m.header.z = 5;
  m.header.rcode = Rcode::Refused;
  const auto bytes = encode(m);
  CHECK(bytes == hex("beef 97d5 0000 0000 0000 0000"));
  const auto back = decode(bytes);
  REQUIRE(back.message);
  CHECK(*back.message == m);
}

TEST_CASE("dns decode gives back every record type it encoded") {
  auto m = response_to(query("www.example.com.", RrType::ANY));
  m.header.aa = true;
  m.answers.push_back(record("www.example.com.", RrType::A, AData{{192, 0, 2, 1}}));
  m.answers.push_back(record("www.example.com.", RrType::AAAA,
                             AaaaData{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}));
  m.answers.push_back(record("web.example.com.", RrType::CNAME, NameData{"Web.Example.ORG."}));
  m.answers.push_back(record("1.2.0.192.in-addr.arpa.", RrType::PTR, NameData{"www.example.com."}));
  m.answers.push_back(record("www.example.com.", RrType::TXT, TxtData{{"v=spf1 -all", "", std::string(255, 'x')}}));
  m.answers.push_back(record("odd\\.label\\000\\255.example.com.", RrType::TXT, TxtData{{std::string("\0\"\\", 3)}}));
  m.authority.push_back(record("example.com.", RrType::NS, NameData{"ns1.example.com."}, 172800));
  m.authority.push_back(record("example.com.", RrType::SOA,
                               SoaData{"ns1.example.com.", "admin.example.com.", 2024010101, 7200, 3600, 1209600, 300}));
  m.additional.push_back(record("example.com.", RrType::MX, MxData{10, "mail.example.com."}));
  m.additional.push_back(record("example.com.", static_cast<RrType>(99), RawData{{0xAB, 0xCD, 0xEF}}));
  m.additional.push_back(record("example.com.", static_cast<RrType>(41), RawData{}));
  // Class CH: not interpreted, so even an A record comes back as raw bytes.
  auto chaos = record("version.bind.", RrType::TXT, RawData{{3, 'o', 'n', 'e'}}, 0);
  chaos.klass = 3;
  m.additional.push_back(chaos);
  auto chaos_a = record("a.example.", RrType::A, RawData{{1, 2, 3}}, 0);
  chaos_a.klass = 3;
  m.additional.push_back(chaos_a);
  const auto back = decode(encode(m));
  REQUIRE_MESSAGE(back.message, back.error);
  CHECK(*back.message == m);
}

TEST_CASE("dns encode cuts a TXT string at 255 octets") {
  auto m = response_to(query("t.example.", RrType::TXT));
  m.answers.push_back(record("t.example.", RrType::TXT, TxtData{{std::string(300, 'y')}}));
  const auto back = decode(encode(m));
  REQUIRE(back.message);
  CHECK(std::get<TxtData>(back.message->answers[0].data).strings == std::vector<std::string>{std::string(255, 'y')});
}

TEST_CASE("dns decode follows a pointer inside record data to a name in an earlier record") {
  const auto bytes = hex(header(1, 1) + www_question + "c00c 0005 0001 0000012c 0006 03 776562 c010");
  const auto result = decode(bytes);
  REQUIRE_MESSAGE(result.message, result.error);
  CHECK(std::get<NameData>(result.message->answers[0].data).target == "web.example.com.");
}

TEST_CASE("dns encode_limited returns the full message when it fits") {
  auto m = response_to(query("www.example.com.", RrType::A));
  m.answers.push_back(record("www.example.com.", RrType::A, AData{{192, 0, 2, 1}}));
  CHECK(encode_limited(m) == encode(m));
}

TEST_CASE("dns encode_limited truncates to the question and sets TC when over the limit") {
  auto m = response_to(query("big.example.", RrType::TXT));
  for (int i = 0; i < 4; ++i) m.answers.push_back(record("big.example.", RrType::TXT, TxtData{{std::string(200, 'z')}}));
  m.additional.push_back(record("big.example.", RrType::A, AData{{192, 0, 2, 9}}));
  REQUIRE(encode(m).size() > MaxUdpSize);
  const auto bytes = encode_limited(m);
  CHECK(bytes.size() <= MaxUdpSize);
  const auto back = decode(bytes);
  REQUIRE(back.message);
  CHECK(back.message->header.tc);
  CHECK(back.message->header.id == m.header.id);
  CHECK(back.message->questions == m.questions);
  CHECK(back.message->answers.empty());
  CHECK(back.message->additional.empty());
  CHECK(encode_limited(m, 100000) == encode(m));
}

TEST_CASE("dns decode rejects a message shorter than the header") {
  const auto result = decode(hex("1234 0100 0001 00"));
  CHECK(result.error == "message is 7 octets; a DNS header is 12");
  CHECK_FALSE(result.header.has_value());
}

TEST_CASE("dns decode keeps the header when the rest is broken, for FORMERR") {
  const auto result = decode(hex("abcd 0100 0001 0000 0000 0000"));
  CHECK(result.error == "question count 1 but the message ends after 0 questions");
  REQUIRE(result.header.has_value());
  CHECK(result.header->id == 0xABCD);
  CHECK(result.header->rd);
}

TEST_CASE("dns decode rejects counts larger than the records present") {
  auto m = response_to(query("www.example.com.", RrType::A));
  m.answers.push_back(record("www.example.com.", RrType::A, AData{{192, 0, 2, 1}}));
  m.answers.push_back(record("www.example.com.", RrType::A, AData{{192, 0, 2, 2}}));
  auto bytes = encode(m);
  bytes[7] = 5;
  CHECK(decode_error(bytes) == "answer count 5 but the message ends after 2 records");
  bytes[7] = 2;
  bytes[9] = 1;
  CHECK(decode_error(bytes) == "authority count 1 but the message ends after 0 records");
  bytes[9] = 0;
  bytes[11] = 1;
  CHECK(decode_error(bytes) == "additional count 1 but the message ends after 0 records");
}

TEST_CASE("dns decode rejects a question cut off after its name") {
  CHECK(decode_error(hex(header(2, 0) + www_question)) == "question count 2 but the message ends after 1 question");
  CHECK(decode_error(hex(header(1, 0) + "03 777777 00 0001")) == "question at offset 12 ends before its type and class");
}

TEST_CASE("dns decode rejects a label over 63 octets") {
  CHECK(decode_error(hex(header(1, 0) + "46 61616161")) == "label of 70 octets at offset 12; at most 63");
}

TEST_CASE("dns decode rejects the reserved label type 0x80") {
  CHECK(decode_error(hex(header(1, 0) + "01 61 81 61 00 0001 0001")) == "reserved label type 0x80 at offset 14");
}

TEST_CASE("dns decode rejects a label running past the end of the message") {
  CHECK(decode_error(hex(header(1, 0) + "03 7777")) == "label of 3 octets at offset 12 runs past the end of the message");
  CHECK(decode_error(hex(header(1, 0) + "03 777777")) == "name at offset 12 runs past the end of the message");
}

TEST_CASE("dns decode rejects a name over 255 octets") {
  std::string name;
  for (int i = 0; i < 4; ++i) name += "3f" + std::string(126, '6');  // 63 x 'f'
  CHECK(decode_error(hex(header(1, 0) + name + "00 0001 0001")) == "name at offset 12 longer than 255 octets");
}

TEST_CASE("dns decode rejects compression pointers that point forward or at themselves") {
  CHECK(decode_error(hex(header(1, 0) + "c028 0001 0001")) == "compression pointer at offset 12 points forward to 40");
  CHECK(decode_error(hex(header(1, 0) + "c00c 0001 0001")) == "compression pointer at offset 12 points to itself");
  CHECK(decode_error(hex(header(1, 0) + "c0")) == "compression pointer at offset 12 is cut off by the end of the message");
}

TEST_CASE("dns decode rejects a compression pointer that loops back into the name being read") {
  // Offset 33: label "a", then at 35 a pointer back to 33, which would repeat forever.
  CHECK(decode_error(hex(header(1, 1) + www_question + "01 61 c021 0001 0001 0000012c 0004 c0000201")) ==
        "compression pointer at offset 35 loops back to 33");
}

TEST_CASE("dns decode rejects A and AAAA data of the wrong length") {
  CHECK(decode_error(hex(header(1, 1) + www_question + "c00c 0001 0001 0000012c 0005 c000020100")) ==
        "A record data is 5 octets; expected 4");
  CHECK(decode_error(hex(header(1, 1) + www_question + "c00c 001c 0001 0000012c 0004 c0000201")) ==
        "AAAA record data is 4 octets; expected 16");
}

TEST_CASE("dns decode rejects names in record data that overrun RDLENGTH") {
  // MX: preference 10, then "mail" + pointer needs 7 octets but RDLENGTH leaves 4.
  CHECK(decode_error(hex(header(1, 1) + www_question + "c00c 000f 0001 0000012c 0006 000a 04 6d61696c c010")) ==
        "MX record data overruns its RDLENGTH");
  CHECK(decode_error(hex(header(1, 1) + www_question + "c00c 000f 0001 0000012c 0001 00")) ==
        "MX record data overruns its RDLENGTH");
  CHECK(decode_error(hex(header(1, 1) + www_question + "c00c 0006 0001 0000012c 0006 c00c c00c 0000")) ==
        "SOA record data overruns its RDLENGTH");
}

TEST_CASE("dns decode rejects record data with octets left after its fields") {
  CHECK(decode_error(hex(header(1, 1) + www_question + "c00c 0002 0001 0000012c 0004 c00c 0000")) ==
        "NS record data has 2 unused octets at its end");
}

TEST_CASE("dns decode rejects TXT data that is empty or whose strings overrun it") {
  CHECK(decode_error(hex(header(1, 1) + www_question + "c00c 0010 0001 0000012c 0000")) ==
        "TXT record data is empty; it needs at least one string");
  CHECK(decode_error(hex(header(1, 1) + www_question + "c00c 0010 0001 0000012c 0003 01 61 05")) ==
        "TXT record data overruns its RDLENGTH");
}

TEST_CASE("dns decode rejects a record cut off in its fixed fields or its data") {
  CHECK(decode_error(hex(header(1, 1) + www_question + "c00c 0001 0001")) ==
        "record at offset 33 ends before its type, class, TTL and RDLENGTH");
  CHECK(decode_error(hex(header(1, 1) + www_question + "c00c 0001 0001 0000012c 000a c0000201")) ==
        "record at offset 33 has RDLENGTH 10 but only 4 octets remain");
}

TEST_CASE("dns decode rejects trailing octets after the last record") {
  CHECK(decode_error(hex(header(1, 1) + www_question + "c00c 0001 0001 0000012c 0004 c0000201 000000")) ==
        "3 trailing octets after the last record");
  CHECK(decode_error(hex(header(1, 0) + www_question + "00")) == "1 trailing octet after the last question");
}

TEST_CASE("dns type, class, rcode and opcode names follow dig and RFC 3597") {
  CHECK(type_name(RrType::MX) == "MX");
  CHECK(type_name(RrType::AAAA) == "AAAA");
  CHECK(type_name(static_cast<RrType>(99)) == "TYPE99");
  CHECK(parse_type("mx") == RrType::MX);
  CHECK(parse_type("Cname") == RrType::CNAME);
  CHECK(parse_type("TYPE15") == RrType::MX);
  CHECK(parse_type("type99") == static_cast<RrType>(99));
  CHECK_FALSE(parse_type("MXX").has_value());
  CHECK_FALSE(parse_type("TYPE").has_value());
  CHECK_FALSE(parse_type("TYPE65536").has_value());
  CHECK(class_name(1) == "IN");
  CHECK(class_name(3) == "CH");
  CHECK(class_name(255) == "ANY");
  CHECK(class_name(7) == "CLASS7");
  CHECK(rcode_name(Rcode::NXDomain) == "NXDOMAIN");
  CHECK(rcode_name(Rcode::NoError) == "NOERROR");
  CHECK(rcode_name(static_cast<Rcode>(9)) == "RCODE9");
  CHECK(opcode_name(Opcode::Query) == "QUERY");
  CHECK(opcode_name(Opcode::Status) == "STATUS");
  CHECK(opcode_name(static_cast<Opcode>(5)) == "OPCODE5");
}

TEST_CASE("dns rdata_text writes each type as a zone file does") {
  CHECK(rdata_text(record("a.", RrType::A, AData{{192, 0, 2, 1}})) == "192.0.2.1");
  CHECK(rdata_text(record("a.", RrType::NS, NameData{"ns1.example.com."})) == "ns1.example.com.");
  CHECK(rdata_text(record("a.", RrType::MX, MxData{10, "mail.example.com."})) == "10 mail.example.com.");
  CHECK(rdata_text(record("a.", RrType::SOA, SoaData{"ns1.example.com.", "admin.example.com.", 2024010101, 7200, 3600,
                                                     1209600, 300})) ==
        "ns1.example.com. admin.example.com. 2024010101 7200 3600 1209600 300");
  CHECK(rdata_text(record("a.", RrType::TXT, TxtData{{"v=spf1 -all", "say \"hi\" \\ ok", std::string("\x01\xff", 2)}})) ==
        "\"v=spf1 -all\" \"say \\\"hi\\\" \\\\ ok\" \"\\001\\255\"");
  CHECK(rdata_text(record("a.", static_cast<RrType>(99), RawData{{0xAB, 0xCD, 0xEF}})) == "\\# 3 abcdef");
  CHECK(rdata_text(record("a.", static_cast<RrType>(99), RawData{})) == "\\# 0");
}

TEST_CASE("dns rdata_text writes IPv6 addresses in RFC 5952 form") {
  const auto text = [](std::array<std::uint8_t, 16> a) { return rdata_text(record("a.", RrType::AAAA, AaaaData{a})); };
  CHECK(text({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}) == "2001:db8::1");
  CHECK(text({}) == "::");
  CHECK(text({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}) == "::1");
  CHECK(text({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}) == "fe80::");
  // The longest run wins; on a tie the first; a single zero group stays "0".
  CHECK(text({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}) == "2001:db8:0:1::1");
  CHECK(text({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1}) == "2001:db8::1:0:0:1");
  CHECK(text({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1}) == "2001:db8:0:1:1:1:1:1");
  CHECK(text({0xAB, 0xCD, 0x0E, 0xF0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0A}) == "abcd:ef0::a");
  // RFC 5952 5: IPv4-mapped addresses end in dotted decimal.
  CHECK(text({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1}) == "::ffff:192.0.2.1");
}

TEST_CASE("dns to_string prints a record as dig's answer line") {
  CHECK(to_string(record("www.example.com.", RrType::A, AData{{192, 0, 2, 1}})) == "www.example.com.\t300\tIN\tA\t192.0.2.1");
  auto chaos = record("version.bind.", static_cast<RrType>(16), RawData{{1, 'x'}}, 0);
  chaos.klass = 3;
  CHECK(to_string(chaos) == "version.bind.\t0\tCH\tTXT\t\\# 2 0178");
}

TEST_CASE("dns address_text gives the dotted quad of A data only") {
  CHECK(address_text(AData{{10, 0, 0, 254}}) == "10.0.0.254");
  CHECK(address_text(NameData{"x."}) == "");
}

TEST_CASE("dns summarize writes a query as Wireshark's Info column does") {
  CHECK(summarize(query("www.example.com.", RrType::A, 0x1a2b)) == "Standard query 0x1a2b A www.example.com");
  CHECK(summarize(query(".", RrType::NS, 0x7)) == "Standard query 0x0007 NS <Root>");
}

TEST_CASE("dns summarize lists a response's records of every section after its question") {
  auto m = response_to(query("www.example.com.", RrType::A, 0x1a2b));
  m.answers.push_back(record("www.example.com.", RrType::CNAME, NameData{"x.example.com."}));
  m.answers.push_back(record("x.example.com.", RrType::A, AData{{192, 0, 2, 1}}));
  m.answers.push_back(record("example.com.", RrType::NS, NameData{"ns.example.com."}));
  m.answers.push_back(record("example.com.", RrType::MX, MxData{10, "mail.example.com."}));
  m.answers.push_back(record("example.com.", RrType::SOA, SoaData{"ns1.example.com.", "admin.example.com.", 1, 2, 3, 4, 5}));
  m.answers.push_back(record("example.com.", RrType::TXT, TxtData{{"v=spf1 -all", "second"}}));
  m.answers.push_back(record("example.com.", RrType::AAAA,
                             AaaaData{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}));
  m.answers.push_back(record("example.com.", static_cast<RrType>(99), RawData{{1}}));
  m.authority.push_back(record("example.com.", RrType::NS, NameData{"ns2.example.com."}));
  m.additional.push_back(record("ns2.example.com.", RrType::A, AData{{192, 0, 2, 53}}));
  CHECK(summarize(m) ==
        "Standard query response 0x1a2b A www.example.com CNAME x.example.com A 192.0.2.1 NS ns.example.com "
        "MX 10 mail.example.com SOA ns1.example.com TXT v=spf1 -all AAAA 2001:db8::1 TYPE99 "
        "NS ns2.example.com A 192.0.2.53");
}

TEST_CASE("dns summarize names the rcode of a failed response in Wireshark's words") {
  auto m = response_to(query("nosuch.example.com.", RrType::A, 0x1a2b));
  m.header.rcode = Rcode::NXDomain;
  CHECK(summarize(m) == "Standard query response 0x1a2b No such name A nosuch.example.com");
  m.header.rcode = Rcode::ServFail;
  CHECK(summarize(m) == "Standard query response 0x1a2b Server failure A nosuch.example.com");
  m.header.rcode = Rcode::FormErr;
  CHECK(summarize(m) == "Standard query response 0x1a2b Format error A nosuch.example.com");
  m.header.rcode = Rcode::NotImp;
  CHECK(summarize(m) == "Standard query response 0x1a2b Not implemented A nosuch.example.com");
  m.header.rcode = Rcode::Refused;
  CHECK(summarize(m) == "Standard query response 0x1a2b Refused A nosuch.example.com");
}

TEST_CASE("dns summarize names other opcodes and leaves out a missing question") {
  Message m;
  m.header.id = 0xff;
  m.header.opcode = Opcode::IQuery;
  CHECK(summarize(m) == "Inverse query 0x00ff");
  m.header.opcode = Opcode::Status;
  m.header.qr = true;
  CHECK(summarize(m) == "Server status request response 0x00ff");
  m.header.opcode = static_cast<Opcode>(9);
  m.header.qr = false;
  CHECK(summarize(m) == "Unknown operation (9) 0x00ff");
}
