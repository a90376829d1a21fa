// The cache's rules: a TTL counts down from when the data arrived; an RRset is replaced as a
// whole; less credible data never overwrites fresher, more credible data (RFC 2181 5.4.1).
#include "protocols/dns/cache.hpp"

#include <algorithm>

#include "protocols/dns/name.hpp"

namespace wiresim::dns {
namespace {

constexpr std::uint16_t NxDomainKey = 0;  // type 0 is reserved, so it cannot clash

std::uint32_t seconds_left(Time expires, Time now) {
  return expires > now ? static_cast<std::uint32_t>((expires - now).ns / 1'000'000'000) : 0;
}

// RFC 2181 8: a TTL is 31 bits; a value with the top bit set is treated as zero.
std::uint32_t usable_ttl(std::uint32_t ttl) { return ttl > 0x7fffffffu ? 0 : ttl; }

Event cache_event(EventKind kind, const std::string& name, RrType type, std::uint32_t ttl, std::string text) {
  Event e;
  e.kind = kind;
  e.name = name;
  e.type = type;
  e.ttl = ttl;
  e.text = std::move(text);
  return e;
}

}  // namespace

std::string describe(const std::string& name, RrType type) { return name + " " + type_name(type); }

bool Cache::store(const std::vector<ResourceRecord>& rrset, Rank rank, const std::string& source, Time now,
                  std::vector<Event>& events) {
  if (rrset.empty()) return false;
  const ResourceRecord& first = rrset.front();
  std::uint32_t ttl = usable_ttl(first.ttl);
  for (const ResourceRecord& rr : rrset) ttl = std::min(ttl, usable_ttl(rr.ttl));
  if (ttl == 0) return false;  // RFC 1035 3.2.1: a zero TTL is used once and not cached
  const Key key{canonical(first.name), static_cast<std::uint16_t>(first.type)};
  auto it = entries_.find(key);
  const bool replacing = it != entries_.end() && it->second.expires > now;
  if (replacing && it->second.rank > rank) return false;
  if (replacing && it->second.records == rrset) return false;  // the same data again: keep the first TTL
  if (!replacing) make_room(events);
  put(key, CacheEntry{first.name, first.type, false, Rcode::NoError, rrset, now, now + seconds(ttl), rank, source});
  std::string text = (replacing ? "cache: replaced " : "cache: added ") + describe(first.name, first.type);
  text += " (TTL " + std::to_string(ttl) + ", from " + source + ")";
  events.push_back(cache_event(replacing ? EventKind::CacheReplaced : EventKind::CacheAdded, first.name, first.type,
                               ttl, std::move(text)));
  return true;
}

void Cache::store_negative(const std::string& name, RrType type, Rcode rcode, const std::optional<ResourceRecord>& soa,
                           const std::string& source, Time now, std::vector<Event>& events,
                           std::uint32_t fallback_ttl) {
  std::uint32_t ttl = fallback_ttl;
  if (soa)
    if (const auto* data = std::get_if<SoaData>(&soa->data)) ttl = std::min(usable_ttl(soa->ttl), usable_ttl(data->minimum));
  if (ttl == 0) return;
  const bool nxdomain = rcode == Rcode::NXDomain;
  const Key key{canonical(name), nxdomain ? NxDomainKey : static_cast<std::uint16_t>(type)};
  if (!entries_.count(key)) make_room(events);
  CacheEntry& e = put(key, CacheEntry{name, type, true, rcode, {}, now, now + seconds(ttl), Rank::AuthoritativeAnswer, source});
  if (soa) e.records.push_back(*soa);
  std::string text = "cache: added negative " + (nxdomain ? name + " NXDOMAIN" : describe(name, type) + " NODATA");
  text += " (TTL " + std::to_string(ttl) + ", from " + source + ")";
  events.push_back(cache_event(EventKind::CacheAdded, name, type, ttl, std::move(text)));
}

CacheResult Cache::find(const std::string& name, RrType type, Time now) const {
  CacheResult out;
  const std::string key = canonical(name);
  auto fresh = [&](std::uint16_t t) -> const CacheEntry* {
    auto it = entries_.find({key, t});
    return it != entries_.end() && it->second.expires > now ? &it->second : nullptr;
  };
  auto counted_down = [&](const CacheEntry& e) {
    std::vector<ResourceRecord> records = e.records;
    for (ResourceRecord& rr : records) rr.ttl = seconds_left(e.expires, now);
    return records;
  };
  if (const CacheEntry* nx = fresh(NxDomainKey)) {
    out.status = CacheStatus::NxDomain;
    if (!nx->records.empty()) out.soa = counted_down(*nx).front();
    return out;
  }
  const CacheEntry* e = fresh(static_cast<std::uint16_t>(type));
  if (!e) return out;
  if (e->negative) {
    out.status = CacheStatus::NoData;
    if (!e->records.empty()) out.soa = counted_down(*e).front();
    return out;
  }
  out.status = CacheStatus::Records;
  out.records = counted_down(*e);
  return out;
}

void Cache::expire(Time now, std::vector<Event>& events) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
    auto it = entries_.find(by_expiry_.begin()->second);
    const CacheEntry& e = it->second;
    std::string what = e.negative && e.rcode == Rcode::NXDomain ? e.name + " NXDOMAIN" : describe(e.name, e.type);
    events.push_back(cache_event(EventKind::CacheExpired, e.name, e.type, 0, "cache: expired " + what));
    erase(it);
  }
}

std::optional<Time> Cache::next_expiry() const {
  if (by_expiry_.empty()) return std::nullopt;
  return by_expiry_.begin()->first;
}

std::vector<CacheEntry> Cache::entries(Time now) const {
  std::vector<CacheEntry> out;
  for (const auto& [key, e] : entries_) {
    if (e.expires <= now) continue;
    CacheEntry copy = e;
    for (ResourceRecord& rr : copy.records) rr.ttl = seconds_left(e.expires, now);
    out.push_back(std::move(copy));
  }
  return out;
}

void Cache::make_room(std::vector<Event>& events) {
  if (entries_.size() < max_entries_ || entries_.empty()) return;
  // The entry closest to expiring goes first: it had the least time left to be useful.
  auto victim = entries_.find(by_expiry_.begin()->second);
  events.push_back(cache_event(EventKind::CacheExpired, victim->second.name, victim->second.type, 0,
                               "cache: evicted " + describe(victim->second.name, victim->second.type) + " (cache full)"));
  erase(victim);
}

CacheEntry& Cache::put(const Key& key, CacheEntry entry) {
  if (auto old = entries_.find(key); old != entries_.end()) erase(old);
  by_expiry_.insert({entry.expires, key});
  return entries_[key] = std::move(entry);
}

void Cache::erase(std::map<Key, CacheEntry>::iterator it) {
  by_expiry_.erase({it->second.expires, it->first});
  entries_.erase(it);
}

}  // namespace wiresim::dns
