// The DNS socket over simulated UDP and TCP, and the trace-bus side of engine events.
#include "protocols/dns/sim_adapter.hpp"

#include "protocols/dns/dns_world.hpp"
#include "protocols/dns/message.hpp"
#include "protocols/dns/trace_events.hpp"
#include "sim/trace/app_events.hpp"

namespace wiresim::dns {

// RFC 1035 4.2.2: over TCP each message is preceded by its length in two octets.
struct DnsSocket::Stream {
  TcpConnection* connection = nullptr;
  std::string buffer;
  std::uint16_t engine_port = 0;  // the engine's port for a client stream, 53 for a server's
  Peer peer;

  // Cuts every complete message out of the buffer.
  template <class Deliver>
  void take(std::string_view data, Deliver deliver) {
    buffer.append(data);
    while (buffer.size() >= 2) {
      const std::size_t length = static_cast<std::uint8_t>(buffer[0]) << 8 | static_cast<std::uint8_t>(buffer[1]);
      if (buffer.size() < 2 + length) return;
      const std::string message = buffer.substr(2, length);
      buffer.erase(0, 2 + length);
      deliver(std::span(reinterpret_cast<const std::uint8_t*>(message.data()), message.size()));
    }
  }
};

namespace {

std::string framed(const std::vector<std::uint8_t>& bytes) {
  std::string out;
  out += static_cast<char>(bytes.size() >> 8);
  out += static_cast<char>(bytes.size() & 0xFF);
  out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return out;
}

Peer peer_of(Endpoint e) { return {e.address.value, e.port}; }
Endpoint endpoint_of(Peer p) { return {Ipv4Address{p.address}, p.port}; }

}  // namespace

DnsSocket::DnsSocket(World& world, NodeId node, Receive receive)
    : world_(world), node_(node), receive_(std::move(receive)) {}

DnsSocket::~DnsSocket() {
  stop_serving();
  for (std::uint16_t port : bound_) world_.stack(node_).udp.unbind(port);
  for (auto& stream : streams_)
    if (stream->connection) {
      stream->connection->on_data = nullptr;
      stream->connection->on_closed = nullptr;
      stream->connection->on_connected = nullptr;
      stream->connection->on_peer_closed = nullptr;
    }
}

void DnsSocket::bind(std::uint16_t port) {
  if (bound_.count(port)) return;
  auto bound = world_.stack(node_).udp.bind(port, [this, port](Endpoint from, Endpoint, std::string_view payload) {
    receive_({reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()}, peer_of(from), port,
             Transport::Udp);
  });
  // A port another app holds: the reply will not reach us and the engine's timeout handles it.
  if (bound) bound_.insert(port);
}

void DnsSocket::release(std::uint16_t port) {
  if (port == Port || !bound_.erase(port)) return;
  world_.stack(node_).udp.unbind(port);
}

void DnsSocket::serve() {
  if (serving_) return;
  serving_ = true;
  bind(Port);
  (void)world_.stack(node_).tcp.listen(Port, [this](TcpConnection& connection) {
    auto stream = std::make_unique<Stream>();
    Stream* s = stream.get();
    s->connection = &connection;
    s->engine_port = Port;
    s->peer = peer_of(connection.remote());
    accepted_[{s->peer.address, s->peer.port}] = s;
    streams_.push_back(std::move(stream));
    connection.on_data = [this, s](std::string_view data) {
      s->take(data, [&](std::span<const std::uint8_t> m) { receive_(m, s->peer, Port, Transport::Tcp); });
    };
    connection.on_peer_closed = [s] { s->connection->close(); };
    connection.on_closed = [this, s](TcpCloseReason) {
      accepted_.erase({s->peer.address, s->peer.port});
      s->connection = nullptr;
    };
  });
}

void DnsSocket::stop_serving() {
  if (!serving_) return;
  serving_ = false;
  world_.stack(node_).tcp.stop_listening(Port);
  world_.stack(node_).udp.unbind(Port);
  bound_.erase(Port);
}

void DnsSocket::announce(const Datagram& d) {
  Simulator& sim = world_.sim;
  if (!sim.trace().wanted<AppMessage>()) return;
  const DecodeResult decoded = decode(d.bytes);
  if (!decoded.message) return;
  std::string text = summarize(*decoded.message);
  text += " → " + address_string(d.to.address);
  if (d.transport == Transport::Tcp) text += " (TCP)";
  sim.trace().publish(AppMessage{world_.net.node(node_).name(), "dns", decoded.message->header.qr ? "S" : "C", text});
}

void DnsSocket::send(const Datagram& d) {
  announce(d);
  const bool query = d.bytes.size() > 2 && !(d.bytes[2] & 0x80);  // QR clear
  if (query) world_.service<DnsWorld>().count_query(node_, d.to.address);
  if (d.transport == Transport::Tcp) return send_tcp(d);
  bind(d.local_port);
  world_.stack(node_).udp.send_to(d.local_port, endpoint_of(d.to), {reinterpret_cast<const char*>(d.bytes.data()), d.bytes.size()});
}

void DnsSocket::send_tcp(const Datagram& d) {
  // A reply goes back on the connection its query came in on.
  if (d.local_port == Port)
    if (auto it = accepted_.find({d.to.address, d.to.port}); it != accepted_.end() && it->second->connection) {
      it->second->connection->send(framed(d.bytes));
      return;
    }
  // A query over TCP: one connection per query, closed once the answer is in.
  auto stream = std::make_unique<Stream>();
  Stream* s = stream.get();
  s->engine_port = d.local_port;
  s->peer = d.to;
  s->connection = &world_.stack(node_).tcp.connect(endpoint_of(d.to));
  streams_.push_back(std::move(stream));
  s->connection->on_connected = [s, message = framed(d.bytes)] { s->connection->send(message); };
  s->connection->on_data = [this, s](std::string_view data) {
    s->take(data, [&](std::span<const std::uint8_t> m) {
      receive_(m, s->peer, s->engine_port, Transport::Tcp);
      if (s->connection) s->connection->close();
    });
  };
  s->connection->on_peer_closed = [s] {
    if (s->connection) s->connection->close();
  };
  s->connection->on_closed = [s](TcpCloseReason) { s->connection = nullptr; };
}

void publish_events(World& world, NodeId node, std::vector<Event> events) {
  TraceBus& bus = world.sim.trace();
  const std::string& name = world.net.node(node).name();
  for (Event& e : events) {
    switch (e.kind) {
      case EventKind::CacheAdded:
      case EventKind::CacheHit:
      case EventKind::CacheExpired:
      case EventKind::CacheReplaced:
        bus.publish(CacheTrace{name, std::move(e)});
        break;
      case EventKind::Resolved:
        bus.publish(LookupTrace{name, std::move(e)});
        break;
      case EventKind::ProtocolError:
        bus.publish(ErrorTrace{name, std::move(e)});
        break;
      default:
        bus.publish(NoteTrace{name, std::move(e)});
    }
  }
}

}  // namespace wiresim::dns
