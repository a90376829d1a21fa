// The dns-resolver app: a caching recursive resolver serving the hosts named in `serves`.
// With `forge`, a hijacked (rogue) resolver that lies about the names it lists.
#include <nlohmann/json.hpp>

#include "protocols/dns/dns_world.hpp"
#include "protocols/dns/name.hpp"
#include "protocols/dns/scenario_keys.hpp"
#include "sim/scenario/registry.hpp"

namespace wiresim::dns {
namespace {

class ResolverApp : public App {
 public:
  explicit ResolverApp(AppContext& c) : world_(c.world), node_(c.node) {
    ResolverConfig config;
    if (!c.table.has("root-hints"))
      c.table.fail_table("a dns-resolver needs root-hints: the root servers it starts from, as in "
                         "root-hints = [\"a-root\"] (node names or addresses)");
    const auto hints = c.table.string_list("root-hints");
    for (std::size_t i = 0; i < hints.size(); ++i) {
      NameServer s = server_from_text(c.table, "root-hints", hints[i], i);
      config.root_hints.push_back(s);
    }
    config.iterative = c.table.choice("mode", {"iterative", "recursive"}, "iterative") == "iterative";
    if (c.table.has("source-port")) {
      const std::string port = c.table.string_or("source-port", "random");
      if (port != "random") {
        const long value = std::strtol(port.c_str(), nullptr, 10);
        if (value < 1 || value > 65535 || std::to_string(value) != port)
          c.table.fail("source-port", "'source-port' is \"random\" or a port number such as \"33333\", got '" + port + "'");
        config.fixed_port = static_cast<std::uint16_t>(value);
      }
    }
    config.timeout = c.table.duration_or("timeout", config.timeout);
    config.cache_size = static_cast<std::size_t>(c.table.integer_or("cache-size", 1, 10'000'000, 100000));
    if (c.table.has("local-data")) config.local_data = read_records(c.table, "local-data", ".", 300);
    for (const char* protocol : {"UDP", "TCP"})
      if (auto clash = world_.claim_port(node_, protocol, Port); !clash.empty()) c.table.fail("type", clash);
    if (config.fixed_port && *config.fixed_port != Port)
      if (auto clash = world_.claim_port(node_, "UDP", *config.fixed_port); !clash.empty()) c.table.fail("source-port", clash);
    serves_ = c.table.string_list_or("serves", {});
    for (std::size_t i = 0; i < serves_.size(); ++i)
      if (serves_[i] != "all") c.table.resolve_node("serves", serves_[i], i);
    Random& random = world_.sim.random("dns.resolver." + world_.net.node(node_).name());
    host_ = std::make_unique<EngineHost<Resolver>>(world_, node_, Resolver(config, [&random] { return random.next_u64(); }));
    world_.service<DnsWorld>().add_resolver(node_, &host_->engine());
    // Hosts learn their DNS server at load time, as DHCP would have told them before the run.
    const std::uint32_t self = world_.net.node(node_).address().value;
    for (const std::string& name : serves_) {
      if (name == "all") {
        for (NodeId id = 0; id < world_.net.node_count(); ++id)
          if (id != node_ && !world_.net.node(id).is_router()) world_.service<DnsWorld>().set_server(id, self);
        continue;
      }
      world_.service<DnsWorld>().set_server(*world_.net.find_node(name), self);
    }
  }

  void start() override { host_->socket().serve(); }
  void stop() override { host_->socket().stop_serving(); }

  void report(nlohmann::ordered_json& out) const override {
    const Resolver& r = host_->engine();
    const auto& s = r.stats();
    out["app"] = "dns-resolver";
    out["host"] = world_.net.node(node_).name();
    out["mode"] = r.config().iterative ? "iterative" : "recursive";
    out["source_port"] = r.config().fixed_port ? std::to_string(*r.config().fixed_port) : "random";
    out["client_queries"] = s.client_queries;
    out["answered_from_cache"] = s.answered_from_cache;
    out["upstream_queries"] = s.upstream_queries;
    out["ignored_responses"] = s.ignored_responses;
    out["timeouts"] = s.timeouts;
    out["servfail"] = s.servfails;
    nlohmann::ordered_json cache = nlohmann::ordered_json::array();
    for (const CacheEntry& e : r.cache().entries(world_.sim.now())) {
      nlohmann::ordered_json entry;
      entry["name"] = e.name;
      entry["type"] = e.negative && e.rcode == Rcode::NXDomain ? "NXDOMAIN" : type_name(e.type);
      entry["negative"] = e.negative;
      entry["ttl_left"] = e.records.empty() ? 0 : e.records[0].ttl;
      entry["from"] = e.source;
      nlohmann::ordered_json data = nlohmann::ordered_json::array();
      if (!e.negative)
        for (const ResourceRecord& rr : e.records) data.push_back(rdata_text(rr));
      entry["data"] = data;
      cache.push_back(entry);
    }
    out["cache"] = cache;
  }

  // The report, its cache read at the current simulated time with every entry's TTL left
  // (the report gives negative entries without an SOA 0).
  void inspect(nlohmann::ordered_json& out) const override {
    report(out);
    out["cache"] = cache_entries(host_->engine().cache(), world_.sim.now());
  }

 private:
  World& world_;
  NodeId node_;
  std::vector<std::string> serves_;
  std::unique_ptr<EngineHost<Resolver>> host_;
};

}  // namespace

void register_resolver(Registry& registry) {
  registry.add_app("dns-resolver", {"a caching recursive DNS resolver (the local DNS server) for the hosts it serves",
                                    [](AppContext& c) { return std::make_unique<ResolverApp>(c); }});
}

}  // namespace wiresim::dns
