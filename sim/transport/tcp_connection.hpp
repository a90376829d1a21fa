// One TCP connection: the RFC 793 state machine with MSS segmentation, cumulative ACKs, delayed
// ACKs (RFC 1122), window scaling (RFC 7323), RTO per RFC 6298 and NewReno congestion control
// (RFC 5681, RFC 6582). Not modelled: SACK, timestamps, Nagle's algorithm, urgent data.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "sim/core/simulator.hpp"
#include "sim/net/headers.hpp"
#include "sim/transport/byte_queue.hpp"
#include "sim/transport/tcp_types.hpp"

namespace wiresim {

class Tcp;

class TcpConnection {
 public:
  // What the application hears. Set these right after connect() or in the accept handler.
  std::function<void()> on_connected;                // handshake complete
  std::function<void(std::string_view)> on_data;     // in-order bytes
  std::function<void()> on_send_space;               // the send buffer drained below full
  std::function<void()> on_peer_closed;              // peer's FIN: no more data will arrive
  std::function<void(TcpCloseReason)> on_closed;     // the connection is over, for any reason

  TcpConnection(Tcp& tcp, std::uint64_t id, Endpoint local, Endpoint remote, const TcpConfig& config);

  // Queues bytes for sending; returns how many fit in the send buffer.
  std::size_t send(std::string_view bytes);
  std::size_t send_space() const;
  void close();  // graceful: our FIN follows the queued data
  void abort();  // RST now

  std::uint64_t id() const { return id_; }
  TcpState state() const { return state_; }
  Endpoint local() const { return local_; }
  Endpoint remote() const { return remote_; }
  const TcpStats& stats() const { return stats_; }
  std::uint32_t cwnd() const { return cwnd_; }
  std::uint32_t ssthresh() const { return ssthresh_; }
  Duration srtt() const { return srtt_; }
  Duration rto() const { return rto_; }
  std::uint32_t iss() const { return iss_; }  // relative sequence numbers, as Wireshark shows them, count from here
  std::string name() const;  // "10.0.0.1:49152 → 10.0.0.2:5001"

 private:
  friend class Tcp;
  void open_active();                                    // connect(): send SYN
  void open_passive(const TcpHeader& syn);               // a listener's child: send SYN-ACK
  void segment_arrived(const TcpHeader& h, std::span<const std::uint8_t> payload);

  void process_ack(const TcpHeader& h, std::size_t payload_length);
  void process_data(const TcpHeader& h, std::span<const std::uint8_t> payload);
  void process_fin();
  void deliver(std::span<const std::uint8_t> bytes);
  void output();
  // Sends one segment of the send buffer starting at seq; `cause` labels a retransmission.
  void send_segment(std::uint32_t seq, std::size_t length, std::uint8_t flags, const char* cause);
  void send_ack_now();
  void schedule_ack();
  void retransmit_first(const char* cause);
  void on_rto();
  void arm_rto();
  void stop_rto();
  void update_rtt(Duration sample);
  void set_cwnd(std::uint32_t cwnd, bool congestion_event);
  void enter(TcpState next);
  void finish(TcpCloseReason reason);
  std::uint32_t flight_size() const { return snd_max_ - snd_una_; }
  // SMSS of RFC 5681: the largest segment we send, bounded by what the peer announced.
  std::uint32_t sender_mss() const { return std::min(peer_mss_, config_.mss); }
  std::uint16_t advertised_window() const;

  Tcp& tcp_;
  Simulator& sim_;
  std::uint64_t id_;
  Endpoint local_, remote_;
  TcpConfig config_;
  TcpState state_ = TcpState::Closed;
  TcpStats stats_;

  // Send sequence space (RFC 793 3.2). snd_max_ is the highest sequence number sent so far;
  // snd_nxt_ falls back to snd_una_ after a timeout and climbs again (go-back-N).
  std::uint32_t iss_ = 0, snd_una_ = 0, snd_nxt_ = 0, snd_max_ = 0, snd_wnd_ = 0;
  std::uint32_t snd_wl1_ = 0, snd_wl2_ = 0;
  std::uint32_t peer_mss_ = 536;  // RFC 1122 4.2.2.6 default when the peer sends no MSS option
  std::uint8_t snd_wscale_ = 0, rcv_wscale_ = 0;
  bool wscale_ok_ = false;
  ByteQueue send_buffer_;        // unacknowledged and unsent bytes
  std::uint32_t buffer_seq_ = 0; // sequence number of send_buffer_'s first byte
  bool fin_queued_ = false, fin_sent_ = false;
  std::uint32_t fin_seq_ = 0;

  // Receive sequence space.
  // Out-of-order data is keyed by its 64-bit offset in the byte stream, which never wraps.
  std::uint32_t irs_ = 0, rcv_nxt_ = 0, rcv_acked_ = 0;
  std::uint64_t rcv_offset_ = 0;  // stream offset of rcv_nxt_
  std::map<std::uint64_t, std::string> out_of_order_;
  std::size_t out_of_order_bytes_ = 0;
  bool has_peer_fin_ = false, fin_received_ = false;
  std::uint64_t peer_fin_offset_ = 0;
  std::uint32_t unacked_segments_ = 0;
  EventId delayed_ack_timer_;

  // Congestion control (NewReno).
  std::uint32_t cwnd_ = 0, ssthresh_ = UINT32_MAX;
  std::uint32_t dupacks_ = 0;
  bool in_recovery_ = false;
  std::uint32_t recover_ = 0;

  // Retransmission timer (RFC 6298) and Karn's RTT sampling: one timed segment at a time.
  Duration srtt_, rttvar_, rto_;
  bool has_rtt_ = false;
  bool timing_ = false;
  std::uint32_t timed_seq_ = 0;
  Time timed_at_;
  EventId rto_timer_;
  std::uint32_t retries_ = 0;
  EventId time_wait_timer_;
  Time last_cwnd_sample_;
};

}  // namespace wiresim
