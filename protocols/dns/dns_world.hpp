// DNS state kept once per world: every host's stub resolver (made on first use), the lookup API
// the other protocols call, and what expectations, tools and the report read afterwards.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "protocols/dns/resolver.hpp"
#include "protocols/dns/sim_adapter.hpp"
#include "protocols/dns/stub.hpp"
#include "sim/scenario/world.hpp"

namespace wiresim::dns {

using LookupDone = std::function<void(const LookupResult&)>;

// The one lookup API: resolves `name` through `host`'s stub (its cache, then its DNS server).
void lookup(World& world, NodeId host, const std::string& name, RrType type, LookupDone done);

struct ToolOutput {
  Time time{};
  std::string host;
  std::string tool;  // "nslookup", "dig", "ipconfig", "dump-cache"
  std::string text;  // the command line, then what the tool printed
};

struct LookupLog {
  std::string host;
  std::string tool;  // "lookup", "nslookup", "dig", or the protocol that asked ("smtp")
  LookupResult result;
};

// A cache's fresh entries at `now` for the desktop view, in name order: {name, type, negative,
// ttl_left, from, data}. ttl_left counts down from each entry's expiry (negative entries
// without an SOA too); data holds the records' text, none for negative entries.
nlohmann::ordered_json cache_entries(const Cache& cache, Time now);

class DnsWorld : public WorldService {
 public:
  explicit DnsWorld(World& world) : world_(world) {}
  // "dns": every lookup with its answer and latency, and what the tools printed.
  void report(nlohmann::ordered_json& out) const override;
  // "dns_stubs": every host's stub resolver, its DNS server and its cache with the TTLs left now.
  void inspect(nlohmann::ordered_json& out) const override;

  EngineHost<Stub>& stub(NodeId host);
  void set_server(NodeId host, std::uint32_t address);
  std::uint32_t server_of(NodeId host) const;

  void lookup(NodeId host, const Question& question, const std::string& tool, LookupDone done);
  // One query without any cache, as dig and nslookup send it.
  void query(NodeId host, StubConfig config, const Question& question, const std::string& tool, LookupDone done);

  // Resolvers register their engines so tools, expectations and the report can see the caches.
  void add_resolver(NodeId node, Resolver* resolver) { resolvers_[node] = resolver; }
  const Resolver* resolver(NodeId node) const;
  const Cache* cache_of(NodeId node) const;  // a resolver's cache, else the node's stub cache
  Cache* mutable_cache_of(NodeId node);

  const std::vector<LookupLog>& lookups() const { return lookups_; }
  // Records and publishes what a tool printed.
  void tool_output(NodeId host, const std::string& tool, std::string text);
  const std::vector<ToolOutput>& tool_outputs() const { return outputs_; }
  void count_query(NodeId from, std::uint32_t to) { ++queries_[{from, to}]; }
  std::uint64_t queries_sent(NodeId from, std::optional<std::uint32_t> to = std::nullopt) const;

 private:
  std::unique_ptr<EngineHost<Stub>> make_stub(NodeId host, StubConfig config, const std::string& stream);
  void watch(EngineHost<Stub>& host, NodeId node);

  World& world_;
  std::map<NodeId, std::unique_ptr<EngineHost<Stub>>> stubs_;
  std::map<NodeId, std::uint32_t> servers_;
  std::vector<std::unique_ptr<EngineHost<Stub>>> one_off_;
  std::map<std::pair<const void*, std::uint64_t>, std::pair<std::string, LookupDone>> waiting_;  // by stub and handle
  std::map<NodeId, Resolver*> resolvers_;
  std::vector<LookupLog> lookups_;
  std::vector<ToolOutput> outputs_;
  std::map<std::pair<NodeId, std::uint32_t>, std::uint64_t> queries_;
};

}  // namespace wiresim::dns
