#include "sim/transport/tcp_events.hpp"

namespace wiresim {
namespace {

void connection_fields(TraceRecord& r, const std::string* node, const TcpConnection* c) {
  r.node = *node;
  r.layer = "tcp";
  r.add("connection", static_cast<std::int64_t>(c->id()));
  r.add("local", c->local().to_string());
  r.add("remote", c->remote().to_string());
}

}  // namespace

std::string_view to_string(TcpState s) {
  static constexpr std::string_view names[] = {"CLOSED",      "LISTEN",     "SYN-SENT",   "SYN-RECEIVED",
                                               "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT",
                                               "CLOSING",     "LAST-ACK",   "TIME-WAIT"};
  return names[static_cast<int>(s)];
}

std::string_view to_string(TcpCloseReason r) {
  static constexpr std::string_view names[] = {"none", "normal", "refused", "reset", "timed-out", "aborted"};
  return names[static_cast<int>(r)];
}

void TcpStateChanged::describe(TraceRecord& r) const {
  connection_fields(r, node, connection);
  r.text = connection->name() + " " + std::string(to_string(from)) + " -> " + std::string(to_string(to));
  if (to == TcpState::Closed && reason != TcpCloseReason::Normal && reason != TcpCloseReason::None)
    r.text += " (" + std::string(to_string(reason)) + ")";
  r.add("from", std::string(to_string(from)));
  r.add("to", std::string(to_string(to)));
  if (to == TcpState::Closed) r.add("reason", std::string(to_string(reason)));
}

void TcpRetransmitted::describe(TraceRecord& r) const {
  connection_fields(r, node, connection);
  // Relative to the initial sequence number, as Wireshark numbers them.
  const std::uint32_t relative = seq - connection->iss();
  r.text = connection->name() + " retransmit Seq=" + std::to_string(relative) + " Len=" + std::to_string(length) + " (" +
           cause + ")";
  r.add("seq", static_cast<std::int64_t>(seq));
  r.add("relative_seq", static_cast<std::int64_t>(relative));
  r.add("length", static_cast<std::int64_t>(length));
  r.add("cause", cause);
}

void TcpCongestion::describe(TraceRecord& r) const {
  connection_fields(r, node, connection);
  r.text = connection->name() + " " + cause + ": cwnd " + std::to_string(cwnd_before) + " -> " +
           std::to_string(cwnd_after) + " bytes, ssthresh " + std::to_string(ssthresh);
  r.add("cause", cause);
  r.add("cwnd_before", static_cast<std::int64_t>(cwnd_before));
  r.add("cwnd_after", static_cast<std::int64_t>(cwnd_after));
  r.add("ssthresh", static_cast<std::int64_t>(ssthresh));
}

}  // namespace wiresim
