// One BitTorrent peer and all its connections, sans I/O (BEP 3 peer protocol, Cohen 2003's
// choking and piece selection): decoded handshakes and messages in, messages, dials, closes
// and tracker announces out; time is an argument. Adapters carry the messages as bytes over
// simulated TCP (packet level) or as flows (flow level). Left out: the fast extension, DHT,
// PEX, anti-snubbing, banning peers that send bad data, encryption.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "protocols/bittorrent/bitfield.hpp"
#include "protocols/bittorrent/choker.hpp"
#include "protocols/bittorrent/peer_events.hpp"
#include "protocols/bittorrent/peer_rate_meter.hpp"
#include "protocols/bittorrent/piece_picker.hpp"
#include "protocols/bittorrent/tracker.hpp"
#include "protocols/bittorrent/types.hpp"
#include "sim/core/time.hpp"

namespace wiresim::bittorrent {

struct PeerConfig {
  std::uint32_t max_connections = 50;   // dial while fewer connections than this are open
  std::uint32_t incoming_headroom = 5;  // accept while fewer than max_connections + this are open
  std::uint32_t unchoke_slots = 4;      // regular (tit-for-tat) slots, the optimistic one apart
  Duration rechoke_interval = seconds(10);
  Duration optimistic_interval = seconds(30);
  Duration rate_window = seconds(20);   // rates are measured over this window
  std::uint32_t block_size = 16384;     // request size; a flow-level run uses the piece length
  std::uint32_t pipeline = 5;           // requests kept outstanding per connection
  // A seed's choker: false, the original client's rule (the peers it uploads to fastest);
  // true, the peers it has served least so far first, a round robin over the interested
  // peers (libtorrent's default seed_choking_algorithm, round_robin), which spreads a fast
  // server's upload evenly instead of feeding the same few peers to the end.
  bool seed_round_robin = false;
  bool end_game = true;
  // false: no Have for a piece the peer already has (libtorrent's send_redundant_have = false);
  // it cannot use it. Saves about half the Haves of a swarm, all of those to seeds.
  bool redundant_have = true;
  std::uint32_t end_game_copies = 0;    // end game: ask at most this many peers per block; 0: all
  bool end_game_when_idle = false;      // end game: one duplicate at a time, only to an idle connection
  bool seed_after_completion = true;    // false: announce "stopped" and close all once complete
  Duration keep_alive = seconds(120);   // send a keep-alive after this much silence on our side
  Duration announce_interval_default = seconds(1800);  // until the tracker names one
  Duration announce_retry = seconds(60);               // after a failed announce
  std::uint32_t wanted_connections = 20;  // fewer open while leeching: announce again early...
  Duration early_announce = seconds(60);  // ...this long after the last announce
  // A seed announces early too when it has few connections, to find leechers to serve
  // (libtorrent's seeding_outgoing_connections); BEP 3 has seeds wait for the interval.
  bool seed_seeks_peers = false;
  std::uint32_t max_queued_requests = 250;  // a peer's unanswered requests; more are ignored
  // libtorrent's peer turnover: every `turnover_interval`, a peer with at least
  // `turnover_cutoff` of its connection limit (max_connections + incoming_headroom) open
  // closes `turnover` of its connections (at least one), the least useful first: those with
  // nothing we want, then the slowest. It makes room for new ones: a peer whose slots all
  // filled with other leechers early on would otherwise refuse the server to the end.
  double turnover = 0;  // 0: none (BEP 3 has none); libtorrent's default is 0.04
  double turnover_cutoff = 0.9;
  Duration turnover_interval = seconds(300);
  // Upload pacing. 0: answer each Request at once (the adapter's send buffer is the queue).
  // n > 0: at most n Piece messages per connection are out before the adapter confirms one
  // with on_piece_sent(); the rest wait in the engine, where a Cancel or our Choke still drops
  // them (BEP 3). Worth it at flow level, where a Piece is a whole piece: n = 1, confirmed when
  // its flow ends, keeps choked peers from receiving pieces nobody asked for any more.
  std::uint32_t pieces_in_flight = 0;
  // The events to report; the others are not even built. A flow-level swarm reads only
  // Completed, and a peer's other events (a choking round's list, every piece verified...)
  // outnumber its messages' answers.
  PeerEventKinds reported = AllPeerEvents;
};

using TrackerEvent = AnnounceEvent;  // tracker.hpp's None, Started, Completed, Stopped

// What to tell the tracker; the adapter adds info_hash, peer_id and port.
struct Announce {
  TrackerEvent event = TrackerEvent::None;
  std::uint64_t uploaded = 0;    // payload bytes
  std::uint64_t downloaded = 0;
  std::uint64_t left = 0;
  std::uint32_t numwant = 0;
};

// Open a TCP connection to `address`; answer with on_connected or on_dial_failed.
struct Dial {
  ConnectionId connection = 0;
  PeerAddress address;
};

struct Outgoing {
  ConnectionId connection = 0;
  std::variant<Handshake, Message> what;
  friend bool operator==(const Outgoing&, const Outgoing&) = default;
};

// One connection as reports and the desktop view show it.
struct ConnectionInfo {
  ConnectionId connection = 0;
  PeerAddress address;  // an incoming connection's is the remote's ephemeral port
  bool outgoing = false;
  bool handshake_done = false;
  PeerId peer_id{};
  bool am_choking = true;
  bool am_interested = false;
  bool peer_choking = true;
  bool peer_interested = false;
  Bitfield pieces;       // what the peer has
  double download_rate = 0;  // bytes/s from it, over the rate window
  double upload_rate = 0;    // bytes/s to it
  std::uint64_t downloaded = 0;  // payload bytes from it
  std::uint64_t uploaded = 0;
  std::uint32_t requests_out = 0;  // ours, outstanding at it
  std::uint32_t requests_in = 0;   // its requests waiting for an answer (pacing only)
};

class alignas(64) PeerEngine {
 public:
  // `content`: the whole file when this run carries bytes (nullptr, or a string of another
  // size, when it only counts them). A seed serves from it; a leecher only takes it as the
  // sign that blocks carry bytes, which it stores and checks against the piece hashes.
  // Without bytes a complete piece counts as verified. `seed`: start with every piece.
  PeerEngine(std::shared_ptr<const TorrentInfo> torrent, PeerId self, PeerAddress self_address, PeerConfig config,
             std::uint64_t random_seed, bool seed, std::shared_ptr<const std::string> content);

  void start(Time now);  // announce "started"; the first rechoke round runs now
  void stop(Time now);   // leave: announce "stopped", close every connection
  void on_announce_response(std::vector<PeerAddress> peers, Duration interval, Time now);
  void on_announce_failed(Time now);
  void on_connected(ConnectionId connection, Time now);  // our dial succeeded: we send the handshake
  void on_dial_failed(ConnectionId connection, Time now);
  std::optional<ConnectionId> on_accepted(PeerAddress remote, Time now);  // nullopt: refuse it
  void on_handshake(ConnectionId connection, const Handshake& handshake, Time now);
  void on_message(ConnectionId connection, const Message& message, Time now);
  void on_closed(ConnectionId connection, Time now);  // by the remote or the network
  // One Piece message on this connection has left (pacing only: config.pieces_in_flight > 0).
  // `sent_length`: only the first bytes of its block left, the adapter having cut it short (a
  // flow-level piece, cut at the block on its way when we choked the peer); they are all that
  // counts as uploaded.
  void on_piece_sent(ConnectionId connection, Time now, std::optional<std::uint32_t> sent_length = std::nullopt);
  // `bytes` of the Piece message now on its way to us on this connection have arrived so far
  // (a flow-level adapter's report: TCP hands a message's bytes over as they come). They count
  // for the connection's download rate at once, and the message, when whole, for the rest, so
  // tit-for-tat ranks peers on what they send now rather than on whole 4 MiB pieces.
  void on_piece_progress(ConnectionId connection, std::uint64_t bytes, Time now);
  void on_timer(Time now);

  std::vector<Outgoing> take_outgoing();
  std::vector<Dial> take_dials();
  std::vector<ConnectionId> take_closes();  // the engine closed these; no on_closed needed
  std::vector<Announce> take_announces();
  std::vector<PeerEvent> take_events();
  std::optional<Time> wake_at() const;
  // Something waits in one of the take_* lists (an adapter loops until this is false).
  bool has_output() const { return !outgoing_.empty() || other_output_; }
  // For an adapter that knows which messages come next: a message's first reads are a chain
  // (this engine, the connection's slot in the id index, the connection), each needing the
  // one before it, and in a swarm of thousands each is a cache miss. These fetch one link
  // each, ahead of time: called for a message a few messages before its delivery, in this
  // order, each on what the one before brought in. (Fetching the picker's count of a Have's
  // piece too made no measurable difference.)
  void prefetch_engine() const { __builtin_prefetch(this); }
  void prefetch_slot(ConnectionId id) const {
    if (id < by_id_.size()) __builtin_prefetch(by_id_.data() + id);
  }
  void prefetch_connection(ConnectionId id) const {
    if (id >= by_id_.size() || by_id_[id] == NoIndex) return;
    const char* c = reinterpret_cast<const char*>(connections_.data() + by_id_[id]);
    __builtin_prefetch(c);
    __builtin_prefetch(c + 64);  // the bitfield: a Have's
  }

  const TorrentInfo& torrent() const { return *torrent_; }
  const PeerId& peer_id() const { return self_; }
  PeerAddress address() const { return self_address_; }
  const Bitfield& have() const { return picker_.have(); }
  bool complete() const { return complete_; }
  std::optional<Time> completed_at() const { return completed_at_; }  // a leecher's; nullopt for a seed
  bool has_left() const { return left_; }
  bool in_end_game() const { return end_game_; }
  std::uint64_t uploaded() const { return uploaded_; }      // payload bytes sent
  std::uint64_t downloaded() const { return downloaded_; }  // payload bytes received, wasted ones too
  std::uint64_t wasted() const { return wasted_; }          // duplicate, unwanted and hash-failed bytes
  std::uint64_t left() const { return picker_.bytes_missing(); }
  std::uint32_t availability(std::uint32_t piece) const { return picker_.availability(piece); }
  // A verified piece's bytes; empty unless we have it and this run carries bytes.
  std::string_view piece_data(std::uint32_t index) const;
  std::size_t connection_count() const { return connections_.size(); }
  std::vector<ConnectionInfo> connections(Time now) const;
  // Our unchoked connections: the regular ones and the optimistic one.
  const std::vector<ConnectionId>& regular_unchoked() const { return choker_.regular(); }
  std::optional<ConnectionId> optimistic_unchoke() const { return choker_.optimistic(); }

 private:
  enum class Stage : std::uint8_t { Dialing, Handshaking, Active };
  // Fields in the order the walks over every connection read them, a cache line (64 bytes)
  // at a time: the choking round reads line 0 (and a leecher's download meter, line 3, only for
  // the few peers that sent something within the rate window: last_download says which), the
  // Haves of a finished piece line 0 and the bitfield's size and first 448 pieces (line 1). A
  // swarm of thousands is bound by memory, not by arithmetic: under cachegrind (N = 300, a
  // 4 MiB last-level cache) this order and the bitfield's inline bits cut its misses by 23%.
  struct alignas(64) Connection {
    // line 0
    ConnectionId id = 0;
    Stage stage = Stage::Dialing;
    bool am_choking = true;
    bool am_interested = false;
    bool peer_choking = true;
    bool peer_interested = false;
    bool got_message = false;  // BEP 3: a bitfield may only come first
    bool outgoing = false;
    std::uint32_t wanted = 0;           // pieces it has that we lack: interest is wanted > 0
    Time since{}, last_sent{};
    std::uint64_t uploaded = 0, uploaded_when_unchoked = 0;
    std::uint32_t pieces_sent_since_unchoke = 0;  // whole, confirmed by on_piece_sent (pacing)
    Time last_download{};               // of the last bytes counted in `down`
    // lines 1 and 2
    Bitfield pieces;
    std::vector<BlockRef> requested;    // our requests outstanding at it
    std::uint64_t downloaded = 0;
    RateMeter down;  // line 3
    std::uint64_t arriving = 0;         // bytes of the Piece on its way already in `down`
    // the rest: what only the peer's own messages touch
    std::vector<BlockRef> queued;       // its requests we have not answered yet
    std::vector<BlockRef> in_flight;    // Piece messages not yet confirmed sent (pacing), oldest first
    RateMeter up;
    PeerAddress address;
    PeerId peer_id{};
  };
  // Connections live in one vector in id order (ids only grow, so a new one goes last), found
  // by id through by_id_. A swarm of thousands walks them on every piece and every choking
  // round: in order and side by side, that walk costs a fraction of a tree's. Adding one may
  // move them all, closing one moves those after it: a Connection& does not outlive either.
  Connection& add_connection(ConnectionId id);
  Connection* find(ConnectionId id) {
    return id < by_id_.size() && by_id_[id] != NoIndex ? &connections_[by_id_[id]] : nullptr;
  }
  static constexpr std::uint32_t NoIndex = UINT32_MAX;

  // messages in
  void on_choked(Connection& c, Time now);
  void count_download(Connection& c, std::uint64_t bytes, Time now);  // into `down`
  void on_have(ConnectionId id, Connection& c, std::uint32_t piece, Time now);
  void on_bitfield(ConnectionId id, Connection& c, const Message& m, Time now);
  void on_request(ConnectionId id, Connection& c, const Message& m, Time now);
  void on_piece(ConnectionId id, Connection& c, const Message& m, Time now);
  std::optional<std::string> check_block(const Message& m) const;
  // messages out
  void send(ConnectionId id, Connection& c, Message m, Time now);
  void send_simple(ConnectionId id, Connection& c, MessageType type, Time now);
  void serve(ConnectionId id, Connection& c, Time now);
  void fill(ConnectionId id, Connection& c, Time now);
  void fill_all(Time now);
  void send_new_requests(ConnectionId id, Connection& c, std::size_t from, Time now);
  void note_end_game(Time now);
  void cancel_elsewhere(const BlockRef& block, ConnectionId except, Time now);
  // pieces
  void finish_piece(std::uint32_t piece, ConnectionId from, Time now);
  void on_complete(Time now);
  // choking
  // The interested connections, rates else 0. The list is valid until the next call by any
  // engine of this thread: one list for all of them, like the choker's (choker.cpp says why).
  const std::vector<ChokeCandidate>& choke_candidates(Time now, bool rates = true) const;
  std::uint64_t round_robin_standing(const Connection& c) const;
  void rechoke(Time now);
  void apply_unchoked(const std::vector<ConnectionId>& unchoked, Time now);
  void set_choking(ConnectionId id, Connection& c, bool choke, Time now);
  void report_unchoke_round(const char* why);
  void fill_free_slots(Time now);
  void turn_over(Time now);
  // connections
  bool known(PeerAddress address) const;
  bool wants_peers() const { return !complete() || seed_seeks_peers_; }
  void drop_seed(ConnectionId id, Time now);
  void handshake_done(ConnectionId id, Connection& c, Time now);
  void protocol_error(ConnectionId id, std::string text, Time now);
  void close(ConnectionId id, std::string reason, Time now);
  void forget(ConnectionId id, Time now);
  void leave(Time now);
  void announce(TrackerEvent event, Time now);
  void event(PeerEventKind kind, ConnectionId connection, std::string text = {}, std::uint32_t piece = 0);
  void dial(ConnectionId id, PeerAddress address);
  void closed_by_us(ConnectionId id);  // the adapter is told to close it: take_closes()
  template <class T>
  std::vector<T> take_other(std::vector<T>& list);  // one of the four rare lists
  void refresh_other_output() {
    other_output_ = !dials_.empty() || !closes_.empty() || !announces_.empty() || !events_.empty();
  }
  bool reports(PeerEventKind kind) const { return (config_.reported & event_bit(kind)) != 0; }
  std::string_view bytes_of(std::uint32_t piece) const;

  // First, in the engine's first two cache lines, what every message, every drain
  // (has_output) and every wake_at reads: a swarm of thousands is bound by memory, and a Have
  // that asks for no answer used to touch six of the engine's lines.
  // line 0
  std::vector<Connection> connections_;
  std::vector<std::uint32_t> by_id_;  // id -> index in connections_; NoIndex once closed
  bool started_ = false;
  bool left_ = false;
  bool end_game_ = false;
  bool unchoke_set_changed_ = false;  // since the last UnchokeRound event
  bool complete_ = false;             // picker_.complete(), kept here
  bool other_output_ = false;         // dials_, closes_, announces_ or events_ is not empty
  bool seed_seeks_peers_ = false;     // config_'s, kept here for wake_at
  std::uint32_t wanted_connections_ = 0;  // config_'s, kept here for wake_at
  // line 1
  std::vector<Outgoing> outgoing_;
  Time next_rechoke_{};
  Time next_announce_{};
  Time last_announce_{};
  Duration early_announce_{};  // config_'s, kept here for wake_at
  // the rest
  std::vector<Dial> dials_;
  std::vector<ConnectionId> closes_;
  std::vector<Announce> announces_;
  std::vector<PeerEvent> events_;
  PiecePicker picker_;
  PeerConfig config_;

  std::shared_ptr<const TorrentInfo> torrent_;
  PeerId self_;
  PeerAddress self_address_;
  std::shared_ptr<const std::string> content_;
  bool carries_ = false;   // blocks carry bytes: store and SHA-1 check them
  bool started_as_seed_;
  std::string data_;       // a carrying leecher's file, filled block by block
  Choker choker_;
  ConnectionId next_id_ = 1;
  // Seeds we dropped as a seed: not dialed again. Incoming ones are kept with port 0 (their
  // listening port is unknown), matched by IP address.
  std::set<PeerAddress> seeds_seen_;
  std::optional<Time> completed_at_;
  std::uint64_t uploaded_ = 0, downloaded_ = 0, wasted_ = 0;
  Time next_turnover_{};
  Duration announce_interval_;
  TrackerEvent pending_event_ = TrackerEvent::None;  // an event not yet acknowledged by the tracker
};

}  // namespace wiresim::bittorrent
