#include "sim/transport/tcp_connection.hpp"

#include <algorithm>

#include "sim/transport/tcp.hpp"
#include "sim/transport/tcp_events.hpp"

namespace wiresim {
namespace {

constexpr std::uint32_t MaxCwnd = 1u << 30;

bool synchronized(TcpState s) {
  return s != TcpState::Closed && s != TcpState::Listen && s != TcpState::SynSent;
}

}  // namespace

TcpConnection::TcpConnection(Tcp& tcp, std::uint64_t id, Endpoint local, Endpoint remote, const TcpConfig& config)
    : tcp_(tcp), sim_(tcp.simulator()), id_(id), local_(local), remote_(remote), config_(config),
      rto_(config.initial_rto) {
  // RFC 7323 2.3: the smallest shift that lets the receive buffer fit the 16-bit window field.
  while (rcv_wscale_ < 14 && (config_.receive_buffer >> rcv_wscale_) > 65535) ++rcv_wscale_;
}

std::string TcpConnection::name() const { return local_.to_string() + " → " + remote_.to_string(); }

// ---------------------------------------------------------------------------------------------
// The application's side

std::size_t TcpConnection::send_space() const {
  const std::size_t used = send_buffer_.size();
  return used >= config_.send_buffer ? 0 : config_.send_buffer - used;
}

std::size_t TcpConnection::send(std::string_view bytes) {
  if (fin_queued_ || (state_ != TcpState::Established && state_ != TcpState::CloseWait &&
                      state_ != TcpState::SynSent && state_ != TcpState::SynReceived))
    return 0;
  const std::size_t n = std::min(bytes.size(), send_space());
  send_buffer_.append(bytes.substr(0, n));
  if (synchronized(state_)) output();
  return n;
}

void TcpConnection::close() {
  switch (state_) {
    case TcpState::SynSent:
      finish(TcpCloseReason::Normal);
      break;
    case TcpState::SynReceived:
    case TcpState::Established:
      fin_queued_ = true;
      enter(TcpState::FinWait1);
      output();
      break;
    case TcpState::CloseWait:
      fin_queued_ = true;
      enter(TcpState::LastAck);
      output();
      break;
    default:
      break;  // already closing or closed
  }
}

void TcpConnection::abort() {
  if (state_ == TcpState::Closed) return;
  if (synchronized(state_) && state_ != TcpState::TimeWait) send_segment(snd_nxt_, 0, tcp_flag::Rst, nullptr);
  finish(TcpCloseReason::Aborted);
}

// ---------------------------------------------------------------------------------------------
// Opening

void TcpConnection::open_active() {
  iss_ = static_cast<std::uint32_t>(tcp_.isn_random_.next_u64());
  recover_ = iss_;  // RFC 6582 3.2 step 1
  snd_una_ = snd_nxt_ = snd_max_ = iss_;
  stats_.opened = sim_.now();
  stats_.active_open = true;
  enter(TcpState::SynSent);
  send_segment(iss_, 0, tcp_flag::Syn, nullptr);
  snd_nxt_ = snd_max_ = buffer_seq_ = iss_ + 1;
  arm_rto();
}

void TcpConnection::open_passive(const TcpHeader& syn) {
  iss_ = static_cast<std::uint32_t>(tcp_.isn_random_.next_u64());
  recover_ = iss_;
  snd_una_ = snd_nxt_ = snd_max_ = iss_;
  irs_ = syn.seq;
  rcv_nxt_ = syn.seq + 1;
  peer_mss_ = syn.mss.value_or(536);
  wscale_ok_ = syn.window_scale.has_value();
  if (wscale_ok_) snd_wscale_ = std::min<std::uint8_t>(*syn.window_scale, 14);
  else rcv_wscale_ = 0;
  snd_wnd_ = syn.window;  // RFC 7323 2.2: the window in a SYN is never scaled
  snd_wl1_ = syn.seq;
  stats_.opened = sim_.now();
  enter(TcpState::SynReceived);
  send_segment(iss_, 0, tcp_flag::Syn, nullptr);
  snd_nxt_ = snd_max_ = buffer_seq_ = iss_ + 1;
  arm_rto();
}

// ---------------------------------------------------------------------------------------------
// Segment arrival (RFC 793 3.9, "SEGMENT ARRIVES")

void TcpConnection::segment_arrived(const TcpHeader& h, std::span<const std::uint8_t> payload) {
  ++stats_.segments_received;

  if (state_ == TcpState::SynSent) {
    const bool ack_ok = h.has(tcp_flag::Ack) && seq_gt(h.ack, iss_) && seq_le(h.ack, snd_max_);
    if (h.has(tcp_flag::Ack) && !ack_ok) {
      if (!h.has(tcp_flag::Rst)) tcp_.send_reset_for_connection(*this, h.ack);
      return;
    }
    if (h.has(tcp_flag::Rst)) {
      if (ack_ok) finish(TcpCloseReason::Refused);
      return;
    }
    if (!h.has(tcp_flag::Syn)) return;
    irs_ = h.seq;
    rcv_nxt_ = h.seq + 1;
    peer_mss_ = h.mss.value_or(536);
    wscale_ok_ = h.window_scale.has_value();
    if (wscale_ok_) snd_wscale_ = std::min<std::uint8_t>(*h.window_scale, 14);
    else rcv_wscale_ = 0;
    snd_wnd_ = h.window;
    snd_wl1_ = h.seq;
    snd_wl2_ = h.ack;
    if (!ack_ok) {  // simultaneous open
      enter(TcpState::SynReceived);
      send_segment(iss_, 0, tcp_flag::Syn, nullptr);
      return;
    }
    snd_una_ = h.ack;
    if (timing_) update_rtt(sim_.now() - timed_at_);
    timing_ = false;
    stop_rto();
    retries_ = 0;
    set_cwnd(0, false);
    stats_.established = sim_.now();
    stats_.was_established = true;
    enter(TcpState::Established);
    send_ack_now();
    if (on_connected) on_connected();
    if (state_ != TcpState::Closed) output();
    return;
  }

  // A retransmitted SYN means our SYN-ACK was lost: send it again.
  if (state_ == TcpState::SynReceived && h.has(tcp_flag::Syn) && !h.has(tcp_flag::Ack) && h.seq == irs_) {
    send_segment(iss_, 0, tcp_flag::Syn, nullptr);
    return;
  }

  // First: is the segment acceptable (RFC 793 page 69)?
  const std::uint32_t seg_len = static_cast<std::uint32_t>(payload.size()) + (h.has(tcp_flag::Syn) ? 1 : 0) +
                                (h.has(tcp_flag::Fin) ? 1 : 0);
  // The application takes in-order bytes at once, so the window is the whole buffer; held
  // out-of-order bytes are bounded by it and do not shrink it (RFC 793 3.7 warns against shrinking).
  const std::uint32_t rcv_wnd = config_.receive_buffer;
  auto in_window = [&](std::uint32_t s) { return seq_ge(s, rcv_nxt_) && seq_lt(s, rcv_nxt_ + rcv_wnd); };
  bool acceptable;
  if (seg_len == 0) acceptable = rcv_wnd == 0 ? h.seq == rcv_nxt_ : in_window(h.seq);
  else acceptable = rcv_wnd != 0 && (in_window(h.seq) || in_window(h.seq + seg_len - 1));
  if (!acceptable) {
    if (!h.has(tcp_flag::Rst)) send_ack_now();  // a duplicate: tell the peer where we are
    return;
  }

  // Second: RST.
  if (h.has(tcp_flag::Rst)) {
    finish(TcpCloseReason::Reset);
    return;
  }

  // Fourth: a SYN inside the window is an error (RFC 793); answer with RST and close.
  if (h.has(tcp_flag::Syn)) {
    send_segment(snd_nxt_, 0, tcp_flag::Rst, nullptr);
    finish(TcpCloseReason::Reset);
    return;
  }

  // Fifth: ACK.
  if (!h.has(tcp_flag::Ack)) return;
  if (state_ == TcpState::SynReceived) {
    if (!seq_gt(h.ack, snd_una_) || !seq_le(h.ack, snd_max_)) {
      tcp_.send_reset_for_connection(*this, h.ack);
      return;
    }
    snd_una_ = iss_ + 1;
    if (timing_) update_rtt(sim_.now() - timed_at_);
    timing_ = false;
    stop_rto();
    retries_ = 0;
    snd_wnd_ = static_cast<std::uint32_t>(h.window) << snd_wscale_;
    snd_wl1_ = h.seq;
    snd_wl2_ = h.ack;
    set_cwnd(0, false);
    stats_.established = sim_.now();
    stats_.was_established = true;
    enter(fin_queued_ ? TcpState::FinWait1 : TcpState::Established);
    tcp_.accepted(*this);
    if (state_ == TcpState::Closed) return;
  }
  process_ack(h, payload.size());
  if (state_ == TcpState::Closed) return;
  const bool fin_acked = fin_sent_ && seq_gt(snd_una_, fin_seq_);
  if (fin_acked) {
    if (state_ == TcpState::FinWait1) enter(TcpState::FinWait2);
    else if (state_ == TcpState::Closing) enter(TcpState::TimeWait);
    else if (state_ == TcpState::LastAck) return finish(TcpCloseReason::Normal);
  }

  // Seventh: segment text.
  if (!payload.empty() &&
      (state_ == TcpState::Established || state_ == TcpState::FinWait1 || state_ == TcpState::FinWait2))
    process_data(h, payload);
  if (state_ == TcpState::Closed) return;

  // Eighth: FIN, once every byte before it has arrived.
  if (h.has(tcp_flag::Fin)) {
    peer_fin_offset_ = rcv_offset_ + (h.seq + static_cast<std::uint32_t>(payload.size()) - rcv_nxt_);
    has_peer_fin_ = true;
  }
  if (has_peer_fin_ && peer_fin_offset_ == rcv_offset_ && !fin_received_) process_fin();
}

void TcpConnection::process_ack(const TcpHeader& h, std::size_t payload_length) {
  const std::uint32_t ack = h.ack;
  const std::uint32_t smss = sender_mss();
  if (seq_gt(ack, snd_max_)) {  // acknowledges something never sent
    send_ack_now();
    return;
  }
  // Window update, guarded against old segments reordering it (RFC 793 page 72).
  const std::uint32_t window = static_cast<std::uint32_t>(h.window) << snd_wscale_;
  bool window_changed = false;
  if (seq_lt(snd_wl1_, h.seq) || (snd_wl1_ == h.seq && seq_le(snd_wl2_, ack))) {
    window_changed = window != snd_wnd_;
    snd_wnd_ = window;
    snd_wl1_ = h.seq;
    snd_wl2_ = ack;
  }

  if (seq_le(ack, snd_una_)) {
    // RFC 5681 2: a duplicate ACK carries no data, no SYN/FIN, the same window, and arrives
    // while data is outstanding.
    const bool duplicate = ack == snd_una_ && payload_length == 0 && !h.has(tcp_flag::Fin) && !window_changed &&
                           flight_size() > 0;
    if (!duplicate) {
      if (window_changed) output();
      return;
    }
    ++dupacks_;
    if (in_recovery_) {
      set_cwnd(std::min(cwnd_ + smss, MaxCwnd), false);  // RFC 6582 3.2 step 4: inflate
      output();
    } else if (dupacks_ == 3 && seq_gt(ack, recover_)) {
      // RFC 6582 3.2 step 2: fast retransmit, then fast recovery.
      const std::uint32_t before = cwnd_;
      ssthresh_ = std::max(flight_size() / 2, 2 * smss);
      recover_ = snd_max_ - 1;
      in_recovery_ = true;
      ++stats_.fast_retransmits;
      retransmit_first("fast-retransmit");
      set_cwnd(ssthresh_ + 3 * smss, true);
      sim_.trace().publish(TcpCongestion{&tcp_.network().node(tcp_.node()).name(), this, "fast-retransmit", before,
                                         cwnd_, ssthresh_});
      output();
    }
    return;
  }

  // New data acknowledged.
  const std::uint32_t acked = ack - snd_una_;
  if (timing_ && seq_ge(ack, timed_seq_)) {
    update_rtt(sim_.now() - timed_at_);
    timing_ = false;
  }
  const std::uint32_t data_end = buffer_seq_ + static_cast<std::uint32_t>(send_buffer_.size());
  const std::uint32_t acked_to = seq_lt(ack, data_end) ? ack : data_end;
  std::uint32_t data_acked = 0;
  if (seq_gt(acked_to, buffer_seq_)) {
    data_acked = acked_to - buffer_seq_;
    send_buffer_.consume(data_acked);
    buffer_seq_ += data_acked;
    stats_.bytes_sent += data_acked;
  }
  snd_una_ = ack;
  if (seq_lt(snd_nxt_, snd_una_)) snd_nxt_ = snd_una_;
  retries_ = 0;

  if (in_recovery_) {
    if (seq_gt(ack, recover_)) {
      // Full acknowledgment: leave fast recovery (RFC 6582 3.2 step 3, first option).
      const std::uint32_t before = cwnd_;
      set_cwnd(std::min(ssthresh_, std::max(flight_size(), smss) + smss), true);
      in_recovery_ = false;
      dupacks_ = 0;
      sim_.trace().publish(TcpCongestion{&tcp_.network().node(tcp_.node()).name(), this, "recovery-end", before,
                                         cwnd_, ssthresh_});
    } else {
      // Partial acknowledgment: the next hole is lost too. Retransmit it, deflate the window.
      retransmit_first("partial-ack");
      set_cwnd(cwnd_ > acked ? cwnd_ - acked + smss : smss, false);
      arm_rto();
    }
  } else {
    dupacks_ = 0;
    // RFC 7661's idea: grow the window only while it is what limits sending, so a transfer
    // held back by the receiver's window or the application does not inflate cwnd unchecked.
    // Growth counts data bytes only (RFC 5681 2: SYN and FIN are not "bytes acknowledged").
    const bool cwnd_limited = flight_size() + acked >= cwnd_ / 2;
    if (cwnd_limited && data_acked > 0) {
      const std::uint32_t increase = cwnd_ < ssthresh_ ? std::min(data_acked, smss)  // slow start
                                                       : std::max<std::uint32_t>(1, smss * smss / cwnd_);
      set_cwnd(std::min(cwnd_ + increase, MaxCwnd), false);
    }
  }

  if (flight_size() == 0) stop_rto();
  else arm_rto();  // RFC 6298 5.3: restart when new data is acknowledged
  if (data_acked > 0 && on_send_space && !fin_queued_) on_send_space();
  if (state_ != TcpState::Closed) output();
}

void TcpConnection::process_data(const TcpHeader& h, std::span<const std::uint8_t> payload) {
  std::uint32_t seq = h.seq;
  if (seq_lt(seq, rcv_nxt_)) {  // trim what we already have
    const std::uint32_t skip = rcv_nxt_ - seq;
    payload = payload.subspan(skip);
    seq = rcv_nxt_;
  }
  if (seq != rcv_nxt_) {
    // Out of order: keep it (bounded by the window) and send a duplicate ACK at once.
    const std::uint64_t offset = rcv_offset_ + (seq - rcv_nxt_);
    auto [it, inserted] = out_of_order_.try_emplace(offset);
    if (inserted || it->second.size() < payload.size()) {
      out_of_order_bytes_ += payload.size() - it->second.size();
      it->second.assign(payload.begin(), payload.end());
    }
    send_ack_now();
    return;
  }
  const bool filled_gap = !out_of_order_.empty();
  deliver(payload);
  while (state_ != TcpState::Closed && !out_of_order_.empty() && out_of_order_.begin()->first <= rcv_offset_) {
    auto node = out_of_order_.extract(out_of_order_.begin());
    out_of_order_bytes_ -= node.mapped().size();
    const std::uint64_t skip = rcv_offset_ - node.key();
    if (skip < node.mapped().size()) {
      const std::string& data = node.mapped();
      deliver({reinterpret_cast<const std::uint8_t*>(data.data()) + skip, data.size() - skip});
    }
  }
  if (state_ == TcpState::Closed) return;
  // RFC 5681 4.2: acknowledge at once when a segment fills a hole.
  if (filled_gap) send_ack_now();
  else schedule_ack();
}

void TcpConnection::deliver(std::span<const std::uint8_t> bytes) {
  rcv_nxt_ += static_cast<std::uint32_t>(bytes.size());
  rcv_offset_ += bytes.size();
  stats_.bytes_received += bytes.size();
  if (on_data) on_data({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
}

void TcpConnection::process_fin() {
  fin_received_ = true;
  rcv_nxt_ += 1;
  send_ack_now();
  switch (state_) {
    case TcpState::SynReceived:
    case TcpState::Established:
      enter(TcpState::CloseWait);
      break;
    case TcpState::FinWait1:
      enter(fin_sent_ && seq_gt(snd_una_, fin_seq_) ? TcpState::TimeWait : TcpState::Closing);
      break;
    case TcpState::FinWait2:
      enter(TcpState::TimeWait);
      break;
    default:
      break;
  }
  if (on_peer_closed && state_ != TcpState::Closed) on_peer_closed();
}

// ---------------------------------------------------------------------------------------------
// Sending

void TcpConnection::output() {
  if (state_ != TcpState::Established && state_ != TcpState::CloseWait && state_ != TcpState::FinWait1 &&
      state_ != TcpState::Closing && state_ != TcpState::LastAck)
    return;
  const std::uint32_t smss = sender_mss();
  const std::uint32_t window = std::min(cwnd_, snd_wnd_);
  const std::uint32_t data_end = buffer_seq_ + static_cast<std::uint32_t>(send_buffer_.size());
  for (;;) {
    const char* cause = seq_lt(snd_nxt_, snd_max_) ? "timeout" : nullptr;
    if (seq_lt(snd_nxt_, data_end)) {
      const std::uint32_t unsent = data_end - snd_nxt_;
      const std::uint32_t in_flight = snd_nxt_ - snd_una_;
      const std::uint32_t usable = window > in_flight ? window - in_flight : 0;
      const std::uint32_t length = std::min({smss, unsent, usable});
      // Sender-side silly window avoidance (RFC 1122 4.2.3.4): no runt segments while
      // others are in flight.
      if (length == 0 || (length < std::min(smss, unsent) && in_flight > 0)) break;
      std::uint8_t flags = length == unsent ? tcp_flag::Psh : 0;
      const bool with_fin = fin_queued_ && length == unsent;
      if (with_fin) flags |= tcp_flag::Fin;
      send_segment(snd_nxt_, length, flags, cause);
      snd_nxt_ += length;
      if (with_fin) {
        fin_seq_ = snd_nxt_;
        fin_sent_ = true;
        snd_nxt_ += 1;
      }
      if (seq_gt(snd_nxt_, snd_max_)) snd_max_ = snd_nxt_;
      continue;
    }
    if (fin_queued_ && snd_nxt_ == data_end) {
      send_segment(snd_nxt_, 0, tcp_flag::Fin, cause);
      fin_seq_ = snd_nxt_;
      fin_sent_ = true;
      snd_nxt_ += 1;
      if (seq_gt(snd_nxt_, snd_max_)) snd_max_ = snd_nxt_;
    }
    break;
  }
  const bool waiting_on_zero_window = snd_wnd_ == 0 && seq_lt(snd_nxt_, data_end);
  if ((flight_size() > 0 || waiting_on_zero_window) && !sim_.pending(rto_timer_)) arm_rto();
}

void TcpConnection::retransmit_first(const char* cause) {
  const std::uint32_t smss = sender_mss();
  const std::uint32_t data_end = buffer_seq_ + static_cast<std::uint32_t>(send_buffer_.size());
  if (seq_lt(snd_una_, data_end)) {
    const std::uint32_t length = std::min(smss, data_end - snd_una_);
    const bool with_fin = fin_sent_ && snd_una_ + length == data_end;
    send_segment(snd_una_, length, with_fin ? tcp_flag::Fin | tcp_flag::Psh : 0, cause);
  } else if (fin_sent_) {
    send_segment(fin_seq_, 0, tcp_flag::Fin, cause);
  }
}

void TcpConnection::send_segment(std::uint32_t seq, std::size_t length, std::uint8_t flags, const char* cause) {
  TcpHeader h;
  h.source_port = local_.port;
  h.destination_port = remote_.port;
  h.seq = seq;
  if (state_ != TcpState::SynSent) {
    flags |= tcp_flag::Ack;
    h.ack = rcv_nxt_;
  }
  h.flags = flags;
  if (flags & tcp_flag::Syn) {
    h.window = static_cast<std::uint16_t>(std::min<std::uint32_t>(config_.receive_buffer, 65535));
    h.mss = static_cast<std::uint16_t>(config_.mss);
    if (state_ == TcpState::SynSent || wscale_ok_) h.window_scale = rcv_wscale_;
  } else {
    h.window = advertised_window();
  }
  std::span<const std::uint8_t> payload;
  if (length > 0) payload = send_buffer_.range(seq - buffer_seq_, length);

  const bool occupies_sequence = length > 0 || (flags & (tcp_flag::Syn | tcp_flag::Fin));
  if (occupies_sequence && seq_lt(seq, snd_max_)) {
    ++stats_.retransmissions;
    timing_ = false;  // Karn's algorithm: never time a retransmitted segment
    if (sim_.trace().wanted<TcpRetransmitted>())
      sim_.trace().publish(TcpRetransmitted{&tcp_.network().node(tcp_.node()).name(), this, seq, length,
                                            cause ? cause : "timeout"});
  } else if (occupies_sequence && !timing_) {
    timing_ = true;
    timed_seq_ = seq + static_cast<std::uint32_t>(length) + ((flags & (tcp_flag::Syn | tcp_flag::Fin)) ? 1 : 0);
    timed_at_ = sim_.now();
  }
  ++stats_.segments_sent;
  if (flags & tcp_flag::Ack) {
    rcv_acked_ = rcv_nxt_;
    unacked_segments_ = 0;
    sim_.cancel(delayed_ack_timer_);
  }
  tcp_.transmit(*this, h, payload);
}

void TcpConnection::send_ack_now() {
  if (!synchronized(state_)) return;
  send_segment(snd_nxt_, 0, 0, nullptr);
}

void TcpConnection::schedule_ack() {
  if (rcv_acked_ == rcv_nxt_) return;  // the application's reply already carried the ACK
  ++unacked_segments_;
  // RFC 1122 4.2.3.2 / RFC 5681 4.2: at least every second full segment, or within the delay.
  if (config_.delayed_ack.ns == 0 || unacked_segments_ >= 2) return send_ack_now();
  if (!sim_.pending(delayed_ack_timer_))
    delayed_ack_timer_ = sim_.schedule_in(config_.delayed_ack, [this] { send_ack_now(); });
}

std::uint16_t TcpConnection::advertised_window() const {
  return static_cast<std::uint16_t>(std::min<std::uint32_t>(config_.receive_buffer >> rcv_wscale_, 65535));
}

// ---------------------------------------------------------------------------------------------
// Timers and congestion state

void TcpConnection::arm_rto() {
  sim_.cancel(rto_timer_);
  rto_timer_ = sim_.schedule_in(rto_, [this] { on_rto(); });
}

void TcpConnection::stop_rto() { sim_.cancel(rto_timer_); }

void TcpConnection::on_rto() {
  const std::uint32_t smss = sender_mss();
  rto_ = std::min(rto_ * 2, config_.max_rto);  // RFC 6298 5.5: back off
  if (state_ == TcpState::SynSent || state_ == TcpState::SynReceived) {
    if (++retries_ > config_.syn_retries) return finish(TcpCloseReason::TimedOut);
    ++stats_.timeouts;
    send_segment(iss_, 0, tcp_flag::Syn, "timeout");
    arm_rto();
    return;
  }
  const std::uint32_t data_end = buffer_seq_ + static_cast<std::uint32_t>(send_buffer_.size());
  if (flight_size() == 0) {
    if (snd_wnd_ == 0 && seq_lt(snd_nxt_, data_end)) {
      // Persist timer (RFC 1122 4.2.2.17): probe a zero window with one byte.
      send_segment(snd_nxt_, 1, 0, nullptr);
      snd_nxt_ += 1;
      if (seq_gt(snd_nxt_, snd_max_)) snd_max_ = snd_nxt_;
      arm_rto();
    }
    return;
  }
  if (++retries_ > config_.data_retries) {
    send_segment(snd_nxt_, 0, tcp_flag::Rst, nullptr);
    return finish(TcpCloseReason::TimedOut);
  }
  ++stats_.timeouts;
  const std::uint32_t before = cwnd_;
  // RFC 5681 eq. 4, only for the first timeout of this data; then a loss window of one segment.
  if (retries_ == 1) ssthresh_ = std::max(flight_size() / 2, 2 * smss);
  set_cwnd(smss, true);
  in_recovery_ = false;
  dupacks_ = 0;
  recover_ = snd_max_ - 1;  // RFC 6582 4.1: no fast retransmit for data sent before the timeout
  sim_.trace().publish(
      TcpCongestion{&tcp_.network().node(tcp_.node()).name(), this, "timeout", before, cwnd_, ssthresh_});
  snd_nxt_ = snd_una_;  // go back N: resend from the first unacknowledged byte
  output();
  arm_rto();
}

void TcpConnection::update_rtt(Duration r) {
  // RFC 6298 2.2 and 2.3, with alpha = 1/8 and beta = 1/4.
  if (!has_rtt_) {
    srtt_ = r;
    rttvar_ = r / 2;
    has_rtt_ = true;
  } else {
    const Duration diff{srtt_.ns > r.ns ? srtt_.ns - r.ns : r.ns - srtt_.ns};
    rttvar_ = (rttvar_ * 3 + diff) / 4;
    srtt_ = (srtt_ * 7 + r) / 8;
  }
  const Duration granularity = milliseconds(1);
  rto_ = srtt_ + std::max(granularity, rttvar_ * 4);
  rto_ = std::clamp(rto_, config_.min_rto, config_.max_rto);
}

void TcpConnection::set_cwnd(std::uint32_t cwnd, bool congestion_event) {
  const std::uint32_t smss = sender_mss();
  if (cwnd == 0) {  // the initial window, once the peer's MSS is known
    std::uint32_t segments = config_.initial_window;
    if (segments == 0) segments = smss > 2190 ? 2 : smss > 1095 ? 3 : 4;  // RFC 5681 3.1
    cwnd = segments * smss;
  }
  cwnd_ = cwnd;
  stats_.max_cwnd = std::max(stats_.max_cwnd, cwnd_);
  const Time now = sim_.now();
  if (congestion_event || stats_.cwnd_history.empty() || now - last_cwnd_sample_ >= milliseconds(10)) {
    stats_.cwnd_history.push_back({now, cwnd_, ssthresh_});
    last_cwnd_sample_ = now;
  }
}

void TcpConnection::enter(TcpState next) {
  if (next == state_) return;
  const TcpState from = state_;
  state_ = next;
  if ((next == TcpState::TimeWait || next == TcpState::Closed) && !stats_.is_closed) {
    stats_.closed = sim_.now();
    stats_.is_closed = true;
  }
  sim_.trace().publish(
      TcpStateChanged{&tcp_.network().node(tcp_.node()).name(), this, from, next, stats_.close_reason});
  if (next == TcpState::TimeWait) {
    stop_rto();
    sim_.cancel(time_wait_timer_);
    time_wait_timer_ = sim_.schedule_in(config_.msl * 2, [this] { finish(TcpCloseReason::Normal); });
  }
}

void TcpConnection::finish(TcpCloseReason reason) {
  if (state_ == TcpState::Closed) return;
  stats_.close_reason = reason;
  sim_.cancel(rto_timer_);
  sim_.cancel(delayed_ack_timer_);
  sim_.cancel(time_wait_timer_);
  enter(TcpState::Closed);
  send_buffer_.release();
  out_of_order_.clear();
  out_of_order_bytes_ = 0;
  tcp_.connection_closed(*this);
  if (on_closed) on_closed(reason);
}

}  // namespace wiresim
