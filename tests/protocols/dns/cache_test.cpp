// The DNS cache: TTLs counting down, negative answers (RFC 2308), credibility ranks
// (RFC 2181 5.4.1) and the size bound.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "protocols/dns/cache.hpp"
#include "protocols/dns/datagram.hpp"

using namespace wiresim;
using namespace wiresim::dns;

namespace {

ResourceRecord a_record(std::string name, std::uint32_t ttl, std::uint32_t address) {
  return {std::move(name), RrType::A, ClassIn, ttl, a_data(address)};
}

ResourceRecord soa_record(std::uint32_t ttl, std::uint32_t minimum) {
  return {"example.com.", RrType::SOA, ClassIn, ttl,
          SoaData{"ns1.example.com.", "admin.example.com.", 1, 7200, 3600, 1209600, minimum}};
}

constexpr std::uint32_t Addr1 = 0xC0000201;  // 192.0.2.1
constexpr std::uint32_t Addr2 = 0xC0000202;  // 192.0.2.2

Time at(std::int64_t s) { return Time{} + seconds(s); }

std::vector<std::uint32_t> ttls(const CacheResult& result) {
  std::vector<std::uint32_t> out;
  for (const ResourceRecord& rr : result.records) out.push_back(rr.ttl);
  return out;
}

std::vector<std::string> texts(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const Event& e : events) out.push_back(e.text);
  return out;
}

}  // namespace

TEST_CASE("dns cache counts TTLs down from when the data arrived") {
  Cache cache;
  std::vector<Event> events;
  REQUIRE(cache.store({a_record("www.example.com.", 300, Addr1), a_record("www.example.com.", 300, Addr2)},
                      Rank::Answer, "192.0.2.53", at(10), events));
  CHECK(ttls(cache.find("www.example.com.", RrType::A, at(10))) == std::vector<std::uint32_t>{300, 300});
  CHECK(ttls(cache.find("www.example.com.", RrType::A, at(110))) == std::vector<std::uint32_t>{200, 200});
  CHECK(ttls(cache.find("www.example.com.", RrType::A, at(309))) == std::vector<std::uint32_t>{1, 1});
}

TEST_CASE("dns cache gives an RRset the smallest TTL among its records") {
  Cache cache;
  std::vector<Event> events;
  cache.store({a_record("www.example.com.", 300, Addr1), a_record("www.example.com.", 60, Addr2)}, Rank::Answer,
              "192.0.2.53", at(0), events);
  CHECK(ttls(cache.find("www.example.com.", RrType::A, at(0))) == std::vector<std::uint32_t>{60, 60});
  CHECK(texts(events) == std::vector<std::string>{"cache: added www.example.com. A (TTL 60, from 192.0.2.53)"});
}

TEST_CASE("dns cache entry expires at exactly its TTL") {
  Cache cache;
  std::vector<Event> events;
  cache.store({a_record("www.example.com.", 300, Addr1)}, Rank::Answer, "192.0.2.53", at(0), events);
  CHECK(cache.find("www.example.com.", RrType::A, at(300) - nanoseconds(1)).status == CacheStatus::Records);
  CHECK(cache.find("www.example.com.", RrType::A, at(300)).status == CacheStatus::Miss);
  events.clear();
  cache.expire(at(300) - nanoseconds(1), events);
  CHECK(cache.size() == 1);
  cache.expire(at(300), events);
  CHECK(cache.size() == 0);
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == EventKind::CacheExpired);
  CHECK(events[0].text == "cache: expired www.example.com. A");
}

TEST_CASE("dns cache does not keep a record with a zero TTL") {
  Cache cache;
  std::vector<Event> events;
  CHECK_FALSE(cache.store({a_record("www.example.com.", 0, Addr1)}, Rank::Answer, "192.0.2.53", at(0), events));
  CHECK(cache.size() == 0);
  CHECK(events.empty());
  CHECK(cache.find("www.example.com.", RrType::A, at(0)).status == CacheStatus::Miss);
}

TEST_CASE("dns cache treats a TTL with the top bit set as zero (RFC 2181 8)") {
  Cache cache;
  std::vector<Event> events;
  cache.store({a_record("www.example.com.", 0x80000000u, Addr1)}, Rank::Answer, "192.0.2.53", at(0), events);
  CHECK(cache.find("www.example.com.", RrType::A, at(1)).status == CacheStatus::Miss);
}

TEST_CASE("dns cache negative NXDOMAIN entry covers every type at the name") {
  Cache cache;
  std::vector<Event> events;
  cache.store_negative("nothing.example.com.", RrType::A, Rcode::NXDomain, soa_record(3600, 300), "192.0.2.53", at(0),
                       events);
  CHECK(texts(events) ==
        std::vector<std::string>{"cache: added negative nothing.example.com. NXDOMAIN (TTL 300, from 192.0.2.53)"});
  for (const RrType type : {RrType::A, RrType::AAAA, RrType::MX, RrType::CNAME}) {
    const CacheResult hit = cache.find("nothing.example.com.", type, at(100));
    CHECK(hit.status == CacheStatus::NxDomain);
    REQUIRE(hit.soa.has_value());
    CHECK(hit.soa->type == RrType::SOA);
    CHECK(hit.soa->ttl == 200);
  }
  CHECK(cache.find("nothing.example.com.", RrType::A, at(300)).status == CacheStatus::Miss);
}

TEST_CASE("dns cache negative TTL is the SOA's own TTL when that is below its minimum") {
  Cache cache;
  std::vector<Event> events;
  cache.store_negative("nothing.example.com.", RrType::A, Rcode::NXDomain, soa_record(30, 300), "192.0.2.53", at(0),
                       events);
  CHECK(cache.find("nothing.example.com.", RrType::A, at(29)).status == CacheStatus::NxDomain);
  CHECK(cache.find("nothing.example.com.", RrType::A, at(30)).status == CacheStatus::Miss);
}

TEST_CASE("dns cache does not keep a negative answer without an SOA or fallback TTL") {
  Cache cache;
  std::vector<Event> events;
  cache.store_negative("nothing.example.com.", RrType::A, Rcode::NXDomain, std::nullopt, "192.0.2.53", at(0), events);
  CHECK(cache.size() == 0);
  cache.store_negative("nothing.example.com.", RrType::A, Rcode::NXDomain, std::nullopt, "192.0.2.53", at(0), events, 60);
  const CacheResult hit = cache.find("nothing.example.com.", RrType::A, at(59));
  CHECK(hit.status == CacheStatus::NxDomain);
  CHECK_FALSE(hit.soa.has_value());
}

TEST_CASE("dns cache negative NODATA entry covers only its own type") {
  Cache cache;
  std::vector<Event> events;
  cache.store_negative("www.example.com.", RrType::MX, Rcode::NoError, soa_record(3600, 300), "192.0.2.53", at(0),
                       events);
  CHECK(texts(events) ==
        std::vector<std::string>{"cache: added negative www.example.com. MX NODATA (TTL 300, from 192.0.2.53)"});
  CHECK(cache.find("www.example.com.", RrType::MX, at(1)).status == CacheStatus::NoData);
  CHECK(cache.find("www.example.com.", RrType::A, at(1)).status == CacheStatus::Miss);
  CHECK(cache.find("www.example.com.", RrType::AAAA, at(1)).status == CacheStatus::Miss);
}

TEST_CASE("dns cache keeps fresher, more credible data over a lower rank") {
  Cache cache;
  std::vector<Event> events;
  cache.store({a_record("ns1.example.com.", 3600, Addr1)}, Rank::AuthoritativeAnswer, "192.0.2.53", at(0), events);
  events.clear();
  CHECK_FALSE(cache.store({a_record("ns1.example.com.", 3600, Addr2)}, Rank::Glue, "6.6.6.6", at(10), events));
  CHECK(events.empty());
  const CacheResult hit = cache.find("ns1.example.com.", RrType::A, at(10));
  REQUIRE(hit.records.size() == 1);
  CHECK(hit.records[0].data == Rdata{a_data(Addr1)});
}

TEST_CASE("dns cache takes lower rank data once the more credible entry has expired") {
  Cache cache;
  std::vector<Event> events;
  cache.store({a_record("ns1.example.com.", 60, Addr1)}, Rank::AuthoritativeAnswer, "192.0.2.53", at(0), events);
  CHECK(cache.store({a_record("ns1.example.com.", 3600, Addr2)}, Rank::Glue, "192.5.6.30", at(60), events));
  const CacheResult hit = cache.find("ns1.example.com.", RrType::A, at(60));
  REQUIRE(hit.records.size() == 1);
  CHECK(hit.records[0].data == Rdata{a_data(Addr2)});
}

TEST_CASE("dns cache replaces an entry with different data of equal rank") {
  Cache cache;
  std::vector<Event> events;
  cache.store({a_record("www.example.com.", 300, Addr1)}, Rank::Answer, "192.0.2.53", at(0), events);
  events.clear();
  CHECK(cache.store({a_record("www.example.com.", 600, Addr2)}, Rank::Answer, "192.0.2.54", at(10), events));
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == EventKind::CacheReplaced);
  CHECK(events[0].text == "cache: replaced www.example.com. A (TTL 600, from 192.0.2.54)");
  const CacheResult hit = cache.find("www.example.com.", RrType::A, at(10));
  REQUIRE(hit.records.size() == 1);
  CHECK(hit.records[0].data == Rdata{a_data(Addr2)});
  CHECK(hit.records[0].ttl == 600);
  CHECK(cache.size() == 1);
}

TEST_CASE("dns cache replaces an entry with more credible data") {
  Cache cache;
  std::vector<Event> events;
  cache.store({a_record("ns1.example.com.", 3600, Addr1)}, Rank::Glue, "192.5.6.30", at(0), events);
  events.clear();
  CHECK(cache.store({a_record("ns1.example.com.", 3600, Addr2)}, Rank::AuthoritativeAnswer, "192.0.2.53", at(1), events));
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == EventKind::CacheReplaced);
  CHECK(cache.find("ns1.example.com.", RrType::A, at(1)).records[0].data == Rdata{a_data(Addr2)});
}

TEST_CASE("dns cache keeps the first TTL when the same data arrives again") {
  Cache cache;
  std::vector<Event> events;
  cache.store({a_record("www.example.com.", 300, Addr1)}, Rank::Answer, "192.0.2.53", at(0), events);
  events.clear();
  CHECK_FALSE(cache.store({a_record("www.example.com.", 300, Addr1)}, Rank::Answer, "192.0.2.53", at(100), events));
  CHECK(events.empty());
  CHECK(ttls(cache.find("www.example.com.", RrType::A, at(100))) == std::vector<std::uint32_t>{200});
}

TEST_CASE("dns cache finds names without regard to case") {
  Cache cache;
  std::vector<Event> events;
  cache.store({a_record("WWW.Example.com.", 300, Addr1)}, Rank::Answer, "192.0.2.53", at(0), events);
  CHECK(cache.find("www.EXAMPLE.com.", RrType::A, at(0)).status == CacheStatus::Records);
}

TEST_CASE("dns cache evicts the entry closest to expiring when full") {
  Cache cache(2);
  std::vector<Event> events;
  cache.store({a_record("a.example.", 100, Addr1)}, Rank::Answer, "192.0.2.53", at(0), events);
  cache.store({a_record("b.example.", 50, Addr1)}, Rank::Answer, "192.0.2.53", at(0), events);
  events.clear();
  cache.store({a_record("c.example.", 200, Addr1)}, Rank::Answer, "192.0.2.53", at(0), events);
  CHECK(cache.size() == 2);
  CHECK(texts(events) == std::vector<std::string>{"cache: evicted b.example. A (cache full)",
                                                  "cache: added c.example. A (TTL 200, from 192.0.2.53)"});
  CHECK(events[0].kind == EventKind::CacheExpired);
  CHECK(cache.find("a.example.", RrType::A, at(0)).status == CacheStatus::Records);
  CHECK(cache.find("b.example.", RrType::A, at(0)).status == CacheStatus::Miss);
  CHECK(cache.find("c.example.", RrType::A, at(0)).status == CacheStatus::Records);
}

TEST_CASE("dns cache next expiry is the soonest entry's") {
  Cache cache;
  std::vector<Event> events;
  CHECK_FALSE(cache.next_expiry().has_value());
  cache.store({a_record("a.example.", 100, Addr1)}, Rank::Answer, "192.0.2.53", at(5), events);
  cache.store({a_record("b.example.", 50, Addr1)}, Rank::Answer, "192.0.2.53", at(5), events);
  cache.store_negative("c.example.", RrType::A, Rcode::NXDomain, std::nullopt, "192.0.2.53", at(5), events, 20);
  CHECK(cache.next_expiry() == at(25));
  cache.expire(at(25), events);
  CHECK(cache.next_expiry() == at(55));
}

TEST_CASE("dns cache lists fresh entries in name order with TTLs counted down") {
  Cache cache;
  std::vector<Event> events;
  cache.store({a_record("b.example.", 100, Addr1)}, Rank::Answer, "192.0.2.53", at(0), events);
  cache.store({a_record("a.example.", 50, Addr2)}, Rank::Glue, "192.0.2.54", at(0), events);
  cache.store({a_record("c.example.", 10, Addr2)}, Rank::Glue, "192.0.2.54", at(0), events);
  const std::vector<CacheEntry> entries = cache.entries(at(20));
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].name == "a.example.");
  CHECK(entries[0].records[0].ttl == 30);
  CHECK(entries[0].rank == Rank::Glue);
  CHECK(entries[0].source == "192.0.2.54");
  CHECK(entries[1].name == "b.example.");
  CHECK(entries[1].records[0].ttl == 80);
}

TEST_CASE("dns cache clear empties it") {
  Cache cache;
  std::vector<Event> events;
  cache.store({a_record("a.example.", 100, Addr1)}, Rank::Answer, "192.0.2.53", at(0), events);
  cache.store_negative("c.example.", RrType::A, Rcode::NXDomain, soa_record(60, 60), "192.0.2.53", at(0), events);
  cache.clear();
  CHECK(cache.size() == 0);
  CHECK_FALSE(cache.next_expiry().has_value());
  CHECK(cache.find("a.example.", RrType::A, at(0)).status == CacheStatus::Miss);
  CHECK(cache.find("c.example.", RrType::A, at(0)).status == CacheStatus::Miss);
  CHECK(cache.entries(at(0)).empty());
}
