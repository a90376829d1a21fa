#include <doctest/doctest.h>

#include "protocols/tools/tools.hpp"
#include "tests/support.hpp"

using namespace wiresim;

TEST_CASE("the bulk pattern is numbered 64-byte lines and any slice matches the whole") {
  std::string whole, part;
  tools::bulk_pattern(0, 64 * 3, whole);
  CHECK(whole.substr(0, 64) == "000000000000 wiresim bulk data: one numbered 64-byte line each.\n");
  CHECK(whole.substr(64, 12) == "000000000001");
  tools::bulk_pattern(70, 100, part);
  CHECK(part == whole.substr(70, 100));
}

TEST_CASE("the TCP echo client prints the dialogue and every line comes back") {
  auto w = test::load(test::hosts_a_b("delay = \"5ms\"\n", R"(
[[app]]
type = "echo-server"
host = "b"
[[app]]
type = "echo-client"
host = "a"
to = "b"
count = 2
message = "ping"
)"));
  const std::string t = test::run_transcript(*w);
  CHECK(t.find("a echo: C: ping 1") != std::string::npos);
  CHECK(t.find("a echo: S: ping 2 (round trip") != std::string::npos);
  CHECK(t.find("a echo: 2 of 2 echoes came back") != std::string::npos);
}

TEST_CASE("the UDP echo client counts the replies that never came") {
  auto w = test::load(test::hosts_a_b("", R"(
[[app]]
type = "echo-server"
host = "b"
protocol = "udp"
[[app]]
type = "echo-client"
host = "a"
to = "b:7"
protocol = "udp"
count = 4
interval = "100ms"
[[action]]
at = "150ms"
do = "link-down"
link = "a-b"
[[action]]
at = "250ms"
do = "link-up"
link = "a-b"
)"));
  const std::string t = test::run_transcript(*w);
  CHECK(t.find("3 of 4 echoes came back, 1 missing") != std::string::npos);
}
