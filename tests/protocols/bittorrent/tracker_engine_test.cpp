// The tracker's bookkeeping: who is in a swarm, who seeds, and a fair sample for each announce.
#include <doctest/doctest.h>

#include <set>

#include "protocols/bittorrent/tracker_engine.hpp"

using namespace wiresim;
using namespace wiresim::bittorrent;

namespace {
const Sha1Digest Hash{1, 2, 3};
PeerAddress peer(std::uint32_t n) { return {0x0A000000u + n, 6881}; }
}  // namespace

TEST_CASE("the first peer learns of nobody; later ones learn of earlier ones, never of themselves") {
  TrackerEngine t(1);
  TrackerAnswer a = t.announce(Hash, peer(1), AnnounceEvent::Started, 0, 50, Time{});
  CHECK(a.peers.empty());
  CHECK(a.complete == 1);
  CHECK(a.incomplete == 0);
  a = t.announce(Hash, peer(2), AnnounceEvent::Started, 1000, 50, Time{});
  REQUIRE(a.peers.size() == 1);
  CHECK(a.peers[0] == peer(1));
  CHECK(a.complete == 1);
  CHECK(a.incomplete == 1);
  CHECK(a.interval == seconds(1800));
}

TEST_CASE("completed makes a leecher a seed; stopped forgets the peer") {
  TrackerEngine t(1);
  t.announce(Hash, peer(1), AnnounceEvent::Started, 10, 50, Time{});
  t.announce(Hash, peer(2), AnnounceEvent::Started, 10, 50, Time{});
  CHECK(t.leechers(Hash) == 2);
  t.announce(Hash, peer(1), AnnounceEvent::Completed, 0, 50, Time{});
  CHECK(t.seeds(Hash) == 1);
  CHECK(t.leechers(Hash) == 1);
  const TrackerAnswer a = t.announce(Hash, peer(1), AnnounceEvent::Stopped, 0, 50, Time{});
  CHECK(a.peers.empty());
  CHECK(t.seeds(Hash) == 0);
  CHECK(t.leechers(Hash) == 1);
  CHECK(t.announce(Hash, peer(3), AnnounceEvent::Started, 10, 50, Time{}).peers == std::vector<PeerAddress>{peer(2)});
}

TEST_CASE("numwant peers are distinct members, the sample differs between announces and repeats per seed") {
  TrackerEngine t(7), again(7);
  for (std::uint32_t i = 1; i <= 1000; ++i) {
    t.announce(Hash, peer(i), AnnounceEvent::Started, 10, 0, Time{});
    again.announce(Hash, peer(i), AnnounceEvent::Started, 10, 0, Time{});
  }
  const auto first = t.announce(Hash, peer(5), AnnounceEvent::None, 10, 50, Time{}).peers;
  const auto second = t.announce(Hash, peer(5), AnnounceEvent::None, 10, 50, Time{}).peers;
  CHECK(first.size() == 50);
  CHECK(std::set<PeerAddress>(first.begin(), first.end()).size() == 50);
  CHECK(std::set<PeerAddress>(first.begin(), first.end()).count(peer(5)) == 0);
  CHECK(first != second);
  CHECK(again.announce(Hash, peer(5), AnnounceEvent::None, 10, 50, Time{}).peers == first);
  // Asking for more than there are gives all the others.
  TrackerEngine small(1);
  for (std::uint32_t i = 1; i <= 4; ++i) small.announce(Hash, peer(i), AnnounceEvent::Started, 10, 0, Time{});
  CHECK(small.announce(Hash, peer(2), AnnounceEvent::None, 10, 50, Time{}).peers.size() == 3);
}

TEST_CASE("swarms of different torrents are separate") {
  TrackerEngine t(1);
  t.announce(Hash, peer(1), AnnounceEvent::Started, 10, 50, Time{});
  const Sha1Digest other{9};
  CHECK(t.announce(other, peer(2), AnnounceEvent::Started, 10, 50, Time{}).peers.empty());
  CHECK(t.leechers(Hash) == 1);
  CHECK(t.leechers(other) == 1);
}
