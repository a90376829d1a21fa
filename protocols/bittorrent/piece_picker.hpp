// Which blocks to ask a peer for (BEP 3 "piece downloading strategy", Cohen 2003 2.3-2.4):
// strict priority for pieces already started, a random first piece, then rarest first, and
// end-game duplicates once every missing block is requested. Also our own pieces, how many
// connected peers have each piece, and the state of every block of the pieces in progress.
// Bytes are not kept here; blocks are counted by position only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "protocols/bittorrent/bitfield.hpp"
#include "protocols/bittorrent/types.hpp"
#include "sim/core/random.hpp"

namespace wiresim::bittorrent {

// A block: `length` bytes at offset `begin` of piece `piece`, as Request, Cancel and Piece name it.
struct BlockRef {
  std::uint32_t piece = 0;
  std::uint32_t begin = 0;
  std::uint32_t length = 0;
  friend bool operator==(const BlockRef&, const BlockRef&) = default;
};

class PiecePicker {
 public:
  // `block_size` 0 is taken as the piece length (whole pieces).
  PiecePicker(const TorrentInfo& torrent, std::uint32_t block_size, bool seed, std::uint64_t random_seed);
  // End game asks for a block from at most this many connections at once (0: no limit, as
  // BEP 3 has it). A flow-level run, whose blocks are whole pieces, keeps it at 2.
  void set_end_game_copies(std::uint32_t copies) { end_game_copies_ = copies; }
  // End game asks a connection for a duplicate only while nothing else is outstanding there,
  // one block at a time, the one asked of the fewest connections (libtorrent's piece picker:
  // no busy blocks for a peer with requests queued, then pick_busy_blocks' least-requested
  // block). BEP 3's rule (every missing block from every peer) is the default.
  void set_end_game_when_idle(bool when_idle) { end_game_when_idle_ = when_idle; }

  // --- our pieces
  const Bitfield& have() const { return have_; }
  bool complete() const { return have_.all(); }
  std::uint64_t bytes_missing() const { return missing_bytes_; }
  std::uint32_t piece_count() const { return have_.size(); }
  std::uint32_t piece_size(std::uint32_t piece) const;
  std::uint32_t blocks_in(std::uint32_t piece) const;

  // --- availability: how many connected peers have each piece. Bitfields cost O(pieces), a
  // Have O(1).
  void add_peer(const Bitfield& pieces);
  void remove_peer(const Bitfield& pieces);
  void add_have(std::uint32_t piece) { ++availability_[piece]; }
  std::uint32_t availability(std::uint32_t piece) const { return piece < availability_.size() ? availability_[piece] : 0; }

  // --- requests
  // Adds up to `count` blocks that a peer with `pieces` has to `out` and marks them requested.
  // `out` holds what is already outstanding at that peer, so end-game never asks it twice.
  // Order: free blocks of started pieces (strict priority), then new pieces: a random one
  // while we have none, else the rarest (ties broken at random); then deferred blocks (see
  // drop_request); then, when `end_game` is allowed and no block is free anywhere, blocks
  // requested elsewhere and not yet received.
  void pick(const Bitfield& pieces, std::uint32_t count, bool end_game, std::vector<BlockRef>& out);
  // The same, restricted to one piece: what a Have can add to a peer that had nothing for us.
  void pick_in(std::uint32_t piece, std::uint32_t count, bool end_game, std::vector<BlockRef>& out);
  // A request was dropped: once nobody is asked for the block it is free again. After a choke
  // (`may_still_arrive`) the block may be on its way already, whole, if the peer had started
  // sending it: it is deferred, asked of others only when nothing else is left, so a choke does
  // not turn into a duplicate download. After a close it is simply free.
  void drop_request(const BlockRef& block, bool may_still_arrive);
  // True when no missing block is free: every one is requested or received (BEP 3 end game).
  bool in_end_game() const { return free_blocks_ == 0 && !complete(); }

  // --- receiving
  struct Receipt {
    bool stored = false;          // new bytes: the caller keeps them; false: all wasted
    std::uint32_t new_bytes = 0;  // of the block's, the rest (overlap) wasted
    bool piece_complete = false;  // every block of the piece is in: verify it now
    std::uint32_t requesters = 0; // connections that had asked for it (end game: cancel the others)
  };
  // A block arrived. Blocks off the block grid, of pieces we have, or already received are
  // not stored. Part of a block (from its start, or from where an earlier part ended, to
  // short of its end: a flow-level piece cut by a choke) is stored, and from then on only the
  // rest of the block is asked for; the request it answered is still the caller's to drop.
  Receipt receive(const BlockRef& block);
  // The SHA-1 check passed: the piece is ours.
  void piece_verified(std::uint32_t piece);
  // The SHA-1 check failed: every block of the piece is free again.
  void piece_failed(std::uint32_t piece);

 private:
  // Block state within a started piece: 0 free, 1..Deferred-1 the number of connections asked,
  // Deferred (free, but maybe still arriving), Received.
  static constexpr std::uint8_t Deferred = 254;
  static constexpr std::uint8_t Received = 255;
  struct Started {
    std::vector<std::uint8_t> blocks;
    std::uint32_t received = 0;
    std::vector<std::uint32_t> arrived;  // bytes in at each block's start; empty: none anywhere
  };
  enum PieceState : std::uint8_t { Missing, InProgress, Have };

  BlockRef block_at(std::uint32_t piece, std::uint32_t index) const;
  BlockRef rest_of(std::uint32_t piece, const Started& started, std::uint32_t index) const;  // what is not in yet
  Started& start(std::uint32_t piece);
  // Where a started piece is (or would go) in started_pieces_ and started_.
  std::size_t started_place(std::uint32_t piece) const {
    return static_cast<std::size_t>(std::lower_bound(started_pieces_.begin(), started_pieces_.end(), piece) -
                                    started_pieces_.begin());
  }
  // The started piece's state; only for a piece in state InProgress.
  Started& started(std::uint32_t piece) { return started_[started_place(piece)]; }
  // Calls f(piece, started) for every started piece that `pieces` has, in increasing order,
  // while f returns true.
  template <class F>
  void for_each_started(const Bitfield& pieces, F f);
  // Blocks of `piece` in `state` (free or deferred) into `out`, up to `count`, now asked of one
  // connection; returns how many were added. take_free and take_deferred name the two states.
  std::uint32_t take_in_state(std::uint32_t piece, Started& started, std::uint8_t state, std::uint32_t count,
                              std::vector<BlockRef>& out);
  std::uint32_t take_free(std::uint32_t piece, Started& started, std::uint32_t count, std::vector<BlockRef>& out);
  std::uint32_t take_deferred(std::uint32_t piece, Started& started, std::uint32_t count, std::vector<BlockRef>& out);
  std::uint32_t take_duplicates(std::uint32_t piece, Started& started, std::uint32_t count,
                                std::vector<BlockRef>& out);
  bool new_piece(const Bitfield& pieces, std::uint32_t& chosen);
  void take_least_asked(const Bitfield& pieces, std::uint32_t piece, std::vector<BlockRef>& out);

  std::uint64_t length_ = 0;
  std::uint32_t piece_length_ = 0;
  std::uint32_t block_size_ = 0;
  Bitfield have_;
  std::uint64_t missing_bytes_ = 0;
  std::vector<std::uint32_t> availability_;
  std::vector<std::uint8_t> state_;        // PieceState per piece
  Bitfield missing_;                       // the pieces in state Missing, for new_piece's word-wise search
  // The pieces in state InProgress, as a bitfield and as a sorted list, each with its Started
  // at the same place in started_. pick() walks them for every request it makes: the
  // bitfield ANDed with the peer's a word at a time is a few words, where a std::map's walk
  // was a pointer chase per started piece (a flow-level swarm keeps dozens started, every
  // piece cut short by a choke among them). A table by piece would be faster still to look
  // up, but costs every peer 4 bytes a piece (18 MB in a swarm of 10,000).
  Bitfield in_progress_;
  std::vector<std::uint32_t> started_pieces_;
  std::vector<Started> started_;
  std::uint32_t end_game_copies_ = 0;
  bool end_game_when_idle_ = false;
  std::uint64_t free_blocks_ = 0;          // blocks of missing pieces nobody is asked for (deferred too)
  Random random_;
};

template <class F>
void PiecePicker::for_each_started(const Bitfield& pieces, F f) {
  if (in_progress_.none()) return;
  for_each_in_both(in_progress_, pieces, [&](std::uint32_t piece) { return f(piece, started(piece)); });
}

}  // namespace wiresim::bittorrent
