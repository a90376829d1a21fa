// One session's data connection for `wiresim serve` (FTP's, RFC 959 3.2): carries out the
// session's DataRequests with nonblocking sockets on 127.0.0.1 and reports back what happened.
// Leaves out IPv6 and any peer that is not on this machine.
#pragma once

#include <poll.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/scenario/real_service.hpp"

namespace wiresim::loopback {

class DataSocket {
 public:
  using Note = std::function<void(const std::string&)>;
  explicit DataSocket(Note note = nullptr) : note_(std::move(note)) {}
  DataSocket(const DataSocket&) = delete;
  DataSocket& operator=(const DataSocket&) = delete;
  ~DataSocket() { drop(false); }

  // Carries out one request. What fails at once (a port in use, a peer off this machine) is
  // reported to `session` as on_data_closed(false), as a refused connection would be.
  void execute(const DataRequest& request, RealSession& session, Time now);
  // Appends the sockets to wait on, with what to wait for.
  void watch(std::vector<pollfd>& fds) const;
  bool owns(int fd) const { return fd >= 0 && (fd == listener_ || fd == socket_); }
  // After poll said `fd` is ready: accepts, finishes a connect, reads, writes, closes.
  void ready(const pollfd& fd, RealSession& session, Time now);

 private:
  void opened(RealSession& session, Time now, const std::string& how);
  void write_pending();
  void ended(bool clean, RealSession& session, Time now);
  void drop(bool reset);  // close both sockets; `reset`: with RST, unsent bytes lost

  Note note_;
  int listener_ = -1;
  std::uint16_t listening_port_ = 0;
  int socket_ = -1;
  bool connecting_ = false, close_requested_ = false, write_shut_ = false;
  std::string unsent_;
  std::uint64_t carried_ = 0;  // octets written and read on the current connection
};

}  // namespace wiresim::loopback
