// A poll(2) loop over nonblocking sockets: accept, read into the engine, write what it says,
// fire its timers from steady_clock, close when it asks or the peer goes.
#include "apps/wiresim/loopback.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>

namespace wiresim::loopback {
namespace {

Time wall_now() {
  using clock = std::chrono::steady_clock;
  static const auto start = clock::now();
  return Time{std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start).count()};
}

struct Connection {
  int fd = -1;
  std::unique_ptr<Session> session;
  std::string unsent;
  bool closing = false;  // the engine asked to close: send what is left, then close
};

struct Listener {
  int fd = -1;
  const Service* service = nullptr;
};

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK); }

std::string open_listener(const Service& s, Listener& out, std::uint16_t& bound) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return s.name + ": socket: " + std::strerror(errno);
  const int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(s.port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // 127.0.0.1 only: nothing outside this machine
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || listen(fd, 16) < 0) {
    const std::string why = std::strerror(errno);
    close(fd);
    return s.name + ": cannot listen on 127.0.0.1:" + std::to_string(s.port) + ": " + why;
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  bound = ntohs(addr.sin_port);
  set_nonblocking(fd);
  out = {fd, &s};
  return "";
}

// Moves the engine's output to the socket buffer and writes what the socket takes.
void pump(Connection& c) {
  c.session->drain_events();
  c.unsent += c.session->take_outgoing();
  while (!c.unsent.empty()) {
    const ssize_t n = send(c.fd, c.unsent.data(), c.unsent.size(), MSG_NOSIGNAL);
    if (n <= 0) break;
    c.unsent.erase(0, static_cast<std::size_t>(n));
  }
  if (c.session->wants_close()) c.closing = true;
}

}  // namespace

std::string serve(std::vector<Service> services, const std::atomic<bool>& stop,
                  const std::function<void(const std::string& name, std::uint16_t port)>& on_listening) {
  std::vector<Listener> listeners(services.size());
  for (std::size_t i = 0; i < services.size(); ++i) {
    std::uint16_t port = 0;
    if (std::string error = open_listener(services[i], listeners[i], port); !error.empty()) {
      for (const Listener& l : listeners)
        if (l.fd >= 0) close(l.fd);
      return error;
    }
    if (on_listening) on_listening(services[i].name, port);
  }
  std::map<int, Connection> connections;
  while (!stop.load()) {
    std::vector<pollfd> fds;
    for (const Listener& l : listeners) fds.push_back({l.fd, POLLIN, 0});
    for (const auto& [fd, c] : connections)
      fds.push_back({fd, static_cast<short>(POLLIN | (c.unsent.empty() ? 0 : POLLOUT)), 0});
    int timeout_ms = 100;
    const Time now = wall_now();
    for (const auto& [fd, c] : connections)
      if (auto wake = c.session->wake_at())
        timeout_ms = std::min<int>(timeout_ms, static_cast<int>(std::max<std::int64_t>(0, (*wake - now).ns / 1'000'000)));
    if (poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) return std::string("poll: ") + std::strerror(errno);

    for (std::size_t i = 0; i < listeners.size(); ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      const int fd = accept(listeners[i].fd, nullptr, nullptr);
      if (fd < 0) continue;
      set_nonblocking(fd);
      Connection& c = connections[fd];
      c.fd = fd;
      c.session = listeners[i].service->make_session();
      c.session->on_connected(wall_now());
      pump(c);
    }
    for (std::size_t i = listeners.size(); i < fds.size(); ++i) {
      auto it = connections.find(fds[i].fd);
      if (it == connections.end()) continue;
      Connection& c = it->second;
      bool gone = false;
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[16384];
        const ssize_t n = recv(c.fd, buf, sizeof buf, 0);
        if (n > 0) c.session->on_bytes(std::string_view(buf, static_cast<std::size_t>(n)), wall_now());
        else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) gone = true;
      }
      if (gone) c.session->on_closed(wall_now());
      pump(c);
      if (gone || (c.closing && c.unsent.empty())) {
        close(c.fd);
        connections.erase(it);
      }
    }
    const Time later = wall_now();
    for (auto& [fd, c] : connections)
      if (auto wake = c.session->wake_at(); wake && *wake <= later) {
        c.session->on_timer(later);
        pump(c);
      }
  }
  for (auto& [fd, c] : connections) close(fd);
  for (const Listener& l : listeners) close(l.fd);
  return "";
}

}  // namespace wiresim::loopback
