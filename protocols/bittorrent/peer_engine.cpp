// The peer's life: tracker announces, connections and handshakes, choking rounds, timers.
// The peer-wire messages themselves are handled in peer_engine_messages.cpp.
#include "protocols/bittorrent/peer_engine.hpp"

#include <algorithm>

#include "protocols/bittorrent/sha1.hpp"

namespace wiresim::bittorrent {

PeerEngine::PeerEngine(std::shared_ptr<const TorrentInfo> torrent, PeerId self, PeerAddress self_address,
                       PeerConfig config, std::uint64_t random_seed, bool seed,
                       std::shared_ptr<const std::string> content)
    : picker_(*torrent, config.block_size, seed, random_seed),
      config_(config),
      torrent_(std::move(torrent)),
      self_(self),
      self_address_(self_address),
      content_(std::move(content)),
      carries_(content_ && content_->size() == torrent_->length),
      started_as_seed_(seed),
      choker_(config.unchoke_slots, config.optimistic_interval, random_seed),
      announce_interval_(config.announce_interval_default) {
  config_.pipeline = std::max<std::uint32_t>(config_.pipeline, 1);
  if (config_.block_size == 0) config_.block_size = torrent_->piece_length;
  if (carries_ && !seed) data_.assign(torrent_->length, '\0');
  picker_.set_end_game_copies(config_.end_game_copies);
  picker_.set_end_game_when_idle(config_.end_game_when_idle);
  complete_ = picker_.complete();
  seed_seeks_peers_ = config_.seed_seeks_peers;
  wanted_connections_ = config_.wanted_connections;
  early_announce_ = config_.early_announce;
}

// ---------------------------------------------------------------- tracker

void PeerEngine::start(Time now) {
  if (started_ || left_) return;
  started_ = true;
  announce(TrackerEvent::Started, now);
  rechoke(now);
  next_rechoke_ = now + config_.rechoke_interval;
  next_turnover_ = now + config_.turnover_interval;
}

void PeerEngine::stop(Time now) {
  if (!left_) leave(now);
}

void PeerEngine::announce(TrackerEvent event, Time now) {
  if (event != TrackerEvent::None) pending_event_ = event;
  Announce a;
  a.event = event;
  a.uploaded = uploaded_;
  a.downloaded = downloaded_;
  a.left = picker_.bytes_missing();
  a.numwant = event == TrackerEvent::Stopped ? 0 : config_.max_connections;
  announces_.push_back(a);
  other_output_ = true;
  last_announce_ = now;
  next_announce_ = now + announce_interval_;
}

// BEP 3: the tracker's list is where new peers come from; dial the ones we are not talking to.
void PeerEngine::on_announce_response(std::vector<PeerAddress> peers, Duration interval, Time now) {
  if (left_) return;
  pending_event_ = TrackerEvent::None;
  if (interval > Duration{}) announce_interval_ = interval;
  next_announce_ = now + announce_interval_;
  for (const PeerAddress& address : peers) {
    if (connections_.size() >= config_.max_connections) break;
    if (address == self_address_ || known(address)) continue;
    if (complete() && (seeds_seen_.count(address) || seeds_seen_.count({address.ip, 0}))) continue;
    const ConnectionId id = next_id_++;
    Connection& c = add_connection(id);
    c.address = address;
    c.outgoing = true;
    c.since = now;
    dial(id, address);
  }
}

void PeerEngine::dial(ConnectionId id, PeerAddress address) {
  dials_.push_back({id, address});
  other_output_ = true;
}

void PeerEngine::closed_by_us(ConnectionId id) {
  closes_.push_back(id);
  other_output_ = true;
}

void PeerEngine::on_announce_failed(Time now) {
  if (left_) return;
  next_announce_ = now + config_.announce_retry;  // pending_event_ is sent again then
}

// An incoming connection shows the remote's ephemeral port, not its listening one, so it is
// matched by address only: one peer per IP address, as in every wiresim scenario.
bool PeerEngine::known(PeerAddress address) const {
  for (const Connection& c : connections_)
    if (c.outgoing ? c.address == address : c.address.ip == address.ip) return true;
  return false;
}

// ---------------------------------------------------------------- connections

void PeerEngine::on_connected(ConnectionId id, Time now) {
  Connection* found = find(id);
  if (!found || found->stage != Stage::Dialing) {
    // We gave up on this dial (we left, or closed it) and the network finished it anyway.
    if (!found) closed_by_us(id);
    return;
  }
  Connection& c = *found;
  c.stage = Stage::Handshaking;
  c.since = now;
  event(PeerEventKind::Connected, id);
  // BEP 3: the initiator sends its handshake first.
  outgoing_.emplace_back(id, Handshake{{}, torrent_->info_hash, self_});
  c.last_sent = now;
}

void PeerEngine::on_dial_failed(ConnectionId id, Time now) {
  const Connection* c = find(id);
  if (!c || c->stage != Stage::Dialing) return;
  event(PeerEventKind::Closed, id, "dial failed");
  forget(id, now);
}

std::optional<ConnectionId> PeerEngine::on_accepted(PeerAddress remote, Time now) {
  if (left_ || connections_.size() >= std::uint64_t{config_.max_connections} + config_.incoming_headroom)
    return std::nullopt;
  const ConnectionId id = next_id_++;
  Connection& c = add_connection(id);
  c.address = remote;
  c.stage = Stage::Handshaking;
  c.since = now;
  c.last_sent = now;
  event(PeerEventKind::Connected, id);
  return id;
}

void PeerEngine::on_handshake(ConnectionId id, const Handshake& h, Time now) {
  Connection* found = find(id);
  if (!found) return;
  if (found->stage == Stage::Dialing) return protocol_error(id, "handshake before the connection was up", now);
  if (found->stage == Stage::Active) return protocol_error(id, "a second handshake", now);
  // BEP 3: a handshake for a torrent we do not serve drops the connection.
  if (h.info_hash != torrent_->info_hash) {
    std::string text = "handshake for info_hash ";
    text += to_hex(h.info_hash).substr(0, 8);
    text += "..., expected ";
    text += to_hex(torrent_->info_hash).substr(0, 8);
    text += "...";
    return protocol_error(id, std::move(text), now);
  }
  if (h.peer_id == self_) return close(id, "connected to ourselves", now);
  // Two connections to one peer (both dialed at once): both ends keep the one dialed by the
  // smaller peer_id, so they agree without a word.
  const bool outgoing = found->outgoing;
  for (const Connection& other : connections_) {
    if (other.id == id || other.stage != Stage::Active || other.peer_id != h.peer_id) continue;
    const PeerId& dialer_new = outgoing ? self_ : h.peer_id;
    const PeerId& dialer_old = other.outgoing ? self_ : other.peer_id;
    if (outgoing == other.outgoing || !(dialer_new < dialer_old))
      return close(id, "already connected to this peer", now);
    close(other.id, "already connected to this peer", now);  // moves the connections after it
    break;
  }
  Connection& c = *find(id);
  c.peer_id = h.peer_id;
  if (!c.outgoing) outgoing_.emplace_back(id, Handshake{{}, torrent_->info_hash, self_});
  handshake_done(id, c, now);
}

void PeerEngine::handshake_done(ConnectionId id, Connection& c, Time now) {
  c.stage = Stage::Active;
  c.pieces = Bitfield(picker_.piece_count());
  event(PeerEventKind::HandshakeDone, id);
  // BEP 3: "Peers which don't have anything yet may skip the 'bitfield' message."
  if (!picker_.have().none()) {
    Message m;
    m.type = MessageType::Bitfield;
    const std::span<const std::uint8_t> bits = picker_.have().bytes();
    m.bitfield.assign(bits.begin(), bits.end());
    send(id, c, std::move(m), now);
  } else {
    c.last_sent = now;
  }
}

// Two seeds have nothing to give each other; remember it so the tracker's next list does not
// bring the same seed back.
void PeerEngine::drop_seed(ConnectionId id, Time now) {
  const Connection* c = find(id);
  if (!c) return;
  seeds_seen_.insert(c->outgoing ? c->address : PeerAddress{c->address.ip, 0});
  close(id, "both seeds", now);
}

void PeerEngine::on_closed(ConnectionId id, Time now) {
  const Connection* c = find(id);
  if (!c) return;
  event(PeerEventKind::Closed, id, c->stage == Stage::Dialing ? "dial failed" : "closed by the peer");
  forget(id, now);
}

void PeerEngine::protocol_error(ConnectionId id, std::string text, Time now) {
  event(PeerEventKind::ProtocolError, id, std::move(text));
  close(id, "protocol error", now);
}

void PeerEngine::close(ConnectionId id, std::string reason, Time now) {
  if (!find(id)) return;
  event(PeerEventKind::Closed, id, std::move(reason));
  closed_by_us(id);
  forget(id, now);
}

PeerEngine::Connection& PeerEngine::add_connection(ConnectionId id) {
  if (by_id_.size() <= id) by_id_.resize(id + 1, NoIndex);
  by_id_[id] = static_cast<std::uint32_t>(connections_.size());
  Connection& c = connections_.emplace_back();
  c.id = id;
  return c;
}

// Whatever the connection held goes back: its share of availability, our requests at it (free
// for others to take), its unchoke slot (for another interested peer).
void PeerEngine::forget(ConnectionId id, Time now) {
  const std::uint32_t index = by_id_[id];
  Connection& c = connections_[index];
  const bool active = c.stage == Stage::Active;
  const bool had_requests = !c.requested.empty();
  if (active) picker_.remove_peer(c.pieces);
  for (const BlockRef& block : c.requested) picker_.drop_request(block, false);
  const bool had_slot = choker_.is_unchoked(id);
  choker_.forget(id);
  connections_.erase(connections_.begin() + index);
  by_id_[id] = NoIndex;
  for (std::uint32_t i = index; i < connections_.size(); ++i) by_id_[connections_[i].id] = i;
  if (left_) return;
  if (had_slot) fill_free_slots(now);
  if (had_requests) {
    note_end_game(now);
    fill_all(now);
  }
}

void PeerEngine::leave(Time now) {
  announce(TrackerEvent::Stopped, now);
  left_ = true;
  while (!connections_.empty()) {
    const ConnectionId id = connections_.front().id;
    event(PeerEventKind::Closed, id, "leaving the swarm");
    closed_by_us(id);
    forget(id, now);
  }
  event(PeerEventKind::Left, 0);
}

// ---------------------------------------------------------------- choking

const std::vector<ChokeCandidate>& PeerEngine::choke_candidates(Time now, bool rates) const {
  thread_local std::vector<ChokeCandidate> out;
  out.clear();
  const RateMeter::Clock clock(now, config_.rate_window);
  for (const Connection& c : connections_) {
    // The choker takes only interested peers: the others' rates are not worth measuring.
    if (c.stage != Stage::Active || !c.peer_interested) continue;
    ChokeCandidate k;
    k.connection = c.id;
    k.interested = c.peer_interested;
    // Cohen 2003 3.1/3.4: a leecher rewards who gives it the most; a seed, having nothing to
    // get, prefers the peers it uploads to fastest (the original client's rule).
    if (!rates)
      k.rate = 0;
    else if (!complete())
      // Most candidates sent us nothing within the window (we download from the few that
      // unchoke us): their rate is 0, and the meter, a cache line of its own, stays unread.
      k.rate = RateMeter::empty_at(clock, c.last_download) ? 0 : c.down.rate(clock, c.since);
    else if (config_.seed_round_robin)
      k.rate = -static_cast<double>(round_robin_standing(c));  // the least served rank first
    else
      k.rate = c.up.rate(clock, c.since);
    k.newcomer = now - c.since < config_.optimistic_interval;
    out.push_back(k);
  }
  return out;
}

// A seed's round robin ranks a peer by what it has been served, but a peer in its turn keeps
// the standing it had when the turn began until a whole piece has reached it (libtorrent's
// seeding_piece_quota, here one piece): a turn cut short every rechoke round would leave parts
// of pieces everywhere and few whole ones to trade. Without pacing, sends are not confirmed,
// and a turn lasts a round.
std::uint64_t PeerEngine::round_robin_standing(const Connection& c) const {
  const bool in_turn = !c.am_choking && config_.pieces_in_flight > 0 && c.pieces_sent_since_unchoke == 0;
  return in_turn ? c.uploaded_when_unchoked : c.uploaded;
}

void PeerEngine::rechoke(Time now) {
  apply_unchoked(choker_.rechoke(choke_candidates(now), now), now);
  report_unchoke_round("rechoke");
}

// Between rounds a free slot goes to an interested peer at once, so a seed starts serving its
// first peers without waiting up to a whole rechoke interval.
void PeerEngine::fill_free_slots(Time now) {
  const std::vector<ConnectionId>& added = choker_.fill_free_slots(choke_candidates(now, choker_.has_free_slot()), now);
  if (added.empty()) return;
  for (ConnectionId id : added) {
    if (Connection* c = find(id)) set_choking(id, *c, false, now);
  }
  report_unchoke_round("free slot");
}

void PeerEngine::apply_unchoked(const std::vector<ConnectionId>& unchoked, Time now) {
  // Both lists are in id order: one pass over each.
  auto next = unchoked.begin();
  for (Connection& c : connections_) {
    while (next != unchoked.end() && *next < c.id) ++next;
    if (c.stage != Stage::Active) continue;
    set_choking(c.id, c, next == unchoked.end() || *next != c.id, now);
  }
}

// BEP 3: choke and unchoke only on change.
void PeerEngine::set_choking(ConnectionId id, Connection& c, bool choke, Time now) {
  if (c.am_choking == choke) return;
  c.am_choking = choke;
  if (!choke) {
    c.uploaded_when_unchoked = c.uploaded;
    c.pieces_sent_since_unchoke = 0;
  }
  send_simple(id, c, choke ? MessageType::Choke : MessageType::Unchoke, now);
  unchoke_set_changed_ = true;
  // BEP 3: a choked peer's pending requests are discarded.
  if (choke) c.queued.clear();
}

void PeerEngine::report_unchoke_round(const char* why) {
  if (!unchoke_set_changed_) return;
  unchoke_set_changed_ = false;
  if (!reports(PeerEventKind::UnchokeRound)) return;  // spare the text
  std::string text = why;
  text += ": unchoked";
  const std::vector<ConnectionId>& regular = choker_.regular();
  std::vector<ConnectionId> sorted(regular.begin(), regular.end());
  std::sort(sorted.begin(), sorted.end());
  for (ConnectionId id : sorted) {
    text += " #";
    text += std::to_string(id);
  }
  if (sorted.empty()) text += " none";
  if (choker_.optimistic()) {
    text += ", optimistic #";
    text += std::to_string(*choker_.optimistic());
  }
  event(PeerEventKind::UnchokeRound, 0, std::move(text));
}

void PeerEngine::turn_over(Time now) {
  const double limit = static_cast<double>(config_.max_connections + config_.incoming_headroom);
  if (static_cast<double>(connections_.size()) < config_.turnover_cutoff * limit) return;
  struct Usefulness {
    bool wanted;  // it has something for us (a seed: it wants something of us)
    double rate;  // what it sent us (a seed: what we sent it) over the rate window
    ConnectionId id;
  };
  std::vector<Usefulness> ranked;
  for (const Connection& c : connections_) {
    if (c.stage != Stage::Active) continue;
    if (complete()) ranked.push_back({c.peer_interested, c.up.rate(now, c.since, config_.rate_window), c.id});
    else ranked.push_back({c.am_interested, c.down.rate(now, c.since, config_.rate_window), c.id});
  }
  std::sort(ranked.begin(), ranked.end(), [](const Usefulness& a, const Usefulness& b) {
    if (a.wanted != b.wanted) return !a.wanted;
    if (a.rate != b.rate) return a.rate < b.rate;
    return a.id < b.id;
  });
  const auto count = std::max<std::size_t>(1, static_cast<std::size_t>(config_.turnover * static_cast<double>(connections_.size())));
  for (std::size_t i = 0; i < count && i < ranked.size(); ++i) close(ranked[i].id, "peer turnover", now);
}

// ---------------------------------------------------------------- timers

void PeerEngine::on_timer(Time now) {
  if (!started_ || left_) return;
  if (now >= next_rechoke_) {
    rechoke(now);
    next_rechoke_ = now + config_.rechoke_interval;
    // BEP 3 keep-alive. Checked once a round: sent within a rechoke interval of the deadline.
    for (Connection& c : connections_)
      if (c.stage == Stage::Active && now - c.last_sent >= config_.keep_alive)
        send_simple(c.id, c, MessageType::KeepAlive, now);
  }
  if (config_.turnover > 0 && now >= next_turnover_) {  // checked once a round, like keep-alives
    next_turnover_ = now + config_.turnover_interval;
    turn_over(now);
  }
  const bool early = wants_peers() && connections_.size() < config_.wanted_connections &&
                     now >= last_announce_ + config_.early_announce;
  if (now >= next_announce_ || early) announce(pending_event_, now);
}

std::optional<Time> PeerEngine::wake_at() const {
  if (!started_ || left_) return std::nullopt;
  Time wake = std::min(next_rechoke_, next_announce_);
  if (wants_peers() && connections_.size() < wanted_connections_) wake = std::min(wake, last_announce_ + early_announce_);
  return wake;
}

// ---------------------------------------------------------------- output and state

std::vector<Outgoing> PeerEngine::take_outgoing() { return std::exchange(outgoing_, {}); }

// Each leaves other_output_ to the lists still holding something.
template <class T>
std::vector<T> PeerEngine::take_other(std::vector<T>& list) {
  std::vector<T> out = std::exchange(list, {});
  refresh_other_output();
  return out;
}
std::vector<Dial> PeerEngine::take_dials() { return take_other(dials_); }
std::vector<ConnectionId> PeerEngine::take_closes() { return take_other(closes_); }
std::vector<Announce> PeerEngine::take_announces() { return take_other(announces_); }
std::vector<PeerEvent> PeerEngine::take_events() { return take_other(events_); }

void PeerEngine::event(PeerEventKind kind, ConnectionId connection, std::string text, std::uint32_t piece) {
  if (!reports(kind)) return;
  if (events_.capacity() == 0) events_.reserve(4);  // see send()
  events_.push_back({kind, connection, piece, std::move(text)});
  other_output_ = true;
}

std::string_view PeerEngine::bytes_of(std::uint32_t piece) const {
  const std::string& file = started_as_seed_ ? *content_ : data_;
  return std::string_view(file).substr(std::uint64_t{piece} * torrent_->piece_length, picker_.piece_size(piece));
}

std::string_view PeerEngine::piece_data(std::uint32_t index) const {
  if (!carries_ || !picker_.have().test(index)) return {};
  return bytes_of(index);
}

std::vector<ConnectionInfo> PeerEngine::connections(Time now) const {
  std::vector<ConnectionInfo> out;
  out.reserve(connections_.size());
  for (const Connection& c : connections_) {
    ConnectionInfo info;
    info.connection = c.id;
    info.address = c.address;
    info.outgoing = c.outgoing;
    info.handshake_done = c.stage == Stage::Active;
    info.peer_id = c.peer_id;
    info.am_choking = c.am_choking;
    info.am_interested = c.am_interested;
    info.peer_choking = c.peer_choking;
    info.peer_interested = c.peer_interested;
    info.pieces = c.pieces;
    info.download_rate = c.down.rate(now, c.since, config_.rate_window);
    info.upload_rate = c.up.rate(now, c.since, config_.rate_window);
    info.downloaded = c.downloaded;
    info.uploaded = c.uploaded;
    info.requests_out = static_cast<std::uint32_t>(c.requested.size());
    info.requests_in = static_cast<std::uint32_t>(c.queued.size());
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace wiresim::bittorrent
