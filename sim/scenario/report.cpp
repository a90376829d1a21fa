// The JSON report of a run. Keys keep a fixed order and every number comes from integer
// simulation state, so two runs of the same scenario and seed give byte-identical reports.
#include <cmath>
#include <nlohmann/json.hpp>

#include "sim/scenario/runner.hpp"
#include "sim/transport/tcp_events.hpp"

namespace wiresim {
namespace {

using Json = nlohmann::ordered_json;

// Rounds to `places` decimals; dividing by a power of ten keeps the printed form short (8e-05).
double round_decimals(double v, int places) {
  const double scale = std::pow(10.0, places);
  return std::round(v * scale) / scale;
}

Json connection_json(const World& w, const Node& node, const TcpConnection& c) {
  const TcpStats& s = c.stats();
  Json j;
  j["node"] = node.name();
  j["id"] = c.id();
  j["local"] = c.local().to_string();
  j["remote"] = c.remote().to_string();
  if (auto peer = w.net.node_by_address(c.remote().address)) j["peer"] = w.net.node(*peer).name();
  j["state"] = std::string(to_string(c.state()));
  j["close_reason"] = std::string(to_string(s.close_reason));
  j["opened_s"] = s.opened.seconds();
  if (s.was_established) j["established_s"] = s.established.seconds();
  if (s.is_closed) j["closed_s"] = s.closed.seconds();
  const Time last = s.is_closed ? s.closed : w.sim.now();
  j["duration_s"] = (last - s.opened).seconds();
  j["bytes_sent"] = s.bytes_sent;
  j["bytes_received"] = s.bytes_received;
  const double seconds = (last - s.opened).seconds();
  j["goodput_bps"] = seconds > 0 ? round_decimals(static_cast<double>(std::max(s.bytes_sent, s.bytes_received)) * 8 / seconds, 0) : 0.0;
  j["segments_sent"] = s.segments_sent;
  j["segments_received"] = s.segments_received;
  j["retransmissions"] = s.retransmissions;
  j["timeouts"] = s.timeouts;
  j["fast_retransmits"] = s.fast_retransmits;
  j["final_cwnd"] = c.cwnd();
  j["max_cwnd"] = s.max_cwnd;
  if (c.ssthresh() != UINT32_MAX) j["final_ssthresh"] = c.ssthresh();
  j["srtt_s"] = c.srtt().seconds();
  j["rto_s"] = c.rto().seconds();
  Json history = Json::array();
  for (const CwndSample& sample : s.cwnd_history) {
    Json point = Json::array({sample.time.seconds(), sample.cwnd});
    point.push_back(sample.ssthresh == UINT32_MAX ? Json(nullptr) : Json(sample.ssthresh));
    history.push_back(point);
  }
  j["cwnd_history"] = history;  // [time_s, cwnd_bytes, ssthresh_bytes or null]
  return j;
}

}  // namespace

std::string report_json(const World& w, const RunResult& result) {
  Json j;
  Json scenario;
  scenario["name"] = w.info.name;
  scenario["file"] = w.info.file;
  scenario["seed"] = w.info.seed;
  scenario["end_s"] = result.end.seconds();
  scenario["events"] = result.events;
  j["scenario"] = scenario;

  Json connections = Json::array();
  for (NodeId id = 0; id < w.net.node_count(); ++id)
    for (const auto& c : w.stack(id).tcp.connections()) connections.push_back(connection_json(w, w.net.node(id), *c));
  j["connections"] = connections;

  Json links = Json::array();
  const double elapsed = result.end.seconds();
  for (LinkId id = 0; id < w.net.link_count(); ++id) {
    const Link& l = w.net.link(id);
    Json link;
    link["name"] = l.name();
    link["between"] = {w.net.node(l.end(0)).name(), w.net.node(l.end(1)).name()};
    link["rate"] = format_rate(l.config().rate);
    link["delay"] = format_duration(l.config().delay);
    link["loss"] = l.config().loss;
    link["up"] = l.up();
    Json directions = Json::array();
    for (int side = 0; side < 2; ++side) {
      const LinkDirectionStats& s = l.stats(side);
      Json d;
      d["from"] = w.net.node(l.end(side)).name();
      d["to"] = w.net.node(l.end(1 - side)).name();
      d["packets"] = s.packets;
      d["bytes"] = s.bytes;
      d["utilisation"] = elapsed > 0 ? round_decimals(s.busy.seconds() / elapsed, 6) : 0.0;
      d["queue_peak_packets"] = s.queue_peak_packets;
      d["queue_peak_bytes"] = s.queue_peak_bytes;
      d["drops"] = {{"queue-full", s.drops_queue}, {"loss", s.drops_loss}, {"link-down", s.drops_down}, {"injected", s.drops_injected}};
      directions.push_back(d);
    }
    link["directions"] = directions;
    links.push_back(link);
  }
  j["links"] = links;

  Json nodes = Json::array();
  for (NodeId id = 0; id < w.net.node_count(); ++id) {
    const Node& n = w.net.node(id);
    Json node;
    node["name"] = n.name();
    node["kind"] = n.is_router() ? "router" : "host";
    Json interfaces = Json::array();
    for (const Interface& i : n.interfaces())
      interfaces.push_back({{"name", i.name}, {"address", i.address.to_string()}, {"link", w.net.link(i.link).name()}});
    node["interfaces"] = interfaces;
    const NodeStats& s = n.stats();
    node["packets_sent"] = s.packets_sent;
    node["bytes_sent"] = s.bytes_sent;
    node["packets_received"] = s.packets_received;
    node["bytes_received"] = s.bytes_received;
    node["packets_forwarded"] = s.packets_forwarded;
    node["packets_dropped"] = s.packets_dropped;
    node["tcp_connections"] = w.stack(id).tcp.connections().size();
    nodes.push_back(node);
  }
  j["nodes"] = nodes;

  Json apps = Json::array();
  for (const auto& app : w.apps) {
    Json a = Json::object();
    app->report(a);
    if (!a.empty()) apps.push_back(std::move(a));
  }
  if (!apps.empty()) j["apps"] = apps;
  w.for_each_service([&](const WorldService& s) { s.report(j); });

  Json expectations = Json::array();
  for (const auto& e : result.expectations)
    expectations.push_back(
        {{"where", e.where}, {"expect", e.description}, {"passed", e.verdict.passed}, {"observed", e.verdict.detail}});
  j["expectations"] = expectations;
  j["passed"] = result.all_passed();
  return j.dump(2);
}

}  // namespace wiresim
