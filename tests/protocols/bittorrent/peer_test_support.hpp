// Helpers for the peer engine tests: a small torrent built from our own bytes, peer ids and
// addresses, a hand-driven remote end for one engine, and a Swarm that joins several engines
// through in-memory connections (one FIFO per direction, like TCP) with a fake clock and a
// tracker that knows every member.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "protocols/bittorrent/peer_engine.hpp"
#include "protocols/bittorrent/sha1.hpp"
#include "sim/core/random.hpp"

namespace wiresim::bittorrent::test {

// Bytes that differ from piece to piece and block to block.
inline std::string make_content(std::size_t size, std::uint64_t seed = 1) {
  Random random(seed, "content");
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(random.uniform_int(0, 255));
  return out;
}

inline std::shared_ptr<const TorrentInfo> make_info(const std::string& content, std::uint32_t piece_length) {
  auto info = std::make_shared<TorrentInfo>();
  info->name = "test.bin";
  info->length = content.size();
  info->piece_length = piece_length;
  for (std::size_t at = 0; at < content.size(); at += piece_length)
    info->piece_hashes.push_back(sha1(std::string_view(content).substr(at, piece_length)));
  info->info_hash = sha1("the test torrent");
  info->announce = "http://tracker.test/announce";
  return info;
}

inline PeerId peer_id(std::uint32_t n) {
  PeerId id{};
  const std::string prefix = "-WS0001-";
  std::copy(prefix.begin(), prefix.end(), id.begin());
  id[19] = static_cast<std::uint8_t>(n);
  id[18] = static_cast<std::uint8_t>(n >> 8);
  return id;
}

inline PeerAddress address(std::uint32_t n) { return {0x0A000000u + n, 6881}; }

inline Message simple(MessageType type, std::uint32_t index = 0) {
  Message m;
  m.type = type;
  m.index = index;
  return m;
}

inline Message block_message(MessageType type, std::uint32_t index, std::uint32_t begin, std::uint32_t length) {
  Message m = simple(type, index);
  m.begin = begin;
  m.length = length;
  return m;
}

inline Message piece_message(const std::string& content, std::uint32_t piece_length, std::uint32_t index,
                             std::uint32_t begin, std::uint32_t length) {
  Message m = block_message(MessageType::Piece, index, begin, length);
  m.block = content.substr(std::uint64_t{index} * piece_length + begin, length);
  return m;
}

inline std::vector<Message> messages_to(const std::vector<Outgoing>& out, ConnectionId c) {
  std::vector<Message> messages;
  for (const Outgoing& o : out)
    if (o.connection == c)
      if (const Message* m = std::get_if<Message>(&o.what)) messages.push_back(*m);
  return messages;
}

inline std::vector<MessageType> types_of(const std::vector<Message>& messages) {
  std::vector<MessageType> types;
  for (const Message& m : messages) types.push_back(m.type);
  return types;
}

inline bool has_event(const std::vector<PeerEvent>& events, PeerEventKind kind) {
  return std::any_of(events.begin(), events.end(), [&](const PeerEvent& e) { return e.kind == kind; });
}

inline std::vector<PeerEvent> events_of(const std::vector<PeerEvent>& events, PeerEventKind kind) {
  std::vector<PeerEvent> out;
  for (const PeerEvent& e : events)
    if (e.kind == kind) out.push_back(e);
  return out;
}

// A remote peer played by the test: accepted by the engine under test, handshake done.
inline ConnectionId accept_peer(PeerEngine& engine, std::uint32_t n, Time now) {
  const std::optional<ConnectionId> c = engine.on_accepted(address(n), now);
  REQUIRE(c);
  engine.on_handshake(*c, Handshake{{}, engine.torrent().info_hash, peer_id(n)}, now);
  return *c;
}

// Several engines wired together. Each direction of a connection is a FIFO; `step` delivers
// the head of one of them (the oldest, or a random one when shuffling), then the engines' output
// is carried out at once: dials connect, closes reach the other end, announces get an answer.
class Swarm {
 public:
  struct Node {
    std::unique_ptr<PeerEngine> engine;
    PeerAddress address;
    std::vector<PeerEvent> events;
    std::vector<Announce> announces;
  };

  explicit Swarm(std::uint64_t seed = 0, bool shuffle = false) : random_(seed, "swarm"), shuffle_(shuffle) {}

  std::size_t add(std::shared_ptr<const TorrentInfo> info, PeerConfig config, bool seed,
                  std::shared_ptr<const std::string> content) {
    const auto n = static_cast<std::uint32_t>(nodes_.size());
    Node node;
    node.address = address(n + 1);
    node.engine = std::make_unique<PeerEngine>(std::move(info), peer_id(n + 1), node.address, config, 1000 + n, seed,
                                               std::move(content));
    nodes_.push_back(std::move(node));
    return n;
  }

  Node& node(std::size_t i) { return nodes_[i]; }
  PeerEngine& engine(std::size_t i) { return *nodes_[i].engine; }
  Time now() const { return now_; }

  void start_all() {
    for (Node& n : nodes_) n.engine->start(now_);
    settle();
  }

  // Runs until `done` holds or nothing is left to do; false if it gave up.
  bool run(const std::function<bool()>& done, std::size_t max_steps = 200000) {
    for (std::size_t i = 0; i < max_steps; ++i) {
      if (done()) return true;
      if (!step()) return done();
    }
    return done();
  }

  // One delivery (1 ms later), or a jump to the next timer when every pipe is empty.
  bool step() {
    std::vector<Key> ready;
    for (auto& [key, end] : ends_)
      if (!end.inbox.empty()) ready.push_back(key);
    if (ready.empty()) {
      std::optional<Time> next;
      for (Node& n : nodes_)
        if (std::optional<Time> w = n.engine->wake_at()) next = next ? std::min(*next, *w) : *w;
      if (!next || *next > limit_) return false;
      now_ = std::max(now_, *next);
      fire_timers();
      return true;
    }
    now_ += milliseconds(1);
    // In order of sending, or a random connection's next message when shuffling.
    Key key = ready.front();
    if (shuffle_) {
      key = ready[random_.uniform_int(0, ready.size() - 1)];
    } else {
      for (const Key& k : ready)
        if (ends_.at(k).inbox.front().first < ends_.at(key).inbox.front().first) key = k;
    }
    End& end = ends_.at(key);
    std::variant<Handshake, Message> what = std::move(end.inbox.front().second);
    end.inbox.pop_front();
    PeerEngine& e = engine(key.first);
    if (const Handshake* h = std::get_if<Handshake>(&what)) {
      e.on_handshake(key.second, *h, now_);
    } else {
      const Message& m = std::get<Message>(what);
      if (m.type == MessageType::Choke) end.choked_by_remote = true;
      if (m.type == MessageType::Unchoke) end.choked_by_remote = false;
      e.on_message(key.second, m, now_);
    }
    fire_timers();
    settle();
    return true;
  }

  // Carries out every engine's output until none is left.
  void settle() {
    for (bool busy = true; busy;) {
      busy = false;
      for (std::size_t i = 0; i < nodes_.size(); ++i) busy |= drain(i);
    }
  }

  // Seen on the way: a request sent by a peer whose last news from the other end was a choke.
  std::size_t requests_while_choked = 0;
  std::size_t pieces_sent = 0;
  // Lets a test change or drop a message in transit: return false to drop it.
  std::function<bool(std::size_t from, Message&)> tamper;
  Time limit_ = Time{} + seconds(3600);

 private:
  using Key = std::pair<std::size_t, ConnectionId>;
  struct End {
    Key remote;
    std::deque<std::pair<std::uint64_t, std::variant<Handshake, Message>>> inbox;  // (sent as n-th, message)
    bool choked_by_remote = true;                        // BEP 3: connections start choked
  };

  void fire_timers() {
    for (Node& n : nodes_)
      if (std::optional<Time> w = n.engine->wake_at(); w && *w <= now_) n.engine->on_timer(now_);
    settle();
  }

  bool drain(std::size_t i) {
    PeerEngine& e = engine(i);
    bool any = false;
    for (PeerEvent& ev : e.take_events()) {
      nodes_[i].events.push_back(std::move(ev));
      any = true;
    }
    for (Outgoing& o : e.take_outgoing()) {
      any = true;
      auto it = ends_.find({i, o.connection});
      if (it == ends_.end()) continue;
      if (Message* m = std::get_if<Message>(&o.what)) {
        if (m->type == MessageType::Request && it->second.choked_by_remote) ++requests_while_choked;
        if (m->type == MessageType::Piece) ++pieces_sent;
        if (tamper && !tamper(i, *m)) continue;
      }
      ends_.at(it->second.remote).inbox.emplace_back(sent_++, std::move(o.what));
    }
    for (ConnectionId c : e.take_closes()) {
      any = true;
      auto it = ends_.find({i, c});
      if (it == ends_.end()) continue;
      const Key remote = it->second.remote;
      ends_.erase(it);
      ends_.erase(remote);
      engine(remote.first).on_closed(remote.second, now_);
    }
    for (const Dial& d : e.take_dials()) {
      any = true;
      auto target = std::find_if(nodes_.begin(), nodes_.end(), [&](const Node& n) { return n.address == d.address; });
      if (target == nodes_.end()) {
        e.on_dial_failed(d.connection, now_);
        continue;
      }
      const auto j = static_cast<std::size_t>(target - nodes_.begin());
      PeerAddress from = nodes_[i].address;
      from.port = static_cast<std::uint16_t>(40000 + d.connection);
      const std::optional<ConnectionId> accepted = engine(j).on_accepted(from, now_);
      if (!accepted) {
        e.on_dial_failed(d.connection, now_);
        continue;
      }
      ends_[{i, d.connection}].remote = {j, *accepted};
      ends_[{j, *accepted}].remote = {i, d.connection};
      e.on_connected(d.connection, now_);
    }
    for (const Announce& a : e.take_announces()) {
      any = true;
      nodes_[i].announces.push_back(a);
      if (a.event == TrackerEvent::Stopped) {
        members_.erase(i);
        continue;
      }
      members_.insert({i, true});
      std::vector<PeerAddress> peers;
      for (const auto& [m, yes] : members_) peers.push_back(nodes_[m].address);
      e.on_announce_response(std::move(peers), seconds(1800), now_);
    }
    return any;
  }

  std::vector<Node> nodes_;
  std::map<Key, End> ends_;
  std::map<std::size_t, bool> members_;
  Time now_{};
  std::uint64_t sent_ = 0;
  Random random_;
  bool shuffle_;
};

}  // namespace wiresim::bittorrent::test
