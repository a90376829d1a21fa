// Several peer engines talking to each other through in-memory connections (see Swarm in
// peer_test_support.hpp): whole downloads, a corrupted block, five leechers in random message
// orders, leaving after completion, seeds dropping each other.
#include <doctest/doctest.h>

#include <set>

#include "tests/protocols/bittorrent/peer_test_support.hpp"

using namespace wiresim;
using namespace wiresim::bittorrent;
using namespace wiresim::bittorrent::test;

namespace {

PeerConfig small_blocks() {
  PeerConfig c;
  c.block_size = 4096;
  return c;
}

bool all_complete(Swarm& swarm, std::size_t nodes) {
  for (std::size_t i = 0; i < nodes; ++i)
    if (!swarm.engine(i).complete()) return false;
  return true;
}

std::string stored_file(const PeerEngine& e) {
  std::string out;
  for (std::uint32_t p = 0; p < e.torrent().piece_count(); ++p) out += e.piece_data(p);
  return out;
}

}  // namespace

TEST_CASE("a leecher downloads every piece from a seed, bytes and SHA-1 intact") {
  // 60000 bytes: pieces of 16384, 16384, 16384 and 10848; the last block is 2656 bytes.
  auto content = std::make_shared<const std::string>(make_content(60000, 3));
  auto info = make_info(*content, 16384);
  Swarm swarm;
  swarm.add(info, small_blocks(), true, content);
  swarm.add(info, small_blocks(), false, content);
  std::set<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>> odd_requests;
  swarm.tamper = [&](std::size_t, Message& m) {
    if (m.type == MessageType::Request && m.length != 4096) odd_requests.insert({m.index, m.begin, m.length});
    return true;
  };
  swarm.start_all();
  REQUIRE(swarm.run([&] { return swarm.engine(1).complete(); }));
  PeerEngine& leecher = swarm.engine(1);
  CHECK(stored_file(leecher) == *content);
  CHECK(leecher.downloaded() == 60000);
  CHECK(leecher.wasted() == 0);
  CHECK(swarm.engine(0).uploaded() == 60000);
  CHECK(odd_requests == std::set<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>>{{3, 8192, 2656}});
  CHECK(events_of(swarm.node(1).events, PeerEventKind::PieceVerified).size() == 4);
  CHECK(has_event(swarm.node(1).events, PeerEventKind::Completed));
  CHECK(swarm.requests_while_choked == 0);
  // Now two seeds: the connection is dropped.
  swarm.settle();
  CHECK(leecher.connection_count() == 0);
  CHECK(swarm.engine(0).connection_count() == 0);
  std::vector<PeerEvent> closed = events_of(swarm.node(1).events, PeerEventKind::Closed);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].text == "both seeds");
  std::vector<TrackerEvent> announced;
  for (const Announce& a : swarm.node(1).announces) announced.push_back(a.event);
  CHECK(announced == std::vector<TrackerEvent>{TrackerEvent::Started, TrackerEvent::Completed});
}

TEST_CASE("a corrupted block fails the piece's SHA-1 check and the piece is fetched again") {
  auto content = std::make_shared<const std::string>(make_content(65536, 4));
  auto info = make_info(*content, 16384);
  Swarm swarm;
  swarm.add(info, small_blocks(), true, content);
  swarm.add(info, small_blocks(), false, content);
  bool corrupted = false;
  swarm.tamper = [&](std::size_t from, Message& m) {
    if (from == 0 && m.type == MessageType::Piece && m.index == 2 && m.begin == 4096 && !corrupted) {
      m.block[100] = static_cast<char>(m.block[100] ^ 0x01);
      corrupted = true;
    }
    return true;
  };
  swarm.start_all();
  REQUIRE(swarm.run([&] { return swarm.engine(1).complete(); }));
  CHECK(corrupted);
  PeerEngine& leecher = swarm.engine(1);
  const std::vector<PeerEvent> failed = events_of(swarm.node(1).events, PeerEventKind::PieceFailed);
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].piece == 2);
  CHECK(stored_file(leecher) == *content);
  CHECK(leecher.wasted() == 16384);
  CHECK(leecher.downloaded() == 65536 + 16384);
}

TEST_CASE("one seed and five leechers in random message orders: everyone completes, every byte stored once") {
  auto content = std::make_shared<const std::string>(make_content(65536, 5));
  auto info = make_info(*content, 16384);
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    CAPTURE(seed);
    Swarm swarm(seed, true);
    swarm.add(info, small_blocks(), true, content);
    for (int i = 0; i < 5; ++i) swarm.add(info, small_blocks(), false, content);
    std::uint64_t piece_bytes = 0;
    swarm.tamper = [&](std::size_t, Message& m) {
      if (m.type == MessageType::Piece) piece_bytes += m.block.size();
      return true;
    };
    swarm.start_all();
    REQUIRE(swarm.run([&] { return all_complete(swarm, 6); }));
    std::uint64_t uploaded = 0, downloaded = 0;
    for (std::size_t i = 0; i < 6; ++i) {
      PeerEngine& e = swarm.engine(i);
      CHECK(stored_file(e) == *content);
      uploaded += e.uploaded();
      downloaded += e.downloaded();
      if (i == 0) continue;
      // Useful bytes are exactly the file: nothing was kept twice.
      CHECK(e.downloaded() - e.wasted() == 65536);
      CHECK(e.completed_at());
    }
    CHECK(uploaded == piece_bytes);
    CHECK(downloaded <= uploaded);  // pieces still in flight when a connection closed are lost
    CHECK(swarm.requests_while_choked == 0);
    // The leechers traded among themselves: the seed did not upload everything.
    CHECK(swarm.engine(0).uploaded() < 5 * 65536);
  }
}

TEST_CASE("a leecher that does not seed leaves once complete: stopped, every connection closed") {
  auto content = std::make_shared<const std::string>(make_content(65536, 6));
  auto info = make_info(*content, 16384);
  PeerConfig leave = small_blocks();
  leave.seed_after_completion = false;
  Swarm swarm;
  swarm.add(info, small_blocks(), true, content);
  swarm.add(info, leave, false, content);
  swarm.add(info, small_blocks(), false, content);
  swarm.start_all();
  REQUIRE(swarm.run([&] { return swarm.engine(1).has_left(); }));
  PeerEngine& leaver = swarm.engine(1);
  CHECK(leaver.complete());
  CHECK(leaver.connection_count() == 0);
  CHECK_FALSE(leaver.wake_at());
  CHECK_FALSE(leaver.on_accepted(address(9), swarm.now()));
  std::vector<TrackerEvent> announced;
  for (const Announce& a : swarm.node(1).announces) announced.push_back(a.event);
  CHECK(announced == std::vector<TrackerEvent>{TrackerEvent::Started, TrackerEvent::Completed, TrackerEvent::Stopped});
  const std::vector<PeerEvent>& events = swarm.node(1).events;
  REQUIRE(has_event(events, PeerEventKind::Left));
  CHECK(events.back().kind == PeerEventKind::Left);
  // The other leecher still finishes, from the seed.
  REQUIRE(swarm.run([&] { return swarm.engine(2).complete(); }));
  CHECK(stored_file(swarm.engine(2)) == *content);
}

TEST_CASE("two seeds close their connection to each other") {
  auto content = std::make_shared<const std::string>(make_content(65536, 7));
  auto info = make_info(*content, 16384);
  Swarm swarm;
  swarm.add(info, small_blocks(), true, content);
  swarm.add(info, small_blocks(), true, content);
  swarm.start_all();
  swarm.run([] { return false; }, 100);
  CHECK(swarm.engine(0).connection_count() == 0);
  CHECK(swarm.engine(1).connection_count() == 0);
  CHECK(swarm.engine(0).uploaded() + swarm.engine(1).uploaded() == 0);
  bool both_seeds = false;
  for (std::size_t i = 0; i < 2; ++i)
    for (const PeerEvent& e : events_of(swarm.node(i).events, PeerEventKind::Closed)) both_seeds |= e.text == "both seeds";
  CHECK(both_seeds);
}

TEST_CASE("two peers that dial each other at once keep one connection") {
  auto content = std::make_shared<const std::string>(make_content(65536, 8));
  auto info = make_info(*content, 16384);
  Swarm swarm;
  swarm.add(info, small_blocks(), true, content);
  swarm.add(info, small_blocks(), false, content);
  // Not through the tracker: each learns of the other at the same moment.
  swarm.engine(0).on_announce_response({swarm.node(1).address}, seconds(1800), Time{});
  swarm.engine(1).on_announce_response({swarm.node(0).address}, seconds(1800), Time{});
  swarm.settle();
  CHECK(swarm.engine(0).connection_count() == 2);
  swarm.run([&] { return swarm.engine(1).complete(); }, 20);
  CHECK(swarm.engine(0).connection_count() == 1);
  CHECK(swarm.engine(1).connection_count() == 1);
  // The one dialed by the smaller peer_id (node 0's) stays: the first end to see both drops the
  // other, and the far end learns it by the close.
  const std::vector<ConnectionInfo> zero = swarm.engine(0).connections(swarm.now());
  const std::vector<ConnectionInfo> one = swarm.engine(1).connections(swarm.now());
  CHECK(zero[0].outgoing);
  CHECK_FALSE(one[0].outgoing);
  std::size_t duplicates = 0;
  for (std::size_t i = 0; i < 2; ++i)
    for (const PeerEvent& e : events_of(swarm.node(i).events, PeerEventKind::Closed))
      duplicates += e.text == "already connected to this peer";
  CHECK(duplicates == 1);
}
