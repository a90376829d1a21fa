// bulk-send and bulk-sink: one TCP transfer of a given size, reported as the sender and the
// receiver see it.
#include <cstdio>

#include "protocols/tools/tools.hpp"
#include "sim/scenario/registry.hpp"
#include "sim/scenario/table_reader.hpp"
#include "sim/scenario/world.hpp"
#include "sim/trace/app_events.hpp"

namespace wiresim::tools {

void bulk_pattern(std::uint64_t offset, std::size_t length, std::string& out) {
  static constexpr std::string_view tail = " wiresim bulk data: one numbered 64-byte line each.\n";
  static_assert(12 + tail.size() == 64);
  out.resize(length);
  std::size_t written = 0;
  char line[64];
  std::uint64_t line_number = offset / 64;
  std::size_t skip = offset % 64;
  while (written < length) {
    std::uint64_t n = line_number;
    for (int i = 11; i >= 0; --i, n /= 10) line[i] = static_cast<char>('0' + n % 10);
    std::copy(tail.begin(), tail.end(), line + 12);
    const std::size_t take = std::min<std::size_t>(64 - skip, length - written);
    std::copy(line + skip, line + skip + take, out.data() + written);
    written += take;
    skip = 0;
    ++line_number;
  }
}

namespace {

std::string rate_text(std::uint64_t bytes, Duration d) {
  if (d.ns <= 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f Mbps", static_cast<double>(bytes) * 8 / d.seconds() / 1e6);
  return buf;
}

class BulkSend : public App {
 public:
  explicit BulkSend(AppContext& c)
      : world_(c.world), node_(c.node), to_(c.table.endpoint("to")), total_(c.table.bytes_or("bytes", 1'000'000)) {}

  void start() override {
    note("connecting to " + to_.to_string() + " to send " + std::to_string(total_) + " bytes");
    started_ = world_.sim.now();
    conn_ = &world_.stack(node_).tcp.connect(to_);
    conn_->on_connected = [this] {
      note("connected " + conn_->name());
      fill();
    };
    conn_->on_send_space = [this] { fill(); };
    conn_->on_peer_closed = [this] {
      // The sink closes once it has everything, so this is the moment the transfer is over.
      const auto& s = conn_->stats();
      const Duration took = world_.sim.now() - started_;
      note("done: " + std::to_string(s.bytes_sent) + " bytes acknowledged in " + format_duration(took) + " (" +
           rate_text(s.bytes_sent, took) + ")");
      conn_->close();
    };
    conn_->on_closed = [this](TcpCloseReason reason) {
      if (reason != TcpCloseReason::Normal)
        note("connection ended early (" + std::string(to_string(reason)) + ") after " +
             std::to_string(conn_->stats().bytes_sent) + " bytes");
    };
  }

  void stop() override {
    if (conn_ && conn_->state() != TcpState::Closed && conn_->state() != TcpState::TimeWait) {
      note("stopped; aborting the connection");
      conn_->abort();
    }
  }

 private:
  void fill() {
    while (queued_ < total_) {
      const std::size_t room = conn_->send_space();
      if (room == 0) return;
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>({room, total_ - queued_, 64 * 1024}));
      bulk_pattern(queued_, n, chunk_);
      queued_ += conn_->send(chunk_);
    }
    if (!closing_) {
      closing_ = true;
      note("all " + std::to_string(total_) + " bytes handed to TCP; closing");
      conn_->close();
    }
  }
  void note(std::string text) {
    world_.sim.trace().publish(AppMessage{world_.net.node(node_).name(), "bulk", "", std::move(text),
                                          conn_ ? static_cast<std::int64_t>(conn_->id()) : -1});
  }

  World& world_;
  NodeId node_;
  Endpoint to_;
  std::uint64_t total_;
  std::uint64_t queued_ = 0;
  bool closing_ = false;
  Time started_;
  TcpConnection* conn_ = nullptr;
  std::string chunk_;
};

class BulkSink : public App {
 public:
  explicit BulkSink(AppContext& c)
      : world_(c.world), node_(c.node), port_(static_cast<std::uint16_t>(c.table.integer_or("port", 1, 65535, 5001))) {
    if (auto clash = world_.claim_port(node_, "TCP", port_); !clash.empty()) c.table.fail("port", clash);
  }
  void start() override {
    (void)world_.stack(node_).tcp.listen(port_, [this](TcpConnection& conn) { accept(conn); });
  }
  void stop() override { world_.stack(node_).tcp.stop_listening(port_); }

 private:
  void accept(TcpConnection& conn) {
    note("accepted " + conn.name(), conn);
    conn.on_peer_closed = [this, &conn] {
      const auto& s = conn.stats();
      note("received " + std::to_string(s.bytes_received) + " bytes from " + conn.remote().to_string() + " in " +
               format_duration(world_.sim.now() - s.opened) + " (" + rate_text(s.bytes_received, world_.sim.now() - s.opened) + ")",
           conn);
      conn.close();
    };
  }
  void note(std::string text, const TcpConnection& conn) {
    world_.sim.trace().publish(
        AppMessage{world_.net.node(node_).name(), "bulk", "", std::move(text), static_cast<std::int64_t>(conn.id())});
  }

  World& world_;
  NodeId node_;
  std::uint16_t port_;
};

}  // namespace

void register_bulk(Registry& registry) {
  registry.add_app("bulk-send", {"sends `bytes` over one TCP connection to `to`, then closes",
                                 [](AppContext& c) -> std::unique_ptr<App> { return std::make_unique<BulkSend>(c); }});
  registry.add_app("bulk-sink", {"accepts TCP connections on `port` and discards what arrives",
                                 [](AppContext& c) -> std::unique_ptr<App> { return std::make_unique<BulkSink>(c); }});
}

}  // namespace wiresim::tools
