// echo-server and echo-client over TCP or UDP (RFC 862): the client sends numbered lines at an
// interval, the server sends every byte back, and the client reports each round trip.
#include <cstdio>
#include <map>

#include "sim/scenario/registry.hpp"
#include "sim/scenario/table_reader.hpp"
#include "sim/scenario/world.hpp"
#include "sim/trace/app_events.hpp"

namespace wiresim::tools {
namespace {

constexpr std::uint16_t EchoPort = 7;  // RFC 862

void publish(World& w, NodeId node, std::string speaker, std::string text, std::int64_t connection = -1) {
  w.sim.trace().publish(AppMessage{w.net.node(node).name(), "echo", std::move(speaker), std::move(text), connection});
}

std::string ms_text(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(d.ns) / 1e6);
  return buf;
}

class EchoServer : public App {
 public:
  explicit EchoServer(AppContext& c) : world_(c.world), node_(c.node) {
    udp_ = c.table.choice("protocol", {"tcp", "udp"}, "tcp") == "udp";
    port_ = static_cast<std::uint16_t>(c.table.integer_or("port", 1, 65535, EchoPort));
    if (auto clash = world_.claim_port(node_, udp_ ? "UDP" : "TCP", port_); !clash.empty())
      c.table.fail("port", clash);
  }
  void start() override {
    // The port was claimed at load time, so binding cannot clash.
    if (udp_) {
      (void)world_.stack(node_).udp.bind(port_, [this](Endpoint from, Endpoint, std::string_view data) {
        world_.stack(node_).udp.send_to(port_, from, data);
      });
      return;
    }
    (void)world_.stack(node_).tcp.listen(port_, [this](TcpConnection& conn) {
      publish(world_, node_, "", "accepted " + conn.name(), static_cast<std::int64_t>(conn.id()));
      conn.on_data = [&conn](std::string_view data) { conn.send(data); };
      conn.on_peer_closed = [&conn] { conn.close(); };
    });
  }
  void stop() override {
    if (udp_) world_.stack(node_).udp.unbind(port_);
    else world_.stack(node_).tcp.stop_listening(port_);
  }

 private:
  World& world_;
  NodeId node_;
  bool udp_ = false;
  std::uint16_t port_ = EchoPort;
};

class EchoClient : public App {
 public:
  explicit EchoClient(AppContext& c) : world_(c.world), node_(c.node) {
    udp_ = c.table.choice("protocol", {"tcp", "udp"}, "tcp") == "udp";
    to_ = c.table.endpoint("to", EchoPort);
    count_ = static_cast<std::uint32_t>(c.table.integer_or("count", 1, 1'000'000, 3));
    interval_ = c.table.duration_or("interval", seconds(1));
    message_ = c.table.string_or("message", "hello");
    if (message_.find('\n') != std::string::npos) c.table.fail("message", "'message' must be one line");
    timeout_ = c.table.duration_or("timeout", seconds(2));
  }

  void start() override {
    if (udp_) {
      port_ = world_.stack(node_).udp.bind_ephemeral(
          [this](Endpoint, Endpoint, std::string_view data) { received(std::string(data)); });
      send_next();
      return;
    }
    conn_ = &world_.stack(node_).tcp.connect(to_);
    conn_->on_connected = [this] { send_next(); };
    conn_->on_data = [this](std::string_view data) {
      buffer_ += data;
      for (std::size_t nl; (nl = buffer_.find('\n')) != std::string::npos;) {
        received(buffer_.substr(0, nl));
        buffer_.erase(0, nl + 1);
      }
    };
    conn_->on_peer_closed = [this] { conn_->close(); };
    conn_->on_closed = [this](TcpCloseReason reason) {
      if (reason == TcpCloseReason::Normal) return;
      publish(world_, node_, "", "connection failed (" + std::string(to_string(reason)) + ")", connection());
      finish();
    };
  }

  void stop() override { finish(); }

 private:
  std::int64_t connection() const { return conn_ ? static_cast<std::int64_t>(conn_->id()) : -1; }

  void send_next() {
    if (finished_ || sent_ >= count_) return;
    ++sent_;
    const std::string line = message_ + " " + std::to_string(sent_);
    sent_at_[line] = world_.sim.now();
    publish(world_, node_, "C", line, connection());
    if (udp_) world_.stack(node_).udp.send_to(port_, to_, line + "\n");
    else conn_->send(line + "\n");
    if (sent_ < count_) world_.sim.schedule_in(interval_, [this] { send_next(); });
    else world_.sim.schedule_in(timeout_, [this] { finish(); });
  }

  void received(std::string line) {
    if (finished_) return;  // the summary is out: a straggler changes nothing
    while (!line.empty() && line.back() == '\n') line.pop_back();
    auto it = sent_at_.find(line);
    if (it == sent_at_.end()) {  // not an echo of ours: show it, but do not count it
      publish(world_, node_, "S", line + " (unexpected)", connection());
      return;
    }
    const Duration rtt = world_.sim.now() - it->second;
    sent_at_.erase(it);
    ++replies_;
    publish(world_, node_, "S", line + " (round trip " + ms_text(rtt) + ")", connection());
    if (!udp_ && replies_ == count_) finish();
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    publish(world_, node_, "", std::to_string(replies_) + " of " + std::to_string(sent_) + " echoes came back" +
                                   (sent_at_.empty() ? "" : ", " + std::to_string(sent_at_.size()) + " missing"),
            connection());
    if (conn_) conn_->close();
    if (udp_ && port_) world_.stack(node_).udp.unbind(port_);
  }

  World& world_;
  NodeId node_;
  bool udp_ = false;
  Endpoint to_;
  std::uint32_t count_ = 3, sent_ = 0, replies_ = 0;
  Duration interval_, timeout_;
  std::string message_, buffer_;
  std::map<std::string, Time> sent_at_;
  std::uint16_t port_ = 0;
  TcpConnection* conn_ = nullptr;
  bool finished_ = false;
};

}  // namespace

void register_echo(Registry& registry) {
  registry.add_app("echo-server", {"echoes every byte back on `port` (7), over `protocol` tcp or udp",
                                   [](AppContext& c) -> std::unique_ptr<App> { return std::make_unique<EchoServer>(c); }});
  registry.add_app("echo-client", {"sends `count` numbered lines to `to` every `interval` and times the echoes",
                                   [](AppContext& c) -> std::unique_ptr<App> { return std::make_unique<EchoClient>(c); }});
}

}  // namespace wiresim::tools
