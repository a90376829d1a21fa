#include "protocols/bittorrent/tracker_app.hpp"

#include <nlohmann/json.hpp>

#include "protocols/bittorrent/metainfo.hpp"
#include "protocols/bittorrent/sha1.hpp"
#include "protocols/bittorrent/swarm_world.hpp"
#include "protocols/bittorrent/tracker.hpp"
#include "protocols/http/url.hpp"
#include "sim/core/units.hpp"
#include "sim/scenario/table_reader.hpp"
#include "sim/trace/app_events.hpp"

namespace wiresim::bittorrent {
namespace {

// Files are built in memory, and every seed and leecher of a packet-level swarm keeps a copy.
constexpr std::uint64_t MaxFileSize = 64ull * 1024 * 1024;

std::string address_text(PeerAddress p) { return Ipv4Address{p.ip}.to_string() + ":" + std::to_string(p.port); }

}  // namespace

TrackerApp::TrackerApp(AppContext& c)
    : world_(c.world), node_(c.node), engine_(c.world.info.seed, c.table.duration_or("interval", seconds(1800))) {
  TableReader& t = c.table;
  port_ = static_cast<std::uint16_t>(t.integer_or("port", 1, 65535, 6969));
  if (auto clash = world_.claim_port(node_, "TCP", port_); !clash.empty()) t.fail("port", clash);
  const std::uint64_t piece_length = t.bytes_or("piece_length", 256 * 1024);
  if (piece_length < 1024 || piece_length > 16 * 1024 * 1024)
    t.fail("piece_length", "'piece_length' must be from 1KiB to 16MiB (BitTorrent clients use 256KiB to 4MiB)");
  // torrents = ["lecture.mp4:2MB"]: a file name and its size; the bytes are generated.
  const auto torrents = t.string_list("torrents");
  auto& swarm = world_.service<SwarmWorld>();
  const Ipv4Address address = world_.net.node(node_).address();
  for (std::size_t i = 0; i < torrents.size(); ++i) {
    const std::string& text = torrents[i];
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
      t.fail_element("torrents", i, "a torrent is a file name and a size, as in \"lecture.mp4:2MB\"; got \"" + text + "\"");
    const std::string name = text.substr(0, colon);
    auto size = parse_bytes(text.substr(colon + 1));
    if (!size || *size == 0) t.fail_element("torrents", i, "invalid size in \"" + text + "\" (such as \"2MB\" or \"512KiB\")");
    if (*size > MaxFileSize) t.fail_element("torrents", i, "a file is at most " + format_bytes(MaxFileSize) + " at packet level");
    if (swarm.torrents.count(name)) t.fail_element("torrents", i, "a torrent named '" + name + "' is already tracked");
    const std::string announce = "http://" + address.to_string() + ":" + std::to_string(port_) + "/announce";
    auto content = std::make_shared<const std::string>(file_content(name, *size));
    auto info = std::make_shared<const TorrentInfo>(make_torrent(name, *content, static_cast<std::uint32_t>(piece_length), announce));
    swarm.torrents[name] = PublishedTorrent{info, content, address, port_};
    torrents_.push_back(name);
  }
}

http::Response TrackerApp::answer(const http::Request& request, std::uint32_t remote_ip, Time now) {
  http::Response response;
  response.headers.add("Content-Type", "text/plain");
  const auto target = http::split_target(request.target);
  const auto& swarm = world_.service<SwarmWorld>();
  if (request.method == "GET" && target.path == "/announce") {
    ++announces_;
    auto query = parse_announce_query(target.query);
    const PublishedTorrent* torrent = nullptr;
    if (query)
      for (const std::string& t : torrents_)
        if (swarm.torrents.at(t).info->info_hash == query->info_hash) torrent = &swarm.torrents.at(t);
    // BEP 3: an error is still 200 OK, with a "failure reason" for a human.
    if (!query || !torrent) {
      ++failures_;
      response.body = encode_tracker_failure(!query ? query.error() : "this tracker does not track that torrent");
      return response;
    }
    // The peer is the address the request came from, on the port it says it listens on.
    const PeerAddress peer{remote_ip, query->port};
    const TrackerAnswer a = engine_.announce(query->info_hash, peer, query->event, query->left, query->numwant, now);
    last_announce_[{query->info_hash, peer}] = {query->event, query->left, now};
    AnnounceResponse reply;
    reply.interval = static_cast<std::uint32_t>(a.interval.ns / 1'000'000'000);
    reply.complete = a.complete;
    reply.incomplete = a.incomplete;
    reply.peers = a.peers;
    response.body = encode_announce_response(reply);
    std::string note = "announce from " + address_text(peer);
    if (query->event != AnnounceEvent::None) note += std::string(" (") + to_string(query->event) + ")";
    note += ": " + counted(reply.peers.size(), "peer") + " sent, " + counted(a.complete, "seed") + ", " +
            counted(a.incomplete, "leecher");
    world_.sim.trace().publish(AppMessage{world_.net.node(node_).name(), "bittorrent", "", note});
    return response;
  }
  if (request.method == "GET")
    for (const std::string& t : torrents_)
      if (target.path == "/" + t + ".torrent") {
        response.headers.set("Content-Type", "application/x-bittorrent");
        response.body = metainfo_file(*swarm.torrents.at(t).info);
        return response;
      }
  response.status = request.method == "GET" || request.method == "HEAD" ? 404 : 405;
  if (response.status == 405) response.headers.add("Allow", "GET, HEAD");
  response.body = "This tracker answers GET /announce and GET /<name>.torrent.\n";
  return response;
}

void TrackerApp::start() {
  (void)world_.stack(node_).tcp.listen(port_, [this](TcpConnection& conn) { accept(conn); });
  listening_ = true;
}

void TrackerApp::stop() {
  if (listening_) world_.stack(node_).tcp.stop_listening(port_);
  listening_ = false;
}

void TrackerApp::accept(TcpConnection& conn) {
  std::erase_if(sessions_, [](const auto& s) { return s->finished(); });
  const std::uint32_t remote_ip = conn.remote().address.value;
  http::ServerConfig config;
  config.server_name = "wiresim-tracker";
  config.handler = [this, remote_ip](const http::Request& request, Time now) { return answer(request, remote_ip, now); };
  const std::string name = world_.net.node(node_).name();
  auto session = std::make_unique<StreamSession<http::ServerSession>>(world_.sim, conn, StreamSessionOptions{name, "http", "S", 6},
                                                                     nullptr, nullptr, std::move(config));
  session->start_connected();
  sessions_.push_back(std::move(session));
}

void TrackerApp::report(nlohmann::ordered_json& out) const {
  auto& t = out["tracker"];
  t["announces"] = announces_;
  t["failures"] = failures_;
  const auto* swarm = world_.find_service<SwarmWorld>();
  for (const std::string& name : torrents_) {
    const auto& info = *swarm->torrents.at(name).info;
    t["torrents"][name] = {{"info_hash", to_hex(info.info_hash)}, {"length", info.length},
                           {"piece_length", info.piece_length}, {"pieces", info.piece_count()},
                           {"seeds", engine_.seeds(info.info_hash)}, {"leechers", engine_.leechers(info.info_hash)}};
  }
}

void TrackerApp::inspect(nlohmann::ordered_json& out) const {
  report(out);
  const auto* swarm = world_.find_service<SwarmWorld>();
  for (const std::string& name : torrents_) {
    const Sha1Digest& info_hash = swarm->torrents.at(name).info->info_hash;
    nlohmann::ordered_json peers = nlohmann::ordered_json::array();
    for (const PeerAddress& p : engine_.members(info_hash)) {
      nlohmann::ordered_json j;
      const auto node = world_.net.node_by_address(Ipv4Address{p.ip});
      j["peer"] = node ? world_.net.node(*node).name() : Ipv4Address{p.ip}.to_string();
      j["address"] = address_text(p);
      j["seed"] = engine_.is_seed(info_hash, p);
      // Every member has announced at least once; "" is a regular (periodic) announce.
      auto last = last_announce_.find({info_hash, p});
      const bool known = last != last_announce_.end();
      j["last_event"] = known ? to_string(last->second.event) : "";
      j["left"] = known ? last->second.left : 0;
      j["last_announce_s"] = known ? last->second.at.seconds() : 0.0;
      peers.push_back(std::move(j));
    }
    out["tracker"]["torrents"][name]["peers"] = std::move(peers);
  }
}

}  // namespace wiresim::bittorrent
