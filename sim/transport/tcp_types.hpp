// TCP vocabulary shared by the connection, the per-host layer, trace events and reports:
// RFC 793 state names, close reasons, per-connection settings and statistics.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/core/time.hpp"
#include "sim/net/ipv4_address.hpp"

namespace wiresim {

enum class TcpState {
  Closed, Listen, SynSent, SynReceived, Established, FinWait1, FinWait2, CloseWait, Closing, LastAck, TimeWait
};
std::string_view to_string(TcpState s);  // RFC 793 spelling: "SYN-SENT", "TIME-WAIT", ...

enum class TcpCloseReason { None, Normal, Refused, Reset, TimedOut, Aborted };
std::string_view to_string(TcpCloseReason r);

// RFC 793 modulo-2^32 sequence comparisons.
inline bool seq_lt(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) < 0; }
inline bool seq_le(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) <= 0; }
inline bool seq_gt(std::uint32_t a, std::uint32_t b) { return seq_lt(b, a); }
inline bool seq_ge(std::uint32_t a, std::uint32_t b) { return seq_le(b, a); }

struct TcpConfig {
  std::uint32_t mss = 1460;                 // what we announce and the largest segment we send
  std::uint32_t send_buffer = 256 * 1024;   // bytes the application may queue
  std::uint32_t receive_buffer = 256 * 1024;// our receive window (scaled per RFC 7323 when above 64 KB)
  std::uint32_t initial_window = 0;         // segments; 0 = RFC 5681 rule (2 to 4 segments by MSS)
  Duration initial_rto = seconds(1);        // RFC 6298 2.1
  Duration min_rto = seconds(1);            // RFC 6298 2.4
  Duration max_rto = seconds(60);
  Duration delayed_ack = milliseconds(40);  // RFC 1122 4.2.3.2; 0 acknowledges every segment
  Duration msl = seconds(30);               // TIME-WAIT lasts 2 x MSL
  std::uint32_t syn_retries = 5;
  std::uint32_t data_retries = 12;
};

struct CwndSample {
  Time time;
  std::uint32_t cwnd;
  std::uint32_t ssthresh;
};

struct TcpStats {
  Time opened, established, closed;
  bool active_open = false;  // this end sent the first SYN (connect), rather than accepted
  bool was_established = false, is_closed = false;
  std::uint64_t bytes_sent = 0;      // application bytes acknowledged by the peer
  std::uint64_t bytes_received = 0;  // application bytes delivered in order to the application
  std::uint64_t segments_sent = 0, segments_received = 0;
  std::uint64_t retransmissions = 0, timeouts = 0, fast_retransmits = 0;
  std::uint32_t max_cwnd = 0;
  std::vector<CwndSample> cwnd_history;  // at each congestion event and at most every 10 ms between
  TcpCloseReason close_reason = TcpCloseReason::None;
};

}  // namespace wiresim
