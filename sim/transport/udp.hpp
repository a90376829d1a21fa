// A node's UDP layer (RFC 768): bound ports and datagrams in and out. A datagram to a port
// nobody bound is dropped and traced (ICMP port-unreachable is not modelled).
#pragma once

#include <functional>
#include <map>
#include <string_view>

#include "sim/core/result.hpp"
#include "sim/net/network.hpp"

namespace wiresim {

class Udp {
 public:
  using Receive = std::function<void(Endpoint from, Endpoint to, std::string_view payload)>;

  Udp(Network& net, NodeId node);

  Result<bool> bind(std::uint16_t port, Receive on_receive);
  void unbind(std::uint16_t port);
  std::uint16_t bind_ephemeral(Receive on_receive);
  void send_to(std::uint16_t local_port, Endpoint to, std::string_view payload);

 private:
  Network& net_;
  NodeId node_;
  std::map<std::uint16_t, Receive> bound_;
  std::uint16_t next_ephemeral_ = 49152;
};

}  // namespace wiresim
