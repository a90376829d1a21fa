// The desktop view's state panels for BitTorrent: each peer's piece map and connections, and
// the tracker's view of the swarm, read from the bundled small swarm at chosen instants.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/scenario/loader.hpp"

#ifndef WIRESIM_SOURCE_DIR
#define WIRESIM_SOURCE_DIR "/work/main"
#endif

using namespace wiresim;
using Json = nlohmann::ordered_json;

namespace {

std::unique_ptr<World> load_swarm() {
  auto w = load_scenario_file(std::string(WIRESIM_SOURCE_DIR) + "/scenarios/p2p/small-swarm.toml");
  REQUIRE_MESSAGE(w.ok(), w.error());
  return std::move(*w);
}

void run_to(World& w, std::int64_t ms) { w.sim.run_until(Time{} + milliseconds(ms)); }

// The inspect() of the (only) app on `host`.
Json inspect_on(const World& w, const std::string& host) {
  for (std::size_t i = 0; i < w.apps.size(); ++i) {
    if (w.net.node(w.app_hosts[i]).name() != host) continue;
    Json j = Json::object();
    w.apps[i]->inspect(j);
    return j;
  }
  FAIL("no app on " << host);
  return {};
}

const char* const Leechers[] = {"peer-a", "peer-b", "peer-c", "peer-d", "peer-e", "peer-f", "peer-g", "peer-h"};

}  // namespace

TEST_CASE("bt-peer inspect: a piece map with 0s and 1s mid-download, all 1s at the end") {
  auto world = load_swarm();
  run_to(*world, 200);
  Json a = inspect_on(*world, "peer-a");
  CHECK(a.at("app") == "bt-peer");
  CHECK(a.at("torrent") == "lecture.mp4");
  CHECK(a.at("state") == "not started");  // starts at 0.5 s
  CHECK_FALSE(a.contains("pieces"));
  Json seed = inspect_on(*world, "seed");
  CHECK(seed.at("state") == "seeding");
  CHECK(seed.at("pieces") == std::string(64, '1'));  // 4 MiB in 64 KiB pieces

  run_to(*world, 6000);
  a = inspect_on(*world, "peer-a");
  CHECK(a.at("state") == "leeching");
  const std::string pieces = a.at("pieces").get<std::string>();
  CHECK(pieces.size() == 64);
  CHECK(a.at("of") == 64);
  CHECK(std::count(pieces.begin(), pieces.end(), '1') == a.at("have").get<std::int64_t>());
  CHECK(pieces.find('1') != std::string::npos);
  CHECK(pieces.find('0') != std::string::npos);
  CHECK(pieces.find_first_not_of("01") == std::string::npos);
  CHECK(a.at("downloaded").get<std::uint64_t>() >= a.at("have").get<std::uint64_t>() * 65536);

  run_to(*world, 60'000);
  for (const char* host : Leechers) {
    CAPTURE(host);
    const Json p = inspect_on(*world, host);
    CHECK(p.at("state") == "seeding");
    CHECK(p.at("pieces") == std::string(64, '1'));
    CHECK(p.at("have") == 64);
  }
}

TEST_CASE("bt-peer inspect: each connection's choke and interest flags, from both ends") {
  auto world = load_swarm();
  run_to(*world, 6000);
  const Json a = inspect_on(*world, "peer-a");
  REQUIRE_FALSE(a.at("connections").empty());
  const Json* to_seed = nullptr;
  for (const Json& c : a.at("connections")) {
    CHECK(c.at("peer").get<std::string>() != "peer-a");
    CHECK(c.at("requests_out").get<std::uint32_t>() <= 5);  // the pipeline's depth
    if (c.at("peer") == "seed") to_seed = &c;
  }
  REQUIRE(to_seed != nullptr);
  CHECK(to_seed->at("outgoing") == true);  // peer-a dialed the seed the tracker named
  CHECK(to_seed->at("handshake_done") == true);
  CHECK(to_seed->at("am_interested") == true);  // the seed has every piece peer-a lacks
  CHECK(to_seed->at("peer_interested") == false);  // a seed wants nothing
  CHECK(to_seed->at("peer_has") == 64);

  // The same connection seen from the seed: it never downloads, and peer-a is interested.
  const Json seed = inspect_on(*world, "seed");
  const Json* to_a = nullptr;
  for (const Json& c : seed.at("connections"))
    if (c.at("peer") == "peer-a") to_a = &c;
  REQUIRE(to_a != nullptr);
  CHECK(to_a->at("outgoing") == false);
  CHECK(to_a->at("peer_interested") == true);
  CHECK(to_a->at("am_interested") == false);
  CHECK(to_a->at("downloaded") == 0);
  CHECK(to_a->at("am_choking") == to_seed->at("peer_choking"));
  CHECK(to_a->at("peer_choking") == to_seed->at("am_choking"));
}

TEST_CASE("bt-tracker inspect: the swarm's members with their last event and bytes left") {
  auto world = load_swarm();
  run_to(*world, 6000);
  Json torrent = inspect_on(*world, "tracker.example.com").at("tracker").at("torrents").at("lecture.mp4");
  CHECK(torrent.at("seeds") == 1);  // the report's part is kept
  Json peers = torrent.at("peers");
  REQUIRE(peers.size() == 9);
  CHECK(peers[0].at("peer") == "seed");
  CHECK(peers[0].at("address") == "203.0.113.5:6881");
  CHECK(peers[0].at("seed") == true);
  CHECK(peers[0].at("last_event") == "started");
  CHECK(peers[0].at("left") == 0);
  for (std::size_t i = 1; i < peers.size(); ++i) {
    CAPTURE(i);
    CHECK(peers[i].at("seed") == false);
    CHECK(peers[i].at("last_event") == "started");
    CHECK(peers[i].at("left") == 4 * 1024 * 1024);  // announced on joining, with nothing yet
  }
  CHECK(peers[1].at("peer") == "peer-a");
  CHECK(peers[1].at("last_announce_s").get<double>() > 0.5);

  run_to(*world, 60'000);
  torrent = inspect_on(*world, "tracker.example.com").at("tracker").at("torrents").at("lecture.mp4");
  CHECK(torrent.at("seeds") == 9);
  peers = torrent.at("peers");
  REQUIRE(peers.size() == 9);
  for (std::size_t i = 1; i < peers.size(); ++i) {
    CAPTURE(i);
    CHECK(peers[i].at("seed") == true);
    CHECK(peers[i].at("last_event") == "completed");
    CHECK(peers[i].at("left") == 0);
  }
}
