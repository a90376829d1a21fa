// The core's checkable facts for [[expect]]: connections, delivered bytes, drops,
// retransmissions, and any trace event by kind. Protocols register their own beside these.
#include <algorithm>

#include "sim/core/suggest.hpp"
#include "sim/scenario/bounds.hpp"
#include "sim/scenario/registry.hpp"
#include "sim/scenario/table_reader.hpp"
#include "sim/scenario/world.hpp"

namespace wiresim {

LinkId read_link(TableReader& r, const Network& net, std::string_view key);

namespace {


std::string before_text(std::optional<Duration> before) {
  return before ? " before " + format_duration(*before) : "";
}

class ConnectionExpectation : public Expectation {
 public:
  explicit ConnectionExpectation(ExpectationContext& c) {
    from_ = c.table.node("from");
    if (c.table.has("to")) to_ = c.table.endpoint("to");
    closed_ = c.table.choice("state", {"established", "closed"}, "established") == "closed";
    if (c.table.has("before")) before_ = c.table.duration("before");
    from_name_ = c.world.net.node(from_).name();
  }
  std::string describe() const override {
    return from_name_ + (closed_ ? " opens and cleanly closes a connection" : " connects") +
           (to_ ? " to " + to_->to_string() : "") + before_text(before_);
  }
  Verdict check(const World& w) const override {
    std::size_t seen = 0;
    for (const auto& c : w.stack(from_).tcp.connections()) {
      if (!c->stats().active_open || (to_ && c->remote() != *to_)) continue;
      ++seen;
      const auto& s = c->stats();
      if (!s.was_established) continue;
      if (closed_ && !(s.is_closed && (s.close_reason == TcpCloseReason::Normal || c->state() == TcpState::TimeWait)))
        continue;
      const Time when = closed_ ? s.closed : s.established;
      if (before_ && when > Time{} + *before_) continue;
      return {true, (closed_ ? "closed at " : "established at ") + format_time(when) + "s"};
    }
    if (seen == 0) return {false, "no connection was attempted"};
    return {false, std::to_string(seen) + (seen == 1 ? " attempt, which did not qualify" : " attempts, none qualified")};
  }

 private:
  NodeId from_;
  std::string from_name_;
  std::optional<Endpoint> to_;
  bool closed_ = false;
  std::optional<Duration> before_;
};

class DeliveredExpectation : public Expectation {
 public:
  explicit DeliveredExpectation(ExpectationContext& c) {
    host_ = c.table.node("host");
    host_name_ = c.world.net.node(host_).name();
    port_ = static_cast<std::uint16_t>(c.table.integer("port", 1, 65535));
    if (c.table.has("bytes") && c.table.has("at_least"))
      c.table.fail("at_least", "give either 'bytes' (exactly) or 'at_least', not both");
    if (c.table.has("bytes")) exact_ = c.table.bytes("bytes");
    at_least_ = c.table.bytes_or("at_least", exact_.value_or(1));
  }
  std::string describe() const override {
    return host_name_ + " receives " + (exact_ ? "exactly " + std::to_string(*exact_) : "at least " + std::to_string(at_least_)) +
           " bytes on TCP port " + std::to_string(port_);
  }
  Verdict check(const World& w) const override {
    std::uint64_t total = 0;
    for (const auto& c : w.stack(host_).tcp.connections())
      if (c->local().port == port_) total += c->stats().bytes_received;
    const bool ok = exact_ ? total == *exact_ : total >= at_least_;
    return {ok, "received " + std::to_string(total) + " bytes"};
  }

 private:
  NodeId host_;
  std::string host_name_;
  std::uint16_t port_;
  std::optional<std::uint64_t> exact_;
  std::uint64_t at_least_;
};

class DropsExpectation : public Expectation {
 public:
  explicit DropsExpectation(ExpectationContext& c) {
    link_ = read_link(c.table, c.world.net, "link");
    link_name_ = c.world.net.link(link_).name();
    reason_ = c.table.choice("reason", {"any", "loss", "queue-full", "link-down", "injected"}, "any");
    bounds_ = Bounds::read(c.table, 1);
  }
  std::string describe() const override {
    return "link " + link_name_ + " drops " + bounds_.text("packet") + (reason_ == "any" ? "" : " (" + reason_ + ")");
  }
  Verdict check(const World& w) const override {
    std::uint64_t n = 0;
    for (int side = 0; side < 2; ++side) {
      const auto& s = w.net.link(link_).stats(side);
      if (reason_ == "any" || reason_ == "loss") n += s.drops_loss;
      if (reason_ == "any" || reason_ == "queue-full") n += s.drops_queue;
      if (reason_ == "any" || reason_ == "link-down") n += s.drops_down;
      if (reason_ == "any" || reason_ == "injected") n += s.drops_injected;
    }
    return {bounds_.holds(n), std::to_string(n) + " dropped"};
  }

 private:
  LinkId link_;
  std::string link_name_, reason_;
  Bounds bounds_;
};

class RetransmissionsExpectation : public Expectation {
 public:
  explicit RetransmissionsExpectation(ExpectationContext& c) {
    host_ = c.table.node("host");
    host_name_ = c.world.net.node(host_).name();
    bounds_ = Bounds::read(c.table, 1);
  }
  std::string describe() const override { return host_name_ + " retransmits " + bounds_.text("TCP segment"); }
  Verdict check(const World& w) const override {
    std::uint64_t n = 0;
    for (const auto& c : w.stack(host_).tcp.connections()) n += c->stats().retransmissions;
    return {bounds_.holds(n), std::to_string(n) + " retransmitted"};
  }

 private:
  NodeId host_;
  std::string host_name_;
  Bounds bounds_;
};

// Any trace event, matched by kind, node and text: the escape hatch for facts without a type.
class EventExpectation : public Expectation {
 public:
  explicit EventExpectation(ExpectationContext& c) {
    kind_ = c.table.string("kind");
    std::vector<std::string> kinds;
    for (const auto& [k, summary] : c.registry.event_kinds()) kinds.push_back(k);
    if (std::find(kinds.begin(), kinds.end(), kind_) == kinds.end()) {
      c.table.fail("kind", "unknown event kind '" + kind_ + "'" + did_you_mean_or_list(kind_, kinds, "known kinds:"));
    }
    if (c.table.has("node")) node_ = c.world.net.node(c.table.node("node")).name();
    contains_ = c.table.string_or("contains", "");
    if (c.table.has("after")) after_ = c.table.duration("after");
    if (c.table.has("before")) before_ = c.table.duration("before");
    bounds_ = Bounds::read(c.table, 1);
    auto state = state_;
    c.world.sim.trace().subscribe_all([state, kind = kind_, node = node_, contains = contains_, after = after_,
                                       before = before_](const TraceRecord& r) {
      if (r.kind != kind || (node && r.node != *node)) return;
      if (!contains.empty() && r.text.find(contains) == std::string::npos) return;
      if ((after && r.time < Time{} + *after) || (before && r.time > Time{} + *before)) return;
      if (state->count++ == 0) state->first = r.time;
    });
  }
  std::string describe() const override {
    std::string s = "event " + kind_;
    if (node_) s += " at " + *node_;
    if (!contains_.empty()) s += " containing \"" + contains_ + "\"";
    if (after_) s += " after " + format_duration(*after_);
    if (before_) s += " before " + format_duration(*before_);
    return s + " happens " + bounds_.text("time");
  }
  Verdict check(const World&) const override {
    std::string detail = std::to_string(state_->count) + " matched";
    if (state_->count) detail += ", first at " + format_time(state_->first) + "s";
    return {bounds_.holds(state_->count), detail};
  }

 private:
  struct State {
    std::uint64_t count = 0;
    Time first;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
  std::string kind_, contains_;
  std::optional<std::string> node_;
  std::optional<Duration> after_, before_;
  Bounds bounds_;
};

template <class T>
ExpectationType expectation(std::string summary) {
  return {std::move(summary), [](ExpectationContext& c) -> std::unique_ptr<Expectation> { return std::make_unique<T>(c); }};
}

}  // namespace

void register_core_actions(Registry& registry);

void register_core(Registry& registry) {
  registry.add_expectation("connection", expectation<ConnectionExpectation>(
                                             "a TCP connection from a host was established (or closed cleanly)"));
  registry.add_expectation("delivered", expectation<DeliveredExpectation>("bytes delivered to a host's TCP port"));
  registry.add_expectation("drops", expectation<DropsExpectation>("packets dropped on a link"));
  registry.add_expectation("retransmissions",
                           expectation<RetransmissionsExpectation>("TCP segments a host retransmitted"));
  registry.add_expectation("event", expectation<EventExpectation>("a trace event of a given kind happened"));
  register_core_actions(registry);
  for (auto [kind, summary] : {std::pair{"packet.tx", "a packet starts transmission on an interface"},
                               std::pair{"packet.rx", "a packet arrives at an interface"},
                               std::pair{"packet.drop", "a packet is dropped, with the reason"},
                               std::pair{"link.state", "a link goes down or comes up"},
                               std::pair{"ip.routes", "routes are computed or recomputed"},
                               std::pair{"tcp.state", "a TCP connection changes state"},
                               std::pair{"tcp.retransmit", "a TCP segment is retransmitted"},
                               std::pair{"tcp.congestion", "a TCP congestion event changes cwnd"},
                               std::pair{"app.message", "an application's dialogue line or note"}})
    registry.add_event_kind(kind, summary);
}

}  // namespace wiresim
