// The peer-wire messages of BEP 3 as one peer handles them: interest, requests and the
// pieces that answer them, SHA-1 checks, Have broadcasts, end game and serving requests.
#include <algorithm>

#include "protocols/bittorrent/peer_engine.hpp"
#include "protocols/bittorrent/sha1.hpp"

namespace wiresim::bittorrent {

void PeerEngine::on_message(ConnectionId id, const Message& m, Time now) {
  Connection* found = find(id);
  if (!found || left_) return;
  Connection& c = *found;
  if (c.stage != Stage::Active) {
    std::string text = to_string(m.type);
    text += " before the handshake";
    return protocol_error(id, std::move(text), now);
  }
  const bool first = !c.got_message;
  c.got_message = true;
  switch (m.type) {
    case MessageType::KeepAlive: return;
    case MessageType::Choke:
      if (c.peer_choking) return;
      c.peer_choking = true;
      event(PeerEventKind::Choked, id);
      return on_choked(c, now);
    case MessageType::Unchoke:
      if (!c.peer_choking) return;
      c.peer_choking = false;
      event(PeerEventKind::Unchoked, id);
      return fill(id, c, now);
    case MessageType::Interested:
      if (c.peer_interested) return;
      c.peer_interested = true;
      event(PeerEventKind::Interested, id);
      if (c.am_choking) fill_free_slots(now);
      return;
    case MessageType::NotInterested: c.peer_interested = false; return;
    case MessageType::Have:
      if (m.index >= picker_.piece_count()) {
        std::string text = "have for piece ";
        text += std::to_string(m.index);
        text += " of ";
        text += std::to_string(picker_.piece_count());
        return protocol_error(id, std::move(text), now);
      }
      return on_have(id, c, m.index, now);
    case MessageType::Bitfield:
      // BEP 3: "'bitfield' is only ever sent as the first message."
      if (!first) return protocol_error(id, "bitfield after the first message", now);
      return on_bitfield(id, c, m, now);
    case MessageType::Request: return on_request(id, c, m, now);
    case MessageType::Piece: return on_piece(id, c, m, now);
    case MessageType::Cancel: {
      if (std::optional<std::string> error = check_block(m)) return protocol_error(id, std::move(*error), now);
      const BlockRef block{m.index, m.begin, m.length};
      auto queued = std::find(c.queued.begin(), c.queued.end(), block);
      if (queued != c.queued.end()) c.queued.erase(queued);
      return;
    }
  }
  std::string text = "unknown message type ";
  text += std::to_string(static_cast<int>(m.type));
  protocol_error(id, std::move(text), now);
}

// BEP 3: a choking peer discards our requests. The pieces it sent before the Choke came before
// it on the same TCP connection, so nothing more is coming: every request goes back to the
// picker at once, free for the peers that unchoke us, as libtorrent does for a peer without the
// fast extension (peer_connection::incoming_choke aborts the whole download queue). None stays
// asked of this peer: it forgot them, and a request that will never be answered must neither
// hold a pipeline slot nor count as one of a block's end-game copies.
void PeerEngine::on_choked(Connection& c, Time now) {
  if (c.requested.empty()) return;
  for (const BlockRef& block : c.requested) picker_.drop_request(block, false);
  c.requested.clear();
  note_end_game(now);
  fill_all(now);
}

void PeerEngine::on_have(ConnectionId id, Connection& c, std::uint32_t piece, Time now) {
  if (c.pieces.test(piece)) return;  // said twice: harmless
  c.pieces.set(piece);
  picker_.add_have(piece);
  if (complete()) {
    if (c.pieces.all()) drop_seed(id, now);
    return;
  }
  if (picker_.have().test(piece)) return;
  if (++c.wanted == 1 && !c.am_interested) {
    c.am_interested = true;
    send_simple(id, c, MessageType::Interested, now);
  }
  // Spare room in the pipeline means the peer had nothing else for us: only this piece is new.
  if (c.peer_choking || c.requested.size() >= config_.pipeline) return;
  const std::size_t from = c.requested.size();
  picker_.pick_in(piece, config_.pipeline - static_cast<std::uint32_t>(from), config_.end_game, c.requested);
  send_new_requests(id, c, from, now);
}

void PeerEngine::on_bitfield(ConnectionId id, Connection& c, const Message& m, Time now) {
  const std::uint32_t n = picker_.piece_count();
  Bitfield pieces;
  if (!Bitfield::from_bytes(m.bitfield, n, pieces)) {
    // BEP 3: a wrong length or a spare bit set drops the connection.
    std::string text;
    if (m.bitfield.size() != (std::uint64_t{n} + 7) / 8) {
      text = "bitfield of ";
      text += std::to_string(m.bitfield.size());
      text += " bytes for ";
      text += std::to_string(n);
      text += " pieces";
    } else {
      text = "bitfield with spare bits set";
    }
    return protocol_error(id, std::move(text), now);
  }
  picker_.add_peer(pieces);
  c.pieces = std::move(pieces);
  if (complete()) {
    if (c.pieces.all()) drop_seed(id, now);
    return;
  }
  c.wanted = 0;
  for (std::uint32_t p = 0; p < n; ++p) c.wanted += c.pieces.test(p) && !picker_.have().test(p);
  if (c.wanted > 0 && !c.am_interested) {
    c.am_interested = true;
    send_simple(id, c, MessageType::Interested, now);
    fill(id, c, now);
  }
}

// The range checks shared by Request, Cancel and Piece. The size limit follows BEP 3's advice
// (clients drop requests over 128 KiB), raised to our block size for flow-level runs.
std::optional<std::string> PeerEngine::check_block(const Message& m) const {
  const std::uint32_t n = picker_.piece_count();
  std::string text = to_string(m.type);
  if (m.index >= n) {
    text += " for piece ";
    text += std::to_string(m.index);
    text += " of ";
    text += std::to_string(n);
    return text;
  }
  if (m.length == 0) {
    text += " of 0 bytes";
    return text;
  }
  const std::uint32_t limit = std::max<std::uint32_t>(131072, config_.block_size);
  if (m.type != MessageType::Piece && m.length > limit) {
    text += " of ";
    text += std::to_string(m.length);
    text += " bytes, limit ";
    text += std::to_string(limit);
    return text;
  }
  const std::uint32_t size = picker_.piece_size(m.index);
  if (std::uint64_t{m.begin} + m.length > size) {
    text += " for bytes ";
    text += std::to_string(m.begin);
    text += "..";
    text += std::to_string(std::uint64_t{m.begin} + m.length);
    text += " of piece ";
    text += std::to_string(m.index);
    text += ", which has ";
    text += std::to_string(size);
    return text;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- serving

void PeerEngine::on_request(ConnectionId id, Connection& c, const Message& m, Time now) {
  if (std::optional<std::string> error = check_block(m)) return protocol_error(id, std::move(*error), now);
  // BEP 3: requests that arrive while we choke the peer are discarded. A request for a piece we
  // never announced is ignored too, and so is one beyond the queue's bound.
  if (c.am_choking || !picker_.have().test(m.index) || c.queued.size() >= config_.max_queued_requests) return;
  // So is one already waiting or on its way (libtorrent ignores duplicate requests too): a peer
  // that got several Choke and Unchoke pairs at once, each Unchoke answered with the same
  // request, wants the block once.
  const BlockRef block{m.index, m.begin, m.length};
  const auto has = [&block](const std::vector<BlockRef>& v) { return std::find(v.begin(), v.end(), block) != v.end(); };
  if (has(c.queued) || has(c.in_flight)) return;
  c.queued.push_back(block);
  serve(id, c, now);
}

void PeerEngine::serve(ConnectionId id, Connection& c, Time now) {
  while (!c.queued.empty() && (config_.pieces_in_flight == 0 || c.in_flight.size() < config_.pieces_in_flight)) {
    const BlockRef block = c.queued.front();
    c.queued.erase(c.queued.begin());
    Message m;
    m.type = MessageType::Piece;
    m.index = block.piece;
    m.begin = block.begin;
    m.length = block.length;
    if (carries_) m.block = std::string(bytes_of(block.piece).substr(block.begin, block.length));
    uploaded_ += block.length;
    c.uploaded += block.length;
    c.up.add(now, block.length, config_.rate_window);
    if (config_.pieces_in_flight > 0) c.in_flight.push_back(block);
    send(id, c, std::move(m), now);
  }
}

void PeerEngine::on_piece_progress(ConnectionId id, std::uint64_t bytes, Time now) {
  Connection* c = find(id);
  if (!c || bytes <= c->arriving) return;
  count_download(*c, bytes - c->arriving, now);
  c->arriving = bytes;
}

void PeerEngine::count_download(Connection& c, std::uint64_t bytes, Time now) {
  c.down.add(now, bytes, config_.rate_window);
  c.last_download = now;
}

void PeerEngine::on_piece_sent(ConnectionId id, Time now, std::optional<std::uint32_t> sent_length) {
  Connection* c = find(id);
  if (!c) return;
  if (!c->in_flight.empty()) {
    const std::uint32_t length = c->in_flight.front().length;
    if (!sent_length || *sent_length >= length) ++c->pieces_sent_since_unchoke;
    if (sent_length && *sent_length < length) {
      // Counted whole when it was sent (the rate meter keeps that: it only ranks seeds' peers
      // when round robin is off).
      uploaded_ -= length - *sent_length;
      c->uploaded -= length - *sent_length;
    }
    c->in_flight.erase(c->in_flight.begin());
  }
  serve(id, *c, now);
}

// ---------------------------------------------------------------- downloading

void PeerEngine::on_piece(ConnectionId id, Connection& c, const Message& m, Time now) {
  if (std::optional<std::string> error = check_block(m)) return protocol_error(id, std::move(*error), now);
  if (carries_ ? m.block.size() != m.length : !m.block.empty() && m.block.size() != m.length) {
    std::string text = "piece block of ";
    text += std::to_string(m.block.size());
    text += " bytes, length says ";
    text += std::to_string(m.length);
    return protocol_error(id, std::move(text), now);
  }
  const BlockRef block{m.index, m.begin, m.length};
  downloaded_ += block.length;
  c.downloaded += block.length;
  // What on_piece_progress credited already is not counted twice.
  count_download(c, block.length - std::min<std::uint64_t>(c.arriving, block.length), now);
  c.arriving = 0;
  // Our request it answers starts where it starts; a shorter answer is part of it (a
  // flow-level piece cut by a choke), and the rest is free for anyone again.
  auto mine = std::find_if(c.requested.begin(), c.requested.end(), [&block](const BlockRef& r) {
    return r.piece == block.piece && r.begin == block.begin && r.length >= block.length;
  });
  const bool was_requested = mine != c.requested.end();
  std::optional<BlockRef> rest_asked;
  if (was_requested && mine->length > block.length) rest_asked = *mine;
  if (was_requested) c.requested.erase(mine);

  const PiecePicker::Receipt receipt = picker_.receive(block);
  if (rest_asked) {
    picker_.drop_request(*rest_asked, false);
    note_end_game(now);  // the rest is free: end game may be over
  }
  wasted_ += block.length - receipt.new_bytes;
  if (!receipt.stored) return fill(id, c, now);
  if (carries_) std::copy(m.block.begin(), m.block.end(), data_.begin() + std::uint64_t{block.piece} * torrent_->piece_length + block.begin);
  // End game (BEP 3): the block was asked of others too; tell them not to bother.
  if (receipt.requesters > (was_requested ? 1u : 0u)) cancel_elsewhere(block, id, now);
  if (receipt.piece_complete) {
    finish_piece(block.piece, id, now);
    Connection* still = find(id);  // completion may have closed it
    if (!still) return;
    return fill(id, *still, now);
  }
  fill(id, c, now);
}

void PeerEngine::cancel_elsewhere(const BlockRef& block, ConnectionId except, Time now) {
  for (Connection& c : connections_) {
    const ConnectionId id = c.id;
    if (id == except) continue;
    // Asked of it before or after part of the block came: the same block on the grid.
    const std::uint32_t grid = block.begin / config_.block_size;
    auto it = std::find_if(c.requested.begin(), c.requested.end(), [&](const BlockRef& r) {
      return r.piece == block.piece && r.begin / config_.block_size == grid;
    });
    if (it == c.requested.end()) continue;
    Message cancel;
    cancel.type = MessageType::Cancel;
    cancel.index = it->piece;
    cancel.begin = it->begin;
    cancel.length = it->length;
    c.requested.erase(it);
    send(id, c, std::move(cancel), now);
    fill(id, c, now);
  }
}

void PeerEngine::finish_piece(std::uint32_t piece, ConnectionId from, Time now) {
  // Without bytes there is nothing to hash: the piece counts as verified.
  const bool ok = !carries_ || sha1(bytes_of(piece)) == torrent_->piece_hashes[piece];
  if (!ok) {
    picker_.piece_failed(piece);
    wasted_ += picker_.piece_size(piece);
    event(PeerEventKind::PieceFailed, from, {}, piece);
    note_end_game(now);
    return fill_all(now);
  }
  picker_.piece_verified(piece);
  complete_ = picker_.complete();
  event(PeerEventKind::PieceVerified, from, {}, piece);
  // BEP 3: announce the piece to every peer, and lose interest in those left with nothing for us.
  outgoing_.reserve(outgoing_.size() + connections_.size());  // room for a Have each, at once
  for (Connection& c : connections_) {
    const ConnectionId id = c.id;
    if (c.stage != Stage::Active) continue;
    if (config_.redundant_have || !c.pieces.test(piece)) {
      Message have;
      have.type = MessageType::Have;
      have.index = piece;
      send(id, c, std::move(have), now);
    }
    if (c.pieces.test(piece) && c.wanted > 0 && --c.wanted == 0 && c.am_interested) {
      c.am_interested = false;
      send_simple(id, c, MessageType::NotInterested, now);
    }
  }
  if (complete()) on_complete(now);
}

void PeerEngine::on_complete(Time now) {
  completed_at_ = now;
  end_game_ = false;
  event(PeerEventKind::Completed, 0);
  announce(TrackerEvent::Completed, now);
  if (!config_.seed_after_completion) return leave(now);
  // Two seeds have nothing to give each other.
  std::vector<ConnectionId> seeds;
  for (const Connection& c : connections_)
    if (c.stage == Stage::Active && c.pieces.all()) seeds.push_back(c.id);
  for (ConnectionId id : seeds) drop_seed(id, now);
}

// ---------------------------------------------------------------- requesting

void PeerEngine::fill(ConnectionId id, Connection& c, Time now) {
  if (c.stage != Stage::Active || c.peer_choking || !c.am_interested || c.requested.size() >= config_.pipeline)
    return;
  const std::size_t from = c.requested.size();
  picker_.pick(c.pieces, config_.pipeline - static_cast<std::uint32_t>(from), config_.end_game, c.requested);
  send_new_requests(id, c, from, now);
}

void PeerEngine::fill_all(Time now) {
  for (Connection& c : connections_) fill(c.id, c, now);
}

void PeerEngine::send_new_requests(ConnectionId id, Connection& c, std::size_t from, Time now) {
  for (std::size_t i = from; i < c.requested.size(); ++i) {
    Message request;
    request.type = MessageType::Request;
    request.index = c.requested[i].piece;
    request.begin = c.requested[i].begin;
    request.length = c.requested[i].length;
    send(id, c, std::move(request), now);
  }
  if (c.requested.size() > from) note_end_game(now);
}

// Entering end game, the connections that found nothing free may now ask for duplicates.
void PeerEngine::note_end_game(Time now) {
  const bool now_in = config_.end_game && picker_.in_end_game();
  if (now_in == end_game_) return;
  end_game_ = now_in;
  if (!now_in) return;
  event(PeerEventKind::EndGame, 0);
  fill_all(now);
}

void PeerEngine::send(ConnectionId id, Connection& c, Message m, Time now) {
  c.last_sent = now;
  // An adapter takes the list after each input: room for a few at once, rather than growing
  // one by one each time (a finished piece's Haves, a choking round's Chokes and Unchokes).
  if (outgoing_.capacity() == 0) outgoing_.reserve(8);
  outgoing_.emplace_back(id, std::move(m));
}

void PeerEngine::send_simple(ConnectionId id, Connection& c, MessageType type, Time now) {
  Message m;
  m.type = type;
  send(id, c, std::move(m), now);
}

}  // namespace wiresim::bittorrent
