// Deterministic fuzzing of the DNS codec and the master-file reader: random, truncated, mutated
// and hand-crafted hostile inputs must never crash, and whatever decodes must re-encode stably.
#include <doctest/doctest.h>

#include <random>

#include "protocols/dns/master_file.hpp"
#include "protocols/dns/message.hpp"
#include "protocols/dns/name.hpp"

using namespace wiresim::dns;

namespace {

using Bytes = std::vector<std::uint8_t>;

ResourceRecord record(std::string name, RrType type, Rdata data, std::uint16_t klass = ClassIn) {
  ResourceRecord rr;
  rr.name = std::move(name);
  rr.type = type;
  rr.klass = klass;
  rr.ttl = 3600;
  rr.data = std::move(data);
  return rr;
}

// Valid messages to truncate and mutate: a query, a full answer, a referral, a negative answer.
std::vector<Bytes> samples() {
  Message q;
  q.header.id = 0x1234;
  q.header.rd = true;
  q.questions.push_back({"www.example.com.", RrType::A, ClassIn});

  Message full = q;
  full.header.qr = full.header.aa = true;
  full.answers.push_back(record("www.example.com.", RrType::CNAME, NameData{"web.example.com."}));
  full.answers.push_back(record("web.example.com.", RrType::A, AData{{192, 0, 2, 1}}));
  full.answers.push_back(record("web.example.com.", RrType::AAAA, AaaaData{{0x20, 0x01, 0x0d, 0xb8, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}));
  full.answers.push_back(record("example.com.", RrType::MX, MxData{10, "mail.example.com."}));
  full.answers.push_back(record("example.com.", RrType::TXT, TxtData{{"v=spf1 -all", "", "x y"}}));
  full.authority.push_back(record("example.com.", RrType::NS, NameData{"ns1.example.com."}));
  full.additional.push_back(record("ns1.example.com.", RrType::A, AData{{192, 0, 2, 53}}));
  full.additional.push_back(record("example.com.", static_cast<RrType>(99), RawData{{1, 2, 3, 4, 5}}));
  full.additional.push_back(record("version.bind.", RrType::TXT, RawData{{4, 't', 'e', 's', 't'}}, 3));

  Message referral = q;
  referral.header.qr = true;
  referral.authority.push_back(record("com.", RrType::NS, NameData{"a.gtld-servers.net."}));
  referral.authority.push_back(record("com.", RrType::NS, NameData{"b.gtld-servers.net."}));
  referral.additional.push_back(record("a.gtld-servers.net.", RrType::A, AData{{192, 5, 6, 30}}));
  referral.additional.push_back(record("b.gtld-servers.net.", RrType::A, AData{{192, 33, 14, 30}}));

  Message negative = q;
  negative.header.qr = true;
  negative.header.rcode = Rcode::NXDomain;
  negative.authority.push_back(
      record("example.com.", RrType::SOA, SoaData{"ns1.example.com.", "admin.example.com.", 7, 7200, 3600, 1209600, 300}));
  negative.authority.push_back(record("example.com.", RrType::PTR, NameData{"a\\.b\\000.example.com."}));

  return {encode(q), encode(full), encode(referral), encode(negative)};
}

// Compression may adopt the case of an earlier copy of a name (RFC 4343 4.1), so compare
// decoded messages with every name lower-cased.
Message lowered(Message m) {
  for (auto& q : m.questions) q.name = canonical(q.name);
  for (auto* section : {&m.answers, &m.authority, &m.additional}) {
    for (auto& rr : *section) {
      rr.name = canonical(rr.name);
      if (auto* n = std::get_if<NameData>(&rr.data)) n->target = canonical(n->target);
      if (auto* mx = std::get_if<MxData>(&rr.data)) mx->exchange = canonical(mx->exchange);
      if (auto* soa = std::get_if<SoaData>(&rr.data)) {
        soa->mname = canonical(soa->mname);
        soa->rname = canonical(soa->rname);
      }
    }
  }
  return m;
}

// Decodes untrusted bytes; when they parse, encoding the result and decoding it again must give
// the same message, and from then on the bytes must not change. Returns whether it parsed.
bool decode_stably(const Bytes& bytes) {
  const auto first = decode(bytes);
  if (bytes.size() >= 12) REQUIRE(first.header.has_value());
  if (!first.message) {
    REQUIRE_FALSE(first.error.empty());
    return false;
  }
  REQUIRE(first.error.empty());
  const Bytes again = encode(*first.message);
  const auto second = decode(again);
  REQUIRE_MESSAGE(second.message, second.error);
  REQUIRE(lowered(*second.message) == lowered(*first.message));
  REQUIRE(encode(*second.message) == again);
  REQUIRE(decode(encode(*second.message)).message == second.message);
  return true;
}

Bytes header(std::uint16_t questions, std::uint16_t answers, std::uint16_t authority, std::uint16_t additional) {
  return {0x12, 0x34, 0x81, 0x80, 0, static_cast<std::uint8_t>(questions), 0, static_cast<std::uint8_t>(answers),
          0, static_cast<std::uint8_t>(authority), 0, static_cast<std::uint8_t>(additional)};
}

void append(Bytes& to, std::initializer_list<std::uint8_t> more) { to.insert(to.end(), more); }

}  // namespace

TEST_CASE("dns decode survives random bytes") {
  std::mt19937 rng(20240101);
  for (int round = 0; round < 20000; ++round) {
    Bytes bytes(rng() % 601);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
    // Half the rounds get small counts, so decoding goes past the header.
    if (round % 2 == 0 && bytes.size() >= 12) {
      for (std::size_t i = 4; i < 12; i += 2) {
        bytes[i] = 0;
        bytes[i + 1] = static_cast<std::uint8_t>(rng() % 3);
      }
    }
    decode_stably(bytes);
  }
}

TEST_CASE("dns decode rejects every truncation of a valid message") {
  for (const Bytes& whole : samples()) {
    REQUIRE(decode_stably(whole));
    for (std::size_t size = 0; size < whole.size(); ++size) {
      const Bytes prefix(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(size));
      const auto result = decode(prefix);
      CHECK_FALSE(result.message.has_value());
      CHECK_FALSE(result.error.empty());
      CHECK(result.header.has_value() == (size >= 12));
    }
  }
}

TEST_CASE("dns decode survives random mutations of valid messages") {
  std::mt19937 rng(7);
  const auto originals = samples();
  int parsed = 0;
  for (int round = 0; round < 20000; ++round) {
    Bytes bytes = originals[rng() % originals.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % bytes.size();
      switch (rng() % 6) {
        case 0: bytes[at] = static_cast<std::uint8_t>(rng()); break;
        case 1: bytes[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8)); break;
        case 2: bytes[at] = static_cast<std::uint8_t>(0xC0 | (rng() % 4)); break;  // a likely pointer
        case 3: bytes[at] = static_cast<std::uint8_t>(rng() % 70); break;          // a likely length
        case 4: bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::uint8_t>(rng())); break;
        default:
          if (bytes.size() > 1) bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(at));
          break;
      }
    }
    if (decode_stably(bytes)) ++parsed;
  }
  // Enough of them still parse for the re-encoding check to mean something.
  CHECK(parsed > 2000);
}

TEST_CASE("dns decode rejects compression loops without looping") {
  SUBCASE("a pointer to itself") {
    Bytes m = header(1, 0, 0, 0);
    append(m, {0xC0, 12, 0, 1, 0, 1});
    CHECK(decode(m).error == "compression pointer at offset 12 points to itself");
  }
  SUBCASE("two pointers pointing at each other") {
    // The question "a." at 12; the answer's name at 19 is a pointer to 21, and 21 points to 19.
    Bytes m = header(1, 1, 0, 0);
    append(m, {1, 'a', 0, 0, 1, 0, 1});
    append(m, {0xC0, 21, 0xC0, 19, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0});
    CHECK(decode(m).error == "compression pointer at offset 19 points forward to 21");
  }
  SUBCASE("a pointer back into the labels just read") {
    Bytes m = header(1, 0, 0, 0);
    append(m, {1, 'a', 1, 'b', 0xC0, 14, 0, 1, 0, 1});
    CHECK(decode(m).error == "compression pointer at offset 16 loops back to 14");
  }
  SUBCASE("a pointer into an earlier name that points back again") {
    // Question 1 at 12: "a" then a pointer to 18 (forward: rejected before any loop can form).
    Bytes m = header(2, 0, 0, 0);
    append(m, {1, 'a', 0xC0, 18, 0, 1, 0, 1, 1, 'b', 0xC0, 12, 0, 1, 0, 1});
    CHECK(decode(m).error == "compression pointer at offset 14 points forward to 18");
  }
}

TEST_CASE("dns decode caps long chains of compression pointers") {
  // The question "a." at 12, then an answer whose raw data (at 31) is a chain of pointers, each to
  // the one before; the additional record's name enters the chain at its end.
  const auto chained = [](std::size_t links) {
    Bytes m = header(1, 1, 0, 1);
    append(m, {1, 'a', 0, 0, 1, 0, 1});
    append(m, {0xC0, 12, 0, 99, 0, 1, 0, 0, 0, 0});
    const std::size_t length = 2 * links;
    append(m, {static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length & 0xFF)});
    std::size_t previous = 12;
    for (std::size_t i = 0; i < links; ++i) {
      const std::size_t here = m.size();
      append(m, {static_cast<std::uint8_t>(0xC0 | previous >> 8), static_cast<std::uint8_t>(previous & 0xFF)});
      previous = here;
    }
    append(m, {static_cast<std::uint8_t>(0xC0 | previous >> 8), static_cast<std::uint8_t>(previous & 0xFF)});
    append(m, {0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 192, 0, 2, 1});
    return m;
  };
  const auto fine = decode(chained(120));
  REQUIRE_MESSAGE(fine.message, fine.error);
  CHECK(fine.message->additional[0].name == "a.");
  const Bytes long_chain = chained(2000);
  const std::size_t entry = long_chain.size() - 16;
  CHECK(decode(long_chain).error == "name at offset " + std::to_string(entry) + " follows more than 128 compression pointers");
}

TEST_CASE("dns master file reader survives random text") {
  std::mt19937 rng(99);
  const std::vector<std::string> words = {"@", "www", "example.com.", "$ORIGIN", "$TTL", "$INCLUDE", "IN", "CH", "A",
                                          "AAAA", "NS", "CNAME", "SOA", "MX", "PTR", "TXT", "MXX", "300", "1h30m",
                                          "192.0.2.1", "2001:db8::1", "::ffff:1.2.3.4", "(", ")", "\"", "\"a b\"", ";",
                                          "\\", "\\065", "\\999", "10", "a..b", "ns1", "\t", " ", "x\\.y"};
  int clean = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int lines = static_cast<int>(rng() % 8);
    for (int l = 0; l < lines; ++l) {
      const int pieces = static_cast<int>(rng() % 9);
      for (int p = 0; p < pieces; ++p) {
        if (rng() % 3 == 0) {
          for (int c = static_cast<int>(rng() % 6); c > 0; --c) text += static_cast<char>(0x20 + rng() % 95);
        } else {
          text += words[rng() % words.size()];
        }
        if (rng() % 4 != 0) text += ' ';
      }
      text += rng() % 5 == 0 ? "\r\n" : "\n";
    }
    const auto zone = parse_master_file(text, "example.com.");
    if (zone.error) {
      CHECK(zone.error->line >= 1);
      CHECK(zone.error->line <= static_cast<std::size_t>(lines) + 1);
      CHECK(zone.error->column >= 1);
      CHECK_FALSE(zone.error->message.empty());
      continue;
    }
    ++clean;
    // Whatever it accepts is valid: it encodes, and decodes back to the same records.
    Message m;
    m.header.qr = true;
    m.answers = zone.records;
    for (const auto& rr : zone.records) REQUIRE(check_name(rr.name) == "");
    const auto back = decode(encode(m));
    REQUIRE_MESSAGE(back.message, back.error);
    CHECK(lowered(*back.message) == lowered(m));
  }
  CHECK(clean > 200);
}
