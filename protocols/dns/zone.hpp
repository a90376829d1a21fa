// An authoritative server's data and the lookup of RFC 1034 4.3.2: records group into zones,
// each starting at an SOA; an NS set below a zone's apex is a delegation (a zone cut) and the
// addresses under it are glue. Not modelled: wildcards (RFC 4592), DNSSEC, zone transfers.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "protocols/dns/message.hpp"

namespace wiresim::dns {

// What a zone lookup found; the server turns it into a response.
struct ZoneAnswer {
  Rcode rcode = Rcode::NoError;
  bool authoritative = false;  // false for a referral, or when no zone here holds the name
  bool refused = false;        // no zone on this server contains the name
  std::vector<ResourceRecord> answers, authority, additional;
};

class ZoneSet {
 public:
  // Adds records and groups them into zones by their SOA records. Returns "" or the first
  // problem, naming the record: a record outside every zone, a CNAME beside other data.
  std::string add(const std::vector<ResourceRecord>& records);

  ZoneAnswer lookup(const Question& question) const;

  // Origins of the zones held here, sorted: "." "com." "example.com."
  std::vector<std::string> origins() const;
  bool empty() const { return zones_.empty(); }

 private:
  struct Zone {
    std::string origin;
    ResourceRecord soa;
    // Records by canonical owner name, in the order written.
    std::map<std::string, std::vector<ResourceRecord>> names;
  };
  const Zone* zone_for(const std::string& name) const;  // the deepest zone containing name
  void add_addresses(const std::string& target, std::vector<ResourceRecord>& additional) const;
  void lookup_in(const Zone& zone, const Question& question, ZoneAnswer& out, int depth) const;

  std::map<std::string, Zone> zones_;  // by canonical origin
};

}  // namespace wiresim::dns
