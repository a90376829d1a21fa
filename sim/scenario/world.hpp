// A loaded scenario, ready to run: the simulator, the network with a transport stack on every
// node, the applications, the timeline and the expectations.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <typeindex>
#include <vector>

#include "sim/core/simulator.hpp"
#include "sim/net/network.hpp"
#include "sim/scenario/app.hpp"
#include "sim/scenario/experiment.hpp"
#include "sim/trace/pcap_writer.hpp"
#include "sim/transport/stack.hpp"

namespace wiresim {

struct ScenarioInfo {
  std::string file;
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  std::optional<Duration> duration;  // none: until nothing is left to do
};

// How the desktop view draws a node, from the scenario's `position` and `icon`.
struct NodeLook {
  std::optional<std::array<int, 2>> position;  // fixed place on the canvas; else laid out
  std::string icon;                            // "laptop", "server", ...; "" = from its apps
};

struct PlacedExpectation {
  std::unique_ptr<Expectation> expectation;
  std::string where;  // "file:line", to point a grader at it
};

// State a protocol keeps once per world (a node's DNS stub, a mail store), found by its type.
struct WorldService {
  virtual ~WorldService() = default;
  // Adds the protocol's section to the run's JSON report under `out[name]`; nothing by default.
  virtual void report(nlohmann::ordered_json& out) const { (void)out; }
  // The protocol's world-wide state right now, for the desktop view (stub caches, say);
  // nothing by default. See App::inspect.
  virtual void inspect(nlohmann::ordered_json& out) const { (void)out; }
};

class World {
 public:
  explicit World(std::uint64_t seed) : sim(seed), net(sim) {}
  ~World();  // apps and services first: they hold sockets on the stacks
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Creates every node's transport stack once the topology is complete.
  void build_stacks(const TcpConfig& config);
  TransportStack& stack(NodeId id) { return *stacks_[id]; }
  const TransportStack& stack(NodeId id) const { return *stacks_[id]; }
  // Servers open their ports when they start; claiming at load time finds clashes early.
  // `protocol` is "TCP" or "UDP". Returns "" when the port was free, else the message
  // "TCP port 80 on bob is already used by another app".
  std::string claim_port(NodeId node, const std::string& protocol, std::uint16_t port);

  // The protocol's one instance of T in this world, made on first use. T derives from
  // WorldService and is constructible from World&.
  template <class T>
  T& service() {
    auto& slot = services_[std::type_index(typeid(T))];
    if (!slot) {
      slot = std::make_unique<T>(*this);
      service_order_.push_back(slot.get());
    }
    return static_cast<T&>(*slot);
  }
  template <class T>
  const T* find_service() const {
    auto it = services_.find(std::type_index(typeid(T)));
    return it == services_.end() ? nullptr : static_cast<const T*>(it->second.get());
  }

  // Every service, in the order they were first used (for the report).
  template <class F>
  void for_each_service(F f) const {
    for (const WorldService* s : service_order_) f(*s);
  }

  Simulator sim;
  Network net;
  ScenarioInfo info;
  std::vector<std::unique_ptr<App>> apps;
  std::vector<NodeId> app_hosts;  // app_hosts[i] is the node apps[i] runs on
  std::vector<std::string> app_types;  // app_types[i] is its type, "mail-server"
  std::vector<PlacedExpectation> expectations;
  std::vector<CapturePoint> capture_points;
  std::map<NodeId, NodeLook> looks;  // read only by the desktop view
  // Set when the scenario is an experiment ([distribution]): run it instead of the world.
  std::unique_ptr<Experiment> experiment;

 private:
  std::vector<std::unique_ptr<TransportStack>> stacks_;
  std::set<std::tuple<NodeId, std::string, std::uint16_t>> claimed_ports_;
  std::map<std::type_index, std::unique_ptr<WorldService>> services_;
  std::vector<const WorldService*> service_order_;
};

}  // namespace wiresim
