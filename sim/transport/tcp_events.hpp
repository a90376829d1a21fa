// Trace events of TCP: state transitions, retransmissions and congestion-window changes.
#pragma once

#include <string>

#include "sim/core/trace_bus.hpp"
#include "sim/transport/tcp_connection.hpp"

namespace wiresim {

struct TcpStateChanged {
  static constexpr std::string_view kind = "tcp.state";
  const std::string* node;
  const TcpConnection* connection;
  TcpState from, to;
  TcpCloseReason reason;  // set when `to` is CLOSED
  void describe(TraceRecord& r) const;
};

struct TcpRetransmitted {
  static constexpr std::string_view kind = "tcp.retransmit";
  const std::string* node;
  const TcpConnection* connection;
  std::uint32_t seq;
  std::size_t length;
  std::string cause;  // "timeout", "fast-retransmit", "partial-ack"
  void describe(TraceRecord& r) const;
};

struct TcpCongestion {
  static constexpr std::string_view kind = "tcp.congestion";
  const std::string* node;
  const TcpConnection* connection;
  std::string cause;  // "timeout", "fast-retransmit", "recovery-end"
  std::uint32_t cwnd_before, cwnd_after, ssthresh;
  void describe(TraceRecord& r) const;
};

}  // namespace wiresim
