// Runs an FTP engine (server or client) over simulated TCP: the control connection through a
// StreamSession, the data connections it asks for (DataActions) on the node's TCP, with what
// happens on them fed back. No FTP logic; data bytes are announced once per connection, not
// shown line by line.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "protocols/ftp/client_session.hpp"
#include "protocols/ftp/data_channel.hpp"
#include "protocols/ftp/server_session.hpp"
#include "sim/scenario/stream_session.hpp"
#include "sim/transport/tcp.hpp"

namespace wiresim::ftp {

// One data connection at a time (RFC 959 3.2), executing an engine's DataActions.
class DataConnection {
 public:
  struct Hooks {
    std::function<void()> connected;
    std::function<void(std::string_view)> bytes;
    std::function<void(bool clean)> closed;
  };
  // `server`: whose end this is, only to say "active" or "passive" in the notes.
  DataConnection(Tcp& tcp, std::string node, bool server, Hooks hooks);
  DataConnection(const DataConnection&) = delete;
  DataConnection& operator=(const DataConnection&) = delete;
  ~DataConnection();

  void execute(const DataAction& action);
  // Octets that crossed the current (or else the last) data connection, both ways: acknowledged
  // by the receiver, or delivered to us. What an aborted transfer really moved.
  std::uint64_t bytes() const;

 private:
  void accept(TcpConnection& conn, std::uint16_t port);
  void attach(TcpConnection& conn, bool we_opened);
  void opened();
  void write_pending();
  void ended(bool clean);
  void stop_listening();
  void note(const std::string& text);
  std::string name() const;  // "10.0.0.1:20 → 10.0.0.2:40000", opener first

  Tcp& tcp_;
  std::string node_;
  bool server_;
  Hooks hooks_;
  std::vector<TcpConnection*> touched_;  // every connection whose callbacks point at us
  TcpConnection* conn_ = nullptr;
  std::uint64_t generation_ = 0;  // callbacks of an older connection see a newer number and return
  bool we_opened_ = false, connected_ = false, close_requested_ = false, close_sent_ = false;
  std::string unsent_;
  std::size_t unsent_at_ = 0;  // what TCP took of unsent_ so far
  const TcpConnection* last_ = nullptr;  // the stack keeps it, with its statistics
  std::uint16_t listening_ = 0;
  std::optional<EventId> stop_listening_event_;
};

// A control StreamSession plus its DataConnection: after every flush the engine's data actions
// are drained and executed; what the data connection reports goes back into the engine.
template <class Engine>
class SimSession : public AnyStreamSession {
 public:
  using Control = StreamSession<Engine>;

  template <class... Args>
  SimSession(Tcp& tcp, TcpConnection& control, const StreamSessionOptions& options,
             typename Control::EventHandler on_event, std::function<void()> on_finished, Args&&... engine_args)
      : control_(tcp.simulator(), control, options, std::move(on_event), std::move(on_finished),
                 std::forward<Args>(engine_args)...),
        data_(tcp, options.node, std::is_same_v<Engine, ServerSession>,
              {[this] { fed([this](Time now) { engine().on_data_connected(now); }); },
               [this](std::string_view bytes) { fed([this, bytes](Time now) { engine().on_data_bytes(bytes, now); }); },
               [this](bool clean) { fed([this, clean](Time now) { engine().on_data_closed(clean, now); }); }}),
        sim_(tcp.simulator()) {
    control_.set_after_flush([this] { drain(); });
  }

  Control& control() { return control_; }
  Engine& engine() { return control_.engine(); }
  const Engine& engine() const { return control_.engine(); }
  bool finished() const override { return control_.finished(); }
  std::uint64_t data_bytes() const { return data_.bytes(); }

 private:
  template <class F>
  void fed(F call) {
    call(sim_.now());
    control_.flush();
  }
  void drain() {
    if (draining_) return;  // the outer loop takes what a nested flush left
    draining_ = true;
    for (auto actions = engine().take_data_actions(); !actions.empty(); actions = engine().take_data_actions())
      for (const DataAction& action : actions) data_.execute(action);
    draining_ = false;
  }

  Control control_;
  DataConnection data_;
  Simulator& sim_;
  bool draining_ = false;
};

extern template class SimSession<ServerSession>;
extern template class SimSession<ClientSession>;

}  // namespace wiresim::ftp
