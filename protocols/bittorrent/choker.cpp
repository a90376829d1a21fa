#include "protocols/bittorrent/choker.hpp"

#include <algorithm>

namespace wiresim::bittorrent {

Choker::Choker(std::uint32_t slots, Duration optimistic_interval, std::uint64_t random_seed)
    : slots_(slots), optimistic_interval_(optimistic_interval), random_(random_seed, "bittorrent.choker") {}

bool Choker::is_unchoked(ConnectionId connection) const {
  return optimistic_ == connection || std::find(regular_.begin(), regular_.end(), connection) != regular_.end();
}

void Choker::forget(ConnectionId connection) {
  regular_.erase(std::remove(regular_.begin(), regular_.end(), connection), regular_.end());
  if (optimistic_ == connection) optimistic_.reset();
}

// rank's order: the better rate, then the better standing, then the earlier place.
bool Choker::before(const Ranked& a, const Ranked& b) {
  if (a.candidate.rate != b.candidate.rate) return a.candidate.rate > b.candidate.rate;
  if (a.standing != b.standing) return a.standing > b.standing;
  return a.place < b.place;
}

// Equal rates keep the regular peers ahead of the optimistic one and both ahead of the rest, so
// that a round with no news (often: every rate 0 while whole pieces are in flight) changes
// nothing; Cohen 2003 3.1 warns against such "fibrillation". The rest of a tie is in random
// order: a shuffle, then a sort on (rate, standing, place after the shuffle), which orders as a
// stable sort of the shuffled candidates would, with each key computed once rather than at
// every comparison. Only the first `first` are put in order: a round needs the best few, and
// the order of the rest only when it draws an optimistic peer among them (rank_rest). A
// swarm's peers rank dozens of connections every 10 s.
void Choker::rank(std::vector<ChokeCandidate>& candidates, std::size_t first) {
  for (std::size_t i = candidates.size(); i > 1; --i)
    std::swap(candidates[i - 1], candidates[random_.uniform_int(0, i - 1)]);
  ranked_.clear();
  for (std::uint32_t i = 0; i < candidates.size(); ++i) {
    const ConnectionId c = candidates[i].connection;
    const int standing = std::find(regular_.begin(), regular_.end(), c) != regular_.end() ? 2 : optimistic_ == c ? 1 : 0;
    ranked_.push_back({candidates[i], standing, i});
  }
  first = std::min(first, ranked_.size());
  std::partial_sort(ranked_.begin(), ranked_.begin() + static_cast<std::ptrdiff_t>(first), ranked_.end(),
                    [](const Ranked& a, const Ranked& b) { return before(a, b); });
  for (std::size_t i = 0; i < ranked_.size(); ++i) candidates[i] = ranked_[i].candidate;
}

// The candidates from `from` on in order too; the first `from` are already (rank).
void Choker::rank_rest(std::vector<ChokeCandidate>& candidates, std::size_t from) {
  from = std::min(from, ranked_.size());
  std::sort(ranked_.begin() + static_cast<std::ptrdiff_t>(from), ranked_.end(),
            [](const Ranked& a, const Ranked& b) { return before(a, b); });
  for (std::size_t i = from; i < ranked_.size(); ++i) candidates[i] = ranked_[i].candidate;
}

// Cohen 2003 3.3 as the mainline client did it: a peer that connected recently is three times
// as likely to be chosen, since it has nothing yet to trade and needs a first piece.
std::optional<ConnectionId> Choker::draw_optimistic(const std::vector<ChokeCandidate>& pool) {
  std::uint64_t total = 0;
  for (const ChokeCandidate& c : pool) total += c.newcomer ? 3 : 1;
  if (total == 0) return std::nullopt;
  std::uint64_t ticket = random_.uniform_int(0, total - 1);
  for (const ChokeCandidate& c : pool) {
    const std::uint64_t weight = c.newcomer ? 3 : 1;
    if (ticket < weight) return c.connection;
    ticket -= weight;
  }
  return std::nullopt;
}

std::vector<ConnectionId> Choker::rechoke(std::vector<ChokeCandidate> candidates, Time now) {
  std::erase_if(candidates, [](const ChokeCandidate& c) { return !c.interested; });
  rank(candidates, slots_);
  regular_.clear();
  for (std::size_t i = 0; i < candidates.size() && i < slots_; ++i) regular_.push_back(candidates[i].connection);

  const auto in_regular = [&](ConnectionId c) { return std::find(regular_.begin(), regular_.end(), c) != regular_.end(); };
  const bool still_fits = optimistic_ && !in_regular(*optimistic_) &&
                          std::any_of(candidates.begin(), candidates.end(),
                                      [&](const ChokeCandidate& c) { return c.connection == *optimistic_; });
  if (!still_fits || now >= rotate_at_) {
    rank_rest(candidates, slots_);
    std::vector<ChokeCandidate> pool;
    pool.reserve(candidates.size());
    for (const ChokeCandidate& c : candidates)
      if (!in_regular(c.connection) && c.connection != optimistic_) pool.push_back(c);
    if (std::optional<ConnectionId> chosen = draw_optimistic(pool)) {
      optimistic_ = chosen;
      rotate_at_ = now + optimistic_interval_;
    } else if (!still_fits) {
      optimistic_.reset();  // nobody else to try: a peer that still fits keeps its turn
    }
  }

  std::vector<ConnectionId> unchoked = regular_;
  if (optimistic_) unchoked.push_back(*optimistic_);
  std::sort(unchoked.begin(), unchoked.end());
  return unchoked;
}

std::vector<ConnectionId> Choker::fill_free_slots(std::vector<ChokeCandidate> candidates, Time now) {
  std::erase_if(candidates, [&](const ChokeCandidate& c) { return !c.interested || is_unchoked(c.connection); });
  rank(candidates, slots_ > regular_.size() ? slots_ - regular_.size() : 0);
  std::vector<ConnectionId> added;
  std::size_t next = 0;
  for (; next < candidates.size() && regular_.size() < slots_; ++next) {
    regular_.push_back(candidates[next].connection);
    added.push_back(candidates[next].connection);
  }
  if (!optimistic_ && next < candidates.size()) {
    rank_rest(candidates, next);
    const std::vector<ChokeCandidate> rest(candidates.begin() + static_cast<std::ptrdiff_t>(next), candidates.end());
    optimistic_ = draw_optimistic(rest);
    rotate_at_ = now + optimistic_interval_;
    if (optimistic_) added.push_back(*optimistic_);
  }
  return added;
}

}  // namespace wiresim::bittorrent
