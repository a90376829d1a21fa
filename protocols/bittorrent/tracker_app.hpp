// The bt-tracker scenario app: an HTTP tracker (BEP 3 "Trackers") on port 6969. GET /announce
// with the peer's query string answers a bencoded dictionary with a compact peer list (BEP 23);
// GET /<name>.torrent serves the metainfo file. The swarm bookkeeping is TrackerEngine's, the
// HTTP the ServerSession's; this app only joins them.
#pragma once

#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "protocols/bittorrent/tracker_engine.hpp"
#include "protocols/http/server_session.hpp"
#include "sim/scenario/app.hpp"
#include "sim/scenario/stream_session.hpp"
#include "sim/scenario/world.hpp"

namespace wiresim::bittorrent {

class TrackerApp : public App {
 public:
  explicit TrackerApp(AppContext& c);
  void start() override;
  void stop() override;
  void report(nlohmann::ordered_json& out) const override;
  // The report, each torrent with its swarm's members and what their last announce said.
  void inspect(nlohmann::ordered_json& out) const override;

  http::Response answer(const http::Request& request, std::uint32_t remote_ip, Time now);

 private:
  void accept(TcpConnection& conn);

  World& world_;
  NodeId node_;
  std::uint16_t port_ = 6969;
  TrackerEngine engine_;
  std::vector<std::string> torrents_;  // names, as published
  std::vector<std::unique_ptr<StreamSession<http::ServerSession>>> sessions_;
  // What each peer said in its last announce, for the desktop view (the engine keeps only
  // whether it is a seed).
  struct LastAnnounce {
    AnnounceEvent event = AnnounceEvent::None;
    std::uint64_t left = 0;
    Time at{};
  };
  std::map<std::pair<Sha1Digest, PeerAddress>, LastAnnounce> last_announce_;
  std::uint64_t announces_ = 0, failures_ = 0;
  bool listening_ = false;
};

}  // namespace wiresim::bittorrent
