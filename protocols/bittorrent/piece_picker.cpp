#include "protocols/bittorrent/piece_picker.hpp"

#include <algorithm>
#include <bit>

namespace wiresim::bittorrent {

PiecePicker::PiecePicker(const TorrentInfo& torrent, std::uint32_t block_size, bool seed, std::uint64_t random_seed)
    : length_(torrent.length),
      piece_length_(torrent.piece_length),
      block_size_(std::max<std::uint32_t>(block_size != 0 ? block_size : torrent.piece_length, 1)),
      have_(torrent.piece_count(), seed),
      availability_(torrent.piece_count(), 0),
      state_(torrent.piece_count(), seed ? Have : Missing),
      missing_(torrent.piece_count(), !seed),
      in_progress_(torrent.piece_count()),
      random_(random_seed, "bittorrent.piece-picker") {
  if (seed) return;
  for (std::uint32_t p = 0; p < have_.size(); ++p) {
    missing_bytes_ += piece_size(p);
    free_blocks_ += blocks_in(p);
  }
}

std::uint32_t PiecePicker::piece_size(std::uint32_t piece) const {
  // Computed here rather than by TorrentInfo::piece_size so that a torrent whose hash count
  // does not match its length gives empty pieces instead of wrapping around.
  const std::uint64_t start = std::uint64_t{piece} * piece_length_;
  if (start >= length_) return 0;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(length_ - start, piece_length_));
}

std::uint32_t PiecePicker::blocks_in(std::uint32_t piece) const {
  const std::uint64_t size = piece_size(piece);
  return static_cast<std::uint32_t>((size + block_size_ - 1) / block_size_);
}

BlockRef PiecePicker::block_at(std::uint32_t piece, std::uint32_t index) const {
  const std::uint32_t begin = index * block_size_;
  return {piece, begin, std::min(block_size_, piece_size(piece) - begin)};
}

void PiecePicker::add_peer(const Bitfield& pieces) {
  for (std::uint32_t p = 0; p < availability_.size(); ++p) availability_[p] += pieces.test(p);
}

void PiecePicker::remove_peer(const Bitfield& pieces) {
  for (std::uint32_t p = 0; p < availability_.size(); ++p)
    if (pieces.test(p) && availability_[p] > 0) --availability_[p];
}

BlockRef PiecePicker::rest_of(std::uint32_t piece, const Started& started, std::uint32_t index) const {
  BlockRef block = block_at(piece, index);
  if (started.arrived.empty()) return block;
  block.begin += started.arrived[index];
  block.length -= started.arrived[index];
  return block;
}

PiecePicker::Started& PiecePicker::start(std::uint32_t piece) {
  state_[piece] = InProgress;
  missing_.reset(piece);
  in_progress_.set(piece);
  const auto place = static_cast<std::ptrdiff_t>(started_place(piece));
  started_pieces_.insert(started_pieces_.begin() + place, piece);
  Started& started = *started_.emplace(started_.begin() + place);
  started.blocks.assign(blocks_in(piece), 0);
  started.received = 0;
  started.arrived.clear();
  return started;
}

// Asks for up to `count` of the piece's blocks that are in `state` (free: 0, or Deferred).
std::uint32_t PiecePicker::take_in_state(std::uint32_t piece, Started& started, std::uint8_t state,
                                         std::uint32_t count, std::vector<BlockRef>& out) {
  std::uint32_t added = 0;
  for (std::uint32_t i = 0; i < started.blocks.size() && added < count; ++i) {
    if (started.blocks[i] != state) continue;
    started.blocks[i] = 1;
    --free_blocks_;
    out.push_back(rest_of(piece, started, i));
    ++added;
  }
  return added;
}

std::uint32_t PiecePicker::take_free(std::uint32_t piece, Started& started, std::uint32_t count,
                                     std::vector<BlockRef>& out) {
  return take_in_state(piece, started, 0, count, out);
}

std::uint32_t PiecePicker::take_deferred(std::uint32_t piece, Started& started, std::uint32_t count,
                                        std::vector<BlockRef>& out) {
  return take_in_state(piece, started, Deferred, count, out);
}

std::uint32_t PiecePicker::take_duplicates(std::uint32_t piece, Started& started, std::uint32_t count,
                                           std::vector<BlockRef>& out) {
  std::uint32_t added = 0;
  for (std::uint32_t i = 0; i < started.blocks.size() && added < count; ++i) {
    const std::uint8_t asked = started.blocks[i];
    if (asked == 0 || asked >= Deferred - 1) continue;
    if (end_game_copies_ != 0 && asked >= end_game_copies_) continue;
    const BlockRef block = rest_of(piece, started, i);
    if (std::find(out.begin(), out.end(), block) != out.end()) continue;
    ++started.blocks[i];
    out.push_back(block);
    ++added;
  }
  return added;
}

// One pass over the pieces and one random draw among the candidates (or the rarest ones).
// Cohen 2003 2.4: rarest first spreads the rare pieces before their only holders leave; the
// first piece is random so that it completes fast and we have something to trade.
bool PiecePicker::new_piece(const Bitfield& pieces, std::uint32_t& chosen) {
  const bool random_first = have_.none();
  std::uint32_t best = UINT32_MAX;
  // The candidates of the best rank. One list for every picker of the thread: thousands of
  // peers' own lists would be as many cold copies to write into (see choker.cpp).
  thread_local std::vector<std::uint32_t> tied;
  tied.clear();
  // The peer's pieces and ours not started, word by word, in increasing order as one piece at
  // a time would have them.
  for_each_in_both(pieces, missing_, [&](std::uint32_t p) {
    const std::uint32_t rank = random_first ? 0 : availability_[p];
    if (rank > best) return true;
    if (rank < best) {
      best = rank;
      tied.clear();
    }
    tied.push_back(p);
    return true;
  });
  if (tied.empty()) return false;
  chosen = tied[random_.uniform_int(0, tied.size() - 1)];
  return true;
}

void PiecePicker::pick(const Bitfield& pieces, std::uint32_t count, bool end_game, std::vector<BlockRef>& out) {
  std::uint32_t added = 0;
  if (count == 0) return;
  // Cohen 2003 2.3 strict priority: finish what is started, so whole pieces become tradeable.
  for_each_started(pieces, [&](std::uint32_t piece, Started& started) {
    added += take_free(piece, started, count - added, out);
    return added < count;
  });
  std::uint32_t chosen = 0;
  while (added < count && new_piece(pieces, chosen)) added += take_free(chosen, start(chosen), count - added, out);
  if (added == count) return;
  for_each_started(pieces, [&](std::uint32_t piece, Started& started) {
    added += take_deferred(piece, started, count - added, out);
    return added < count;
  });
  if (added == count || !end_game || free_blocks_ != 0) return;
  if (end_game_when_idle_) {
    if (out.empty()) take_least_asked(pieces, UINT32_MAX, out);
    return;
  }
  for_each_started(pieces, [&](std::uint32_t piece, Started& started) {
    added += take_duplicates(piece, started, count - added, out);
    return added < count;
  });
}

// The block asked of the fewest connections (within the allowed copies) among `piece`'s, or
// among every started piece the peer has when `piece` is UINT32_MAX.
void PiecePicker::take_least_asked(const Bitfield& pieces, std::uint32_t piece, std::vector<BlockRef>& out) {
  std::uint8_t* best = nullptr;
  BlockRef chosen;
  const auto consider = [&](std::uint32_t p, Started& started) {
    for (std::uint32_t i = 0; i < started.blocks.size(); ++i) {
      const std::uint8_t asked = started.blocks[i];
      if (asked == 0 || asked >= Deferred - 1) continue;
      if (end_game_copies_ != 0 && asked >= end_game_copies_) continue;
      if (best != nullptr && asked >= *best) continue;
      best = &started.blocks[i];
      chosen = rest_of(p, started, i);
    }
  };
  if (piece != UINT32_MAX) {
    if (state_[piece] == InProgress) consider(piece, started(piece));
  } else {
    for_each_started(pieces, [&](std::uint32_t p, Started& started) {
      consider(p, started);
      return true;
    });
  }
  if (best == nullptr) return;
  ++*best;
  out.push_back(chosen);
}

void PiecePicker::pick_in(std::uint32_t piece, std::uint32_t count, bool end_game, std::vector<BlockRef>& out) {
  if (piece >= state_.size() || state_[piece] == Have || count == 0) return;
  Started& started = state_[piece] == Missing ? start(piece) : this->started(piece);
  std::uint32_t added = take_free(piece, started, count, out);
  added += take_deferred(piece, started, count - added, out);
  if (!end_game || free_blocks_ != 0) return;
  if (!end_game_when_idle_) take_duplicates(piece, started, count - added, out);
  else if (out.empty()) take_least_asked(have_, piece, out);
}

void PiecePicker::drop_request(const BlockRef& block, bool may_still_arrive) {
  if (block.piece >= state_.size() || state_[block.piece] != InProgress) return;
  Started& started = this->started(block.piece);
  const std::uint32_t index = block.begin / block_size_;
  if (index >= started.blocks.size()) return;
  std::uint8_t& asked = started.blocks[index];
  if (asked == 0 || asked >= Deferred) return;
  if (--asked != 0) return;
  asked = may_still_arrive ? Deferred : 0;
  ++free_blocks_;
}

PiecePicker::Receipt PiecePicker::receive(const BlockRef& block) {
  Receipt receipt;
  if (block.piece >= state_.size() || state_[block.piece] == Have || block.length == 0) return receipt;
  const std::uint32_t index = block.begin / block_size_;
  if (index >= blocks_in(block.piece)) return receipt;
  const BlockRef whole = block_at(block.piece, index);
  const std::uint64_t end = std::uint64_t{block.begin} + block.length;
  if (end > std::uint64_t{whole.begin} + whole.length) return receipt;  // spills into the next block
  // A block nobody asked for (its request was dropped on a choke) is still new: keep it.
  Started& started = state_[block.piece] == Missing ? start(block.piece) : this->started(block.piece);
  std::uint8_t& asked = started.blocks[index];
  if (asked == Received) return receipt;
  // The bytes not in yet are [first, the block's end); a part must reach into them, leaving
  // no hole before.
  const std::uint32_t first = rest_of(block.piece, started, index).begin;
  if (block.begin > first || end <= first) return receipt;
  receipt.stored = true;
  receipt.new_bytes = static_cast<std::uint32_t>(end - first);
  if (end < std::uint64_t{whole.begin} + whole.length) {
    if (started.arrived.empty()) started.arrived.assign(started.blocks.size(), 0);
    started.arrived[index] = static_cast<std::uint32_t>(end - whole.begin);
    return receipt;
  }
  if (asked == 0 || asked == Deferred) --free_blocks_;
  receipt.requesters = asked == Deferred ? 0 : asked;
  asked = Received;
  receipt.piece_complete = ++started.received == started.blocks.size();
  return receipt;
}

void PiecePicker::piece_verified(std::uint32_t piece) {
  if (piece >= state_.size() || state_[piece] == Have) return;
  state_[piece] = Have;
  missing_.reset(piece);
  have_.set(piece);
  missing_bytes_ -= piece_size(piece);
  if (!in_progress_.test(piece)) return;  // never started
  in_progress_.reset(piece);
  const auto place = static_cast<std::ptrdiff_t>(started_place(piece));
  started_.erase(started_.begin() + place);
  started_pieces_.erase(started_pieces_.begin() + place);
}

void PiecePicker::piece_failed(std::uint32_t piece) {
  if (piece >= state_.size() || state_[piece] != InProgress) return;
  Started& started = this->started(piece);
  // The piece was complete, so every block is Received: all of them are free again.
  for (std::uint8_t& asked : started.blocks) asked = 0;
  free_blocks_ += started.blocks.size();
  started.received = 0;
  started.arrived.clear();
}

}  // namespace wiresim::bittorrent
