// A node's TCP layer: listening ports, connection demultiplexing, ephemeral ports and RST for
// segments that match no connection (RFC 793 3.4, "Reset Generation"). Owns its connections for
// the whole run, so handles stay valid and the report can list every connection.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "sim/core/result.hpp"
#include "sim/net/network.hpp"
#include "sim/transport/tcp_connection.hpp"

namespace wiresim {

class Tcp {
 public:
  using AcceptHandler = std::function<void(TcpConnection&)>;

  Tcp(Network& net, NodeId node, TcpConfig config);

  // Accepts connections on `port`; the handler runs when a handshake completes.
  Result<bool> listen(std::uint16_t port, AcceptHandler on_accept);
  void stop_listening(std::uint16_t port);
  // Starts an active open from an ephemeral port, or from `local_port` when given (an FTP
  // server's active data connection comes from port 20, RFC 959 3.2); callbacks report
  // success or failure. The caller picks a `local_port` not already connected to `remote`
  // (FTP clients name a new port for every transfer).
  TcpConnection& connect(Endpoint remote, std::uint16_t local_port = 0);

  const std::vector<std::unique_ptr<TcpConnection>>& connections() const { return connections_; }
  NodeId node() const { return node_; }
  Network& network() { return net_; }
  Simulator& simulator() { return net_.simulator(); }
  const TcpConfig& config() const { return config_; }
  void set_config(const TcpConfig& c) { config_ = c; }

 private:
  friend class TcpConnection;
  void segment_arrived(const PacketPtr& packet, const ParsedPacket& parsed);
  void send_reset_for(const ParsedPacket& p);
  void send_reset_for_connection(const TcpConnection& c, std::uint32_t seq);
  void accepted(TcpConnection& c);
  void transmit(const TcpConnection& c, const TcpHeader& h, std::span<const std::uint8_t> payload);
  void connection_closed(TcpConnection& c);
  std::uint16_t ephemeral_port(Endpoint remote);
  static std::uint64_t key(std::uint16_t local_port, Endpoint remote) {
    return static_cast<std::uint64_t>(local_port) << 48 | static_cast<std::uint64_t>(remote.port) << 32 |
           remote.address.value;
  }

  Network& net_;
  NodeId node_;
  TcpConfig config_;
  Random& isn_random_;
  std::map<std::uint16_t, AcceptHandler> listeners_;
  std::unordered_map<std::uint64_t, TcpConnection*> active_;
  std::vector<std::unique_ptr<TcpConnection>> connections_;
  std::uint16_t next_ephemeral_;
};

}  // namespace wiresim
