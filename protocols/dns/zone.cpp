// The authoritative lookup algorithm of RFC 1034 4.3.2 over in-memory zones, with the
// negative answers of RFC 2308 (the SOA in the authority section).
#include "protocols/dns/zone.hpp"

#include <algorithm>

#include "protocols/dns/name.hpp"

namespace wiresim::dns {
namespace {

// RFC 2308 3: a negative answer's SOA is given the TTL min(SOA TTL, SOA MINIMUM).
ResourceRecord negative_soa(const ResourceRecord& soa) {
  ResourceRecord r = soa;
  r.ttl = std::min(soa.ttl, std::get<SoaData>(soa.data).minimum);
  return r;
}

const std::string* target_name(const ResourceRecord& rr) {
  if (const auto* n = std::get_if<NameData>(&rr.data)) return &n->target;
  if (const auto* mx = std::get_if<MxData>(&rr.data)) return &mx->exchange;
  return nullptr;
}

// RFC 1034 4.3.2 step 3: follow at most this many CNAMEs inside our own zones.
constexpr int MaxCnameChain = 8;

}  // namespace

std::string ZoneSet::add(const std::vector<ResourceRecord>& records) {
  for (const ResourceRecord& rr : records)
    if (rr.type == RrType::SOA) {
      const std::string key = canonical(rr.name);
      if (zones_.count(key)) return "zone " + rr.name + " has a second SOA record; a zone has exactly one";
      zones_[key] = Zone{rr.name, rr, {}};
    }
  for (const ResourceRecord& rr : records) {
    Zone* zone = nullptr;
    for (std::string name = canonical(rr.name);; name = parent(name)) {
      if (auto it = zones_.find(name); it != zones_.end()) {
        zone = &it->second;
        break;
      }
      if (name == ".") break;
    }
    if (!zone)
      return "record " + rr.name + " " + type_name(rr.type) +
             " is outside every zone of this server; start its zone with an SOA record";
    auto& list = zone->names[canonical(rr.name)];
    const bool has_cname = std::any_of(list.begin(), list.end(), [](auto& r) { return r.type == RrType::CNAME; });
    if ((rr.type == RrType::CNAME && !list.empty()) || (has_cname && rr.type != RrType::CNAME))
      return "name " + rr.name + " has a CNAME and other records; a CNAME must stand alone (RFC 1034 3.6.2)";
    list.push_back(rr);
  }
  return "";
}

std::vector<std::string> ZoneSet::origins() const {
  std::vector<std::string> out;
  for (const auto& [key, zone] : zones_) out.push_back(zone.origin);
  return out;
}

const ZoneSet::Zone* ZoneSet::zone_for(const std::string& name) const {
  for (std::string n = canonical(name);; n = parent(n)) {
    if (auto it = zones_.find(n); it != zones_.end()) return &it->second;
    if (n == ".") return nullptr;
  }
}

void ZoneSet::add_addresses(const std::string& target, std::vector<ResourceRecord>& additional) const {
  const Zone* zone = zone_for(target);
  if (!zone) return;
  auto it = zone->names.find(canonical(target));
  if (it == zone->names.end()) return;
  for (const ResourceRecord& rr : it->second)
    if ((rr.type == RrType::A || rr.type == RrType::AAAA) &&
        std::find(additional.begin(), additional.end(), rr) == additional.end())
      additional.push_back(rr);
}

ZoneAnswer ZoneSet::lookup(const Question& question) const {
  ZoneAnswer out;
  const Zone* zone = zone_for(question.name);
  if (!zone) {
    out.refused = true;
    out.rcode = Rcode::Refused;
    return out;
  }
  lookup_in(*zone, question, out, 0);
  return out;
}

void ZoneSet::lookup_in(const Zone& zone, const Question& question, ZoneAnswer& out, int depth) const {
  const std::string qname = canonical(question.name);
  // Step 3b: a zone cut between the apex and the name means the answer lives elsewhere.
  const std::vector<std::string> qlabels = labels(qname);
  const std::size_t apex_labels = label_count(zone.origin);
  for (std::size_t n = apex_labels + 1; n <= qlabels.size(); ++n) {
    const std::string cut = from_labels({qlabels.end() - static_cast<std::ptrdiff_t>(n), qlabels.end()});
    auto it = zone.names.find(cut);
    if (it == zone.names.end()) continue;
    std::vector<ResourceRecord> ns;
    for (const ResourceRecord& rr : it->second)
      if (rr.type == RrType::NS) ns.push_back(rr);
    if (ns.empty()) continue;
    // A referral: the child's NS set and the glue we hold for it. Authoritative only for the
    // CNAMEs already in the answer section, if any.
    out.authoritative = depth > 0;
    out.authority = ns;
    for (const ResourceRecord& rr : ns) add_addresses(std::get<NameData>(rr.data).target, out.additional);
    return;
  }
  out.authoritative = true;
  auto it = zone.names.find(qname);
  if (it == zone.names.end()) {
    // Step 3c: an empty non-terminal (a name with children but no records) exists: NODATA.
    const bool has_children = std::any_of(zone.names.begin(), zone.names.end(), [&](const auto& entry) {
      return entry.first != qname && in_zone(entry.first, qname);
    });
    // RFC 6604: after a CNAME, the rcode describes the last name of the chain.
    if (!has_children) out.rcode = Rcode::NXDomain;
    out.authority.push_back(negative_soa(zone.soa));
    return;
  }
  bool matched = false;
  for (const ResourceRecord& rr : it->second) {
    if (rr.type == RrType::CNAME && question.type != RrType::CNAME && question.type != RrType::ANY) {
      out.answers.push_back(rr);
      const std::string& target = std::get<NameData>(rr.data).target;
      // Step 3a: restart at the alias's target when it is in a zone we hold.
      if (depth < MaxCnameChain)
        if (const Zone* next = zone_for(target)) lookup_in(*next, {target, question.type, question.klass}, out, depth + 1);
      return;
    }
    if (rr.type == question.type || question.type == RrType::ANY) {
      out.answers.push_back(rr);
      matched = true;
    }
  }
  if (!matched) {
    out.authority.push_back(negative_soa(zone.soa));
    return;
  }
  // RFC 1035 3.3.9 and 3.3.11: the addresses of MX and NS targets go in the additional section.
  for (const ResourceRecord& rr : out.answers)
    if (rr.type == RrType::MX || rr.type == RrType::NS)
      if (const std::string* target = target_name(rr)) add_addresses(*target, out.additional);
}

}  // namespace wiresim::dns
