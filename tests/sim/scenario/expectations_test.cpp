#include <doctest/doctest.h>

#include "tests/support.hpp"

using namespace wiresim;

static const std::string Transfer = R"(
[scenario]
duration = "10s"
[[host]]
name = "alice"
[[host]]
name = "bob"
[[link]]
between = ["alice", "bob"]
rate = "10Mbps"
delay = "5ms"
[[app]]
type = "bulk-sink"
host = "bob"
[[app]]
type = "bulk-send"
host = "alice"
to = "bob:5001"
bytes = "100KB"
)";

static std::vector<bool> verdicts(const std::string& expectations) {
  auto w = test::load(Transfer + expectations);
  auto result = run_world(*w, {});
  REQUIRE(result.ok());
  std::vector<bool> out;
  for (const auto& e : result->expectations) out.push_back(e.verdict.passed);
  return out;
}

TEST_CASE("expectations pass when the fact holds and fail when it does not") {
  CHECK(verdicts(R"(
[[expect]]
type = "delivered"
host = "bob"
port = 5001
bytes = "100KB"
[[expect]]
type = "delivered"
host = "bob"
port = 5001
bytes = "99KB"
[[expect]]
type = "connection"
from = "alice"
to = "bob:5001"
before = "100ms"
[[expect]]
type = "connection"
from = "alice"
before = "1ms"
[[expect]]
type = "retransmissions"
host = "alice"
at_most = 0
[[expect]]
type = "drops"
link = "alice-bob"
[[expect]]
type = "event"
kind = "tcp.state"
node = "bob"
contains = "TIME-WAIT"
[[expect]]
type = "event"
kind = "tcp.state"
node = "alice"
contains = "TIME-WAIT"
)") == std::vector<bool>{true, false, true, false, true, false, false, true});
}

TEST_CASE("an expectation's description says what it checks") {
  auto w = test::load(Transfer + "[[expect]]\ntype = \"drops\"\nlink = \"alice-bob\"\nreason = \"loss\"\nat_most = 3\n");
  CHECK(w->expectations.at(0).expectation->describe() == "link alice-bob drops at most 3 packets (loss)");
  CHECK(w->expectations.at(0).where == "test.toml:20");
}
