#include "protocols/bittorrent/choker.hpp"

#include <algorithm>
#include <bit>
#include <functional>

namespace wiresim::bittorrent {

Choker::Choker(std::uint32_t slots, Duration optimistic_interval, std::uint64_t random_seed)
    : slots_(slots), optimistic_interval_(optimistic_interval), random_(random_seed, "bittorrent.choker") {}

bool Choker::is_unchoked(ConnectionId connection) const {
  return optimistic_ == connection || is_regular(connection);
}

void Choker::forget(ConnectionId connection) {
  regular_.erase(std::remove(regular_.begin(), regular_.end(), connection), regular_.end());
  if (optimistic_ == connection) optimistic_.reset();
}

namespace {

// A rate's bits as an unsigned number that orders as the rates do (rates are never NaN). -0.0,
// a seed's round robin for a peer served nothing, ties with 0.0 as it compares equal to it.
std::uint64_t ordered_bits(double rate) {
  if (rate == 0) rate = 0;
  const auto bits = std::bit_cast<std::uint64_t>(rate);
  return bits >> 63 ? ~bits : bits | (std::uint64_t{1} << 63);
}

// rank()'s order as one 128-bit number per candidate, the larger first: the rate, then the
// standing (2 regular, 1 optimistic, 0 choked), then the earlier place after the shuffle.
struct Key {
  std::uint64_t rate;             // the rate's bits, ordered as the rates are
  std::uint64_t standing_place;   // standing << 32 | (UINT32_MAX - place)
  std::uint32_t place() const { return UINT32_MAX - static_cast<std::uint32_t>(standing_place); }
  friend bool operator>(const Key& a, const Key& b) {
    return a.rate != b.rate ? a.rate > b.rate : a.standing_place > b.standing_place;
  }
};

// What one call works on: the interested candidates, their indices in shuffled order, their
// keys, the optimistic draw's pool, and the list returned. One set for every choker of the
// thread, not one each: a swarm of thousands of peers, each with lists of its own, wrote into
// thousands of cold copies (cachegrind, N = 300: a fifth of the run's write misses), where one
// shared set stays in cache.
struct Scratch {
  std::vector<ChokeCandidate> candidates;
  std::vector<std::uint32_t> shuffled;
  std::vector<Key> order;
  std::vector<ChokeCandidate> pool;
  std::vector<ConnectionId> result;
};
thread_local Scratch scratch;

}  // namespace

std::size_t Choker::ranked(std::size_t i) { return scratch.shuffled[scratch.order[i].place()]; }

void Choker::shuffle(std::size_t n) {
  std::vector<std::uint32_t>& shuffled = scratch.shuffled;
  shuffled.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) shuffled[i] = i;
  for (std::size_t i = n; i > 1; --i) std::swap(shuffled[i - 1], shuffled[random_.uniform_int(0, i - 1)]);
}

// Equal rates keep the regular peers ahead of the optimistic one and both ahead of the rest, so
// that a round with no news (often: every rate 0 while whole pieces are in flight) changes
// nothing; Cohen 2003 3.1 warns against such "fibrillation". The rest of a tie is in random
// order: a shuffle, then a sort on (rate, standing, place after the shuffle), which orders as a
// stable sort of the shuffled candidates would. Each key is computed once, as one 128-bit
// number, and only the first `first` are put in order: a round needs the best few, and the
// order of the rest only when it draws an optimistic peer among them (rank_rest). A swarm's
// peers rank dozens of connections every 10 s; this was a tenth of a flow-level run.
void Choker::rank(const std::vector<ChokeCandidate>& candidates, std::size_t first) {
  const auto n = static_cast<std::uint32_t>(candidates.size());
  shuffle(n);
  std::vector<Key>& order = scratch.order;
  order.resize(n);
  for (std::uint32_t place = 0; place < n; ++place) {
    const ChokeCandidate& c = candidates[scratch.shuffled[place]];
    const std::uint64_t standing = is_regular(c.connection) ? 2 : optimistic_ == c.connection ? 1 : 0;
    order[place] = {ordered_bits(c.rate), standing << 32 | (UINT32_MAX - place)};
  }
  const auto middle = order.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(first, n));
  std::partial_sort(order.begin(), middle, order.end(), std::greater<>());
}

// The candidates from `from` on in order too; the first `from` are already (rank).
void Choker::rank_rest(std::size_t from) {
  std::vector<Key>& order = scratch.order;
  std::sort(order.begin() + static_cast<std::ptrdiff_t>(std::min(from, order.size())), order.end(), std::greater<>());
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

bool Choker::takes_part(const ChokeCandidate& c, bool choked_only) const {
  return c.interested && !(choked_only && is_unchoked(c.connection));
}

// The candidates that take part: `all` itself when that is all of them (a rechoke round's,
// from an engine that hands over only interested peers).
const std::vector<ChokeCandidate>& Choker::eligible(const std::vector<ChokeCandidate>& all, bool choked_only) const {
  const auto in = [&](const ChokeCandidate& c) { return takes_part(c, choked_only); };
  if (std::all_of(all.begin(), all.end(), in)) return all;
  scratch.candidates.clear();
  for (const ChokeCandidate& c : all)
    if (in(c)) scratch.candidates.push_back(c);
  return scratch.candidates;
}

const std::vector<ConnectionId>& Choker::rechoke(const std::vector<ChokeCandidate>& all, Time now) {
  const std::vector<ChokeCandidate>& candidates = eligible(all, false);
  rank(candidates, slots_);
  regular_.clear();
  for (std::size_t i = 0; i < candidates.size() && i < slots_; ++i) regular_.push_back(candidates[ranked(i)].connection);

  const bool still_fits = optimistic_ && !is_regular(*optimistic_) &&
                          std::any_of(candidates.begin(), candidates.end(),
                                      [&](const ChokeCandidate& c) { return c.connection == *optimistic_; });
  if (!still_fits || now >= rotate_at_) {
    rank_rest(slots_);
    std::vector<ChokeCandidate>& pool = scratch.pool;
    pool.clear();
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const ChokeCandidate& c = candidates[ranked(i)];
      if (!is_regular(c.connection) && c.connection != optimistic_) pool.push_back(c);
    }
    if (std::optional<ConnectionId> chosen = draw_optimistic(pool)) {
      optimistic_ = chosen;
      rotate_at_ = now + optimistic_interval_;
    } else if (!still_fits) {
      optimistic_.reset();  // nobody else to try: a peer that still fits keeps its turn
    }
  }

  std::vector<ConnectionId>& unchoked = scratch.result;
  unchoked.assign(regular_.begin(), regular_.end());
  if (optimistic_) unchoked.push_back(*optimistic_);
  std::sort(unchoked.begin(), unchoked.end());
  return unchoked;
}

const std::vector<ConnectionId>& Choker::fill_free_slots(const std::vector<ChokeCandidate>& all, Time now) {
  std::vector<ConnectionId>& added = scratch.result;
  added.clear();
  if (!has_free_slot()) {
    // Nothing to fill (most calls, in a busy swarm). The shuffle's draws are still made, so
    // that every later draw, and with it every optimistic choice, is the one it always was.
    const auto n = std::count_if(all.begin(), all.end(), [&](const ChokeCandidate& c) { return takes_part(c, true); });
    for (auto i = n; i > 1; --i) random_.skip_uniform_int(0, static_cast<std::uint64_t>(i) - 1);
    return added;
  }
  const std::vector<ChokeCandidate>& candidates = eligible(all, true);
  rank(candidates, slots_ > regular_.size() ? slots_ - regular_.size() : 0);
  std::size_t next = 0;
  for (; next < candidates.size() && regular_.size() < slots_; ++next) {
    regular_.push_back(candidates[ranked(next)].connection);
    added.push_back(candidates[ranked(next)].connection);
  }
  if (!optimistic_ && next < candidates.size()) {
    rank_rest(next);
    std::vector<ChokeCandidate>& pool = scratch.pool;
    pool.clear();
    for (std::size_t i = next; i < candidates.size(); ++i) pool.push_back(candidates[ranked(i)]);
    optimistic_ = draw_optimistic(pool);
    rotate_at_ = now + optimistic_interval_;
    if (optimistic_) added.push_back(*optimistic_);
  }
  return added;
}

}  // namespace wiresim::bittorrent
