// The socket adapter: runs the same sans-I/O stream engines the simulation uses over real TCP
// sockets on 127.0.0.1, so telnet, curl or Python's smtplib can talk to a simulated server.
// Time comes from steady_clock here, never inside sim/. Binds to loopback only, by design.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.hpp"

namespace wiresim::loopback {

// One connection's engine, with its type erased so one loop serves SMTP, POP3 and IMAP.
class Session {
 public:
  virtual ~Session() = default;
  virtual void on_connected(Time now) = 0;
  virtual void on_bytes(std::string_view data, Time now) = 0;
  virtual void on_closed(Time now) = 0;
  virtual void on_timer(Time now) = 0;
  virtual std::string take_outgoing() = 0;
  virtual std::optional<Time> wake_at() const = 0;
  virtual bool wants_close() const = 0;
  virtual void drain_events() = 0;  // hand the engine's events to whoever listens
};

template <class Engine>
class EngineSession : public Session {
 public:
  using Event = typename decltype(std::declval<Engine&>().take_events())::value_type;
  template <class... Args>
  explicit EngineSession(std::function<void(const Event&)> on_event, Args&&... engine_args)
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

 private:
  Engine engine_;
  std::function<void(const Event&)> on_event_;
};

struct Service {
  std::string name;  // "smtp", for messages
  std::uint16_t port = 0;  // on 127.0.0.1; 0 picks a free one
  std::function<std::unique_ptr<Session>()> make_session;
};

// Listens on every service's port and runs sessions until `stop` becomes true (checked at
// least every 100 ms). `on_listening` gets each service's bound port once all are open.
// Returns an error message, or "" after a clean stop.
std::string serve(std::vector<Service> services, const std::atomic<bool>& stop,
                  const std::function<void(const std::string& name, std::uint16_t port)>& on_listening);

}  // namespace wiresim::loopback
