#include "protocols/bittorrent/peer_app.hpp"

#include <bit>
#include <nlohmann/json.hpp>

#include "protocols/bittorrent/sha1.hpp"
#include "protocols/bittorrent/tracker.hpp"
#include "protocols/http/url.hpp"
#include "sim/scenario/table_reader.hpp"
#include "sim/trace/app_events.hpp"

namespace wiresim::bittorrent {
namespace {

std::string address_text(PeerAddress p) { return Ipv4Address{p.ip}.to_string() + ":" + std::to_string(p.port); }

// What the transcript says about a message: "piece 3 +16384 (16384 bytes)".
std::string summary(const std::variant<Handshake, Message>& what) {
  if (const auto* h = std::get_if<Handshake>(&what)) {
    std::string id(h->peer_id.begin(), h->peer_id.begin() + 8);
    return "handshake info_hash " + to_hex(h->info_hash).substr(0, 12) + "... peer_id " + id + "...";
  }
  const Message& m = std::get<Message>(what);
  std::string s = to_string(m.type);
  switch (m.type) {
    case MessageType::Have: s += " " + std::to_string(m.index); break;
    case MessageType::Bitfield: {
      int count = 0;
      for (std::uint8_t byte : m.bitfield) count += std::popcount(byte);
      s += " (" + std::to_string(count) + " pieces)";
      break;
    }
    case MessageType::Request:
    case MessageType::Cancel:
      s += " " + std::to_string(m.index) + " +" + std::to_string(m.begin) + " len " + std::to_string(m.length);
      break;
    case MessageType::Piece:
      s += " " + std::to_string(m.index) + " +" + std::to_string(m.begin) + " (" + std::to_string(m.length) + " bytes)";
      break;
    default: break;
  }
  return s;
}

}  // namespace

PeerApp::PeerApp(AppContext& c) : world_(c.world), node_(c.node), name_(c.world.net.node(c.node).name()) {
  TableReader& t = c.table;
  torrent_name_ = t.string("torrent");
  const auto& swarm = world_.service<SwarmWorld>();
  auto it = swarm.torrents.find(torrent_name_);
  if (it == swarm.torrents.end()) {
    std::vector<std::string> names;
    for (const auto& [n, unused] : swarm.torrents) names.push_back(n);
    t.fail("torrent", "no bt-tracker app above this one tracks '" + torrent_name_ + "'" +
                          (names.empty() ? std::string("; declare the tracker's [[app]] (type = \"bt-tracker\") first")
                                         : "; tracked: " + [&] {
                                             std::string all;
                                             for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
                                             return all;
                                           }()));
  }
  torrent_ = it->second;
  seed_ = t.boolean_or("seed", false);
  port_ = static_cast<std::uint16_t>(t.integer_or("port", 1, 65535, 6881));
  if (auto clash = world_.claim_port(node_, "TCP", port_); !clash.empty()) t.fail("port", clash);
  config_.seed_after_completion = !t.boolean_or("leave_when_done", false);
  config_.unchoke_slots = static_cast<std::uint32_t>(t.integer_or("unchoke_slots", 1, 50, 4));
  config_.max_connections = static_cast<std::uint32_t>(t.integer_or("max_connections", 1, 200, 50));
  config_.block_size = static_cast<std::uint32_t>(t.bytes_or("block_size", 16384));
  if (config_.block_size < 1024 || config_.block_size > 131072)
    t.fail("block_size", "'block_size' must be from 1KiB to 128KiB (BEP 3 clients use 16KiB)");
}

PeerApp::~PeerApp() {
  if (timer_) world_.sim.cancel(*timer_);
  for (auto& [id, link] : links_) {
    link.conn->on_connected = nullptr;
    link.conn->on_data = nullptr;
    link.conn->on_send_space = nullptr;
    link.conn->on_peer_closed = nullptr;
    link.conn->on_closed = nullptr;
  }
}

void PeerApp::note(const std::string& text, std::int64_t connection) {
  world_.sim.trace().publish(AppMessage{name_, "bittorrent", "", text, connection});
}

std::string PeerApp::remote_name(ConnectionId id) const {
  auto it = links_.find(id);
  if (it == links_.end() || !it->second.conn) return "?";
  const Ipv4Address a = it->second.conn->remote().address;
  for (NodeId n = 0; n < world_.net.node_count(); ++n)
    if (world_.net.node(n).address() == a) return world_.net.node(n).name();
  return a.to_string();
}

void PeerApp::start() {
  const Ipv4Address address = world_.net.node(node_).address();
  PeerId id{};
  const std::string prefix = "-WS0001-";
  std::copy(prefix.begin(), prefix.end(), id.begin());
  // The rest of the id: the node's name, padded, so a capture shows whose it is.
  for (std::size_t i = 0; i < 12; ++i) id[8 + i] = static_cast<std::uint8_t>(i < name_.size() ? name_[i] : '-');
  engine_ = std::make_unique<PeerEngine>(torrent_.info, id, PeerAddress{address.value, port_}, config_,
                                         world_.sim.seed() * 1'000'003 + node_, seed_, torrent_.content);
  (void)world_.stack(node_).tcp.listen(port_, [this](TcpConnection& conn) { accept(conn); });
  running_ = true;
  engine_->start(world_.sim.now());
  drain();
}

void PeerApp::stop() {
  if (!running_) return;
  running_ = false;
  world_.stack(node_).tcp.stop_listening(port_);
  for (auto& [id, link] : links_)
    if (link.conn) link.conn->close();
}

void PeerApp::accept(TcpConnection& conn) {
  const std::optional<ConnectionId> id =
      engine_->on_accepted(PeerAddress{conn.remote().address.value, conn.remote().port}, world_.sim.now());
  if (!id) {
    conn.close();
    drain();
    return;
  }
  attach(*id, conn);
  links_[*id].connected = true;
  drain();
}

void PeerApp::attach(ConnectionId id, TcpConnection& conn) {
  Link& link = links_[id];
  link.conn = &conn;
  conn.on_connected = [this, id] {
    links_[id].connected = true;
    engine_->on_connected(id, world_.sim.now());
    drain();
  };
  conn.on_data = [this, id](std::string_view bytes) { on_bytes(id, bytes); };
  conn.on_send_space = [this, id] {
    if (auto it = links_.find(id); it != links_.end()) write(it->second);
  };
  conn.on_peer_closed = [this, id] {
    if (auto it = links_.find(id); it != links_.end() && it->second.conn) it->second.conn->close();
  };
  conn.on_closed = [this, id](TcpCloseReason) { on_closed(id); };
}

void PeerApp::on_bytes(ConnectionId id, std::string_view bytes) {
  auto it = links_.find(id);
  if (it == links_.end()) return;
  Link& link = it->second;
  link.decoder.feed(bytes);
  for (WireEvent& e : link.decoder.take_events()) {
    if (auto* h = std::get_if<Handshake>(&e))
      engine_->on_handshake(id, *h, world_.sim.now());
    else
      engine_->on_message(id, std::get<Message>(e), world_.sim.now());
  }
  if (link.decoder.failed()) {
    note("closing the connection to " + remote_name(id) + ": " + link.decoder.error(), static_cast<std::int64_t>(link.conn->id()));
    link.conn->abort();
    return;
  }
  drain();
}

void PeerApp::on_closed(ConnectionId id) {
  auto it = links_.find(id);
  if (it == links_.end()) return;
  TcpConnection* conn = it->second.conn;
  const bool connected = it->second.connected;
  conn->on_connected = nullptr;
  conn->on_data = nullptr;
  conn->on_send_space = nullptr;
  conn->on_peer_closed = nullptr;
  conn->on_closed = nullptr;
  links_.erase(it);
  if (!engine_) return;
  if (connected)
    engine_->on_closed(id, world_.sim.now());
  else
    engine_->on_dial_failed(id, world_.sim.now());
  drain();
}

void PeerApp::write(Link& link) {
  if (!link.unsent.empty() && link.conn) link.unsent.erase(0, link.conn->send(link.unsent));
}

void PeerApp::send(ConnectionId id, const std::variant<Handshake, Message>& what) {
  auto it = links_.find(id);
  if (it == links_.end() || !it->second.conn) return;
  Link& link = it->second;
  // Every message as a transcript line: only built when someone listens.
  if (world_.sim.trace().wanted<AppMessage>())
    note("to " + remote_name(id) + ": " + summary(what), static_cast<std::int64_t>(link.conn->id()));
  if (const auto* h = std::get_if<Handshake>(&what))
    link.unsent += encode_handshake(*h);
  else
    link.unsent += encode(std::get<Message>(what));
  write(link);
}

void PeerApp::announce(const Announce& a) {
  AnnounceRequest request;
  request.info_hash = torrent_.info->info_hash;
  request.peer_id = engine_->peer_id();
  request.port = port_;
  request.uploaded = a.uploaded;
  request.downloaded = a.downloaded;
  request.left = a.left;
  request.event = a.event;
  request.numwant = a.numwant;
  http::Request get;
  get.method = "GET";
  get.target = "/announce?" + announce_query(request);
  http::ClientConfig config;
  config.host = torrent_.tracker.to_string() + ":" + std::to_string(torrent_.tracker_port);
  config.user_agent = "wiresim-bittorrent/1.0";
  std::erase_if(announces_, [](const auto& s) { return s->finished(); });
  TcpConnection& conn = world_.stack(node_).tcp.connect({torrent_.tracker, torrent_.tracker_port});
  const bool stopping = a.event == TrackerEvent::Stopped;
  auto session = std::make_unique<StreamSession<http::ClientSession>>(
      world_.sim, conn, StreamSessionOptions{name_, "http", "C", 6},
      [this, stopping](const http::Event& e) {
        if (stopping || !engine_) return;
        if (e.kind == http::EventKind::Error) {
          engine_->on_announce_failed(world_.sim.now());
          drain();
          return;
        }
        if (e.kind != http::EventKind::Response) return;
        auto reply = parse_announce_response(e.body);
        if (!reply || std::holds_alternative<TrackerFailure>(*reply)) {
          note("tracker: " + (!reply ? reply.error() : std::get<TrackerFailure>(*reply).reason));
          engine_->on_announce_failed(world_.sim.now());
        } else {
          const auto& r = std::get<AnnounceResponse>(*reply);
          engine_->on_announce_response(r.peers, seconds(r.interval), world_.sim.now());
        }
        drain();
      },
      nullptr, std::move(config));
  session->engine().request(std::move(get));
  announces_.push_back(std::move(session));
}

void PeerApp::arm_timer() {
  const std::optional<Time> wake = running_ ? engine_->wake_at() : std::nullopt;
  if (wake == armed_) return;
  if (timer_) world_.sim.cancel(*timer_);
  timer_.reset();
  armed_ = wake;
  if (!wake) return;
  timer_ = world_.sim.schedule_at(*wake, [this] {
    timer_.reset();
    armed_.reset();
    engine_->on_timer(world_.sim.now());
    drain();
  });
}

// Carries out what the engine decided, in the order it decided: events (what it did) first,
// then messages, closes, dials and announces. Re-entrant calls (a send that closes) only
// mark that another pass is needed.
void PeerApp::drain() {
  if (draining_ || !engine_) return;
  draining_ = true;
  bool again = true;
  while (again) {
    const bool listened = world_.sim.trace().wanted<AppMessage>();
    for (const PeerEvent& e : engine_->take_events()) {
      const bool wire = e.kind == PeerEventKind::Connected || e.kind == PeerEventKind::Closed;
      if (listened && !wire) note(describe(e));
    }
    for (const Outgoing& o : engine_->take_outgoing()) send(o.connection, o.what);
    for (ConnectionId id : engine_->take_closes())
      if (auto it = links_.find(id); it != links_.end() && it->second.conn) it->second.conn->close();
    for (const Dial& d : engine_->take_dials()) {
      note("connecting to " + address_text(d.address));
      attach(d.connection, world_.stack(node_).tcp.connect({Ipv4Address{d.address.ip}, d.address.port}));
    }
    for (const Announce& a : engine_->take_announces()) announce(a);
    again = engine_->has_output();
  }
  draining_ = false;
  arm_timer();
}

void PeerApp::report(nlohmann::ordered_json& out) const {
  if (!engine_) return;
  auto& peers = out["bittorrent_peers"];
  nlohmann::ordered_json p;
  p["node"] = name_;
  p["torrent"] = torrent_name_;
  p["seed"] = seed_;
  p["pieces"] = engine_->have().count();
  p["of"] = torrent_.info->piece_count();
  if (auto at = engine_->completed_at()) p["completed_s"] = at->seconds();
  p["uploaded"] = engine_->uploaded();
  p["downloaded"] = engine_->downloaded();
  p["wasted"] = engine_->wasted();
  peers.push_back(std::move(p));
}

void PeerApp::inspect(nlohmann::ordered_json& out) const {
  out["app"] = "bt-peer";
  out["host"] = name_;
  out["torrent"] = torrent_name_;
  if (!engine_) {
    out["state"] = "not started";
    return;
  }
  const Bitfield& have = engine_->have();
  std::string pieces(have.size(), '0');
  for (std::uint32_t i = 0; i < have.size(); ++i)
    if (have.test(i)) pieces[i] = '1';
  out["pieces"] = pieces;  // '1': received and checked against its SHA-1
  out["have"] = have.count();
  out["of"] = have.size();
  out["state"] = engine_->has_left() ? "left" : engine_->complete() ? "seeding" : "leeching";
  out["downloaded"] = engine_->downloaded();
  out["uploaded"] = engine_->uploaded();
  out["end_game"] = engine_->in_end_game();
  const std::optional<ConnectionId> optimistic = engine_->optimistic_unchoke();
  nlohmann::ordered_json connections = nlohmann::ordered_json::array();
  for (const ConnectionInfo& c : engine_->connections(world_.sim.now())) {
    nlohmann::ordered_json j;
    const auto node = world_.net.node_by_address(Ipv4Address{c.address.ip});
    j["peer"] = node ? world_.net.node(*node).name() : address_text(c.address);
    j["outgoing"] = c.outgoing;
    j["handshake_done"] = c.handshake_done;
    j["am_choking"] = c.am_choking;
    j["am_interested"] = c.am_interested;
    j["peer_choking"] = c.peer_choking;
    j["peer_interested"] = c.peer_interested;
    j["optimistic"] = optimistic == c.connection;
    j["peer_has"] = c.pieces.count();
    j["requests_out"] = c.requests_out;
    j["downloaded"] = c.downloaded;
    j["uploaded"] = c.uploaded;
    connections.push_back(std::move(j));
  }
  out["connections"] = connections;
}

}  // namespace wiresim::bittorrent
