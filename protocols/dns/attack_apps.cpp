// Attacks to demonstrate: dns-poison, an off-path attacker racing forged responses against a
// resolver's real one (Kaminsky's variant: each round asks for a fresh name, and the forgery
// carries a new NS for the whole zone), and dns-flood, a query flood against a server.
// Spoofing works because the simulated network does no source-address filtering (BCP 38).
#include <nlohmann/json.hpp>

#include "protocols/dns/dns_world.hpp"
#include "protocols/dns/name.hpp"
#include "protocols/dns/scenario_keys.hpp"
#include "sim/net/headers.hpp"
#include "sim/scenario/registry.hpp"
#include "sim/scenario/table_reader.hpp"

namespace wiresim::dns {
namespace {

// Sends one UDP datagram with whatever source address the attacker likes.
void send_spoofed(World& world, NodeId from, Peer source, Peer destination, const std::vector<std::uint8_t>& payload) {
  Ipv4Header ip;
  ip.identification = world.net.next_ip_id(from);
  ip.source = Ipv4Address{source.address};
  ip.destination = Ipv4Address{destination.address};
  world.net.send(from, build_udp_packet(ip, UdpHeader{source.port, destination.port}, payload));
}

class PoisonApp : public App {
 public:
  explicit PoisonApp(AppContext& c) : world_(c.world), node_(c.node), random_(c.world.sim.random("dns.attacker")) {
    victim_ = read_server(c.table, "victim").address;
    domain_ = read_name(c.table, "domain");
    spoof_ = read_server(c.table, "spoof").address;
    ns_name_ = c.table.has("ns-name") ? read_name(c.table, "ns-name") : "ns." + domain_;
    if (!in_zone(ns_name_, domain_))
      c.table.fail("ns-name", "the forged name server must lie inside " + domain_ +
                                  ", or the resolver's bailiwick check discards its address");
    ns_address_ = read_server(c.table, "ns-address").address;
    const std::string port = c.table.string("port");
    if (port != "random") {
      const long value = std::strtol(port.c_str(), nullptr, 10);
      if (value < 1 || value > 65535 || std::to_string(value) != port)
        c.table.fail("port", "'port' is the victim's query port as a number (\"33333\"), or \"random\" to guess it too");
      port_ = static_cast<std::uint16_t>(value);
    }
    burst_ = static_cast<int>(c.table.integer_or("burst", 1, 100000, 200));
    max_rounds_ = static_cast<int>(c.table.integer_or("rounds", 1, 1'000'000, 1000));
    ttl_ = static_cast<std::uint32_t>(c.table.integer_or("ttl", 1, 2147483647, 86400));
  }

  void start() override {
    local_port_ = world_.stack(node_).udp.bind_ephemeral([this](Endpoint, Endpoint, std::string_view payload) {
      answered({reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()});
    });
    next_round();
  }
  void stop() override { stopped_ = true; }

  void report(nlohmann::ordered_json& out) const override {
    out["app"] = "dns-poison";
    out["host"] = world_.net.node(node_).name();
    out["victim"] = address_string(victim_);
    out["domain"] = domain_;
    out["guessing"] = port_ ? "ID only (port " + std::to_string(*port_) + " known)" : "ID and port";
    out["rounds"] = round_;
    out["forged_responses"] = forged_;
    out["succeeded"] = succeeded_;
    if (succeeded_) out["succeeded_at_s"] = success_time_.seconds();
    // The odds of one forgery: the ID space, times the port space when the port is unknown.
    const double space = 65536.0 * (port_ ? 1.0 : 64512.0);
    out["chance_per_forgery"] = 1.0 / space;
    out["expected_rounds_to_succeed"] = std::round(space / burst_);
  }

 private:
  std::string round_name() const {
    std::string name = "w";
    return name.append(std::to_string(round_)).append(".").append(domain_);
  }

  void next_round() {
    if (stopped_ || succeeded_ || round_ >= max_rounds_) return;
    ++round_;
    const std::string qname = round_name();
    // 1. Make the victim ask: a recursive query for a name it cannot have cached.
    Message trigger;
    trigger.header.id = static_cast<std::uint16_t>(random_.next_u64());
    trigger.header.rd = true;
    trigger.questions.push_back({qname, RrType::A, ClassIn});
    const std::vector<std::uint8_t> bytes = encode(trigger);
    world_.stack(node_).udp.send_to(local_port_, {Ipv4Address{victim_}, Port},
                                    {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
    // 2. Race the real answer: forged responses "from" the zone's server, guessing ID (and port).
    Message forged;
    forged.header.qr = forged.header.aa = true;
    forged.questions.push_back({qname, RrType::A, ClassIn});
    forged.answers.push_back({qname, RrType::A, ClassIn, ttl_, a_data(ns_address_)});
    forged.authority.push_back({domain_, RrType::NS, ClassIn, ttl_, NameData{ns_name_}});
    forged.additional.push_back({ns_name_, RrType::A, ClassIn, ttl_, a_data(ns_address_)});
    for (int k = 0; k < burst_; ++k) {
      forged.header.id = static_cast<std::uint16_t>(random_.next_u64());
      const std::uint16_t port = port_ ? *port_ : static_cast<std::uint16_t>(1024 + random_.next_u64() % 64512);
      send_spoofed(world_, node_, {spoof_, Port}, {victim_, port}, encode(forged));
      ++forged_;
    }
    waiting_ = world_.sim.schedule_in(seconds(5), [this] { lost("no answer"); });
  }

  void answered(std::span<const std::uint8_t> bytes) {
    const DecodeResult decoded = decode(bytes);
    if (!decoded.message || decoded.message->questions.empty() ||
        !same_name(decoded.message->questions[0].name, round_name()))
      return;
    world_.sim.cancel(waiting_);
    for (const ResourceRecord& rr : decoded.message->answers)
      if (const auto* a = std::get_if<AData>(&rr.data); a && address_of(*a) == ns_address_) {
        succeeded_ = true;
        success_time_ = world_.sim.now();
        note("round " + std::to_string(round_) + ": a forged response won the race; the victim now sends " + domain_ +
             " to " + address_string(ns_address_) + " (" + std::to_string(forged_) + " forged responses sent)");
        return;
      }
    lost(rcode_name(decoded.message->header.rcode) + " from the real server");
  }

  void lost(const std::string& why) {
    note("round " + std::to_string(round_) + ": " + round_name() + " answered " + why + "; the real answer won");
    world_.sim.schedule_in(milliseconds(10), [this] { next_round(); });
  }

  void note(std::string text) {
    Event e;
    e.kind = EventKind::Note;
    e.text = "attack: " + std::move(text);
    publish_events(world_, node_, {e});
  }

  World& world_;
  NodeId node_;
  Random& random_;
  std::uint32_t victim_ = 0, spoof_ = 0, ns_address_ = 0;
  std::string domain_, ns_name_;
  std::optional<std::uint16_t> port_;
  int burst_ = 200, max_rounds_ = 1000, round_ = 0;
  std::uint32_t ttl_ = 86400;
  std::uint16_t local_port_ = 0;
  std::uint64_t forged_ = 0;
  bool succeeded_ = false, stopped_ = false;
  Time success_time_{};
  EventId waiting_{};
};

class FloodApp : public App {
 public:
  explicit FloodApp(AppContext& c) : world_(c.world), node_(c.node), random_(c.world.sim.random("dns.flood")) {
    target_ = read_server(c.table, "target").address;
    domain_ = read_name(c.table, "domain");
    const std::int64_t rate = c.table.integer("rate", 1, 10'000'000);
    gap_ = Duration{1'000'000'000 / rate};
    spoof_ = c.table.boolean_or("spoof-sources", false);
  }
  void start() override {
    running_ = true;
    port_ = world_.stack(node_).udp.bind_ephemeral([](Endpoint, Endpoint, std::string_view) {});
    Event e;
    e.kind = EventKind::Note;
    e.text = "attack: flooding " + address_string(target_) + " with queries for random names under " + domain_;
    publish_events(world_, node_, {e});
    send();
  }
  void stop() override { running_ = false; }
  void report(nlohmann::ordered_json& out) const override {
    out["app"] = "dns-flood";
    out["host"] = world_.net.node(node_).name();
    out["target"] = address_string(target_);
    out["queries_sent"] = sent_;
  }

 private:
  // Random names defeat every cache, so each query costs the server work (a "water torture").
  void send() {
    if (!running_) return;
    Message q;
    q.header.id = static_cast<std::uint16_t>(random_.next_u64());
    q.header.rd = true;
    std::string name = "r";
    name.append(std::to_string(random_.next_u64() % 100000000)).append(".").append(domain_);
    q.questions.push_back({name, RrType::A, ClassIn});
    Peer source{world_.net.node(node_).address().value, port_};
    if (spoof_) source = {static_cast<std::uint32_t>(random_.next_u64()), static_cast<std::uint16_t>(1024 + random_.next_u64() % 60000)};
    send_spoofed(world_, node_, source, {target_, Port}, encode(q));
    ++sent_;
    // Many bots sending independently: Poisson arrivals, so no query can hide between them.
    const double gap = random_.exponential(static_cast<double>(gap_.ns));
    world_.sim.schedule_in(Duration{static_cast<std::int64_t>(gap)}, [this] { send(); });
  }

  World& world_;
  NodeId node_;
  Random& random_;
  std::uint32_t target_ = 0;
  std::string domain_;
  Duration gap_{};
  bool spoof_ = false, running_ = false;
  std::uint16_t port_ = 0;
  std::uint64_t sent_ = 0;
};

}  // namespace

void register_attacks(Registry& registry) {
  registry.add_app("dns-poison", {"an off-path attacker racing forged responses against a resolver (cache poisoning)",
                                  [](AppContext& c) { return std::make_unique<PoisonApp>(c); }});
  registry.add_app("dns-flood", {"floods a DNS server with queries for random names",
                                 [](AppContext& c) { return std::make_unique<FloodApp>(c); }});
}

}  // namespace wiresim::dns
