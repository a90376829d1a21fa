#include <doctest/doctest.h>

#include "tests/support.hpp"

using namespace wiresim;

namespace {

const std::string Base = R"([scenario]
name = "t"

[[host]]
name = "alice"

[[host]]
name = "bob"

[[link]]
between = ["alice", "bob"]
rate = "10Mbps"
)";

}  // namespace

TEST_CASE("a valid scenario loads with its defaults") {
  auto w = test::load(Base);
  CHECK(w->info.name == "t");
  CHECK(w->info.seed == 1);
  CHECK_FALSE(w->info.duration.has_value());
  CHECK(w->net.node_count() == 2);
  CHECK(w->net.link(0).name() == "alice-bob");
  CHECK(w->net.link(0).config().delay == milliseconds(1));
  CHECK(w->capture_points.size() == 2);
}

TEST_CASE("the seed option overrides the scenario's seed") {
  LoadOptions options;
  options.seed = 99;
  CHECK(test::load(Base, options)->info.seed == 99);
}

TEST_CASE("a bad unit names its line and column and suggests the fix") {
  std::string s = Base;
  s.replace(s.find("10Mbps"), 6, "10Mbs");
  CHECK(test::load_error(s) ==
        "test.toml:12:8: invalid rate \"10Mbs\": unknown unit \"Mbs\", expected a number followed by bps, kbps, "
        "Mbps, Gbps or Tbps (for example \"10Mbps\"); did you mean \"10Mbps\"?");
}

TEST_CASE("an unknown host gets the nearest name") {
  CHECK(test::load_error(Base + "[[app]]\ntype = \"bulk-sink\"\nhost = \"bobb\"\n") ==
        "test.toml:15:8: unknown host 'bobb'; did you mean 'bob'?");
}

TEST_CASE("a link to a missing node points at that element") {
  CHECK(test::load_error(Base + "[[link]]\nbetween = [\"alice\", \"carol\"]\n") ==
        "test.toml:14:21: unknown node 'carol'");
}

TEST_CASE("a duplicate address is refused where it is written") {
  CHECK(test::load_error(Base + "[[host]]\nname = \"carol\"\naddress = \"10.0.1.1\"\n[[link]]\nbetween = [\"carol\", "
                                "\"bob\"]\naddresses = [\"10.0.9.1\", \"10.0.1.1\"]\n") ==
        "test.toml:18:26: duplicate address 10.0.1.1: another interface already has it");
}

TEST_CASE("an address no interface can have is refused, with the reason") {
  CHECK(test::load_error(Base + "[[host]]\nname = \"carol\"\naddress = \"0.0.0.0\"\n") ==
        "test.toml:15:11: 0.0.0.0 cannot be a host's address: 0.0.0.0/8 means \"this network\" (use one such as "
        "\"10.0.0.1\")");
  CHECK(test::load_error(Base + "[[host]]\nname = \"carol\"\naddress = \"255.255.255.255\"\n").find(
            "255.255.255.255 is the limited broadcast") != std::string::npos);
  CHECK(test::load_error(Base + "addresses = [\"10.0.0.1\", \"127.0.0.1\"]\n").find(
            "127.0.0.1 cannot be an interface's address: 127.0.0.0/8 is each host's own loopback") != std::string::npos);
}

TEST_CASE("more nodes than the route tables allow are refused at the first one too many") {
  std::string text = Base;
  for (int i = 0; i < 5000; ++i) text += "[[host]]\nname = \"h" + std::to_string(i) + "\"\n";
  const std::string e = test::load_error(text);
  CHECK(e.find("a scenario holds at most 5000 hosts and routers") != std::string::npos);
  CHECK(e.rfind("test.toml:10009:1: ", 0) == 0);  // the 5,001st node (h4998) and its table
}

TEST_CASE("an action after the run's end is an error, not a silent no-op") {
  const std::string text = "[scenario]\nname = \"t\"\nduration = \"14s\"\n" + Base.substr(Base.find("[[host]]")) +
                           "[[action]]\nat = \"100h\"\ndo = \"link-down\"\nlink = \"alice-bob\"\n";
  CHECK(test::load_error(text) ==
        "test.toml:14:6: this action at 360000s comes after the run's end at 14s ([scenario] duration): it would "
        "never happen; move it, or raise the duration");
}

TEST_CASE("a directory or a missing file is not a scenario") {
  const std::string dir = std::string(WIRESIM_SOURCE_DIR) + "/scenarios";
  auto loaded = load_scenario_file(dir, {});
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error() == dir + ": is a directory, not a scenario file (bundled ones: wiresim list)");
  CHECK(load_scenario_file(dir + "/nope.toml", {}).error() == dir + "/nope.toml: cannot open the scenario file");
}

TEST_CASE("a value of the wrong type says what was expected") {
  std::string s = Base;
  s.replace(s.find("\"10Mbps\""), 8, "true");
  CHECK(test::load_error(s) == "test.toml:12:8: 'rate' must be a string such as \"10Mbps\", got a boolean");
  CHECK(test::load_error(Base + "delay = 5\n") ==
        "test.toml:13:9: 'delay' needs a unit: write it as a string such as \"5ms\" or \"2s\"");
}

TEST_CASE("an unknown key gets the nearest valid key") {
  CHECK(test::load_error(Base + "dealy = \"5ms\"\n") == "test.toml:13:1: unknown key 'dealy' in [[link]] #1; did you mean 'delay'?");
}

TEST_CASE("an unknown section gets the nearest valid section") {
  CHECK(test::load_error(Base + "[[hosts]]\nname = \"x\"\n") == "test.toml:13:3: unknown section 'hosts'; did you mean 'host'?");
}

TEST_CASE("a TOML syntax error is reported with its position") {
  const std::string e = test::load_error("[[host]]\nname = \"alice\n");
  CHECK(e.rfind("test.toml:2:", 0) == 0);
  CHECK(e.find("TOML syntax error") != std::string::npos);
}

TEST_CASE("a missing required key names the table") {
  CHECK(test::load_error("[[host]]\naddress = \"10.0.0.1\"\n") ==
        "test.toml:1:1: [[host]] #1 needs 'name' (for example name = \"...\")");
}

TEST_CASE("an unknown app type lists the known ones when nothing is close") {
  const std::string e = test::load_error(Base + "[[app]]\ntype = \"quux\"\nhost = \"bob\"\n");
  CHECK(e.rfind("test.toml:14:8: unknown app type 'quux'; known app types: bt-peer, bt-tracker, bulk-send, bulk-sink, dns-client", 0) == 0);
}

TEST_CASE("an unknown link in an action gets the nearest link name") {
  CHECK(test::load_error(Base + "[[action]]\nat = \"1s\"\ndo = \"link-down\"\nlink = \"alice-bobb\"\n") ==
        "test.toml:16:8: unknown link 'alice-bobb'; did you mean 'alice-bob'?");
}

TEST_CASE("a capture point on a missing interface suggests one that exists") {
  CHECK(test::load_error(Base + "[capture]\npoints = [\"alice:eth1\"]\n") ==
        "test.toml:14:11: node 'alice' has no interface 'eth1'; did you mean 'eth0'?");
}

TEST_CASE("duplicate node names are refused") {
  CHECK(test::load_error(Base + "[[router]]\nname = \"bob\"\n") ==
        "test.toml:14:8: duplicate node name 'bob': every host and router needs its own name");
}

TEST_CASE("a port already taken by another app is a scenario error") {
  const std::string app = "[[app]]\ntype = \"bulk-sink\"\nhost = \"bob\"\nport = 9\n";
  CHECK(test::load_error(Base + app + app) == "test.toml:20:8: TCP port 9 on bob is already used by another app");
}

TEST_CASE("garbage never crashes the loader") {
  const std::string inputs[] = {"", "=", "[[link]]\nbetween = 3\n", "[scenario]\nseed = -1\n", "[tcp]\nmss = \"big\"\n",
                                "[[host]]\nname = \"\"\n", "[[link]]\nbetween = [\"a\"]\n", "host = 3\n",
                                "[capture]\npoints = 1\n", std::string("[[host]]\nname = \"\xff\xfe\"\n")};
  for (const auto& in : inputs) {
    auto w = load_scenario_text(in, "fuzz.toml");
    if (!w) CHECK(w.error().rfind("fuzz.toml:", 0) == 0);
  }
}
