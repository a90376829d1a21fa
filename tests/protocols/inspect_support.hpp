// Shared by the inspect tests of every protocol: a bundled scenario loaded and run to an
// instant, and what the desktop view's state panels read from it (App::inspect and
// WorldService::inspect).
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/scenario/loader.hpp"

#ifndef WIRESIM_SOURCE_DIR
#define WIRESIM_SOURCE_DIR "/work/main"
#endif

namespace wiresim::inspect_test {

using Json = nlohmann::ordered_json;

// "email/alice-to-bob": scenarios/email/alice-to-bob.toml.
inline std::unique_ptr<World> load_bundled(const std::string& name) {
  auto w = load_scenario_file(std::string(WIRESIM_SOURCE_DIR) + "/scenarios/" + name + ".toml");
  REQUIRE_MESSAGE(w.ok(), w.error());
  return std::move(*w);
}

inline void run_to(World& w, std::int64_t ms) { w.sim.run_until(Time{} + milliseconds(ms)); }

// The inspect() of the app of type `type` ("mail-server") on node `host`; "" = any type.
inline Json inspect_app(const World& w, const std::string& host, const std::string& type = "") {
  for (std::size_t i = 0; i < w.apps.size(); ++i) {
    if (w.net.node(w.app_hosts[i]).name() != host || (!type.empty() && w.app_types[i] != type)) continue;
    Json j = Json::object();
    w.apps[i]->inspect(j);
    return j;
  }
  FAIL("no " << (type.empty() ? "app" : type) << " on " << host);
  return {};
}

// Every world service's inspect(), merged into one object.
inline Json inspect_services(const World& w) {
  Json j = Json::object();
  w.for_each_service([&](const WorldService& s) { s.inspect(j); });
  return j;
}

}  // namespace wiresim::inspect_test
