// Whom we upload to (Cohen 2003 3.1-3.3, BEP 3 "choking"): every rechoke round the `slots`
// interested peers with the best rate stay unchoked (tit-for-tat), plus one optimistic unchoke
// that rotates every optimistic interval to a random choked interested peer, newcomers three
// times as likely. Anti-snubbing is left out.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "protocols/bittorrent/peer_events.hpp"
#include "sim/core/random.hpp"
#include "sim/core/time.hpp"

namespace wiresim::bittorrent {

struct ChokeCandidate {
  ConnectionId connection = 0;
  bool interested = false;  // the peer wants to download from us; only these are unchoked
  double rate = 0;          // bytes/s: what it gives us while we leech, what we give it as a seed
  bool newcomer = false;    // connected within the last optimistic interval
};

class Choker {
 public:
  Choker(std::uint32_t slots, Duration optimistic_interval, std::uint64_t random_seed);

  // A rechoke round: the connections to leave unchoked, in increasing order. The optimistic
  // peer keeps its place until the interval since it was chosen has passed; it is replaced at
  // once if it left, lost interest or earned a regular slot. The list returned (here and by
  // fill_free_slots) is valid until the next call to any choker of this thread: the lists a
  // call works on are shared by all of them (see choker.cpp).
  const std::vector<ConnectionId>& rechoke(const std::vector<ChokeCandidate>& candidates, Time now);
  // Between rounds: gives free regular slots (and a vacant optimistic one) to choked interested
  // candidates, best rate first. Returns the connections newly unchoked.
  const std::vector<ConnectionId>& fill_free_slots(const std::vector<ChokeCandidate>& candidates, Time now);
  void forget(ConnectionId connection);

  bool is_unchoked(ConnectionId connection) const;
  // Whether fill_free_slots can unchoke anyone; when it cannot, it reads no rates.
  bool has_free_slot() const { return regular_.size() < slots_ || !optimistic_; }
  const std::vector<ConnectionId>& regular() const { return regular_; }
  std::optional<ConnectionId> optimistic() const { return optimistic_; }

 private:
  // Best rate first; equal rates in random order, so ties do not always favour the same peer.
  // Afterwards ranked(i) is the i-th candidate for i < `first`; rank_rest orders the others.
  void rank(const std::vector<ChokeCandidate>& candidates, std::size_t first);
  bool is_regular(ConnectionId connection) const {
    return std::find(regular_.begin(), regular_.end(), connection) != regular_.end();
  }
  void shuffle(std::size_t n);  // the scratch's indices 0..n-1 in random order
  void rank_rest(std::size_t from);
  static std::size_t ranked(std::size_t i);
  // Interested, and with choked_only, not unchoked already: a candidate for a slot.
  bool takes_part(const ChokeCandidate& c, bool choked_only) const;
  const std::vector<ChokeCandidate>& eligible(const std::vector<ChokeCandidate>& all, bool choked_only) const;
  std::optional<ConnectionId> draw_optimistic(const std::vector<ChokeCandidate>& pool);

  std::uint32_t slots_;
  Duration optimistic_interval_;
  std::vector<ConnectionId> regular_;
  std::optional<ConnectionId> optimistic_;
  Time rotate_at_{};
  Random random_;
};

}  // namespace wiresim::bittorrent
