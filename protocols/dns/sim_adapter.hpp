// Binds the DNS engines to a node's simulated UDP and TCP: datagrams in and out, TCP with the
// two-octet length prefix of RFC 1035 4.2.2, the engine's wake-up time as a kernel event, and
// its events on the trace bus. No DNS logic lives here.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>

#include "protocols/dns/datagram.hpp"
#include "protocols/dns/events.hpp"
#include "sim/scenario/world.hpp"

namespace wiresim::dns {

// One node's DNS traffic: the ports an engine sends from, the server port 53 (UDP and TCP)
// when it serves, and TCP connections for truncated answers.
class DnsSocket {
 public:
  using Receive = std::function<void(std::span<const std::uint8_t>, Peer from, std::uint16_t local_port, Transport)>;
  DnsSocket(World& world, NodeId node, Receive receive);
  ~DnsSocket();
  DnsSocket(const DnsSocket&) = delete;
  DnsSocket& operator=(const DnsSocket&) = delete;

  void serve();  // UDP and TCP port 53; the app claimed them at load time
  void stop_serving();
  void send(const Datagram& datagram);
  void release(std::uint16_t port);  // a query is over: stop listening on its source port

 private:
  struct Stream;  // a TCP connection carrying length-prefixed messages
  void bind(std::uint16_t port);
  void announce(const Datagram& datagram);
  void send_tcp(const Datagram& datagram);

  World& world_;
  NodeId node_;
  Receive receive_;
  std::set<std::uint16_t> bound_;
  bool serving_ = false;
  std::map<std::pair<std::uint32_t, std::uint16_t>, Stream*> accepted_;  // by client address and port
  std::vector<std::unique_ptr<Stream>> streams_;
};

// Publishes engine events on the trace bus as dns.cache / dns.lookup / dns.error / dns.note.
void publish_events(World& world, NodeId node, std::vector<Event> events);

// Runs an engine (Resolver or Stub) on a node: feeds it what the socket receives and its timer,
// and after every step sends what it produced and publishes what happened.
template <class Engine>
class EngineHost {
 public:
  EngineHost(World& world, NodeId node, Engine engine)
      : world_(world), node_(node), engine_(std::move(engine)),
        socket_(world, node, [this](std::span<const std::uint8_t> bytes, Peer from, std::uint16_t port, Transport t) {
          engine_.on_datagram(bytes, from, port, t, world_.sim.now());
          flush();
        }) {}
  EngineHost(const EngineHost&) = delete;
  EngineHost& operator=(const EngineHost&) = delete;
  ~EngineHost() {
    if (timer_) world_.sim.cancel(*timer_);
  }

  Engine& engine() { return engine_; }
  const Engine& engine() const { return engine_; }
  DnsSocket& socket() { return socket_; }
  NodeId node() const { return node_; }

  // After calling into the engine from outside (a lookup, a resolve), push its output out.
  void flush() {
    // What the engine learnt comes before what it sends because of it.
    publish_events(world_, node_, engine_.take_events());
    for (Datagram& d : engine_.take_outgoing()) socket_.send(d);
    for (std::uint16_t port : engine_.take_released_ports()) socket_.release(port);
    if (on_flush) on_flush();
    const std::optional<Time> wake = engine_.wake_at();
    if (wake == timer_at_) return;
    if (timer_) world_.sim.cancel(*timer_);
    timer_.reset();
    timer_at_ = wake;
    if (!wake) return;
    timer_ = world_.sim.schedule_at(std::max(*wake, world_.sim.now()), [this] {
      timer_.reset();
      timer_at_.reset();
      engine_.on_timer(world_.sim.now());
      flush();
    });
  }

  std::function<void()> on_flush;  // collects the engine's completions

 private:
  World& world_;
  NodeId node_;
  Engine engine_;
  DnsSocket socket_;
  std::optional<EventId> timer_;
  std::optional<Time> timer_at_;
};

}  // namespace wiresim::dns
