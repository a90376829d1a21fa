// Whom we upload to (Cohen 2003 3.1-3.3, BEP 3 "choking"): every rechoke round the `slots`
// interested peers with the best rate stay unchoked (tit-for-tat), plus one optimistic unchoke
// that rotates every optimistic interval to a random choked interested peer, newcomers three
// times as likely. Anti-snubbing is left out.
#pragma once

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
  // once if it left, lost interest or earned a regular slot.
  std::vector<ConnectionId> rechoke(std::vector<ChokeCandidate> candidates, Time now);
  // Between rounds: gives free regular slots (and a vacant optimistic one) to choked interested
  // candidates, best rate first. Returns the connections newly unchoked.
  std::vector<ConnectionId> fill_free_slots(std::vector<ChokeCandidate> candidates, Time now);
  void forget(ConnectionId connection);

  bool is_unchoked(ConnectionId connection) const;
  const std::vector<ConnectionId>& regular() const { return regular_; }
  std::optional<ConnectionId> optimistic() const { return optimistic_; }

 private:
  // Best rate first; equal rates in random order, so ties do not always favour the same peer.
  // Only the first `first` are in order afterwards; rank_rest orders the others.
  void rank(std::vector<ChokeCandidate>& candidates, std::size_t first);
  void rank_rest(std::vector<ChokeCandidate>& candidates, std::size_t from);
  std::optional<ConnectionId> draw_optimistic(const std::vector<ChokeCandidate>& pool);

  // rank()'s scratch: a candidate with its sort keys.
  struct Ranked {
    ChokeCandidate candidate;
    int standing;         // 2 regular, 1 optimistic, 0 choked
    std::uint32_t place;  // after the shuffle
  };
  static bool before(const Ranked& a, const Ranked& b);  // rank's order
  std::vector<Ranked> ranked_;

  std::uint32_t slots_;
  Duration optimistic_interval_;
  std::vector<ConnectionId> regular_;
  std::optional<ConnectionId> optimistic_;
  Time rotate_at_{};
  Random random_;
};

}  // namespace wiresim::bittorrent
