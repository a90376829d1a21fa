// FTP state kept once per world: the ftp-server apps by node (for expectations and clients),
// every transfer a server saw (for the report and the ftp-transfer expectation), the next
// active-mode port per client host, and the FTP events on the trace bus.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "protocols/ftp/events.hpp"
#include "sim/core/trace_bus.hpp"
#include "sim/scenario/world.hpp"

namespace wiresim::ftp {

class FtpServerApp;

// One transfer as the server saw it end.
struct TransferRecord {
  Time time{};
  std::string server, client;  // node names ("" when the client's address is no node's)
  std::string user, file;      // file: the absolute path on the server
  Direction direction = Direction::None;
  DataMode mode = DataMode::None;
  std::uint64_t bytes = 0;
  bool completed = false;
};

// "ftp.transfer" (started, completed, aborted), "ftp.login" (logged in, refused), "ftp.error".
struct FtpTrace {
  std::string node, event, text;
  std::vector<std::pair<std::string, std::string>> fields;
  void fill(TraceRecord& r) const;
};
struct TransferTrace : FtpTrace {
  static constexpr std::string_view kind = "ftp.transfer";
  void describe(TraceRecord& r) const { fill(r); }
};
struct LoginTrace : FtpTrace {
  static constexpr std::string_view kind = "ftp.login";
  void describe(TraceRecord& r) const { fill(r); }
};
struct ErrorTrace : FtpTrace {
  static constexpr std::string_view kind = "ftp.error";
  void describe(TraceRecord& r) const { fill(r); }
};

template <class Trace>
void publish_ftp(World& world, NodeId node, std::string event, std::string text,
                 std::vector<std::pair<std::string, std::string>> fields = {}) {
  Trace t;
  t.node = world.net.node(node).name();
  t.event = std::move(event);
  t.text = std::move(text);
  t.fields = std::move(fields);
  world.sim.trace().publish(t);
}

class FtpWorld : public WorldService {
 public:
  explicit FtpWorld(World&) {}
  void add_server(NodeId node, FtpServerApp* server) { servers_[node] = server; }
  const FtpServerApp* server(NodeId node) const;
  void record(TransferRecord r) { transfers_.push_back(std::move(r)); }
  const std::vector<TransferRecord>& transfers() const { return transfers_; }
  // The first of `count` active-mode ports for a new session on `host` (40000, then onwards),
  // so that no two sessions reuse a port whose last connection may still be in TIME-WAIT.
  std::uint16_t reserve_active_ports(NodeId host, std::size_t count);

 private:
  std::map<NodeId, FtpServerApp*> servers_;
  std::vector<TransferRecord> transfers_;
  std::map<NodeId, std::uint32_t> next_active_port_;
};

}  // namespace wiresim::ftp
