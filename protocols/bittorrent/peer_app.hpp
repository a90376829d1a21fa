// The bt-peer scenario app: one BitTorrent client at packet level. The PeerEngine decides
// everything; this adapter carries its messages as BEP 3 bytes over simulated TCP (one
// connection per neighbour, listening on 6881), its announces as HTTP GETs to the tracker, its
// timer as a kernel event, and its events and messages to the trace bus.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocols/bittorrent/peer_engine.hpp"
#include "protocols/bittorrent/swarm_world.hpp"
#include "protocols/bittorrent/wire.hpp"
#include "protocols/http/client_session.hpp"
#include "sim/scenario/app.hpp"
#include "sim/scenario/stream_session.hpp"
#include "sim/scenario/world.hpp"

namespace wiresim::bittorrent {

class PeerApp : public App {
 public:
  explicit PeerApp(AppContext& c);
  ~PeerApp() override;
  void start() override;
  void stop() override;
  void report(nlohmann::ordered_json& out) const override;
  // The piece map ('1' = verified) and every connection's choke and interest flags.
  void inspect(nlohmann::ordered_json& out) const override;

  const PeerEngine* engine() const { return engine_.get(); }
  const PublishedTorrent& torrent() const { return torrent_; }
  const std::string& torrent_name() const { return torrent_name_; }

 private:
  // One neighbour: the TCP connection, its decoder and the bytes TCP has not taken yet.
  struct Link {
    TcpConnection* conn = nullptr;
    WireDecoder decoder;
    std::string unsent;
    bool connected = false;
  };

  void accept(TcpConnection& conn);
  void attach(ConnectionId id, TcpConnection& conn);
  void on_bytes(ConnectionId id, std::string_view bytes);
  void on_closed(ConnectionId id);
  void drain();
  void send(ConnectionId id, const std::variant<Handshake, Message>& what);
  void write(Link& link);
  void announce(const Announce& a);
  void arm_timer();
  void note(const std::string& text, std::int64_t connection = -1);
  std::string remote_name(ConnectionId id) const;

  World& world_;
  NodeId node_;
  std::string name_;
  std::string torrent_name_;
  PublishedTorrent torrent_;
  bool seed_ = false;
  std::uint16_t port_ = 6881;
  PeerConfig config_;
  std::unique_ptr<PeerEngine> engine_;
  std::map<ConnectionId, Link> links_;
  std::vector<std::unique_ptr<StreamSession<http::ClientSession>>> announces_;
  std::optional<EventId> timer_;
  std::optional<Time> armed_;
  bool running_ = false;
  bool draining_ = false;
};

}  // namespace wiresim::bittorrent
