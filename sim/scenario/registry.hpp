// What protocols add to the scenario language: application types ([[app]] type = ...),
// expectation types ([[expect]] type = ...) and timeline actions ([[action]] do = ...).
// Each protocol folder fills it from its register_protocol(Registry&).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/scenario/app.hpp"
#include "sim/scenario/experiment.hpp"

namespace wiresim {

struct AppType {
  std::string summary;
  std::function<std::unique_ptr<App>(AppContext&)> make;
};

struct ExpectationType {
  std::string summary;
  std::function<std::unique_ptr<Expectation>(ExpectationContext&)> make;
};

// A top-level section that makes the scenario an experiment ([distribution]).
struct ExperimentType {
  std::string summary;
  std::function<std::unique_ptr<Experiment>(ExperimentContext&)> make;
};

struct ActionType {
  std::string summary;
  std::function<std::function<void()>(ActionContext&)> make;  // returns what to do at `at`
};

class Registry {
 public:
  void add_app(std::string name, AppType type) { apps_[std::move(name)] = std::move(type); }
  void add_expectation(std::string name, ExpectationType type) { expectations_[std::move(name)] = std::move(type); }
  void add_action(std::string name, ActionType type) { actions_[std::move(name)] = std::move(type); }
  void add_experiment(std::string section, ExperimentType type) { experiments_[std::move(section)] = std::move(type); }
  // Trace event kinds ("tcp.state"), so [[expect]] type = "event" can check a kind's spelling.
  void add_event_kind(std::string kind, std::string summary) { event_kinds_[std::move(kind)] = std::move(summary); }

  const std::map<std::string, AppType>& apps() const { return apps_; }
  const std::map<std::string, ExpectationType>& expectations() const { return expectations_; }
  const std::map<std::string, ActionType>& actions() const { return actions_; }
  const std::map<std::string, std::string>& event_kinds() const { return event_kinds_; }
  const std::map<std::string, ExperimentType>& experiments() const { return experiments_; }

 private:
  std::map<std::string, AppType> apps_;
  std::map<std::string, ExpectationType> expectations_;
  std::map<std::string, ActionType> actions_;
  std::map<std::string, std::string> event_kinds_;
  std::map<std::string, ExperimentType> experiments_;
};

// The built-in expectations and actions of the core (sim/scenario).
void register_core(Registry& registry);
// Every protocol's register_protocol(), in a generated file.
void register_all_protocols(Registry& registry);
// register_core + register_all_protocols, built once.
const Registry& default_registry();

}  // namespace wiresim
