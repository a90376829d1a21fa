// Golden outputs of the DNS tools: every nslookup, dig, ipconfig and cache dump a bundled DNS
// scenario runs is compared with tests/golden/dns/<scenario>.tools.txt, and one scenario's whole
// transcript with tests/golden/dns/<scenario>.txt. Regenerate on purpose with
// WIRESIM_UPDATE_GOLDEN=1 ./wiresim_tests, then review the diff.
#include <doctest/doctest.h>

#include "protocols/dns/dns_world.hpp"
#include "sim/scenario/runner.hpp"
#include "tests/support.hpp"

using namespace wiresim;

namespace {

void compare(const std::string& text, const std::string& golden) { test::compare_golden(text, "dns/" + golden); }

std::unique_ptr<World> load_dns(const std::string& scenario) {
  auto w = load_scenario_file(std::string(WIRESIM_SOURCE_DIR) + "/scenarios/dns/" + scenario + ".toml");
  REQUIRE_MESSAGE(w.ok(), w.error());
  return std::move(*w);
}

void check_tools(const std::string& scenario) {
  auto world = load_dns(scenario);
  run_world(*world, {});
  const auto* dns = world->find_service<dns::DnsWorld>();
  REQUIRE(dns != nullptr);
  std::string text;
  for (const dns::ToolOutput& out : dns->tool_outputs()) {
    text += '[';  // piece by piece: GCC 12 warns falsely (-Wrestrict) about "[" + a temporary
    text += format_time(out.time);
    text += "] ";
    text += out.host;
    text += ' ';
    text += out.tool;
    text += '\n';
    text += out.text;
    text += '\n';
  }
  compare(text, scenario + ".tools.txt");
}

}  // namespace

TEST_CASE("golden: nslookup, ipconfig /displaydns and dig as on the lecture slide") { check_tools("nslookup-lecture"); }
TEST_CASE("golden: nslookup and dig for MX records") { check_tools("mx-lookup"); }
TEST_CASE("golden: dig and nslookup follow a CNAME chain") { check_tools("cname-chain"); }
TEST_CASE("golden: dig and nslookup for a name that does not exist") { check_tools("nxdomain-negative-cache"); }
TEST_CASE("golden: dig retries over TCP after a truncated answer") { check_tools("tcp-fallback"); }
TEST_CASE("golden: nslookup before and after the resolver setting is hijacked") { check_tools("hijacked-resolver"); }
TEST_CASE("golden: the poisoned resolver's cache dump") { check_tools("cache-poisoning"); }

TEST_CASE("golden transcript: cold, warm and expired caches") {
  auto world = load_dns("cache-cold-warm");
  compare(test::run_transcript(*world), "cache-cold-warm.txt");
}

TEST_CASE("an nslookup action takes 'name' or 'names', and every name in 'names' is checked") {
  const std::string head = std::string(R"([[host]]
name = "pc"
address = "10.0.0.2"
[[host]]
name = "dns"
address = "10.0.0.53"
[[link]]
between = ["pc", "dns"]
[[action]]
at = "1s"
do = "nslookup"
host = "pc"
)");
  auto w = load_scenario_text(head + "name = \"a.example\"\nnames = [\"b.example\"]\n", "x.toml");
  REQUIRE(!w);
  CHECK(w.error() == "x.toml:14:9: give 'name' (one query on the command line) or 'names' (an interactive session), not both");
  w = load_scenario_text(head + "names = [\"a.example\", \"bad..name\"]\n", "x.toml");
  REQUIRE(!w);
  CHECK(w.error().rfind("x.toml:13:23: invalid domain name: ", 0) == 0);
  w = load_scenario_text(head + "names = []\n", "x.toml");
  REQUIRE(!w);
  CHECK(w.error() == "x.toml:13:9: 'names' is empty: give at least one name");
}
