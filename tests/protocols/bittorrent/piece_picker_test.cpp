// The piece picker alone: strict priority, random first piece, rarest first, end game and the
// block bookkeeping behind them (BEP 3 "piece downloading strategy", Cohen 2003 2.3-2.5).
#include <doctest/doctest.h>

#include <set>
#include <span>
#include <vector>

#include "protocols/bittorrent/piece_picker.hpp"

using namespace wiresim::bittorrent;

namespace {

// `pieces` pieces of 16 KiB, no hashes needed: the picker never looks at bytes.
TorrentInfo virtual_torrent(std::uint32_t pieces, std::uint64_t length = 0) {
  TorrentInfo t;
  t.piece_length = 16384;
  t.length = length != 0 ? length : std::uint64_t{pieces} * 16384;
  t.piece_hashes.resize(pieces);
  return t;
}

Bitfield bits(std::uint32_t pieces, std::initializer_list<std::uint32_t> set) {
  Bitfield b(pieces);
  for (std::uint32_t i : set) b.set(i);
  return b;
}

// Requests and receives every block of `piece`, then verifies it.
void get_piece(PiecePicker& picker, std::uint32_t piece) {
  std::vector<BlockRef> out;
  picker.pick_in(piece, 100, false, out);
  for (const BlockRef& b : out) picker.receive(b);
  picker.piece_verified(piece);
}

std::set<std::pair<std::uint32_t, std::uint32_t>> as_set(const std::vector<BlockRef>& blocks) {
  std::set<std::pair<std::uint32_t, std::uint32_t>> out;
  for (const BlockRef& b : blocks) out.insert({b.piece, b.begin});
  return out;
}

}  // namespace

TEST_CASE("picker splits pieces into blocks and the last block of the last piece is shorter") {
  const TorrentInfo t = virtual_torrent(4, 3 * 16384 + 10000);
  PiecePicker picker(t, 4096, false, 1);
  CHECK(picker.blocks_in(0) == 4);
  CHECK(picker.blocks_in(3) == 3);  // 4096 + 4096 + 1808
  CHECK(picker.bytes_missing() == 3 * 16384 + 10000);
  std::vector<BlockRef> out;
  picker.pick_in(3, 10, false, out);
  REQUIRE(out.size() == 3);
  CHECK(out[2] == BlockRef{3, 8192, 1808});
}

TEST_CASE("picker picks the rarest piece once it has one") {
  const TorrentInfo t = virtual_torrent(6);
  PiecePicker picker(t, 16384, false, 7);
  get_piece(picker, 0);
  // Availability: piece 1 held by 3 peers, 2 by 2, 3 by 1, 4 by 3, 5 by 2.
  picker.add_peer(bits(6, {1, 2, 4, 5}));
  picker.add_peer(bits(6, {1, 2, 3, 4, 5}));
  picker.add_peer(bits(6, {1, 4}));
  REQUIRE(picker.availability(3) == 1);
  const Bitfield everything(6, true);
  std::vector<BlockRef> out;
  picker.pick(everything, 1, false, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].piece == 3);
  // Next the pieces held by two, then by three.
  picker.pick(everything, 2, false, out);
  REQUIRE(out.size() == 3);
  CHECK(std::set<std::uint32_t>{out[1].piece, out[2].piece} == std::set<std::uint32_t>{2, 5});
  picker.pick(everything, 2, false, out);
  REQUIRE(out.size() == 5);
  CHECK(std::set<std::uint32_t>{out[3].piece, out[4].piece} == std::set<std::uint32_t>{1, 4});
}

TEST_CASE("picker breaks ties between equally rare pieces at random, deterministically per seed") {
  const TorrentInfo t = virtual_torrent(8);
  std::set<std::uint32_t> seen;
  for (std::uint64_t seed = 1; seed <= 24; ++seed) {
    PiecePicker picker(t, 16384, false, seed);
    get_piece(picker, 0);
    picker.add_peer(bits(8, {1, 2, 3, 4, 5, 6, 7}));
    picker.add_peer(bits(8, {1, 2, 4, 5, 7}));  // 3 and 6 are held by one peer only
    std::vector<BlockRef> out;
    picker.pick(Bitfield(8, true), 1, false, out);
    REQUIRE(out.size() == 1);
    seen.insert(out[0].piece);
    PiecePicker again(t, 16384, false, seed);
    get_piece(again, 0);
    again.add_peer(bits(8, {1, 2, 3, 4, 5, 6, 7}));
    again.add_peer(bits(8, {1, 2, 4, 5, 7}));
    std::vector<BlockRef> out2;
    again.pick(Bitfield(8, true), 1, false, out2);
    CHECK(out2 == out);
  }
  CHECK(seen == std::set<std::uint32_t>{3, 6});
}

TEST_CASE("picker chooses the first piece at random among the peer's, not the rarest") {
  const TorrentInfo t = virtual_torrent(8);
  std::set<std::uint32_t> seen;
  for (std::uint64_t seed = 1; seed <= 32; ++seed) {
    PiecePicker picker(t, 16384, false, seed);
    picker.add_peer(bits(8, {1, 3, 5}));
    picker.add_peer(bits(8, {1, 3}));
    picker.add_peer(bits(8, {1, 3}));  // 5 is the rarest of the three
    std::vector<BlockRef> out;
    picker.pick(bits(8, {1, 3, 5}), 1, false, out);
    REQUIRE(out.size() == 1);
    seen.insert(out[0].piece);
  }
  CHECK(seen == std::set<std::uint32_t>{1, 3, 5});
}

TEST_CASE("picker finishes a started piece before starting a rarer one") {
  const TorrentInfo t = virtual_torrent(4);
  PiecePicker picker(t, 4096, false, 3);
  get_piece(picker, 0);
  picker.add_peer(bits(4, {1, 2, 3}));
  picker.add_peer(bits(4, {1, 2, 3}));
  std::vector<BlockRef> out;
  picker.pick(Bitfield(4, true), 1, false, out);
  REQUIRE(out.size() == 1);
  const std::uint32_t started = out[0].piece;
  // Make another piece the rarest: the started one still comes first.
  const std::uint32_t other = started == 1 ? 2 : 1;
  picker.remove_peer(bits(4, {other}));
  picker.remove_peer(bits(4, {other}));
  picker.pick(Bitfield(4, true), 3, false, out);
  REQUIRE(out.size() == 4);
  for (const BlockRef& b : out) CHECK(b.piece == started);
  CHECK(out[3] == BlockRef{started, 12288, 4096});
}

TEST_CASE("picker only picks pieces the peer has and stops when there is nothing") {
  const TorrentInfo t = virtual_torrent(4);
  PiecePicker picker(t, 16384, false, 3);
  std::vector<BlockRef> out;
  picker.pick(bits(4, {2}), 5, false, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0] == BlockRef{2, 0, 16384});
  picker.pick(bits(4, {2}), 5, false, out);
  CHECK(out.size() == 1);
  picker.pick(Bitfield(4), 5, false, out);
  CHECK(out.size() == 1);
}

TEST_CASE("picker enters end game when every missing block is requested and hands out duplicates") {
  const TorrentInfo t = virtual_torrent(2);
  PiecePicker picker(t, 8192, false, 3);
  std::vector<BlockRef> first;
  picker.pick(Bitfield(2, true), 3, true, first);
  CHECK(first.size() == 3);
  CHECK_FALSE(picker.in_end_game());
  picker.pick(Bitfield(2, true), 1, true, first);
  CHECK(picker.in_end_game());
  // A second peer gets every outstanding block once, and never asks for its own twice.
  std::vector<BlockRef> second;
  picker.pick(Bitfield(2, true), 5, true, second);
  CHECK(as_set(second) == as_set(first));
  picker.pick(Bitfield(2, true), 5, true, second);
  CHECK(second.size() == 4);
  // Without end game, nothing.
  std::vector<BlockRef> third;
  picker.pick(Bitfield(2, true), 5, false, third);
  CHECK(third.empty());
  // A received block reports how many had asked for it; a third peer in end game then gets
  // only the three still out.
  CHECK(picker.receive(first[2]).requesters == 2);
  picker.pick(Bitfield(2, true), 5, true, third);
  CHECK(as_set(third) == as_set({first[0], first[1], first[3]}));
  CHECK(picker.receive(first[0]).requesters == 3);
}

TEST_CASE("picker frees a dropped request once nobody else is asked") {
  const TorrentInfo t = virtual_torrent(1);
  PiecePicker picker(t, 16384, false, 3);
  std::vector<BlockRef> a, b;
  picker.pick(Bitfield(1, true), 1, true, a);
  picker.pick(Bitfield(1, true), 1, true, b);  // end game duplicate
  REQUIRE(b.size() == 1);
  picker.drop_request(a[0], false);
  CHECK(picker.in_end_game());  // still asked of b
  picker.drop_request(b[0], false);
  CHECK_FALSE(picker.in_end_game());
  std::vector<BlockRef> c;
  picker.pick(Bitfield(1, true), 1, false, c);
  CHECK(c.size() == 1);
}

TEST_CASE("picker keeps a block once: duplicates, blocks off the grid and pieces we have are not stored") {
  const TorrentInfo t = virtual_torrent(2);
  PiecePicker picker(t, 4096, false, 3);
  CHECK_FALSE(picker.receive({0, 100, 4096}).stored);   // not on the 4 KiB grid: spills over
  CHECK_FALSE(picker.receive({0, 2048, 2048}).stored);  // leaves a hole before it
  CHECK_FALSE(picker.receive({5, 0, 4096}).stored);     // no such piece
  const PiecePicker::Receipt unasked = picker.receive({0, 0, 4096});
  CHECK(unasked.stored);  // new bytes, even unrequested
  CHECK(unasked.requesters == 0);
  CHECK_FALSE(picker.receive({0, 0, 4096}).stored);
  picker.receive({0, 4096, 4096});
  picker.receive({0, 8192, 4096});
  CHECK(picker.receive({0, 12288, 4096}).piece_complete);
  picker.piece_verified(0);
  CHECK(picker.have().test(0));
  CHECK_FALSE(picker.receive({0, 0, 4096}).stored);
  CHECK(picker.bytes_missing() == 16384);
}

TEST_CASE("picker keeps part of a block and asks only for the rest") {
  const TorrentInfo t = virtual_torrent(1);
  PiecePicker picker(t, 8192, false, 3);  // a piece of 16 KiB: two blocks
  std::vector<BlockRef> asked;
  picker.pick(Bitfield(1, true), 1, false, asked);
  REQUIRE(asked.size() == 1);
  REQUIRE(asked[0] == BlockRef{0, 0, 8192});
  // A choke cut it after 3 KiB: kept, and the request it answered is over.
  const PiecePicker::Receipt part = picker.receive({0, 0, 3072});
  CHECK(part.stored);
  CHECK(part.new_bytes == 3072);
  CHECK_FALSE(part.piece_complete);
  picker.drop_request(asked[0], false);
  std::vector<BlockRef> again;
  picker.pick(Bitfield(1, true), 2, false, again);
  REQUIRE(again.size() == 2);
  CHECK(again[0] == BlockRef{0, 3072, 5120});  // the rest of the first block
  CHECK(again[1] == BlockRef{0, 8192, 8192});
  // A whole-block copy that arrives late brings only the rest.
  const PiecePicker::Receipt late = picker.receive({0, 0, 8192});
  CHECK(late.new_bytes == 5120);
  CHECK(late.requesters == 1);
  CHECK_FALSE(picker.receive({0, 3072, 5120}).stored);  // now a duplicate
  CHECK(picker.receive({0, 8192, 8192}).piece_complete);
}

TEST_CASE("picker makes a failed piece's blocks free again") {
  const TorrentInfo t = virtual_torrent(1);
  PiecePicker picker(t, 8192, false, 3);
  std::vector<BlockRef> out;
  picker.pick(Bitfield(1, true), 2, true, out);
  CHECK(picker.in_end_game());
  picker.receive(out[0]);
  CHECK(picker.receive(out[1]).piece_complete);
  picker.piece_failed(0);
  CHECK_FALSE(picker.in_end_game());
  CHECK_FALSE(picker.have().test(0));
  std::vector<BlockRef> again;
  picker.pick(Bitfield(1, true), 5, false, again);
  CHECK(again == out);
}

TEST_CASE("picker counts availability from bitfields and haves") {
  const TorrentInfo t = virtual_torrent(3);
  PiecePicker picker(t, 16384, true, 3);
  CHECK(picker.complete());
  CHECK(picker.bytes_missing() == 0);
  picker.add_peer(bits(3, {0, 2}));
  picker.add_have(1);
  picker.add_have(2);
  CHECK(picker.availability(0) == 1);
  CHECK(picker.availability(1) == 1);
  CHECK(picker.availability(2) == 2);
  picker.remove_peer(bits(3, {0, 2}));
  CHECK(picker.availability(0) == 0);
  CHECK(picker.availability(2) == 1);
  CHECK(picker.availability(9) == 0);
}

TEST_CASE("picker asks others for a block dropped on a choke only when nothing else is left") {
  const TorrentInfo t = virtual_torrent(2);
  PiecePicker picker(t, 8192, false, 3);
  std::vector<BlockRef> a;
  picker.pick_in(0, 2, true, a);
  picker.drop_request(a[0], true);  // choked: it may still come
  picker.drop_request(a[1], true);
  CHECK_FALSE(picker.in_end_game());
  std::vector<BlockRef> b;
  picker.pick(Bitfield(2, true), 2, true, b);
  CHECK(b == std::vector<BlockRef>{{1, 0, 8192}, {1, 8192, 8192}});
  picker.pick(Bitfield(2, true), 1, true, b);
  REQUIRE(b.size() == 3);
  CHECK(b[2] == a[0]);
  // The other one arrives late from the peer that choked us: new, so kept.
  const PiecePicker::Receipt late = picker.receive(a[1]);
  CHECK(late.stored);
  CHECK(late.requesters == 0);
  CHECK(picker.in_end_game());
}

TEST_CASE("picker in end game when idle: one duplicate at a time, the least asked block, within the copies") {
  const TorrentInfo t = virtual_torrent(1);
  PiecePicker picker(t, 4096, false, 3);  // one piece of four blocks
  picker.set_end_game_copies(2);
  picker.set_end_game_when_idle(true);
  std::vector<BlockRef> a, b, c, d;
  picker.pick(Bitfield(1, true), 4, true, a);
  REQUIRE(a.size() == 4);
  REQUIRE(picker.in_end_game());
  // b has nothing outstanding: one duplicate only, though it has room for four.
  picker.pick(Bitfield(1, true), 4, true, b);
  REQUIRE(b.size() == 1);
  // b asks for nothing more while its duplicate is out.
  picker.pick(Bitfield(1, true), 4, true, b);
  CHECK(b.size() == 1);
  // c gets a block asked once, not b's (asked twice already).
  picker.pick(Bitfield(1, true), 4, true, c);
  REQUIRE(c.size() == 1);
  CHECK_FALSE(c[0] == b[0]);
  // Two more idle connections: the last two blocks asked once, then nothing (all at 2 copies).
  picker.pick(Bitfield(1, true), 4, true, d);
  REQUIRE(d.size() == 1);
  std::vector<BlockRef> e, g;
  picker.pick(Bitfield(1, true), 4, true, e);
  REQUIRE(e.size() == 1);
  picker.pick(Bitfield(1, true), 4, true, g);
  CHECK(g.empty());
  CHECK(as_set({b[0], c[0], d[0], e[0]}) == as_set(a));
  CHECK(picker.receive(b[0]).requesters == 2);
}

TEST_CASE("a bitfield keeps its bits inline up to 512 pieces and in an allocation beyond, alike") {
  for (const std::uint32_t n : {1u, 8u, 448u, 512u, 513u, 1000u}) {
    CAPTURE(n);
    Bitfield b(n);
    CHECK(b.none());
    for (std::uint32_t i = 0; i < n; i += 7) b.set(i);
    b.set(n - 1);
    b.set(n);  // beyond: ignored
    std::uint32_t expected = 0;
    for (std::uint32_t i = 0; i < n; ++i) expected += i % 7 == 0 || i == n - 1;
    CHECK(b.count() == expected);
    CHECK(b.test(n - 1));
    CHECK_FALSE(b.test(n));
    // BEP 3's bytes: piece 0 the high bit of byte 0, spare bits clear; they read back the same.
    const std::span<const std::uint8_t> bytes = b.bytes();
    REQUIRE(bytes.size() == (n + 7) / 8);
    CHECK((bytes[0] & 0x80) != 0);
    std::vector<std::uint8_t> message(bytes.begin(), bytes.end());
    Bitfield back;
    REQUIRE(Bitfield::from_bytes(message, n, back));
    for (std::uint32_t i = 0; i < n; ++i) CHECK(back.test(i) == b.test(i));
    CHECK(back.count() == expected);
    Bitfield copy = back;  // copies carry the bits, wherever they live
    CHECK(copy.test(n - 1));
    copy.reset(n - 1);
    copy.reset(n - 1);  // twice: counted once
    CHECK_FALSE(copy.test(n - 1));
    CHECK(copy.count() == expected - 1);
    CHECK(back.test(n - 1));  // the copy's own bits
    if (n % 8 != 0) {
      message.back() |= 1;  // a spare bit set
      CHECK_FALSE(Bitfield::from_bytes(message, n, back));
    }
    message.push_back(0);  // one byte too many
    CHECK_FALSE(Bitfield::from_bytes(message, n, back));
  }
  CHECK(Bitfield(600, true).all());
  CHECK(Bitfield(600, true).count() == 600);
}

TEST_CASE("a peer's new piece is found the same in a torrent of more than 512 pieces") {
  const TorrentInfo torrent = virtual_torrent(700);
  PiecePicker picker(torrent, 16384, false, 3);
  for (std::uint32_t p = 0; p < 700; ++p)
    if (p != 650) {
      picker.add_have(p);
      picker.add_have(p);
    }
  picker.add_peer(bits(700, {650}));  // piece 650, past the inline bits, is the rarest: one peer has it
  get_piece(picker, 3);  // no longer a first piece: rarest first now
  std::vector<BlockRef> out;
  picker.pick(bits(700, {10, 600, 650, 699}), 1, false, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].piece == 650);
}

TEST_CASE("for_each_in_both visits the pieces both bitfields have, in order, and stops when asked") {
  // Sizes around the 8-byte words, and past the 512 pieces kept inline.
  for (std::uint32_t size : {1u, 7u, 8u, 63u, 64u, 65u, 448u, 513u, 700u}) {
    Bitfield a(size), b(size);
    std::vector<std::uint32_t> expected;
    for (std::uint32_t p = 0; p < size; ++p) {
      if (p % 3 != 1) a.set(p);
      if (p % 5 != 2 && p % 7 != 0) b.set(p);
      if (a.test(p) && b.test(p)) expected.push_back(p);
    }
    std::vector<std::uint32_t> seen;
    for_each_in_both(a, b, [&](std::uint32_t p) {
      seen.push_back(p);
      return true;
    });
    CHECK(seen == expected);
    seen.clear();
    for_each_in_both(a, b, [&](std::uint32_t p) {
      seen.push_back(p);
      return seen.size() < 3;
    });
    CHECK(seen == std::vector<std::uint32_t>(expected.begin(), expected.begin() + std::min<std::size_t>(3, expected.size())));
  }
}
