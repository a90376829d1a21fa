// A server app's engines offered to real clients: `wiresim serve` runs them on loopback sockets
// so telnet, curl or Python's smtplib can talk to a simulated mail server. This header holds
// only the type-erased engine; the sockets and the wall clock live in apps/wiresim/.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "sim/core/time.hpp"

namespace wiresim {

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
