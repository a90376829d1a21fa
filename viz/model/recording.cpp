#include "viz/model/recording.hpp"

#include <algorithm>
#include <unordered_map>
#include <nlohmann/json.hpp>

#include "sim/net/net_events.hpp"
#include "sim/scenario/runner.hpp"
#include "sim/scenario/world.hpp"
#include "sim/trace/app_events.hpp"
#include "viz/model/dissection.hpp"

namespace wiresim::viz {

const char* role_name(Role role) {
  switch (role) {
    case Role::Host: return "host";
    case Role::Laptop: return "laptop";
    case Role::Router: return "router";
    case Role::MailServer: return "mail server";
    case Role::DnsRoot: return "DNS root";
    case Role::DnsTld: return "DNS TLD";
    case Role::DnsAuthoritative: return "DNS authoritative";
    case Role::DnsResolver: return "DNS resolver";
    case Role::FtpServer: return "FTP server";
    case Role::WebServer: return "web server";
    case Role::Tracker: return "tracker";
    case Role::Peer: return "peer";
    case Role::Attacker: return "attacker";
  }
  return "host";
}

namespace {

// A DNS server's role in the hierarchy follows from the zones it serves: "." is the root, a
// single label ("edu.") a TLD, anything deeper an authoritative server.
Role dns_server_role(const App& app) {
  nlohmann::ordered_json report;
  app.report(report);
  Role role = Role::DnsAuthoritative;
  if (!report.contains("zones")) return role;
  for (const auto& zone : report["zones"]) {
    const std::string z = zone.is_string() ? zone.get<std::string>() : "";
    if (z == ".") return Role::DnsRoot;
    if (std::count(z.begin(), z.end(), '.') == 1 && z.size() > 1) role = Role::DnsTld;
  }
  return role;
}

Role role_of_app(const std::string& type, const App& app) {
  if (type == "mail-server") return Role::MailServer;
  if (type == "dns-server") return dns_server_role(app);
  if (type == "dns-resolver") return Role::DnsResolver;
  if (type == "ftp-server") return Role::FtpServer;
  if (type == "http-server" || type == "webmail") return Role::WebServer;
  if (type == "bt-tracker") return Role::Tracker;
  if (type == "bt-peer") return Role::Peer;
  if (type == "dns-flood" || type == "dns-poison") return Role::Attacker;
  return Role::Host;
}

}  // namespace

void Recording::describe_topology(const World& world) {
  const Network& net = world.net;
  for (NodeId id = 0; id < net.node_count(); ++id) {
    const Node& n = net.node(id);
    NodeInfo info;
    info.name = n.name();
    info.kind = n.kind();
    info.role = n.is_router() ? Role::Router : Role::Host;
    for (const Interface& i : n.interfaces()) info.addresses.push_back(i.address.to_string());
    nodes_.push_back(std::move(info));
  }
  // The first server role found wins; a host with only clients stays a user host.
  for (std::size_t i = 0; i < world.apps.size(); ++i) {
    NodeInfo& info = nodes_[world.app_hosts[i]];
    info.apps.push_back(world.app_types[i]);
    const Role role = role_of_app(world.app_types[i], *world.apps[i]);
    if (info.role == Role::Host || info.role == Role::Peer) info.role = role;
  }
  for (const auto& [id, look] : world.looks) {
    nodes_[id].position = look.position;
    if (look.icon == "laptop" || look.icon == "phone") nodes_[id].role = Role::Laptop;
    if (look.icon == "router") nodes_[id].role = Role::Router;
    if (look.icon == "desktop") nodes_[id].role = Role::Host;
  }
  for (LinkId id = 0; id < net.link_count(); ++id) {
    const Link& l = net.link(id);
    links_.push_back({l.name(), {l.end(0), l.end(1)}, static_cast<double>(l.config().rate.bits_per_second),
                      l.config().delay});
  }
}

namespace {

// The side with the lower (well-known) port is the server: the client comes first.
std::string conversation_key(const std::string& transport, Endpoint& from, Endpoint& to) {
  if (from.port < to.port || (from.port == to.port && to < from)) std::swap(from, to);
  std::string key = transport;
  key += ' ';
  key += from.to_string();
  key += ' ';
  key += to.to_string();
  return key;
}

}  // namespace

std::uint32_t Recording::find_conversation(const std::string& transport, Endpoint a, Endpoint b) const {
  auto it = conversation_index_.find(conversation_key(transport, a, b));
  return it == conversation_index_.end() ? 0 : it->second;
}

std::uint32_t Recording::conversation_of(const std::string& transport, Endpoint from, Endpoint to,
                                         const std::string& protocol, Time now) {
  const std::string key = conversation_key(transport, from, to);
  auto [it, fresh] = conversation_index_.emplace(key, static_cast<std::uint32_t>(conversations_.size()));
  if (fresh) conversations_.push_back({transport, from.to_string(), to.to_string(), "", now, now});
  Conversation& c = conversations_[it->second];
  c.last = now;
  if (c.protocol.empty() && protocol != "TCP" && protocol != "UDP") c.protocol = protocol;
  return it->second;
}

void Recording::add_hop(const PacketTransmitted& tx, std::size_t record) {
  const Dissection d = classify(tx.packet->bytes);
  Hop h;
  h.uid = tx.packet->uid;
  h.link = tx.link->id();
  h.from_side = tx.link->end(0) == tx.node->id() ? 0 : 1;
  h.from = tx.node->id();
  h.to = tx.link->end(1 - h.from_side);
  h.queued = tx.queued_at;
  h.start = tx.tx_end - transmission_time(tx.packet->bytes.size(), tx.link->config().rate);
  h.tx_end = tx.tx_end;
  h.arrival = tx.arrival;
  h.lost = tx.lost;
  h.size = static_cast<std::uint32_t>(tx.packet->bytes.size());
  if (auto p = parse_packet(tx.packet->bytes); p && (p->tcp || p->udp)) {
    const std::uint16_t sport = p->tcp ? p->tcp->source_port : p->udp->source_port;
    const std::uint16_t dport = p->tcp ? p->tcp->destination_port : p->udp->destination_port;
    h.connection = conversation_of(p->tcp ? "TCP" : "UDP", {p->ip.source, sport}, {p->ip.destination, dport},
                                   d.protocol, h.start);
  }
  h.protocol = d.protocol;
  h.label = d.summary;
  h.record = record;
  // The bytes are kept once per packet (the recorder's copy from its first hop); a router's
  // copy differs only by the TTL it decremented, which bytes_of() redoes.
  auto ip = parse_ipv4(tx.packet->bytes);
  h.ttl_decrements = ip ? static_cast<std::uint8_t>(Ipv4Header{}.ttl - std::min<std::uint8_t>(ip->ttl, Ipv4Header{}.ttl)) : 0;
  longest_hop_ = std::max(longest_hop_, h.arrival - h.queued);
  hops_.push_back(std::move(h));
  hop_by_record_.push_back(record);
}

Result<std::unique_ptr<Recording>> Recording::record(World& world) {
  if (world.experiment) return Error{"this scenario is an experiment (a sweep of many runs): see its plot instead"};
  std::unique_ptr<Recording> rec(new Recording());
  rec->scenario_name_ = world.info.name;
  rec->describe_topology(world);
  // Conversation 0 stands for "none": dialogue lines and hops with no endpoints point at it.
  rec->conversations_.push_back({});
  // Packet arrivals repeat the transmissions; a transmission's details live in its Hop.
  rec->recorder_ = std::make_unique<Recorder>(world.sim, std::vector<std::string_view>{"packet.rx"},
                                              std::vector<std::string_view>{"packet.tx"});
  Recording& r = *rec;
  // Typed observers run before the recorder's generic one, so the record about to be added
  // is at index records().size().
  world.sim.trace().subscribe<PacketTransmitted>(
      [&r](const PacketTransmitted& e) { r.add_hop(e, r.recorder_->records().size()); });
  world.sim.trace().subscribe<PacketDropped>([&r, &world](const PacketDropped& e) {
    Drop d{world.sim.now(), e.node->id(), std::nullopt, e.reason, e.packet->uid, r.recorder_->records().size(),
           classify(e.packet->bytes).protocol};
    if (e.link) d.link = e.link->id();
    r.drops_.push_back(std::move(d));
  });
  world.sim.trace().subscribe<AppMessage>([&r, &world](const AppMessage& e) {
    DialogueLine line{world.sim.now(), 0, e.node, e.protocol, e.speaker, e.text, r.recorder_->records().size()};
    auto node = world.net.find_node(e.node);
    if (node && e.connection >= 0) {
      const auto& connections = world.stack(*node).tcp.connections();
      if (static_cast<std::size_t>(e.connection) < connections.size()) {
        const TcpConnection& c = *connections[static_cast<std::size_t>(e.connection)];
        line.conversation = r.conversation_of("TCP", c.local(), c.remote(), "", world.sim.now());
      }
    }
    r.dialogue_.push_back(std::move(line));
  });
  auto result = run_world(world, {});
  if (!result) return Error{result.error()};
  rec->end_ = result->end;
  rec->build_journeys(world);
  return rec;
}

void Recording::build_journeys(const World& world) {
  std::unordered_map<std::uint64_t, std::size_t> by_uid;
  for (std::size_t i = 0; i < hops_.size(); ++i) {
    const Hop& h = hops_[i];
    auto [it, fresh] = by_uid.emplace(h.uid, journeys_.size());
    if (fresh) journeys_.push_back({h.uid, h.from, h.to, h.start, h.arrival, false, i, i});
    Journey& j = journeys_[it->second];
    j.last_hop = i;
    j.reached = h.to;
    j.arrived = h.arrival;
  }
  for (Journey& j : journeys_) {
    const Hop& last = hops_[j.last_hop];
    auto p = parse_ipv4(packet(last.uid)->bytes);
    j.delivered = !last.lost && p && world.net.node(last.to).owns(p->destination);
  }
}

std::vector<const Hop*> Recording::hops_at(Time t) const {
  std::vector<const Hop*> out;
  auto first = std::lower_bound(hops_.begin(), hops_.end(), t - longest_hop_,
                                [](const Hop& h, Time value) { return h.start < value; });
  for (auto it = first; it != hops_.end() && it->start <= t + longest_hop_; ++it)
    if (it->queued <= t && t < it->arrival) out.push_back(&*it);
  return out;
}

Bytes Recording::bytes_of(const Hop& hop) const {
  PacketPtr first = packet(hop.uid);
  if (!first) return {};
  Bytes bytes = first->bytes;
  for (int i = 0; i < hop.ttl_decrements; ++i) decrement_ttl(bytes);
  return bytes;
}

const Hop* Recording::hop_of_record(std::size_t record) const {
  auto it = std::lower_bound(hop_by_record_.begin(), hop_by_record_.end(), record);
  if (it == hop_by_record_.end() || *it != record) return nullptr;
  return &hops_[static_cast<std::size_t>(it - hop_by_record_.begin())];
}

const Drop* Recording::drop_of_record(std::size_t record) const {
  auto it = std::lower_bound(drops_.begin(), drops_.end(), record,
                             [](const Drop& d, std::size_t value) { return d.record < value; });
  return it != drops_.end() && it->record == record ? &*it : nullptr;
}

std::optional<Time> Recording::next_event_after(Time t) const {
  const auto& rs = records();
  const std::size_t i = records_until(t);
  if (i >= rs.size()) return std::nullopt;
  return rs[i].time;
}

std::optional<Time> Recording::previous_event_before(Time t) const {
  const auto& rs = records();
  auto it = std::lower_bound(rs.begin(), rs.end(), t, [](const TraceRecord& r, Time v) { return r.time < v; });
  if (it == rs.begin()) return std::nullopt;
  return std::prev(it)->time;
}

}  // namespace wiresim::viz
