// Golden transcripts: each bundled scenario listed here is run and its transcript compared with
// tests/golden/<name>.txt. To regenerate on purpose: WIRESIM_UPDATE_GOLDEN=1 ./wiresim_tests,
// then review the diff.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/support.hpp"

using namespace wiresim;

static void check_golden(const std::string& scenario, const std::string& golden) {
  const std::string root = WIRESIM_SOURCE_DIR;
  auto w = load_scenario_file(root + "/scenarios/" + scenario);
  REQUIRE_MESSAGE(w.ok(), w.error());
  const std::string transcript = test::run_transcript(**w);
  const std::string path = root + "/tests/golden/" + golden;
  if (std::getenv("WIRESIM_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << transcript;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing golden file " << path);
  std::ostringstream expected;
  expected << in.rdbuf();
  CHECK(transcript == expected.str());
}

TEST_CASE("golden transcript: echo across three routers with a link failure") {
  check_golden("basics/echo-three-routers.toml", "echo-three-routers.txt");
}

TEST_CASE("golden transcript: TCP bulk transfer over a lossy bottleneck") {
  check_golden("basics/tcp-bulk-lossy.toml", "tcp-bulk-lossy.txt");
}
