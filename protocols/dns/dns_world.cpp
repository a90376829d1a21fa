#include "protocols/dns/dns_world.hpp"

#include <nlohmann/json.hpp>

#include "protocols/dns/trace_events.hpp"
#include "sim/net/ipv4_address.hpp"

namespace wiresim::dns {
namespace {

// "lookup www.example.com. A: NOERROR 93.184.216.34 in 84 ms" for the trace.
Event completion_event(const LookupResult& r, const std::string& tool) {
  Event e;
  e.kind = EventKind::Resolved;
  e.name = r.question.name;
  e.type = r.question.type;
  e.took = r.finished - r.started;
  e.from_cache = r.from_cache;
  e.text = tool + " " + describe(r.question.name, r.question.type) + ": ";
  if (!r.reply) {
    e.rcode = Rcode::ServFail;
    e.text += "no reply after " + std::to_string(r.tries) + (r.tries == 1 ? " try" : " tries");
    return e;
  }
  e.rcode = r.reply->header.rcode;
  e.text += rcode_name(e.rcode);
  for (const ResourceRecord& rr : r.reply->answers)
    if (rr.type == r.question.type) e.text.append(" ").append(rdata_text(rr));
  e.text += r.from_cache ? " (from the cache)" : " in " + std::to_string(e.took.ns / 1'000'000) + " ms";
  return e;
}

}  // namespace

void lookup(World& world, NodeId host, const std::string& name, RrType type, LookupDone done) {
  world.service<DnsWorld>().lookup(host, {name, type, ClassIn}, "lookup", std::move(done));
}

std::unique_ptr<EngineHost<Stub>> DnsWorld::make_stub(NodeId host, StubConfig config, const std::string& stream) {
  Random& random = world_.sim.random(stream);
  return std::make_unique<EngineHost<Stub>>(world_, host, Stub(config, [&random] { return random.next_u64(); }));
}

EngineHost<Stub>& DnsWorld::stub(NodeId host) {
  auto& slot = stubs_[host];
  if (!slot) {
    StubConfig config;
    config.server = server_of(host);
    slot = make_stub(host, config, "dns.stub." + world_.net.node(host).name());
    watch(*slot, host);
  }
  return *slot;
}

void DnsWorld::watch(EngineHost<Stub>& host, NodeId node) {
  EngineHost<Stub>* h = &host;
  host.on_flush = [this, h, node] {
    for (LookupResult& r : h->engine().take_results()) {
      auto it = waiting_.find({h, r.handle});
      if (it == waiting_.end()) continue;
      auto [tool, done] = std::move(it->second);
      waiting_.erase(it);
      lookups_.push_back({world_.net.node(node).name(), tool, r});
      publish_events(world_, node, {completion_event(r, tool)});
      if (done) done(r);
    }
  };
}

void DnsWorld::set_server(NodeId host, std::uint32_t address) {
  servers_[host] = address;
  if (auto it = stubs_.find(host); it != stubs_.end()) it->second->engine().set_server(address);
}

std::uint32_t DnsWorld::server_of(NodeId host) const {
  auto it = servers_.find(host);
  return it == servers_.end() ? 0 : it->second;
}

void DnsWorld::lookup(NodeId host, const Question& question, const std::string& tool, LookupDone done) {
  EngineHost<Stub>& s = stub(host);
  const std::uint64_t handle = s.engine().lookup(question, world_.sim.now());
  waiting_[{&s, handle}] = {tool, std::move(done)};
  s.flush();
}

void DnsWorld::query(NodeId host, StubConfig config, const Question& question, const std::string& tool,
                     LookupDone done) {
  config.cache_size = 0;
  one_off_.push_back(make_stub(host, config, "dns.tool." + world_.net.node(host).name()));
  EngineHost<Stub>& s = *one_off_.back();
  watch(s, host);
  const std::uint64_t handle = s.engine().lookup(question, world_.sim.now());
  waiting_[{&s, handle}] = {tool, std::move(done)};
  s.flush();
}

const Resolver* DnsWorld::resolver(NodeId node) const {
  auto it = resolvers_.find(node);
  return it == resolvers_.end() ? nullptr : it->second;
}

const Cache* DnsWorld::cache_of(NodeId node) const {
  if (const Resolver* r = resolver(node)) return &r->cache();
  auto it = stubs_.find(node);
  return it == stubs_.end() ? nullptr : &it->second->engine().cache();
}

Cache* DnsWorld::mutable_cache_of(NodeId node) {
  if (auto it = resolvers_.find(node); it != resolvers_.end()) return &it->second->cache();
  auto it = stubs_.find(node);
  return it == stubs_.end() ? nullptr : &it->second->engine().cache();
}

void DnsWorld::tool_output(NodeId host, const std::string& tool, std::string text) {
  const std::string& name = world_.net.node(host).name();
  outputs_.push_back({world_.sim.now(), name, tool, text});
  world_.sim.trace().publish(ToolTrace{name, tool, std::move(text)});
}

std::uint64_t DnsWorld::queries_sent(NodeId from, std::optional<std::uint32_t> to) const {
  std::uint64_t n = 0;
  for (const auto& [key, count] : queries_)
    if (key.first == from && (!to || key.second == *to)) n += count;
  return n;
}

void DnsWorld::report(nlohmann::ordered_json& out) const {
  nlohmann::ordered_json lookups = nlohmann::ordered_json::array();
  for (const LookupLog& l : lookups_) {
    const LookupResult& r = l.result;
    nlohmann::ordered_json j;
    j["host"] = l.host;
    j["tool"] = l.tool;
    j["name"] = r.question.name;
    j["type"] = type_name(r.question.type);
    j["at_s"] = r.started.seconds();
    j["rcode"] = r.reply ? rcode_name(r.reply->header.rcode) : "no reply";
    nlohmann::ordered_json answers = nlohmann::ordered_json::array();
    if (r.reply)
      for (const ResourceRecord& rr : r.reply->answers) answers.push_back(type_name(rr.type) + " " + rdata_text(rr));
    j["answers"] = answers;
    j["from_cache"] = r.from_cache;
    j["took_ms"] = static_cast<double>((r.finished - r.started).ns / 1000) / 1000.0;
    j["tries"] = r.tries;
    j["tcp"] = r.tcp;
    lookups.push_back(j);
  }
  nlohmann::ordered_json tools = nlohmann::ordered_json::array();
  for (const ToolOutput& t : outputs_)
    tools.push_back({{"host", t.host}, {"tool", t.tool}, {"at_s", t.time.seconds()}, {"output", t.text}});
  nlohmann::ordered_json queries = nlohmann::ordered_json::array();
  std::map<NodeId, std::uint64_t> per_node;
  for (const auto& [key, n] : queries_) per_node[key.first] += n;
  for (const auto& [node, n] : per_node) queries.push_back({{"node", world_.net.node(node).name()}, {"queries_sent", n}});
  out["dns"] = {{"lookups", lookups}, {"queries_sent", queries}, {"tool_outputs", tools}};
}

nlohmann::ordered_json cache_entries(const Cache& cache, Time now) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const CacheEntry& e : cache.entries(now)) {
    nlohmann::ordered_json entry;
    entry["name"] = e.name;
    entry["type"] = e.negative && e.rcode == Rcode::NXDomain ? "NXDOMAIN" : type_name(e.type);
    entry["negative"] = e.negative;
    // Whole seconds, as a cache dump shows them; entries() left out those already expired.
    entry["ttl_left"] = (e.expires - now).ns / 1'000'000'000;
    entry["from"] = e.source;
    nlohmann::ordered_json data = nlohmann::ordered_json::array();
    if (!e.negative)
      for (const ResourceRecord& rr : e.records) data.push_back(rdata_text(rr));
    entry["data"] = data;
    list.push_back(std::move(entry));
  }
  return list;
}

void DnsWorld::inspect(nlohmann::ordered_json& out) const {
  if (stubs_.empty()) return;
  nlohmann::ordered_json stubs = nlohmann::ordered_json::object();
  for (const auto& [node, host] : stubs_) {
    const Stub& stub = host->engine();
    nlohmann::ordered_json s;
    s["server"] = stub.config().server ? Ipv4Address{stub.config().server}.to_string() : "none";
    s["cache"] = cache_entries(stub.cache(), world_.sim.now());
    stubs[world_.net.node(node).name()] = std::move(s);
  }
  out["dns_stubs"] = stubs;
}

}  // namespace wiresim::dns
