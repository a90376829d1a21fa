// One peer engine driven by hand: the test plays the remote peers message by message (BEP 3
// peer protocol, Cohen 2003 choking). Small torrent: 64 KiB file, 16 KiB pieces, 4 KiB blocks.
#include <doctest/doctest.h>

#include <set>

#include "tests/protocols/bittorrent/peer_test_support.hpp"

using namespace wiresim;
using namespace wiresim::bittorrent;
using namespace wiresim::bittorrent::test;

namespace {

constexpr std::uint32_t PieceLength = 16384;
constexpr std::uint32_t BlockSize = 4096;

struct Fixture {
  std::shared_ptr<const std::string> content = std::make_shared<const std::string>(make_content(65536));
  std::shared_ptr<const TorrentInfo> info = make_info(*content, PieceLength);

  PeerConfig config() const {
    PeerConfig c;
    c.block_size = BlockSize;
    return c;
  }
  std::unique_ptr<PeerEngine> engine(bool seed, PeerConfig c, std::uint64_t random_seed = 1) const {
    return std::make_unique<PeerEngine>(info, peer_id(1), address(1), c, random_seed, seed, content);
  }
  std::unique_ptr<PeerEngine> engine(bool seed) const { return engine(seed, config()); }
  Message piece(std::uint32_t index, std::uint32_t begin, std::uint32_t length = BlockSize) const {
    return piece_message(*content, PieceLength, index, begin, length);
  }
};

Message full_bitfield() {
  Message m = simple(MessageType::Bitfield);
  m.bitfield = {0xF0};  // 4 pieces: the high four bits
  return m;
}

std::vector<Message> requests_in(const std::vector<Message>& messages) {
  std::vector<Message> out;
  for (const Message& m : messages)
    if (m.type == MessageType::Request) out.push_back(m);
  return out;
}

}  // namespace

TEST_CASE("the dialer sends its handshake first and the acceptor answers with its own and a bitfield") {
  Fixture f;
  auto leecher = f.engine(false);
  auto seed = std::make_unique<PeerEngine>(f.info, peer_id(2), address(2), f.config(), 2, true, f.content);
  leecher->start(Time{});
  leecher->on_announce_response({address(2)}, seconds(1800), Time{});
  const std::vector<Dial> dials = leecher->take_dials();
  REQUIRE(dials.size() == 1);
  CHECK(dials[0].address == address(2));
  CHECK(leecher->take_outgoing().empty());

  leecher->on_connected(dials[0].connection, Time{});
  std::vector<Outgoing> out = leecher->take_outgoing();
  REQUIRE(out.size() == 1);
  const Handshake* ours = std::get_if<Handshake>(&out[0].what);
  REQUIRE(ours);
  CHECK(ours->info_hash == f.info->info_hash);
  CHECK(ours->peer_id == peer_id(1));

  const std::optional<ConnectionId> c = seed->on_accepted(address(1), Time{});
  REQUIRE(c);
  CHECK(seed->take_outgoing().empty());  // the acceptor waits for the dialer's handshake
  seed->on_handshake(*c, *ours, Time{});
  out = seed->take_outgoing();
  REQUIRE(out.size() == 2);
  const Handshake* theirs = std::get_if<Handshake>(&out[0].what);
  REQUIRE(theirs);
  CHECK(theirs->peer_id == peer_id(2));
  const Message* bitfield = std::get_if<Message>(&out[1].what);
  REQUIRE(bitfield);
  CHECK(bitfield->type == MessageType::Bitfield);
  CHECK(bitfield->bitfield == std::vector<std::uint8_t>{0xF0});
  CHECK(has_event(seed->take_events(), PeerEventKind::HandshakeDone));

  // The leecher has nothing, so it sends no bitfield (BEP 3 allows skipping it).
  leecher->on_handshake(dials[0].connection, *theirs, Time{});
  CHECK(leecher->take_outgoing().empty());
  CHECK(has_event(leecher->take_events(), PeerEventKind::HandshakeDone));
}

TEST_CASE("a handshake for another torrent closes the connection") {
  Fixture f;
  auto seed = f.engine(true);
  const std::optional<ConnectionId> c = seed->on_accepted(address(2), Time{});
  REQUIRE(c);
  seed->on_handshake(*c, Handshake{{}, sha1("another torrent"), peer_id(2)}, Time{});
  CHECK(seed->take_outgoing().empty());
  CHECK(seed->take_closes() == std::vector<ConnectionId>{*c});
  std::string expected = "handshake for info_hash ";
  expected += to_hex(sha1("another torrent")).substr(0, 8);
  expected += "..., expected ";
  expected += to_hex(f.info->info_hash).substr(0, 8);
  expected += "...";
  const std::vector<PeerEvent> errors = events_of(seed->take_events(), PeerEventKind::ProtocolError);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].text == expected);
  CHECK(seed->connection_count() == 0);
  // Messages still in flight on the closed connection are ignored.
  seed->on_message(*c, simple(MessageType::Interested), Time{});
  CHECK(seed->take_outgoing().empty());
}

TEST_CASE("a handshake carrying our own peer_id closes the connection") {
  Fixture f;
  auto seed = f.engine(true);
  const std::optional<ConnectionId> c = seed->on_accepted(address(2), Time{});
  seed->on_handshake(*c, Handshake{{}, f.info->info_hash, peer_id(1)}, Time{});
  CHECK(seed->take_closes() == std::vector<ConnectionId>{*c});
  const std::vector<PeerEvent> closed = events_of(seed->take_events(), PeerEventKind::Closed);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].text == "connected to ourselves");
}

TEST_CASE("a seed unchokes an interested peer at once and answers its request with the bytes") {
  Fixture f;
  auto seed = f.engine(true);
  seed->start(Time{});
  const ConnectionId c = accept_peer(*seed, 2, Time{});
  seed->take_outgoing();
  // A request before the unchoke is discarded (BEP 3).
  seed->on_message(c, block_message(MessageType::Request, 0, 0, BlockSize), Time{});
  CHECK(seed->take_outgoing().empty());
  seed->on_message(c, simple(MessageType::Interested), Time{});
  CHECK(types_of(messages_to(seed->take_outgoing(), c)) == std::vector<MessageType>{MessageType::Unchoke});
  CHECK(has_event(seed->take_events(), PeerEventKind::UnchokeRound));
  seed->on_message(c, block_message(MessageType::Request, 2, 4096, BlockSize), Time{});
  const std::vector<Message> out = messages_to(seed->take_outgoing(), c);
  REQUIRE(out.size() == 1);
  CHECK(out[0] == f.piece(2, 4096));
  CHECK(seed->uploaded() == BlockSize);
}

TEST_CASE("an engine reports only the event kinds its adapter asks for, and behaves the same") {
  Fixture f;
  PeerConfig quiet = f.config();
  quiet.reported = event_bit(PeerEventKind::Completed);
  auto all = f.engine(true);
  auto few = f.engine(true, quiet);
  for (PeerEngine* seed : {all.get(), few.get()}) {
    seed->start(Time{});
    const ConnectionId c = accept_peer(*seed, 2, Time{});
    seed->on_message(c, simple(MessageType::Interested), Time{});
  }
  // The same messages out (handshake, bitfield, unchoke), but the quiet one built no events.
  CHECK(all->take_outgoing() == few->take_outgoing());
  const std::vector<PeerEvent> events = all->take_events();
  CHECK(has_event(events, PeerEventKind::UnchokeRound));
  CHECK(has_event(events, PeerEventKind::Interested));
  CHECK(few->take_events().empty());
}

TEST_CASE("a leecher shows interest after a bitfield and keeps five requests outstanding once unchoked") {
  Fixture f;
  auto leecher = f.engine(false);
  leecher->start(Time{});
  const ConnectionId c = accept_peer(*leecher, 2, Time{});
  CHECK(leecher->take_outgoing().size() == 1);  // our handshake, no bitfield
  leecher->on_message(c, full_bitfield(), Time{});
  CHECK(types_of(messages_to(leecher->take_outgoing(), c)) == std::vector<MessageType>{MessageType::Interested});
  leecher->on_message(c, simple(MessageType::Unchoke), Time{});
  std::vector<Message> requests = messages_to(leecher->take_outgoing(), c);
  REQUIRE(requests.size() == 5);
  // The first piece (random) whole, then one block of a second one.
  for (int i = 0; i < 4; ++i) {
    CHECK(requests[i].type == MessageType::Request);
    CHECK(requests[i].index == requests[0].index);
    CHECK(requests[i].begin == 4096u * i);
    CHECK(requests[i].length == BlockSize);
  }
  CHECK(requests[4].index != requests[0].index);
  CHECK(requests[4].begin == 0);
  // One block in: one new request.
  leecher->on_message(c, f.piece(requests[0].index, 0), Time{});
  CHECK(types_of(messages_to(leecher->take_outgoing(), c)) == std::vector<MessageType>{MessageType::Request});
  CHECK(leecher->downloaded() == BlockSize);
}

TEST_CASE("part of a block (a flow-level piece cut by a choke) is kept, and only the rest is asked for") {
  Fixture f;
  auto leecher = f.engine(false);
  leecher->start(Time{});
  const ConnectionId c = accept_peer(*leecher, 2, Time{});
  Message only_piece_2 = simple(MessageType::Bitfield);
  only_piece_2.bitfield = {0x20};
  leecher->on_message(c, only_piece_2, Time{});
  leecher->take_outgoing();  // Interested
  leecher->on_message(c, simple(MessageType::Unchoke), Time{});
  const std::vector<Message> requests = messages_to(leecher->take_outgoing(), c);
  REQUIRE(requests.size() == 4);  // piece 2's four blocks: nothing else to ask for
  REQUIRE(requests[0].index == 2);
  // The first 1 KiB of the first block: kept, its request answered, the other 3 KiB asked again.
  leecher->on_message(c, f.piece(requests[0].index, 0, 1024), Time{});
  const std::vector<Message> again = messages_to(leecher->take_outgoing(), c);
  REQUIRE(again.size() == 1);
  CHECK(again[0].type == MessageType::Request);
  CHECK(again[0].index == requests[0].index);
  CHECK(again[0].begin == 1024);
  CHECK(again[0].length == BlockSize - 1024);
  CHECK(leecher->wasted() == 0);
  // The rest, then the piece's other blocks: it verifies (the bytes are checked by SHA-1).
  leecher->on_message(c, f.piece(requests[0].index, 1024, BlockSize - 1024), Time{});
  for (int i = 1; i < 4; ++i) leecher->on_message(c, f.piece(requests[i].index, requests[i].begin), Time{});
  CHECK(leecher->have().test(requests[0].index));
  CHECK(events_of(leecher->take_events(), PeerEventKind::PieceFailed).empty());
  CHECK(leecher->wasted() == 0);
}

TEST_CASE("peer turnover closes the least useful connection near the limit, once an interval") {
  Fixture f;
  PeerConfig config = f.config();
  config.max_connections = 4;
  config.incoming_headroom = 0;
  config.turnover = 0.25;  // one of four
  auto leecher = f.engine(false, config);
  leecher->start(Time{});
  std::vector<ConnectionId> c;
  for (std::uint32_t k = 2; k <= 5; ++k) c.push_back(accept_peer(*leecher, k, Time{}));
  // Peers 2 and 3 have what we want; 4 and 5 have nothing.
  leecher->on_message(c[0], full_bitfield(), Time{});
  leecher->on_message(c[1], full_bitfield(), Time{});
  leecher->take_outgoing();
  leecher->on_timer(Time{} + seconds(290));
  CHECK(leecher->take_closes().empty());  // not yet 5 minutes
  leecher->on_timer(Time{} + seconds(300));
  CHECK(leecher->take_closes() == std::vector<ConnectionId>{c[2]});  // nothing for us, the first of two
  CHECK(leecher->connection_count() == 3);
  leecher->on_timer(Time{} + seconds(600));
  CHECK(leecher->take_closes().empty());  // 3 of 4 is below the cutoff (90%)
}

TEST_CASE("a verified piece is announced to every peer and interest ends with the last piece") {
  Fixture f;
  auto leecher = f.engine(false);
  leecher->start(Time{});
  const ConnectionId a = accept_peer(*leecher, 2, Time{});
  const ConnectionId b = accept_peer(*leecher, 3, Time{});  // has nothing
  leecher->on_message(a, full_bitfield(), Time{});
  leecher->on_message(a, simple(MessageType::Unchoke), Time{});
  std::vector<Outgoing> out = leecher->take_outgoing();
  std::vector<Message> pending = requests_in(messages_to(out, a));
  std::vector<Message> to_a, to_b;
  std::set<std::uint32_t> verified;
  Time now{};
  while (!pending.empty()) {
    const Message r = pending.front();
    pending.erase(pending.begin());
    now += milliseconds(10);
    leecher->on_message(a, f.piece(r.index, r.begin, r.length), now);
    out = leecher->take_outgoing();
    for (const Message& m : messages_to(out, a)) {
      if (m.type == MessageType::Request) pending.push_back(m);
      to_a.push_back(m);
    }
    for (const Message& m : messages_to(out, b)) to_b.push_back(m);
  }
  CHECK(leecher->complete());
  CHECK(leecher->completed_at() == now);
  std::vector<std::uint32_t> haves_a, haves_b;
  for (const Message& m : to_a)
    if (m.type == MessageType::Have) haves_a.push_back(m.index);
  for (const Message& m : to_b) haves_b.push_back(m.type == MessageType::Have ? m.index : 99);
  CHECK(haves_a.size() == 4);
  CHECK(haves_b == haves_a);  // b gets the Haves and nothing else
  CHECK(std::set<std::uint32_t>(haves_a.begin(), haves_a.end()) == std::set<std::uint32_t>{0, 1, 2, 3});
  CHECK(to_a.back().type == MessageType::NotInterested);
  for (std::uint32_t p = 0; p < 4; ++p) CHECK(leecher->piece_data(p) == f.content->substr(p * PieceLength, PieceLength));
  CHECK(leecher->wasted() == 0);
  const std::vector<Announce> announces = leecher->take_announces();
  REQUIRE(announces.size() == 2);
  CHECK(announces[0].event == TrackerEvent::Started);
  CHECK(announces[0].left == 65536);
  CHECK(announces[1].event == TrackerEvent::Completed);
  CHECK(announces[1].left == 0);
  CHECK(announces[1].downloaded == 65536);
}

TEST_CASE("a choke drops every outstanding request and a peer that unchokes us gets them at once") {
  Fixture f;
  PeerConfig config = f.config();
  config.pipeline = 8;  // two whole pieces
  auto leecher = f.engine(false, config);
  leecher->start(Time{});
  const ConnectionId a = accept_peer(*leecher, 2, Time{});
  const ConnectionId b = accept_peer(*leecher, 3, Time{});
  leecher->on_message(a, full_bitfield(), Time{});
  leecher->on_message(b, full_bitfield(), Time{});
  leecher->on_message(a, simple(MessageType::Unchoke), Time{});
  const std::vector<Message> asked_a = requests_in(messages_to(leecher->take_outgoing(), a));
  REQUIRE(asked_a.size() == 8);
  // Everything a sent before its Choke came before it (TCP keeps the order): nothing more will.
  leecher->on_message(a, simple(MessageType::Choke), Time{});
  CHECK(has_event(leecher->take_events(), PeerEventKind::Choked));
  CHECK(leecher->take_outgoing().empty());
  CHECK(leecher->connections(Time{})[0].requests_out == 0);
  // Strict priority: b is asked for the eight blocks of the two started pieces.
  leecher->on_message(b, simple(MessageType::Unchoke), Time{});
  const std::vector<Message> asked_b = requests_in(messages_to(leecher->take_outgoing(), b));
  REQUIRE(asked_b.size() == 8);
  std::set<std::pair<std::uint32_t, std::uint32_t>> sa, sb;
  for (const Message& m : asked_a) sa.insert({m.index, m.begin});
  for (const Message& m : asked_b) sb.insert({m.index, m.begin});
  CHECK(sa.size() == 8);
  CHECK(sb == sa);
  // A block that comes anyway is new: stored, and b's copy is cancelled.
  leecher->on_message(a, f.piece(asked_a[0].index, asked_a[0].begin), Time{});
  CHECK(leecher->wasted() == 0);
  const std::vector<Message> to_b = messages_to(leecher->take_outgoing(), b);
  REQUIRE(to_b.size() == 2);
  CHECK(to_b[0] == block_message(MessageType::Cancel, asked_a[0].index, asked_a[0].begin, BlockSize));
  CHECK(to_b[1].type == MessageType::Request);  // the freed pipeline slot, for a new block
  CHECK(sa.count({to_b[1].index, to_b[1].begin}) == 0);
}

// The stall this guards against: a request kept after a choke was never answered (the peer had
// forgotten it) yet held the connection's only pipeline slot and counted as an end-game copy,
// so the last block was never asked again and the download never ended.
TEST_CASE("a peer that chokes and unchokes us again is asked again for what it dropped, and the download ends") {
  Fixture f;
  PeerConfig config = f.config();
  config.pipeline = 1;         // as at flow level
  config.end_game_copies = 2;  // likewise
  config.end_game_when_idle = true;
  auto leecher = f.engine(false, config);
  leecher->start(Time{});
  const ConnectionId a = accept_peer(*leecher, 2, Time{});
  leecher->on_message(a, full_bitfield(), Time{});
  Time now{};
  std::uint32_t served = 0;
  // a chokes us after every other block it receives a request for, then unchokes us again;
  // it answers only the requests that reach it while it unchokes us.
  leecher->on_message(a, simple(MessageType::Unchoke), now);
  for (int round = 0; round < 64 && !leecher->complete(); ++round) {
    now += milliseconds(10);
    const std::vector<Message> asked = requests_in(messages_to(leecher->take_outgoing(), a));
    REQUIRE(asked.size() == 1);  // always one request out at a peer that unchokes us
    if (round % 2 == 0) {
      leecher->on_message(a, simple(MessageType::Choke), now);
      CHECK(leecher->connections(now)[0].requests_out == 0);
      leecher->on_message(a, simple(MessageType::Unchoke), now);
    } else {
      leecher->on_message(a, f.piece(asked[0].index, asked[0].begin), now);
      ++served;
    }
  }
  CHECK(leecher->complete());
  CHECK(served == 16);
  CHECK(leecher->wasted() == 0);
}

TEST_CASE("without end game a choke drops every outstanding request") {
  Fixture f;
  PeerConfig config = f.config();
  config.end_game = false;
  auto leecher = f.engine(false, config);
  const ConnectionId a = accept_peer(*leecher, 2, Time{});
  leecher->on_message(a, full_bitfield(), Time{});
  leecher->on_message(a, simple(MessageType::Unchoke), Time{});
  CHECK(leecher->connections(Time{})[0].requests_out == 5);
  leecher->on_message(a, simple(MessageType::Choke), Time{});
  CHECK(leecher->connections(Time{})[0].requests_out == 0);
}

TEST_CASE("duplicate and unwanted blocks are counted as wasted and stored once") {
  Fixture f;
  auto leecher = f.engine(false);
  leecher->start(Time{});
  const ConnectionId a = accept_peer(*leecher, 2, Time{});
  leecher->on_message(a, full_bitfield(), Time{});
  leecher->on_message(a, f.piece(1, 0), Time{});  // never asked for, but new: kept
  CHECK(leecher->wasted() == 0);
  leecher->on_message(a, f.piece(1, 0), Time{});
  CHECK(leecher->wasted() == BlockSize);
  leecher->on_message(a, f.piece(1, 100, 4000), Time{});  // off the 4 KiB grid
  CHECK(leecher->wasted() == BlockSize + 4000);
  CHECK(leecher->downloaded() == 2 * BlockSize + 4000);
  CHECK(leecher->take_closes().empty());
}

TEST_CASE("the bytes of a piece on its way count for the download rate as they arrive, and once") {
  Fixture f;
  auto leecher = f.engine(false);
  leecher->start(Time{});
  const ConnectionId a = accept_peer(*leecher, 2, Time{});
  leecher->on_message(a, full_bitfield(), Time{});
  const Time t = Time{} + seconds(2);
  const auto rate = [&] { return leecher->connections(t)[0].download_rate; };
  CHECK(rate() == 0);
  leecher->on_piece_progress(a, BlockSize / 2, t);  // half the block so far, over 2 s
  CHECK(rate() == doctest::Approx(BlockSize / 2 / 2.0));
  leecher->on_piece_progress(a, BlockSize / 4, t);  // a stale report changes nothing
  CHECK(rate() == doctest::Approx(BlockSize / 2 / 2.0));
  leecher->on_message(a, f.piece(1, 0), t);  // the whole block: only the other half is new
  CHECK(rate() == doctest::Approx(BlockSize / 2.0));
  CHECK(leecher->downloaded() == BlockSize);  // counted once, when whole
  // The next piece's progress starts from nothing.
  leecher->on_piece_progress(a, BlockSize / 4, t);
  CHECK(rate() == doctest::Approx((BlockSize + BlockSize / 4) / 2.0));
  leecher->on_piece_progress(99, BlockSize, t);  // no such connection: ignored
  CHECK(rate() == doctest::Approx((BlockSize + BlockSize / 4) / 2.0));
}

TEST_CASE("end game asks every peer for the last blocks and cancels the copies once one arrives") {
  Fixture f;
  auto leecher = f.engine(false);
  leecher->start(Time{});
  const ConnectionId a = accept_peer(*leecher, 2, Time{});
  const ConnectionId b = accept_peer(*leecher, 3, Time{});
  for (ConnectionId c : {a, b}) {
    leecher->on_message(c, full_bitfield(), Time{});
    leecher->on_message(c, simple(MessageType::Unchoke), Time{});
  }
  std::vector<Outgoing> out = leecher->take_outgoing();
  std::vector<Message> queue_a = requests_in(messages_to(out, a));
  const std::vector<Message> asked_b = requests_in(messages_to(out, b));
  REQUIRE(asked_b.size() == 5);
  CHECK_FALSE(leecher->in_end_game());
  // Only a answers. After 16 - 10 = 6 more requests every block is asked for: end game.
  std::vector<Message> cancels_b;
  Time now{};
  while (!queue_a.empty()) {
    const Message r = queue_a.front();
    queue_a.erase(queue_a.begin());
    now += milliseconds(5);
    leecher->on_message(a, f.piece(r.index, r.begin, r.length), now);
    out = leecher->take_outgoing();
    for (const Message& m : requests_in(messages_to(out, a))) queue_a.push_back(m);
    for (const Message& m : messages_to(out, b))
      if (m.type == MessageType::Cancel) cancels_b.push_back(m);
  }
  const std::vector<PeerEvent> events = leecher->take_events();
  CHECK(events_of(events, PeerEventKind::EndGame).size() == 1);
  CHECK(leecher->complete());
  CHECK(leecher->wasted() == 0);
  // Every request b still had was cancelled, each once.
  REQUIRE(cancels_b.size() == 5);
  std::set<std::pair<std::uint32_t, std::uint32_t>> asked, cancelled;
  for (const Message& m : asked_b) asked.insert({m.index, m.begin});
  for (const Message& m : cancels_b) {
    cancelled.insert({m.index, m.begin});
    CHECK(m.length == BlockSize);
  }
  CHECK(asked == cancelled);
}

TEST_CASE("serving with pacing: a cancel removes a queued request and the queue is bounded") {
  Fixture f;
  PeerConfig config = f.config();
  config.pieces_in_flight = 1;
  config.max_queued_requests = 3;
  auto seed = f.engine(true, config);
  seed->start(Time{});
  const ConnectionId c = accept_peer(*seed, 2, Time{});
  seed->on_message(c, simple(MessageType::Interested), Time{});
  seed->take_outgoing();
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> blocks = {{0, 0}, {0, 4096}, {0, 8192}, {0, 12288}, {1, 0}};
  for (const auto& [index, begin] : blocks)
    seed->on_message(c, block_message(MessageType::Request, index, begin, BlockSize), Time{});
  // One piece out, three queued (the fifth request exceeds the bound and is dropped).
  std::vector<Message> out = messages_to(seed->take_outgoing(), c);
  REQUIRE(out.size() == 1);
  CHECK(out[0] == f.piece(0, 0));
  REQUIRE(seed->connections(Time{}).size() == 1);
  CHECK(seed->connections(Time{})[0].requests_in == 3);
  seed->on_message(c, block_message(MessageType::Cancel, 0, 4096, BlockSize), Time{});
  seed->on_piece_sent(c, Time{});
  out = messages_to(seed->take_outgoing(), c);
  REQUIRE(out.size() == 1);
  CHECK(out[0] == f.piece(0, 8192));
  // Choking the peer discards what it still has queued (BEP 3).
  seed->on_timer(Time{} + seconds(10));  // not interested any more: choked at the round
  seed->on_message(c, simple(MessageType::NotInterested), Time{} + seconds(10));
  seed->on_timer(Time{} + seconds(20));
  CHECK(messages_to(seed->take_outgoing(), c).back().type == MessageType::Choke);
  CHECK(seed->connections(Time{} + seconds(20))[0].requests_in == 0);
}

TEST_CASE("serving with pacing: a request already queued is not queued again") {
  // A downloader that gets several Choke/Unchoke pairs at once (they waited behind a piece)
  // answers each Unchoke with the same request: the block must go out once, not once per copy.
  Fixture f;
  PeerConfig config = f.config();
  config.pieces_in_flight = 1;
  auto seed = f.engine(true, config);
  seed->start(Time{});
  const ConnectionId c = accept_peer(*seed, 2, Time{});
  seed->on_message(c, simple(MessageType::Interested), Time{});
  seed->take_outgoing();
  for (int copy = 0; copy < 4; ++copy) seed->on_message(c, block_message(MessageType::Request, 3, 0, BlockSize), Time{});
  seed->on_message(c, block_message(MessageType::Request, 3, 4096, BlockSize), Time{});
  std::vector<Message> out = messages_to(seed->take_outgoing(), c);
  REQUIRE(out.size() == 1);
  CHECK(out[0] == f.piece(3, 0));
  // Queued: the next block once, not the copies of the one on its way; a copy of the queued
  // one changes nothing either.
  CHECK(seed->connections(Time{})[0].requests_in == 1);
  seed->on_message(c, block_message(MessageType::Request, 3, 4096, BlockSize), Time{});
  CHECK(seed->connections(Time{})[0].requests_in == 1);
  seed->on_piece_sent(c, Time{});
  out = messages_to(seed->take_outgoing(), c);
  REQUIRE(out.size() == 1);
  CHECK(out[0] == f.piece(3, 4096));
  seed->on_piece_sent(c, Time{});
  CHECK(messages_to(seed->take_outgoing(), c).empty());
  CHECK(seed->uploaded() == 2 * BlockSize);
}

TEST_CASE("malformed messages close the connection with a protocol error") {
  Fixture f;
  struct Case {
    Message message;
    std::string error;
  };
  Message short_bitfield = simple(MessageType::Bitfield);
  short_bitfield.bitfield = {0xF0, 0x00};
  Message spare_bits = simple(MessageType::Bitfield);
  spare_bits.bitfield = {0xF8};
  Message short_block = f.piece(0, 0);
  short_block.block = "abc";
  const std::vector<Case> cases = {
      {simple(MessageType::Have, 4), "have for piece 4 of 4"},
      {short_bitfield, "bitfield of 2 bytes for 4 pieces"},
      {spare_bits, "bitfield with spare bits set"},
      {block_message(MessageType::Request, 7, 0, BlockSize), "request for piece 7 of 4"},
      {block_message(MessageType::Request, 0, 0, 131073), "request of 131073 bytes, limit 131072"},
      {block_message(MessageType::Request, 0, 16000, 4096), "request for bytes 16000..20096 of piece 0, which has 16384"},
      {block_message(MessageType::Request, 0, 0, 0), "request of 0 bytes"},
      {block_message(MessageType::Cancel, 9, 0, BlockSize), "cancel for piece 9 of 4"},
      {block_message(MessageType::Piece, 3, 16384, 4096), "piece for bytes 16384..20480 of piece 3, which has 16384"},
      {short_block, "piece block of 3 bytes, length says 4096"},
      {simple(static_cast<MessageType>(20)), "unknown message type 20"},
  };
  for (const Case& k : cases) {
    CAPTURE(k.error);
    auto leecher = f.engine(false);
    const ConnectionId c = accept_peer(*leecher, 2, Time{});
    leecher->take_events();
    leecher->on_message(c, k.message, Time{});
    CHECK(leecher->take_closes() == std::vector<ConnectionId>{c});
    const std::vector<PeerEvent> events = leecher->take_events();
    REQUIRE(events.size() == 2);
    CHECK(events[0].kind == PeerEventKind::ProtocolError);
    CHECK(events[0].text == k.error);
    CHECK(events[1].kind == PeerEventKind::Closed);
    CHECK(leecher->connection_count() == 0);
  }
}

TEST_CASE("a bitfield after another message, a message before the handshake and a second handshake are errors") {
  Fixture f;
  auto leecher = f.engine(false);
  const ConnectionId c = accept_peer(*leecher, 2, Time{});
  leecher->on_message(c, simple(MessageType::Have, 1), Time{});
  leecher->on_message(c, full_bitfield(), Time{});
  CHECK(events_of(leecher->take_events(), PeerEventKind::ProtocolError)[0].text == "bitfield after the first message");

  const std::optional<ConnectionId> d = leecher->on_accepted(address(3), Time{});
  leecher->on_message(*d, simple(MessageType::Interested), Time{});
  CHECK(events_of(leecher->take_events(), PeerEventKind::ProtocolError)[0].text == "interested before the handshake");

  const ConnectionId e = accept_peer(*leecher, 4, Time{});
  leecher->on_handshake(e, Handshake{{}, f.info->info_hash, peer_id(4)}, Time{});
  CHECK(events_of(leecher->take_events(), PeerEventKind::ProtocolError)[0].text == "a second handshake");
  CHECK(leecher->connection_count() == 0);
}

TEST_CASE("the leecher unchokes its four best uploaders and rotates an optimistic unchoke every 30 s") {
  // No bytes carried: 2048 pieces of 16 KiB requested whole, peer k sending k pieces a second.
  auto info = std::make_shared<TorrentInfo>();
  info->length = 2048ull * 16384;
  info->piece_length = 16384;
  info->piece_hashes.resize(2048);
  info->info_hash = sha1("six peers");
  PeerConfig config;
  config.block_size = 16384;
  config.pipeline = 10;
  PeerEngine leecher(info, peer_id(1), address(1), config, 9, false, nullptr);
  leecher.start(Time{});
  std::map<ConnectionId, std::uint32_t> speed;
  std::map<ConnectionId, std::vector<Message>> asked;
  Message all = simple(MessageType::Bitfield);
  all.bitfield.assign(256, 0xFF);
  for (std::uint32_t k = 1; k <= 6; ++k) {
    const ConnectionId c = accept_peer(leecher, k + 1, Time{});
    speed[c] = k;
    leecher.on_message(c, all, Time{});
    leecher.on_message(c, simple(MessageType::Unchoke), Time{});
    leecher.on_message(c, simple(MessageType::Interested), Time{});
  }
  auto collect = [&] {
    for (const Outgoing& o : leecher.take_outgoing())
      if (const Message* m = std::get_if<Message>(&o.what); m && m->type == MessageType::Request)
        asked[o.connection].push_back(*m);
  };
  auto unchoked = [&](Time now) {
    std::set<std::uint32_t> ks;
    for (const ConnectionInfo& i : leecher.connections(now))
      if (!i.am_choking) ks.insert(speed[i.connection]);
    return ks;
  };
  collect();
  // At once: free slots for the first four, the fifth optimistic.
  CHECK(unchoked(Time{}) == std::set<std::uint32_t>{1, 2, 3, 4, 5});

  std::uint32_t optimistic_at_10 = 0;
  for (int second = 1; second <= 40; ++second) {
    const Time now = Time{} + seconds(second);
    for (auto& [c, k] : speed)
      for (std::uint32_t i = 0; i < k && !asked[c].empty(); ++i) {
        const Message r = asked[c].front();
        asked[c].erase(asked[c].begin());
        leecher.on_message(c, block_message(MessageType::Piece, r.index, r.begin, r.length), now);
      }
    collect();
    if (leecher.wake_at() && *leecher.wake_at() <= now) leecher.on_timer(now);
    collect();
    const std::set<std::uint32_t> set = unchoked(now);
    if (second == 10) {
      // Rates 6 > 5 > 4 > 3 win the regular slots; one of the two slow ones is optimistic.
      REQUIRE(set.size() == 5);
      for (std::uint32_t k : {3u, 4u, 5u, 6u}) CHECK(set.count(k) == 1);
      optimistic_at_10 = set.count(1) ? 1 : 2;
      CHECK(set.count(3 - optimistic_at_10) == 0);
    }
    if (second == 20 || second == 30 || second == 39)
      CHECK(set == std::set<std::uint32_t>{3, 4, 5, 6, optimistic_at_10});
    if (second == 40) CHECK(set == std::set<std::uint32_t>{3, 4, 5, 6, 3 - optimistic_at_10});
  }
  CHECK(leecher.wasted() == 0);
}

TEST_CASE("a seed sends a keep-alive after two minutes of silence") {
  Fixture f;
  auto seed = f.engine(true);
  seed->start(Time{});
  const ConnectionId c = accept_peer(*seed, 2, Time{});
  seed->take_outgoing();
  for (int s = 10; s <= 110; s += 10) seed->on_timer(Time{} + seconds(s));
  CHECK(seed->take_outgoing().empty());
  seed->on_timer(Time{} + seconds(120));
  CHECK(types_of(messages_to(seed->take_outgoing(), c)) == std::vector<MessageType>{MessageType::KeepAlive});
}

TEST_CASE("announces: started, dials from the answer, early re-announce while short of peers, retry after failure") {
  Fixture f;
  PeerConfig config = f.config();
  config.max_connections = 3;
  config.incoming_headroom = 1;
  auto leecher = f.engine(false, config);
  leecher->start(Time{});
  std::vector<Announce> a = leecher->take_announces();
  REQUIRE(a.size() == 1);
  CHECK(a[0].event == TrackerEvent::Started);
  CHECK(a[0].left == 65536);
  CHECK(a[0].numwant == 3);

  // Peer 5 reached us first; our own address and the same peer twice are skipped too.
  PeerAddress five = address(5);
  five.port = 40001;
  REQUIRE(leecher->on_accepted(five, Time{}));
  leecher->on_announce_response({address(1), address(2), address(2), address(5), address(3), address(4)}, seconds(900),
                                Time{});
  const std::vector<Dial> dials = leecher->take_dials();
  REQUIRE(dials.size() == 2);  // 2 and 3: then the limit of 3 connections is reached
  CHECK(dials[0].address == address(2));
  CHECK(dials[1].address == address(3));
  CHECK(leecher->on_accepted(address(6), Time{}));        // 4th: within the headroom
  CHECK_FALSE(leecher->on_accepted(address(7), Time{}));  // 5th: refused

  // Fewer than 20 connections: announce again after 60 s, not after 900.
  CHECK(leecher->wake_at() == Time{} + seconds(10));
  leecher->on_timer(Time{} + seconds(50));
  CHECK(leecher->take_announces().empty());
  leecher->on_timer(Time{} + seconds(60));
  a = leecher->take_announces();
  REQUIRE(a.size() == 1);
  CHECK(a[0].event == TrackerEvent::None);

  // A failed "started" is sent again 60 s later.
  auto other = f.engine(false);
  other->start(Time{});
  other->take_announces();
  other->on_announce_failed(Time{} + seconds(5));
  other->on_timer(Time{} + seconds(30));
  CHECK(other->take_announces().empty());
  other->on_timer(Time{} + seconds(65));
  a = other->take_announces();
  REQUIRE(a.size() == 1);
  CHECK(a[0].event == TrackerEvent::Started);

  // A seed waits for the tracker's interval.
  auto seed = f.engine(true);
  seed->start(Time{});
  seed->on_announce_response({}, seconds(900), Time{});
  seed->take_announces();
  for (int s = 10; s < 900; s += 10) seed->on_timer(Time{} + seconds(s));
  CHECK(seed->take_announces().empty());
  seed->on_timer(Time{} + seconds(900));
  a = seed->take_announces();
  REQUIRE(a.size() == 1);
  CHECK(a[0].event == TrackerEvent::None);
  CHECK(a[0].left == 0);
}

TEST_CASE("events describe themselves in one line") {
  CHECK(describe({PeerEventKind::PieceVerified, 3, 12, {}}) == "#3 piece 12 verified");
  CHECK(describe({PeerEventKind::ProtocolError, 7, 0, "have for piece 900 of 450"}) ==
        "#7 protocol error: have for piece 900 of 450");
  CHECK(describe({PeerEventKind::Completed, 0, 0, {}}) == "download complete");
  CHECK(to_string(PeerEventKind::UnchokeRound) == "unchoke-round");
}

TEST_CASE("random messages from several peers never break the engine's bookkeeping") {
  Fixture f;
  Random random(42, "fuzz");
  for (int run = 0; run < 20; ++run) {
    auto engine = f.engine(run % 2 == 0, f.config(), run);
    engine->start(Time{});
    std::vector<ConnectionId> peers;
    Time now{};
    for (int i = 0; i < 400; ++i) {
      now += milliseconds(static_cast<std::int64_t>(random.uniform_int(0, 3000)));
      const std::uint64_t what = random.uniform_int(0, 20);
      if (what == 0 || peers.empty()) {
        if (std::optional<ConnectionId> c = engine->on_accepted(address(static_cast<std::uint32_t>(10 + i)), now)) {
          engine->on_handshake(*c, Handshake{{}, f.info->info_hash, peer_id(static_cast<std::uint32_t>(10 + i))}, now);
          peers.push_back(*c);
        }
        continue;
      }
      const ConnectionId c = peers[random.uniform_int(0, peers.size() - 1)];
      if (what == 1) {
        engine->on_closed(c, now);
        continue;
      }
      if (what == 2) {
        engine->on_timer(now);
        continue;
      }
      Message m = simple(static_cast<MessageType>(random.uniform_int(0, 9)), static_cast<std::uint32_t>(random.uniform_int(0, 4)));
      m.begin = static_cast<std::uint32_t>(random.uniform_int(0, 4) * 4096);
      m.length = random.bernoulli(0.9) ? BlockSize : static_cast<std::uint32_t>(random.uniform_int(0, 20000));
      if (m.type == MessageType::Bitfield) m.bitfield = {static_cast<std::uint8_t>(random.uniform_int(0, 255))};
      if (m.type == MessageType::Piece && m.index < 4 && m.begin + m.length <= PieceLength)
        m = f.piece(m.index, m.begin, m.length);
      engine->on_message(c, m, now);
    }
    // Whatever happened, the counters agree with each other.
    CHECK(engine->downloaded() >= engine->wasted());
    CHECK(engine->left() + engine->have().count() * std::uint64_t{PieceLength} == 65536);
    for (std::uint32_t p = 0; p < 4; ++p)
      if (engine->have().test(p)) CHECK(engine->piece_data(p) == f.content->substr(p * PieceLength, PieceLength));
  }
}

// A seed choosing by upload rate keeps feeding the same peers; round robin (least served
// first) moves its regular slots on to peers it has not served yet at the next round.
TEST_CASE("a round-robin seed gives its regular slots to the least served peers at each round") {
  auto info = std::make_shared<TorrentInfo>();
  info->length = 2048ull * 16384;
  info->piece_length = 16384;
  info->piece_hashes.resize(2048);
  info->info_hash = sha1("round robin");
  for (bool round_robin : {false, true}) {
    CAPTURE(round_robin);
    PeerConfig config;
    config.unchoke_slots = 2;
    config.seed_round_robin = round_robin;
    PeerEngine seed(info, peer_id(1), address(1), config, 5, true, nullptr);
    seed.start(Time{});
    std::vector<ConnectionId> peers;
    for (std::uint32_t k = 0; k < 6; ++k) {
      const ConnectionId c = accept_peer(seed, k + 2, Time{});
      seed.on_message(c, simple(MessageType::Interested), Time{});
      peers.push_back(c);
    }
    (void)seed.take_outgoing();
    const std::vector<ConnectionId> first = seed.regular_unchoked();
    REQUIRE(first.size() == 2);
    // Each second the unchoked peers ask for a block and get it.
    std::uint32_t next = 0;
    for (int second = 1; second <= 10; ++second) {
      const Time now = Time{} + seconds(second);
      for (ConnectionId c : peers)
        if (std::find(first.begin(), first.end(), c) != first.end() || seed.optimistic_unchoke() == c)
          seed.on_message(c, block_message(MessageType::Request, next++ % 2048, 0, 16384), now);
      if (seed.wake_at() && *seed.wake_at() <= now) seed.on_timer(now);
      (void)seed.take_outgoing();
    }
    const std::vector<ConnectionId> later = seed.regular_unchoked();
    REQUIRE(later.size() == 2);
    const bool moved_on = std::none_of(later.begin(), later.end(), [&](ConnectionId c) {
      return std::find(first.begin(), first.end(), c) != first.end();
    });
    CHECK(moved_on == round_robin);
  }
}
