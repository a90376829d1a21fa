// The data connection on simulated TCP: listen and accept one, or connect (from port 20 for an
// active server), write with backpressure, close once everything was taken, or reset.
#include "protocols/ftp/sim_adapter.hpp"

#include "sim/core/units.hpp"
#include "sim/trace/app_events.hpp"

namespace wiresim::ftp {

template class SimSession<ServerSession>;
template class SimSession<ClientSession>;

DataConnection::DataConnection(Tcp& tcp, std::string node, bool server, Hooks hooks)
    : tcp_(tcp), node_(std::move(node)), server_(server), hooks_(std::move(hooks)) {}

DataConnection::~DataConnection() {
  if (stop_listening_event_) tcp_.simulator().cancel(*stop_listening_event_);
  if (listening_) tcp_.stop_listening(listening_);
  // The stack keeps its connections for the report: cut them loose from us.
  for (TcpConnection* c : touched_) {
    c->on_connected = nullptr;
    c->on_data = nullptr;
    c->on_send_space = nullptr;
    c->on_peer_closed = nullptr;
    c->on_closed = nullptr;
  }
}

void DataConnection::execute(const DataAction& action) {
  switch (action.kind) {
    case DataAction::Kind::Listen: {
      stop_listening();
      const std::uint16_t port = action.port;
      if (auto ok = tcp_.listen(port, [this, port](TcpConnection& c) { accept(c, port); }); !ok) {
        note("cannot open a data connection: " + ok.error());
        hooks_.closed(false);
        return;
      }
      listening_ = port;
      // RFC 959's and the notes' word: the side that waits for the other to connect "issues a
      // passive open" (the client for PORT, the server for PASV).
      note("passive open: listening on port " + std::to_string(port) + " for the data connection");
      return;
    }
    case DataAction::Kind::Connect:
      if (conn_) execute(DataAction{DataAction::Kind::Abort, 0, 0, 0, {}});
      attach(tcp_.connect({Ipv4Address{action.address}, action.port}, action.local_port), true);
      return;
    case DataAction::Kind::Send:
      unsent_ += action.bytes;
      write_pending();
      return;
    case DataAction::Kind::Close:
      close_requested_ = true;
      write_pending();
      return;
    case DataAction::Kind::Abort:
      stop_listening();
      if (TcpConnection* c = conn_) {
        note("data connection " + name() + " reset after " + counted(bytes(), "byte"));
        conn_ = nullptr;
        ++generation_;
        c->abort();
      }
      return;
  }
}

void DataConnection::accept(TcpConnection& conn, std::uint16_t port) {
  if (listening_ == port) {
    // Accept one, then stop listening: not from inside the listener's own handler.
    listening_ = 0;
    stop_listening_event_ = tcp_.simulator().schedule_in(Duration{}, [this, port] {
      stop_listening_event_.reset();
      tcp_.stop_listening(port);
    });
  }
  if (conn_) {  // one data connection at a time
    conn.abort();
    return;
  }
  attach(conn, false);
  opened();
}

void DataConnection::attach(TcpConnection& conn, bool we_opened) {
  conn_ = &conn;
  touched_.push_back(&conn);
  const std::uint64_t g = ++generation_;
  we_opened_ = we_opened;
  connected_ = close_requested_ = close_sent_ = false;
  unsent_.clear();
  unsent_at_ = 0;
  last_ = &conn;
  conn.on_connected = [this, g] {
    if (g == generation_) opened();
  };
  conn.on_data = [this, g](std::string_view data) {
    if (g != generation_) return;
    hooks_.bytes(data);
  };
  conn.on_send_space = [this, g] {
    if (g == generation_) write_pending();
  };
  conn.on_peer_closed = [this, g] {
    if (g != generation_) return;
    // The peer's FIN: in stream mode the end of the file (RFC 959 3.4.1). Close our side too.
    unsent_.clear();
    unsent_at_ = 0;
    if (!close_sent_) conn_->close();
    close_sent_ = true;
    ended(true);
  };
  conn.on_closed = [this, g](TcpCloseReason reason) {
    if (g == generation_) ended(reason == TcpCloseReason::Normal);
  };
}

void DataConnection::opened() {
  connected_ = true;
  // Active: the server opened it (from port 20); passive: the client did.
  note("data connection " + name() + " opened (" + (server_ == we_opened_ ? "active" : "passive") + ")");
  hooks_.connected();
  write_pending();
}

void DataConnection::write_pending() {
  if (!conn_ || !connected_) return;
  if (unsent_at_ < unsent_.size()) {
    const std::size_t taken = conn_->send(std::string_view(unsent_).substr(unsent_at_));
    unsent_at_ += taken;
  }
  if (unsent_at_ < unsent_.size()) return;
  unsent_.clear();
  unsent_at_ = 0;
  if (close_requested_ && !close_sent_) {
    close_sent_ = true;
    conn_->close();
  }
}

void DataConnection::ended(bool clean) {
  if (!conn_) return;
  note("data connection " + name() + (clean ? " closed after " : " broken after ") + counted(bytes(), "byte"));
  conn_ = nullptr;
  ++generation_;
  hooks_.closed(clean);
}

std::uint64_t DataConnection::bytes() const {
  return last_ ? last_->stats().bytes_sent + last_->stats().bytes_received : 0;
}

void DataConnection::stop_listening() {
  if (!listening_) return;
  tcp_.stop_listening(listening_);
  listening_ = 0;
}

void DataConnection::note(const std::string& text) {
  tcp_.simulator().trace().publish(
      AppMessage{node_, "ftp-data", "", text, conn_ ? static_cast<std::int64_t>(conn_->id()) : -1});
}

std::string DataConnection::name() const {
  if (!conn_) return "";
  const std::string local = conn_->local().to_string(), remote = conn_->remote().to_string();
  return we_opened_ ? local + " → " + remote : remote + " → " + local;
}

}  // namespace wiresim::ftp
