// A poll(2) loop over nonblocking sockets: accept, read into the engine, write what it says,
// fire its timers from steady_clock, close when it asks or the peer goes. A session's data
// connection (FTP) is a DataSocket beside its control connection.
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

#include "apps/wiresim/data_socket.hpp"
#include "sim/scenario/stream_session.hpp"

namespace wiresim::loopback {
namespace {

Time wall_now() {
  using clock = std::chrono::steady_clock;
  static const auto start = clock::now();
  return Time{std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start).count()};
}

struct Connection {
  int fd = -1;
  const RealService* service = nullptr;
  std::unique_ptr<RealSession> session;
  std::string unsent;
  bool closing = false;  // the engine asked to close: send what is left, then close
  std::unique_ptr<DataSocket> data;
};

struct Listener {
  int fd = -1;
  const RealService* service = nullptr;
};

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK); }

std::string open_listener(const RealService& s, std::uint16_t port, Listener& out, std::uint16_t& bound) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return s.name + ": socket: " + std::strerror(errno);
  const int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // 127.0.0.1 only: nothing outside this machine
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || listen(fd, 16) < 0) {
    const std::string why = std::strerror(errno);
    close(fd);
    return s.name + ": cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + why;
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  bound = ntohs(addr.sin_port);
  set_nonblocking(fd);
  out = {fd, &s};
  return "";
}

void print_lines(const Callbacks& callbacks, const Connection& c, const char* speaker, std::string_view bytes) {
  if (!callbacks.line || bytes.empty()) return;
  for (const std::string& line : dialogue_lines(bytes, 12)) callbacks.line(c.service->name, speaker, line);
}

// Moves the engine's output to the socket buffer and writes what the socket takes.
void pump(Connection& c, const Callbacks& callbacks) {
  // Data requests before the control bytes: a passive listener must be open before the reply
  // naming its port (227/229) reaches the client. A request that fails at once is reported to
  // the session, which may ask for more.
  for (auto requests = c.session->take_data_requests(); !requests.empty(); requests = c.session->take_data_requests())
    for (const DataRequest& request : requests) c.data->execute(request, *c.session, wall_now());
  c.session->drain_events();
  const std::string out = c.session->take_outgoing();
  print_lines(callbacks, c, "S", out);
  c.unsent += out;
  while (!c.unsent.empty()) {
    const ssize_t n = send(c.fd, c.unsent.data(), c.unsent.size(), MSG_NOSIGNAL);
    if (n <= 0) break;
    c.unsent.erase(0, static_cast<std::size_t>(n));
  }
  if (c.session->wants_close()) c.closing = true;
}

}  // namespace

std::string serve(const std::vector<RealService>& services, int port_offset, bool any_port,
                  const std::atomic<bool>& stop, const Callbacks& callbacks) {
  std::vector<Listener> listeners(services.size());
  std::vector<Listening> listening;
  for (std::size_t i = 0; i < services.size(); ++i) {
    const int wanted = any_port ? 0 : services[i].port + port_offset;
    std::uint16_t bound = 0;
    std::string error;
    if (wanted > 65535)
      error = services[i].name + ": port " + std::to_string(wanted) + " is above 65535";
    else if (!any_port && wanted < 1)
      error = services[i].name + ": port " + std::to_string(wanted) + " is below 1 (a negative --port-offset?)";
    else
      error = open_listener(services[i], static_cast<std::uint16_t>(wanted), listeners[i], bound);
    if (!error.empty()) {
      for (const Listener& l : listeners)
        if (l.fd >= 0) close(l.fd);
      return error;
    }
    listening.push_back({services[i].name, bound});
  }
  if (callbacks.listening) callbacks.listening(listening);
  std::map<int, Connection> connections;
  while (!stop.load()) {
    std::vector<pollfd> fds;
    std::vector<int> owner;  // per entry after the listeners: the control connection's fd
    for (const Listener& l : listeners) fds.push_back({l.fd, POLLIN, 0});
    for (const auto& [fd, c] : connections) {
      fds.push_back({fd, static_cast<short>(POLLIN | (c.unsent.empty() ? 0 : POLLOUT)), 0});
      c.data->watch(fds);
      owner.resize(fds.size() - listeners.size(), fd);
    }
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
      // Urgent data stays in the stream: a client sending ABOR as TCP urgent data (Python's
      // ftplib, the Telnet Synch of RFC 959 4.1.3) would otherwise lose its last octet.
      const int yes = 1;
      setsockopt(fd, SOL_SOCKET, SO_OOBINLINE, &yes, sizeof yes);
      Connection& c = connections[fd];
      c.fd = fd;
      c.service = listeners[i].service;
      c.session = c.service->make_session();
      c.data = std::make_unique<DataSocket>([&callbacks, &c](const std::string& text) {
        if (callbacks.line) callbacks.line(c.service->name, "data", text);
      });
      c.session->on_connected(wall_now());
      pump(c, callbacks);
    }
    for (std::size_t i = listeners.size(); i < fds.size(); ++i) {
      auto it = connections.find(owner[i - listeners.size()]);
      if (it == connections.end()) continue;  // closed earlier in this round
      Connection& c = it->second;
      if (fds[i].fd != c.fd) {  // its data connection
        if (fds[i].revents == 0) continue;
        c.data->ready(fds[i], *c.session, wall_now());
        pump(c, callbacks);
        continue;
      }
      bool gone = false;
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[16384];
        const ssize_t n = recv(c.fd, buf, sizeof buf, 0);
        if (n > 0) {
          const std::string_view data(buf, static_cast<std::size_t>(n));
          print_lines(callbacks, c, "C", data);
          c.session->on_bytes(data, wall_now());
        }
        else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) gone = true;
      }
      if (gone) c.session->on_closed(wall_now());
      pump(c, callbacks);
      if (gone || (c.closing && c.unsent.empty())) {
        close(c.fd);
        connections.erase(it);
      }
    }
    const Time later = wall_now();
    for (auto& [fd, c] : connections)
      if (auto wake = c.session->wake_at(); wake && *wake <= later) {
        c.session->on_timer(later);
        pump(c, callbacks);
      }
    // A session may ask to close after a timer or a data-connection event, too.
    std::erase_if(connections, [](auto& entry) {
      const Connection& c = entry.second;
      if (!c.closing || !c.unsent.empty()) return false;
      close(c.fd);
      return true;
    });
  }
  for (auto& [fd, c] : connections) close(fd);
  for (const Listener& l : listeners) close(l.fd);
  return "";
}

}  // namespace wiresim::loopback
