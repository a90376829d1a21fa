// A server app's engines offered to real clients: `wiresim serve` runs them on loopback sockets
// so telnet, curl or Python's smtplib can talk to a simulated mail server. This header holds
// only the type-erased engine and the data connections it may ask for (FTP); the sockets and
// the wall clock live in apps/wiresim/.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/time.hpp"

namespace wiresim {

// A second connection an engine asks for beside its own (FTP's data connection, RFC 959 3.2),
// in the words of no particular protocol. One at a time per session; addresses are IPv4 in host
// order, and the socket loop only ever uses 127.0.0.1.
struct DataRequest {
  enum class Kind {
    Listen,   // listen on port and accept one connection, then stop listening
    Connect,  // connect from local_port (0: any) to address:port
    Send,     // write `bytes` on the open data connection
    Close,    // close it normally once every byte was written
    Abort,    // drop it (or stop listening) at once, unsent bytes lost
  };
  Kind kind = Kind::Abort;
  std::uint32_t address = 0;     // Listen: our address; Connect: the peer's
  std::uint16_t port = 0;        // Listen: our port; Connect: the peer's
  std::uint16_t local_port = 0;  // Connect: our port
  std::string bytes;             // Send
};

// One connection's engine, its type erased so one socket loop serves every protocol.
class RealSession {
 public:
  virtual ~RealSession() = default;
  virtual void on_connected(Time now) = 0;
  virtual void on_bytes(std::string_view data, Time now) = 0;
  virtual void on_closed(Time now) = 0;
  virtual void on_timer(Time now) = 0;
  virtual std::string take_outgoing() = 0;
  virtual std::optional<Time> wake_at() const = 0;
  virtual bool wants_close() const = 0;
  virtual void drain_events() = 0;  // hands the engine's events to the app that made it

  // The data connection, for engines that have one; by default a session asks for none. Drain
  // take_data_requests() after every call into the session, like take_outgoing().
  virtual std::vector<DataRequest> take_data_requests() { return {}; }
  virtual void on_data_connected(Time) {}  // the Listen accepted one, or the Connect succeeded
  virtual void on_data_bytes(std::string_view, Time) {}
  // Clean: the peer closed after a Close from either end; not clean: reset, or never opened.
  virtual void on_data_closed(bool /*clean*/, Time) {}
};

template <class Engine>
class RealEngineSession : public RealSession {
 public:
  using Event = typename decltype(std::declval<Engine&>().take_events())::value_type;
  template <class... Args>
  explicit RealEngineSession(std::function<void(const Event&)> on_event, Args&&... engine_args)
      : engine_(std::forward<Args>(engine_args)...), on_event_(std::move(on_event)) {}
  void on_connected(Time now) override { engine_.on_connected(now); }
  void on_bytes(std::string_view data, Time now) override { engine_.on_bytes(data, now); }
  void on_closed(Time now) override { engine_.on_closed(now); }
  void on_timer(Time now) override { engine_.on_timer(now); }
  std::string take_outgoing() override { return engine_.take_outgoing(); }
  std::optional<Time> wake_at() const override { return engine_.wake_at(); }
  bool wants_close() const override { return engine_.wants_close(); }
  void drain_events() override {
    for (const Event& e : engine_.take_events())
      if (on_event_) on_event_(e);
  }

 protected:
  Engine& engine() { return engine_; }

 private:
  Engine engine_;
  std::function<void(const Event&)> on_event_;
};

struct RealService {
  std::string name;        // "smtp", "pop3", ...
  std::uint16_t port = 0;  // the port it has in the simulation
  std::function<std::unique_ptr<RealSession>()> make_session;
};

}  // namespace wiresim
