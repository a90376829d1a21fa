// The socket side of `wiresim serve`: runs server apps' engines (RealService) over real TCP
// sockets on 127.0.0.1, so telnet, curl or Python's smtplib can talk to a simulated server.
// Time comes from steady_clock here, never inside sim/. Binds to loopback only, by design.
// A session's data connections (FTP) are carried out by DataSocket (data_socket.hpp).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "sim/scenario/real_service.hpp"

namespace wiresim::loopback {

struct Listening {
  std::string name;
  std::uint16_t port = 0;  // on 127.0.0.1
};

struct Callbacks {
  std::function<void(const std::vector<Listening>&)> listening;  // once every port is open
  // Each dialogue line: speaker "C" (from the real client) or "S" (from the engine).
  std::function<void(const std::string& service, const std::string& speaker, const std::string& line)> line;
};

// Listens on each service's port plus `port_offset` (0 with `any_port`: the system picks one),
// and runs a session per connection until `stop` becomes true (checked every 100 ms).
// Returns an error message, or "" after a clean stop.
std::string serve(const std::vector<RealService>& services, int port_offset, bool any_port,
                  const std::atomic<bool>& stop, const Callbacks& callbacks);

}  // namespace wiresim::loopback
