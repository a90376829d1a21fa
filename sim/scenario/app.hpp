// Applications and expectations as the scenario layer sees them: an App runs on a node from
// its start time; an Expectation is a fact checked when the run ends.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "sim/core/time.hpp"
#include "sim/net/node.hpp"
#include "sim/scenario/real_service.hpp"

namespace wiresim {

class World;
class TableReader;
class Registry;

class App {
 public:
  virtual ~App() = default;
  virtual void start() = 0;  // at the app's `start` time
  virtual void stop() {}     // at its `stop` time, when the scenario gives one
  // What the app adds to the run's JSON report (lookups made, cache contents, attempts...);
  // leaving `out` untouched adds nothing. Keys in a fixed order, values from simulation state.
  virtual void report(nlohmann::ordered_json& out) const { (void)out; }
  // The app's state right now, for the desktop view's state panel: what a student would want to
  // see change (mailboxes with their messages and flags, cache entries with the TTL left,
  // sessions and their connections, piece maps). Its report unless the app says more.
  virtual void inspect(nlohmann::ordered_json& out) const { report(out); }
  // The engines a server app can also run for real clients (`wiresim serve`); none by default.
  virtual std::vector<RealService> real_services() { return {}; }
};

struct Verdict {
  bool passed = false;
  std::string detail;  // what was observed: "got 2000000 bytes"
};

class Expectation {
 public:
  virtual ~Expectation() = default;
  virtual std::string describe() const = 0;  // "bob receives 2MB on TCP port 5001"
  virtual Verdict check(const World& world) const = 0;
};

struct AppContext {
  World& world;
  NodeId node;
  TableReader& table;
};

struct ExpectationContext {
  World& world;
  TableReader& table;
  const Registry& registry;
};

struct ActionContext {
  World& world;
  TableReader& table;
};

}  // namespace wiresim
