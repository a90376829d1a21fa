// A DNS cache: RRsets and negative answers (RFC 2308) kept until their TTL runs out, replaced
// only by data at least as credible (RFC 2181 5.4.1), and bounded in size. The recursive
// resolver and every host's stub use it. Time comes in as an argument.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "protocols/dns/events.hpp"
#include "protocols/dns/message.hpp"
#include "sim/core/time.hpp"

namespace wiresim::dns {

// How much to believe a piece of data, least first (RFC 2181 5.4.1).
enum class Rank { Glue, Referral, AuthorityOfAnswer, Answer, AuthoritativeAnswer };

struct CacheEntry {
  std::string name;  // as first written
  RrType type = RrType::A;
  bool negative = false;          // a cached "does not exist"
  Rcode rcode = Rcode::NoError;   // NXDomain, or NoError for NODATA
  std::vector<ResourceRecord> records;  // the RRset; for negative entries, the SOA if known
  Time stored{}, expires{};
  Rank rank = Rank::Answer;
  std::string source;  // who supplied it: "198.41.0.4", for dumps
};

enum class CacheStatus { Miss, Records, NxDomain, NoData };
struct CacheResult {
  CacheStatus status = CacheStatus::Miss;
  std::vector<ResourceRecord> records;  // TTLs count down: the seconds left
  std::optional<ResourceRecord> soa;    // negative answers
};

class Cache {
 public:
  explicit Cache(std::size_t max_entries = 100000) : max_entries_(max_entries) {}

  // Stores an RRset (one name and type); its TTL is the smallest in the set. Returns false
  // when the entry already held was more credible and still fresh.
  bool store(const std::vector<ResourceRecord>& rrset, Rank rank, const std::string& source, Time now,
             std::vector<Event>& events);
  // A negative answer: NXDOMAIN covers every type at `name`, NODATA only `type` (RFC 2308 5).
  // Its TTL is the SOA's min(TTL, MINIMUM), or `fallback_ttl` without an SOA.
  void store_negative(const std::string& name, RrType type, Rcode rcode, const std::optional<ResourceRecord>& soa,
                      const std::string& source, Time now, std::vector<Event>& events, std::uint32_t fallback_ttl = 0);

  CacheResult find(const std::string& name, RrType type, Time now) const;

  // Removes entries whose TTL has run out, reporting each.
  void expire(Time now, std::vector<Event>& events);
  std::optional<Time> next_expiry() const;
  // Every fresh entry with its TTLs counted down, in name order.
  std::vector<CacheEntry> entries(Time now) const;
  std::size_t size() const { return entries_.size(); }
  void clear() {
    entries_.clear();
    by_expiry_.clear();
  }

 private:
  using Key = std::pair<std::string, std::uint16_t>;  // canonical name, type (0: NXDOMAIN)
  void make_room(std::vector<Event>& events);
  CacheEntry& put(const Key& key, CacheEntry entry);
  void erase(std::map<Key, CacheEntry>::iterator it);

  std::size_t max_entries_;
  std::map<Key, CacheEntry> entries_;
  std::set<std::pair<Time, Key>> by_expiry_;  // soonest first: expiry and eviction order
};

// "www.example.com. A" for messages.
std::string describe(const std::string& name, RrType type);

}  // namespace wiresim::dns
