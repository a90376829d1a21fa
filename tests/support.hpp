// Test helpers: build worlds from scenario text, and read their outcome.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/runner.hpp"

namespace wiresim::test {

// Two hosts "a" and "b" on one link: `link` adds keys to the [[link]] table, `rest` adds
// tables after it (apps, actions, expectations).
inline std::string hosts_a_b(std::string_view link = "", std::string_view rest = "") {
  return "[[host]]\nname = \"a\"\n[[host]]\nname = \"b\"\n[[link]]\nbetween = [\"a\", \"b\"]\n" + std::string(link) +
         std::string(rest);
}

inline std::unique_ptr<World> load(std::string_view toml, const LoadOptions& options = {}) {
  auto world = load_scenario_text(toml, "test.toml", options);
  if (!world) FAIL("scenario did not load: " << world.error());
  return std::move(*world);
}

inline std::string load_error(std::string_view toml) {
  auto world = load_scenario_text(toml, "test.toml");
  if (world) FAIL("scenario loaded, but an error was expected");
  return world.error();
}

// Runs to the end and returns the transcript.
inline std::string run_transcript(World& world, std::optional<Duration> until = std::nullopt) {
  std::ostringstream out;
  RunOptions options;
  options.transcript = &out;
  options.until = until;
  auto result = run_world(world, options);
  REQUIRE(result.ok());
  return out.str();
}

inline const TcpConnection& connection(const World& w, std::string_view node, std::size_t index = 0) {
  const auto id = w.net.find_node(node);
  REQUIRE(id.has_value());
  const auto& list = w.stack(*id).tcp.connections();
  REQUIRE(index < list.size());
  return *list[index];
}

// Compares `text` with tests/golden/<relative>; WIRESIM_UPDATE_GOLDEN=1 rewrites the file
// instead (then review the diff).
inline void compare_golden(const std::string& text, const std::string& relative) {
  const std::string path = std::string(WIRESIM_SOURCE_DIR) + "/tests/golden/" + relative;
  if (std::getenv("WIRESIM_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << text;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing golden file " << path);
  std::ostringstream expected;
  expected << in.rdbuf();
  CHECK(text == expected.str());
}

}  // namespace wiresim::test
