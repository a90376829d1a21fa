// The dns-server app: an authoritative server for the zones in its `records`, optionally
// recursing for clients that ask it to (the textbook's "recursive query" chain), with a finite
// query rate so a flood can overload it.
#include <deque>
#include <nlohmann/json.hpp>

#include "protocols/dns/dns_world.hpp"
#include "protocols/dns/name.hpp"
#include "protocols/dns/scenario_keys.hpp"
#include "protocols/dns/server.hpp"
#include "sim/scenario/registry.hpp"

namespace wiresim::dns {
namespace {

class ServerApp : public App {
 public:
  explicit ServerApp(AppContext& c) : world_(c.world), node_(c.node) {
    const std::string origin = c.table.has("origin") ? read_name(c.table, "origin") : ".";
    const auto ttl = static_cast<std::uint32_t>(c.table.integer_or("ttl", 0, 2147483647, 3600));
    ZoneSet zones;
    const std::vector<ResourceRecord> records = read_records(c.table, "records", origin, ttl);
    if (std::string problem = zones.add(records); !problem.empty()) c.table.fail("records", problem);
    // RFC 2181 10.3: an MX must name a host, not an alias. Served as written, as BIND serves it,
    // with named-checkzone's complaint as a note when the server starts.
    for (const ResourceRecord& mx : records)
      if (const auto* data = std::get_if<MxData>(&mx.data))
        for (const ResourceRecord& alias : records)
          if (alias.type == RrType::CNAME && same_name(alias.name, data->exchange))
            warnings_.push_back("zone data: " + mx.name + " MX " + data->exchange + " is a CNAME (illegal: RFC 2181 10.3 "
                                "says an MX names a host, whose A record mail servers look up)");
    if (zones.empty())
      c.table.fail("records", "a dns-server needs at least one zone; start its records with an SOA, as in\n"
                              "  example.com. 3600 IN SOA ns1.example.com. admin.example.com. 1 7200 900 1209600 300");
    server_.emplace(std::move(zones));
    recursion_ = c.table.boolean_or("recursion", false);
    if (c.table.has("capacity")) {
      const std::int64_t qps = c.table.integer("capacity", 1, 100'000'000);
      service_time_ = Duration{1'000'000'000 / qps};
      service_random_ = &world_.sim.random("dns.server-load." + world_.net.node(node_).name());
    }
    backlog_ = static_cast<std::size_t>(c.table.integer_or("backlog", 1, 1'000'000, 64));
    for (const char* protocol : {"UDP", "TCP"})
      if (auto clash = world_.claim_port(node_, protocol, Port); !clash.empty()) c.table.fail("type", clash);
    socket_ = std::make_unique<DnsSocket>(world_, node_, [this](auto bytes, Peer from, std::uint16_t, Transport t) {
      arrived(std::vector<std::uint8_t>(bytes.begin(), bytes.end()), from, t);
    });
    if (recursion_) {
      ResolverConfig config;
      config.iterative = false;
      config.serve_clients = false;
      Random& random = world_.sim.random("dns.server." + world_.net.node(node_).name());
      forwarder_ = std::make_unique<EngineHost<Resolver>>(world_, node_,
                                                          Resolver(config, [&random] { return random.next_u64(); }));
      forwarder_->on_flush = [this] { forwarded(); };
    }
  }

  void start() override {
    for (const std::string& text : warnings_) {
      Event e;
      e.kind = EventKind::Note;
      e.text = text;
      publish_events(world_, node_, {e});
    }
    socket_->serve();
  }
  void stop() override { socket_->stop_serving(); }

  void report(nlohmann::ordered_json& out) const override {
    const auto& s = server_->stats();
    out["app"] = "dns-server";
    out["host"] = world_.net.node(node_).name();
    out["zones"] = server_->zones().origins();
    out["queries"] = s.queries;
    out["answers"] = s.answers;
    out["referrals"] = s.referrals;
    out["nxdomain"] = s.nxdomain;
    out["nodata"] = s.nodata;
    out["refused"] = s.refused;
    out["formerr"] = s.formerr;
    out["truncated"] = s.truncated;
    out["dropped_overloaded"] = overloaded_;
    out["max_backlog"] = max_backlog_;
  }

 private:
  std::vector<std::string> warnings_;  // found in the zone data, noted at start

  struct Pending {
    std::vector<std::uint8_t> bytes;
    Peer from;
    Transport transport;
  };

  // A server with a finite rate serves one query at a time; the rest wait, up to the backlog.
  void arrived(std::vector<std::uint8_t> bytes, Peer from, Transport transport) {
    if (!service_time_.ns) return serve({std::move(bytes), from, transport});
    if (queue_.size() >= backlog_) {
      ++overloaded_;
      if (overloaded_ == 1 || overloaded_ % 1000 == 0) {
        Event e;
        e.kind = EventKind::Note;
        e.text = "overloaded: dropped a query from " + address_string(from.address) + " (" +
                 std::to_string(overloaded_) + " dropped so far; backlog " + std::to_string(backlog_) + ")";
        publish_events(world_, node_, {e});
      }
      return;
    }
    queue_.push_back({std::move(bytes), from, transport});
    max_backlog_ = std::max(max_backlog_, queue_.size());
    if (queue_.size() == 1) world_.sim.schedule_in(service_time(), [this] { next(); });
  }

  void next() {
    Pending p = std::move(queue_.front());
    queue_.pop_front();
    serve(std::move(p));
    if (!queue_.empty()) world_.sim.schedule_in(service_time(), [this] { next(); });
  }

  // The work per query varies (an exponential time around the mean), as on a real machine:
  // a fixed service clock would let one client's queries slip in at the same phase forever.
  Duration service_time() {
    return Duration{static_cast<std::int64_t>(service_random_->exponential(static_cast<double>(service_time_.ns)))};
  }

  void serve(Pending p) {
    ServerAnswer answer = server_->answer(p.bytes, p.from, p.transport);
    publish_events(world_, node_, server_->take_events());
    if (recursion_ && answer.referral && answer.query) {
      // Recursive service: ask the delegated servers ourselves, with RD set, and relay.
      const std::uint64_t handle = forwarder_->engine().resolve(answer.query->questions[0], world_.sim.now(),
                                                                answer.referral_servers, answer.referral_zone);
      relaying_[handle] = {*answer.query, p.from, p.transport};
      forwarder_->flush();
      return;
    }
    if (!answer.bytes.empty()) socket_->send({p.from, Port, std::move(answer.bytes), p.transport});
  }

  void forwarded() {
    for (Completion& done : forwarder_->engine().take_completions()) {
      auto it = relaying_.find(done.handle);
      if (it == relaying_.end()) continue;
      const Relay relay = std::move(it->second);
      relaying_.erase(it);
      Message reply = reply_to(relay.query, done.reply.header.rcode);
      reply.header.ra = true;
      reply.answers = std::move(done.reply.answers);
      reply.authority = std::move(done.reply.authority);
      socket_->send({relay.client, Port, relay.transport == Transport::Udp ? encode_limited(reply) : encode(reply),
                     relay.transport});
    }
  }

  struct Relay {
    Message query;
    Peer client;
    Transport transport;
  };

  World& world_;
  NodeId node_;
  std::optional<AuthoritativeServer> server_;
  std::unique_ptr<DnsSocket> socket_;
  bool recursion_ = false;
  std::unique_ptr<EngineHost<Resolver>> forwarder_;
  std::map<std::uint64_t, Relay> relaying_;
  Duration service_time_{};
  Random* service_random_ = nullptr;
  std::size_t backlog_ = 64;
  std::deque<Pending> queue_;
  std::uint64_t overloaded_ = 0;
  std::size_t max_backlog_ = 0;
};

}  // namespace

void register_server(Registry& registry) {
  registry.add_app("dns-server", {"an authoritative DNS server for the zones in its records (master-file text)",
                                  [](AppContext& c) { return std::make_unique<ServerApp>(c); }});
}

}  // namespace wiresim::dns
