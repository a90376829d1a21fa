// The desktop view's state panels for BitTorrent: each peer's piece map and connections, and
// the tracker's view of the swarm, read from the bundled small swarm at chosen instants.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/protocols/inspect_support.hpp"


using namespace wiresim;
using namespace wiresim::inspect_test;

namespace {

const char* const Leechers[] = {"peer-a", "peer-b", "peer-c", "peer-d", "peer-e", "peer-f", "peer-g", "peer-h"};

}  // namespace

TEST_CASE("bt-peer inspect: a piece map with 0s and 1s mid-download, all 1s at the end") {
  auto world = load_bundled("p2p/small-swarm");
  run_to(*world, 200);
  Json a = inspect_app(*world, "peer-a");
  CHECK(a.at("app") == "bt-peer");
  CHECK(a.at("torrent") == "lecture.mp4");
  CHECK(a.at("state") == "not started");  // starts at 0.5 s
  CHECK_FALSE(a.contains("pieces"));
  Json seed = inspect_app(*world, "seed");
  CHECK(seed.at("state") == "seeding");
  CHECK(seed.at("pieces") == std::string(64, '1'));  // 4 MiB in 64 KiB pieces

  run_to(*world, 6000);
  a = inspect_app(*world, "peer-a");
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
    const Json p = inspect_app(*world, host);
    CHECK(p.at("state") == "seeding");
    CHECK(p.at("pieces") == std::string(64, '1'));
    CHECK(p.at("have") == 64);
  }
}

TEST_CASE("bt-peer inspect: each connection's choke and interest flags, from both ends") {
  auto world = load_bundled("p2p/small-swarm");
  run_to(*world, 6000);
  const Json a = inspect_app(*world, "peer-a");
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
  const Json seed = inspect_app(*world, "seed");
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
  auto world = load_bundled("p2p/small-swarm");
  run_to(*world, 6000);
  Json torrent = inspect_app(*world, "tracker.example.com").at("tracker").at("torrents").at("lecture.mp4");
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
  torrent = inspect_app(*world, "tracker.example.com").at("tracker").at("torrents").at("lecture.mp4");
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
