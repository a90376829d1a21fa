// Listen (accept one, then stop listening), Connect (nonblocking), Send with partial writes,
// Close (shutdown(SHUT_WR) once everything was written, then wait for the peer's FIN) and
// Abort (close with RST), the same meanings as protocols/ftp/sim_adapter.cpp on simulated TCP.
#include "apps/wiresim/data_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wiresim::loopback {
namespace {

constexpr std::uint32_t LoopbackNet = 0x7F000000;  // 127.0.0.0/8

sockaddr_in address_of(std::uint32_t address, std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(address);
  return a;
}

std::string why() { return std::strerror(errno); }

}  // namespace

void DataSocket::execute(const DataRequest& request, RealSession& session, Time now) {
  switch (request.kind) {
    case DataRequest::Kind::Listen: {
      drop(true);
      // Always 127.0.0.1, whatever the engine names: `serve` answers this machine only. The
      // engine named the port in its 227/229 reply already, so a busy port cannot be swapped
      // for another: the transfer fails (425) and the next PASV takes the next port.
      const int fd = socket(AF_INET, SOCK_STREAM, 0);
      const int yes = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
      const sockaddr_in a = address_of(INADDR_LOOPBACK, request.port);
      if (fd < 0 || bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) < 0 || listen(fd, 1) < 0) {
        if (note_) note_("cannot listen on 127.0.0.1:" + std::to_string(request.port) + ": " + why());
        if (fd >= 0) close(fd);
        session.on_data_closed(false, now);
        return;
      }
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
      listener_ = fd;
      listening_port_ = request.port;
      return;
    }
    case DataRequest::Kind::Connect: {
      drop(true);
      const std::string peer = "127.0.0.1:" + std::to_string(request.port);
      if ((request.address & 0xFF000000) != LoopbackNet) {
        // PORT/EPRT naming another machine: `serve` never opens connections off this one.
        if (note_) note_("refusing to connect to a peer off this machine (PORT/EPRT named an address outside 127/8)");
        session.on_data_closed(false, now);
        return;
      }
      // An active server connects from port 20 (RFC 959 3.2), which only root may bind: the
      // kernel picks the local port here instead; clients do not check it.
      socket_ = socket(AF_INET, SOCK_STREAM, 0);
      if (socket_ >= 0) fcntl(socket_, F_SETFL, fcntl(socket_, F_GETFL, 0) | O_NONBLOCK);
      const sockaddr_in a = address_of(request.address, request.port);
      if (socket_ >= 0 && connect(socket_, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0) {
        opened(session, now, "connected to " + peer + " (active)");
      } else if (socket_ >= 0 && errno == EINPROGRESS) {
        connecting_ = true;
      } else {
        if (note_) note_("cannot connect to " + peer + ": " + why());
        drop(false);
        session.on_data_closed(false, now);
      }
      return;
    }
    case DataRequest::Kind::Send:
      unsent_ += request.bytes;
      write_pending();
      return;
    case DataRequest::Kind::Close:
      close_requested_ = true;
      write_pending();
      return;
    case DataRequest::Kind::Abort:
      if (socket_ >= 0 && note_) note_("data connection reset after " + std::to_string(carried_) + " bytes");
      drop(true);
      return;
  }
}

void DataSocket::watch(std::vector<pollfd>& fds) const {
  if (listener_ >= 0) fds.push_back({listener_, POLLIN, 0});
  if (socket_ >= 0) {
    const bool writing = connecting_ || !unsent_.empty();
    fds.push_back({socket_, static_cast<short>((connecting_ ? 0 : POLLIN) | (writing ? POLLOUT : 0)), 0});
  }
}

void DataSocket::ready(const pollfd& fd, RealSession& session, Time now) {
  if (fd.revents == 0 || !owns(fd.fd)) return;
  if (fd.fd == listener_) {
    const int accepted = accept(listener_, nullptr, nullptr);
    if (accepted < 0) return;  // the client gave up already
    close(listener_);  // accept one, then stop listening
    listener_ = -1;
    if (socket_ >= 0) {  // one data connection at a time
      close(accepted);
      return;
    }
    fcntl(accepted, F_SETFL, fcntl(accepted, F_GETFL, 0) | O_NONBLOCK);
    socket_ = accepted;
    opened(session, now, "accepted on 127.0.0.1:" + std::to_string(listening_port_) + " (passive)");
    return;
  }
  if (connecting_) {
    sockaddr_in peer{};
    socklen_t length = sizeof peer;
    if (getpeername(socket_, reinterpret_cast<sockaddr*>(&peer), &length) == 0) {
      connecting_ = false;
      opened(session, now, "connected to 127.0.0.1:" + std::to_string(ntohs(peer.sin_port)) + " (active)");
    } else if (fd.revents & (POLLERR | POLLHUP)) {
      if (note_) note_("cannot open the active data connection: connection refused");
      drop(false);
      session.on_data_closed(false, now);
    }
    return;
  }
  if (fd.revents & POLLOUT) write_pending();
  if (!(fd.revents & (POLLIN | POLLHUP | POLLERR))) return;
  char buffer[16384];
  const ssize_t n = recv(socket_, buffer, sizeof buffer, 0);
  if (n > 0) {
    carried_ += static_cast<std::uint64_t>(n);
    session.on_data_bytes(std::string_view(buffer, static_cast<std::size_t>(n)), now);
  } else if (n == 0) {
    ended(true, session, now);  // the peer's FIN: in stream mode the end of the file (RFC 959 3.4.1)
  } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    ended(false, session, now);
  }
}

void DataSocket::opened(RealSession& session, Time now, const std::string& how) {
  connecting_ = close_requested_ = write_shut_ = false;
  carried_ = 0;
  if (note_) note_("data connection " + how);
  session.on_data_connected(now);
  write_pending();
}

void DataSocket::write_pending() {
  if (socket_ < 0 || connecting_) return;
  while (!unsent_.empty()) {
    const ssize_t n = send(socket_, unsent_.data(), unsent_.size(), MSG_NOSIGNAL);
    if (n <= 0) return;  // the socket buffer is full (or broken: the read side will tell)
    carried_ += static_cast<std::uint64_t>(n);
    unsent_.erase(0, static_cast<std::size_t>(n));
  }
  if (close_requested_ && !write_shut_) {
    // Our FIN now; the socket closes when the peer's FIN arrives, so nothing unread triggers a RST.
    shutdown(socket_, SHUT_WR);
    write_shut_ = true;
  }
}

void DataSocket::ended(bool clean, RealSession& session, Time now) {
  if (note_) note_(std::string("data connection ") + (clean ? "closed after " : "broken after ") + std::to_string(carried_) + " bytes");
  drop(false);
  session.on_data_closed(clean, now);
}

void DataSocket::drop(bool reset) {
  if (listener_ >= 0) close(listener_);
  if (socket_ >= 0) {
    if (reset) {
      const linger now{1, 0};  // SO_LINGER with a zero timeout: close() sends RST
      setsockopt(socket_, SOL_SOCKET, SO_LINGER, &now, sizeof now);
    }
    close(socket_);
  }
  listener_ = socket_ = -1;
  connecting_ = close_requested_ = write_shut_ = false;
  unsent_.clear();
}

}  // namespace wiresim::loopback
