// BitTorrent at flow level: the same PeerEngine as at packet level, one per host, with the
// network replaced by the flow model. Every host has an upload and a download resource; a
// connection's direction becomes a flow channel over (sender's upload, receiver's download)
// that carries the piece messages, sharing capacity max-min fairly. Control messages
// (handshake, bitfield, have, interested, request...) are a few bytes: they only take the
// one-way latency, and may overtake a piece in flight on the same connection; only Choke and
// Unchoke wait for the pieces sent before them, as on a TCP connection. Pieces are
// requested whole (block = piece length) and their bytes are counted, not carried; a Choke
// cuts the piece on its way at the next 16 KiB block, as over TCP (cut_piece).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "protocols/bittorrent/distribution_point.hpp"
#include "protocols/bittorrent/metainfo.hpp"
#include "protocols/bittorrent/peer_engine.hpp"
#include "protocols/bittorrent/tracker_engine.hpp"
#include "sim/flow/flow_network.hpp"

namespace wiresim::bittorrent {
namespace {

constexpr std::uint32_t FirstAddress = 0x0A000001;  // 10.0.0.1 is the server, then the peers
constexpr std::uint16_t PeerPort = 6881;
constexpr flow::ChannelId NoChannel = UINT32_MAX;
constexpr std::uint32_t NoPipe = UINT32_MAX;
constexpr std::uint64_t PieceHeader = 13;  // a Piece message's bytes before its block: length prefix, id, index, begin

class FlowSwarm {
 public:
  explicit FlowSwarm(const DistributionPoint& point);
  PointResult run();

 private:
  // Both ends of one connection. A closed pipe is used again for the next connection (a swarm
  // makes hundreds per peer), so messages carry the pipe's generation (generations_) when they
  // were sent and are dropped on arrival if it has passed: the connection they were sent on is
  // gone.
  struct Pipe {
    std::uint32_t host[2];
    ConnectionId connection[2];
    flow::ChannelId channel[2] = {NoChannel, NoChannel};  // host[k] -> host[1 - k]
    // The Piece on its way on channel[k]: where its bytes start in the channel's count, and
    // its length (0: none; PieceHeader and its block, as much of it as a choke left), for the
    // receiver's progress reports and its delivery.
    std::uint64_t piece_base[2] = {0, 0};
    std::uint64_t piece_length[2] = {0, 0};
    std::uint32_t cut_to[2] = {0, 0};  // the Piece on its way was cut to this many block bytes (0: not)
    // Its index and begin: its delivery builds the Message from them and its length (and its
    // block, when the run carries bytes, from blocks_), so that the kernel event holds no copy.
    std::uint32_t piece_index[2] = {0, 0};
    std::uint32_t piece_begin[2] = {0, 0};
  };
  struct Host {
    std::unique_ptr<PeerEngine> engine;
    flow::ResourceId up = 0, down = 0;
    std::vector<std::uint32_t> pipes;  // connection id -> pipe index (or NoPipe)
    std::uint32_t pipe_of(ConnectionId c) const { return c < pipes.size() ? pipes[c] : NoPipe; }
    void set_pipe(ConnectionId c, std::uint32_t pipe) {
      if (c >= pipes.size()) pipes.resize(c + 1, NoPipe);
      pipes[c] = pipe;
    }
    // The Pieces on their way to this host, in the order they started: only their connections
    // have progress to report (a peer has dozens of connections and downloads on a few). Each
    // names its pipe directly, which a choking round's reports then need not look up.
    struct Incoming {
      std::uint32_t pipe;
      std::uint32_t generation;  // the pipe's when the piece was sent: another means it closed
      int from;                  // the pipe's side sending it
    };
    std::vector<Incoming> incoming;
  };
  // A host's engine wakes at its wake_at(): the timer set for it.
  struct Alarm {
    std::optional<EventId> timer;
    std::optional<Time> armed;
  };

  PeerAddress address_of(std::uint32_t host) const { return {FirstAddress + host, PeerPort}; }
  std::uint32_t host_of(PeerAddress a) const { return a.ip - FirstAddress; }
  int side_of(const Pipe& p, std::uint32_t host, ConnectionId c) const {
    return p.host[0] == host && p.connection[0] == c ? 0 : 1;
  }

  // A control message on its way, as its fields, not as a Message, whose vector and string
  // every move used to copy. A handshake or a bitfield (one per connection) waits in payloads_.
  struct Delivery {
    std::uint32_t pipe;
    std::uint32_t generation;  // the pipe's when sent
    std::uint32_t host;        // the receiving end
    ConnectionId connection;
    MessageType type;
    bool payload;              // the message is the next in payloads_
    std::uint32_t index, begin, length;
  };
  // A message on a channel, as its flow message holds it until it arrives: the pipe, the side
  // that sent it and the pipe's generation then, and for a control message whether it is a
  // Choke or an Unchoke. Eight bytes: with `this` it fits in the std::function itself, which
  // then allocates nothing.
  struct OnChannel {
    std::uint32_t pipe : 30;
    std::uint32_t from : 1;
    std::uint32_t unchoke : 1;
    std::uint32_t generation;
  };

  void drain(std::uint32_t host);
  void send(std::uint32_t host, ConnectionId c, std::variant<Handshake, Message>&& what);
  void send_piece(std::uint32_t index, int from, Message&& m);
  void deliver(const Delivery& d);
  void deliver(std::uint32_t pipe, std::uint32_t generation, std::uint32_t host, ConnectionId connection,
               const Message& m);
  void deliver_piece(OnChannel sent);
  void deliver_on_channel(OnChannel sent);
  void run_batch(std::uint32_t n);
  PeerEngine& engine(std::uint32_t host) { return *engines_[host]; }
  void flush_batch();
  void cut_piece(Pipe& p, int from);
  void close(std::uint32_t host, ConnectionId c);
  void dial(std::uint32_t host, const Dial& dial);
  void announce(std::uint32_t host, const Announce& a);
  void arm(std::uint32_t host);
  void report_progress(std::uint32_t host);

  DistributionPoint point_;
  Simulator sim_;
  flow::FlowNetwork net_;
  TrackerEngine tracker_;
  std::shared_ptr<const TorrentInfo> torrent_;
  std::shared_ptr<const std::string> content_;  // the file's bytes, when carried
  // By host (0 is the server, a seed). The engines and their alarms apart from the rest, in
  // arrays of their own that stay in cache: a control message's delivery reads only these
  // (and generations_), where each used to cost a cache miss on the host's record and one on
  // its pipe's.
  std::vector<Host> hosts_;
  std::vector<std::unique_ptr<PeerEngine>> engines_;
  std::vector<Alarm> alarms_;
  std::vector<Pipe> pipes_;
  std::vector<std::uint32_t> generations_;  // by pipe
  std::vector<std::uint32_t> free_pipes_;  // closed, to be used again (the last closed first)
  // Control messages on their way, in the order they were sent. Each drain's go as one batch,
  // one kernel event, one latency later (a finished piece's Haves are most of a swarm's
  // messages); all take the same latency, so the batches arrive in the order they left, and
  // a kernel event need only say how many messages its batch has. The last `unscheduled_`
  // are the current drain's, not yet in a batch.
  std::deque<Delivery> deliveries_;
  std::uint32_t unscheduled_ = 0;
  std::deque<std::variant<Handshake, Message>> payloads_;
  std::vector<std::string> blocks_;  // by pipe and side: the Piece's bytes on their way, when carried
  std::uint64_t done_ = 0;
  std::uint64_t pieces_cut_ = 0;
  std::vector<double> done_at_;  // by peer (host - 1)
};

FlowSwarm::FlowSwarm(const DistributionPoint& point)
    : point_(point), sim_(point.seed), net_(sim_), tracker_(point.seed) {
  // Once a second: in a swarm whose uploads and downloads are all full, each start or stop
  // moves nearly every rate, so reallocating at each cost the whole swarm each time (N = 1,000:
  // 15 minutes). A piece takes 17 s or more, and a channel that pauses between two pieces
  // keeps its share, so the second costs nothing measurable (N = 200: +7.9% at every change,
  // +7.5% per second, +7.8% per 2 s; docs/performance.md).
  net_.set_reallocation_interval(seconds(1));
  if (point.carry_bytes) {
    content_ = std::make_shared<const std::string>(file_content("file.bin", point.file_bytes));
    torrent_ = std::make_shared<const TorrentInfo>(
        make_torrent("file.bin", *content_, point.piece_length, "http://tracker/announce"));
  } else {
    torrent_ = std::make_shared<const TorrentInfo>(
        make_virtual_torrent("file.bin", point.file_bytes, point.piece_length, "http://tracker/announce"));
  }
  const std::vector<PeerRates> rates = peer_rates(point);
  double mean_download = 0;
  for (const PeerRates& r : rates) mean_download += r.download / static_cast<double>(rates.size());
  hosts_.resize(rates.size() + 1);
  done_at_.assign(rates.size(), 0);
  engines_.resize(hosts_.size());
  alarms_.resize(hosts_.size());
  for (std::uint32_t i = 0; i < hosts_.size(); ++i) {
    Host& h = hosts_[i];
    const bool server = i == 0;
    const double rate = server ? point.server_upload : rates[i - 1].upload;
    h.up = net_.add_resource(rate, "upload " + std::to_string(i));
    // The server downloads nothing.
    h.down = net_.add_resource(server ? mean_download : rates[i - 1].download, "download " + std::to_string(i));
    PeerConfig config;
    config.block_size = point.piece_length;  // whole pieces: the flow model's granularity
    // libtorrent sizes a connection's request queue to its rate (request_queue_time, 3 s, of
    // blocks). A whole piece takes a peer tens to hundreds of seconds, so one request per
    // connection already keeps it busy; the next one costs a round trip of idle, well under 1%
    // of a piece. More would start more pieces at once, and end game would then duplicate them.
    config.pipeline = 1;
    // A Cancel cannot reach a piece on its way (a Choke cuts it): let one leave at a time and
    // keep the rest where a Cancel or a choke can still remove them.
    config.pieces_in_flight = 1;
    // End game duplicates whole pieces here: at most one extra copy of a piece, and only to a
    // connection with nothing else to do, as libtorrent does (see PiecePicker).
    config.end_game_copies = 2;
    config.end_game_when_idle = true;
    // Half the Haves of a swarm go to peers that already have the piece; they are most of the
    // flow-level run's events.
    config.redundant_have = false;
    // Real clients size their upload slots to their upload rate (uTorrent, libtorrent's
    // rate-based choker); a server that uploads 15 times faster than a peer downloads would
    // leave most of its capacity idle with 4 slots. And a leecher downloads from the server
    // and from its peers at once, so the server gets about half of a leecher's download: with
    // us / d slots its upload sat at 68% of us (N = 100, u = 700 kbps: +26.4% over D_p2p),
    // with 2 us / d at 85% (+13.7%). Peers keep 4 slots while their u is below d. Where the
    // peers' d differ, their mean stands for d.
    const double slots = (server ? 2 : 1) * rate / mean_download;
    config.unchoke_slots = std::max<std::uint32_t>(4, static_cast<std::uint32_t>(std::ceil(slots)));
    config.max_connections = point.max_connections;
    // Dial up to max_connections, but accept as many again (libtorrent and uTorrent accept
    // incoming peers up to a global limit well above the per-torrent target): otherwise the
    // server, whose first neighbours finish and leave it, finds every leecher full and idles.
    config.incoming_headroom = point.max_connections;
    // And a seed with few connections asks the tracker for more, as libtorrent's seeds do
    // (seeding_outgoing_connections), so the server keeps serving leechers to the end.
    config.seed_seeks_peers = true;
    // The server, the one seed at the start and the fastest uploader, keeps looking for
    // leechers until it has four per upload slot: a peer that neither dialed it nor was dialed
    // by it would never get any of its upload, however fair its round robin.
    if (server) {
      config.max_connections = std::max(point.max_connections, 4 * config.unchoke_slots);
      config.wanted_connections = config.max_connections;
    }
    // libtorrent's peer turnover (4% every 5 minutes when near the limit): without it, a peer
    // whose 60 slots filled with leechers before the server dialed it never got any of the
    // server's upload, and finished last by far (N = 100, u = 300 kbps: two peers had half the
    // file when the other 98 were done).
    config.turnover = 0.04;
    // Seeds (the server from the start, peers once done) serve round robin, least served first.
    config.seed_round_robin = true;
    config.seed_after_completion = server || point.seed_after_completion;
    config.reported = event_bit(PeerEventKind::Completed);  // drain() reads no other
    PeerId id{};
    const std::string prefix = "-WS0001-";
    std::copy(prefix.begin(), prefix.end(), id.begin());
    for (int b = 0; b < 4; ++b) id[8 + b] = static_cast<std::uint8_t>(i >> (8 * b));
    engines_[i] = std::make_unique<PeerEngine>(torrent_, id, address_of(i), config, point.seed * 1'000'003 + i,
                                               server, content_);
  }
}

void FlowSwarm::arm(std::uint32_t host) {
  Alarm& a = alarms_[host];
  const std::optional<Time> wake = engine(host).wake_at();
  if (wake == a.armed) return;
  if (a.timer) sim_.cancel(*a.timer);
  a.timer.reset();
  a.armed = wake;
  if (!wake) return;
  a.timer = sim_.schedule_at(*wake, [this, host] {
    alarms_[host].timer.reset();
    alarms_[host].armed.reset();
    report_progress(host);  // its choker is about to rank the connections
    engine(host).on_timer(sim_.now());
    drain(host);
  });
}

// Tells the host how far each piece coming to it has got, so that its rate meters see bytes as
// they arrive, as they would over TCP, and not a whole piece at once when it ends.
// Each report touches only its own connection, so their order does not matter.
void FlowSwarm::report_progress(std::uint32_t host) {
  Host& h = hosts_[host];
  std::erase_if(h.incoming, [&](const Host::Incoming& in) {
    if (generations_[in.pipe] != in.generation) return true;  // closed
    const Pipe& p = pipes_[in.pipe];
    const int from = in.from;
    const std::uint64_t sent = net_.sent_bytes(p.channel[from]);
    if (sent > p.piece_base[from])
      engine(host).on_piece_progress(p.connection[1 - from],
                                     std::min(sent - p.piece_base[from], p.piece_length[from]), sim_.now());
    return false;
  });
}

// Carries out what the engine asked for after an input.
void FlowSwarm::drain(std::uint32_t host) {
  PeerEngine& e = engine(host);
  if (!e.has_output()) return arm(host);  // most Haves: nothing to answer
  for (const PeerEvent& ev : e.take_events()) {
    if (ev.kind == PeerEventKind::Completed && host != 0) {
      done_at_[host - 1] = sim_.now().seconds();
      if (++done_ == point_.peers) sim_.stop();
    }
  }
  std::vector<Outgoing> outgoing = e.take_outgoing();
  for (Outgoing& o : outgoing) send(host, o.connection, std::move(o.what));
  flush_batch();
  for (ConnectionId c : e.take_closes()) close(host, c);
  for (const Dial& d : e.take_dials()) dial(host, d);
  for (const Announce& a : e.take_announces()) announce(host, a);
  arm(host);
}

void FlowSwarm::announce(std::uint32_t host, const Announce& a) {
  // To the tracker and back: one round trip.
  sim_.schedule_in(point_.latency * 2, [this, host, a] {
    TrackerAnswer answer = tracker_.announce(torrent_->info_hash, address_of(host), a.event, a.left, a.numwant, sim_.now());
    if (a.event == TrackerEvent::Stopped) return;
    engine(host).on_announce_response(std::move(answer.peers), answer.interval, sim_.now());
    drain(host);
  });
}

void FlowSwarm::dial(std::uint32_t host, const Dial& d) {
  const std::uint32_t remote = host_of(d.address);
  // TCP's handshake: the acceptor learns of the connection after one and a half round trips'
  // worth of latency, the dialer after one; both are taken here as one round trip.
  sim_.schedule_in(point_.latency * 2, [this, host, remote, c = d.connection] {
    if (remote >= hosts_.size()) {
      engine(host).on_dial_failed(c, sim_.now());
      drain(host);
      return;
    }
    const std::optional<ConnectionId> accepted = engine(remote).on_accepted(address_of(host), sim_.now());
    if (!accepted) {
      engine(host).on_dial_failed(c, sim_.now());
      drain(host);
      return;
    }
    std::uint32_t index = static_cast<std::uint32_t>(pipes_.size());
    if (free_pipes_.empty()) {
      pipes_.emplace_back();
      generations_.push_back(0);
      if (content_) blocks_.resize(2 * pipes_.size());
    } else {
      index = free_pipes_.back();
      free_pipes_.pop_back();
    }
    pipes_[index] = Pipe{{host, remote}, {c, *accepted}};
    hosts_[host].set_pipe(c, index);
    hosts_[remote].set_pipe(*accepted, index);
    engine(host).on_connected(c, sim_.now());
    drain(host);
    drain(remote);
  });
}

void FlowSwarm::send(std::uint32_t host, ConnectionId c, std::variant<Handshake, Message>&& what) {
  const std::uint32_t index = hosts_[host].pipe_of(c);
  if (index == NoPipe) return;
  Pipe& p = pipes_[index];  // open: close() unmaps both ends at once
  const int from = side_of(p, host, c);
  Message* m = std::get_if<Message>(&what);
  if (m && m->type == MessageType::Piece) return send_piece(index, from, std::move(*m));
  // TCP keeps a connection's messages in order: a Choke (or the Unchoke after it) arrives after
  // the pieces sent before it, so the peer it chokes can tell that nothing more is coming. As an
  // empty message on the piece channel it waits for those pieces, then takes only the latency.
  // With nothing on the channel it would take just the latency: the batch carries it then.
  if (m && (m->type == MessageType::Choke || m->type == MessageType::Unchoke) && p.channel[from] != NoChannel &&
      net_.has_messages(p.channel[from])) {
    flush_batch();
    if (m->type == MessageType::Choke && p.piece_length[from] != 0) cut_piece(p, from);
    const OnChannel sent{index, static_cast<std::uint32_t>(from), m->type == MessageType::Unchoke, generations_[index]};
    net_.send(p.channel[from], 0, [this, sent] { deliver_on_channel(sent); });
    return;
  }
  ++unscheduled_;
  if (!m || !m->bitfield.empty() || !m->block.empty()) {  // a handshake, a bitfield
    deliveries_.emplace_back(index, generations_[index], p.host[1 - from], p.connection[1 - from],
                             MessageType::KeepAlive, true, 0, 0, 0);
    payloads_.emplace_back(std::move(what));
    return;
  }
  deliveries_.emplace_back(index, generations_[index], p.host[1 - from], p.connection[1 - from], m->type, false,
                           m->index, m->begin, m->length);
}

void FlowSwarm::send_piece(std::uint32_t index, int from, Message&& m) {
  flush_batch();  // what was sent before it is scheduled before it
  Pipe& p = pipes_[index];
  if (p.channel[from] == NoChannel)
    p.channel[from] = net_.open({{hosts_[p.host[from]].up, 1.0}, {hosts_[p.host[1 - from]].down, 1.0}}, point_.latency);
  // One piece at a time per connection (pacing), so the piece starts where the bytes queued
  // before it end.
  p.piece_base[from] = net_.sent_bytes(p.channel[from]) + net_.queued_bytes(p.channel[from]);
  p.piece_length[from] = m.wire_size();
  p.piece_index[from] = m.index;
  p.piece_begin[from] = m.begin;
  if (content_) blocks_[2 * index + from] = std::move(m.block);
  const OnChannel sent{index, static_cast<std::uint32_t>(from), 0, generations_[index]};
  hosts_[p.host[1 - from]].incoming.push_back({index, sent.generation, from});
  net_.send(p.channel[from], p.piece_length[from], [this, sent] { deliver_piece(sent); });
}

// A piece has arrived whole, or as much of it as a choke left (cut_piece): the sender may let
// its next piece go (pacing), then the receiver has it. Still open: closing a channel cancels
// what is on it. The sender's drain may close it, which deliver() then sees in the generation.
void FlowSwarm::deliver_piece(OnChannel sent) {
  const std::uint32_t index = sent.pipe, generation = sent.generation;
  const int from = static_cast<int>(sent.from);
  Pipe& pipe = pipes_[index];
  const std::uint64_t length = std::exchange(pipe.piece_length[from], 0);
  std::erase_if(hosts_[pipe.host[1 - from]].incoming,
                [&](const Host::Incoming& in) { return in.pipe == index && in.generation == generation; });
  const std::uint32_t cut_to = std::exchange(pipe.cut_to[from], 0);
  // Read before the sender's drain, which may send its next piece on this pipe.
  Message m;
  m.type = MessageType::Piece;
  m.index = pipe.piece_index[from];
  m.begin = pipe.piece_begin[from];
  m.length = static_cast<std::uint32_t>(length - PieceHeader);
  if (content_) {
    m.block = std::move(blocks_[2 * index + from]);
    m.block.resize(m.length);  // a choke may have cut it
  }
  const std::uint32_t to = pipe.host[1 - from];
  const ConnectionId to_connection = pipe.connection[1 - from];
  engine(pipe.host[from]).on_piece_sent(pipe.connection[from], sim_.now(),
                                        cut_to ? std::optional(cut_to) : std::nullopt);
  drain(pipe.host[from]);
  deliver(index, generation, to, to_connection, m);
}

// A Choke or Unchoke that waited on the channel for the pieces before it.
void FlowSwarm::deliver_on_channel(OnChannel sent) {
  if (generations_[sent.pipe] != sent.generation) return;
  const Pipe& pipe = pipes_[sent.pipe];
  Message m;
  m.type = sent.unchoke ? MessageType::Unchoke : MessageType::Choke;
  deliver(sent.pipe, sent.generation, pipe.host[1 - sent.from], pipe.connection[1 - sent.from], m);
}

// BEP 3: a choke discards the requests not served yet; over TCP, only the 16 KiB block on its
// way still arrives. A whole-piece flow stands for such blocks one after another, so a choke
// ends it at the next block boundary (at least one block: the first was on its way), and the
// peer keeps that part. Without this, a choked peer got the whole 4 MiB piece, and an
// uploader kept sending to some twenty peers it had choked besides the five it had not.
void FlowSwarm::cut_piece(Pipe& p, int from) {
  constexpr std::uint64_t Block = 16384;
  const std::uint64_t sent = net_.sent_bytes(p.channel[from]) - p.piece_base[from];
  if (sent >= p.piece_length[from]) return;  // it has left whole
  const std::uint64_t length = p.piece_length[from] - PieceHeader;
  const std::uint64_t sent_of_block = sent > PieceHeader ? sent - PieceHeader : 0;
  const std::uint64_t keep = std::max(Block, (sent_of_block + Block - 1) / Block * Block);
  if (keep >= length) return;
  const std::uint64_t kept = net_.cut_head(p.channel[from], PieceHeader + keep);
  p.piece_length[from] = kept;
  p.cut_to[from] = static_cast<std::uint32_t>(kept - PieceHeader);
  ++pieces_cut_;
}

// The batch's messages arrive in the order they were sent, and in the same place among the
// kernel's events as one event each would: nothing else is scheduled between them.
void FlowSwarm::flush_batch() {
  if (unscheduled_ == 0) return;
  sim_.schedule_in(point_.latency, [this, n = std::exchange(unscheduled_, 0)] { run_batch(n); });
}

void FlowSwarm::run_batch(std::uint32_t n) {
  for (std::uint32_t i = 0; i < n; ++i) {
    // The messages after this one, of this batch and the next, are known: fetch what each
    // will read first, one link of its chain at a time (PeerEngine::prefetch_slot).
    const std::size_t queued = deliveries_.size();
    if (queued > 6) engine(deliveries_[6].host).prefetch_engine();
    if (queued > 4) engine(deliveries_[4].host).prefetch_slot(deliveries_[4].connection);
    if (queued > 2) engine(deliveries_[2].host).prefetch_connection(deliveries_[2].connection);
    const Delivery d = deliveries_.front();  // a copy: delivering it may send more
    deliveries_.pop_front();
    deliver(d);
  }
}

void FlowSwarm::deliver(const Delivery& d) {
  if (d.payload) {
    std::variant<Handshake, Message> what = std::move(payloads_.front());
    payloads_.pop_front();
    if (generations_[d.pipe] != d.generation) return;
    if (const auto* h = std::get_if<Handshake>(&what)) {
      engine(d.host).on_handshake(d.connection, *h, sim_.now());
      return drain(d.host);
    }
    return deliver(d.pipe, d.generation, d.host, d.connection, std::get<Message>(what));
  }
  Message m;
  m.type = d.type;
  m.index = d.index;
  m.begin = d.begin;
  m.length = d.length;
  deliver(d.pipe, d.generation, d.host, d.connection, m);
}

// Only if the connection it was sent on is still open: the pipe's generation has not moved.
void FlowSwarm::deliver(std::uint32_t pipe, std::uint32_t generation, std::uint32_t host, ConnectionId connection,
                        const Message& m) {
  if (generations_[pipe] != generation) return;
  engine(host).on_message(connection, m, sim_.now());
  drain(host);
}

void FlowSwarm::close(std::uint32_t host, ConnectionId c) {
  const std::uint32_t index = hosts_[host].pipe_of(c);
  if (index == NoPipe) return;
  Pipe& p = pipes_[index];
  for (flow::ChannelId ch : p.channel)
    if (ch != NoChannel) net_.close(ch);  // and with them the pieces on their way
  const int side = side_of(p, host, c);
  const std::uint32_t remote = p.host[1 - side];
  const ConnectionId remote_c = p.connection[1 - side];
  // Both ends at once: what the remote sends before it learns of the close goes nowhere, as
  // it would on a closed TCP connection, and the pipe is free for the next connection.
  hosts_[host].set_pipe(c, NoPipe);
  hosts_[remote].set_pipe(remote_c, NoPipe);
  ++generations_[index];
  free_pipes_.push_back(index);
  sim_.schedule_in(point_.latency, [this, remote, remote_c] {
    engine(remote).on_closed(remote_c, sim_.now());
    drain(remote);
  });
}

PointResult FlowSwarm::run() {
  PointResult result;
  result.theory = p2p_time(problem_of(point_));
  for (std::uint32_t i = 0; i < hosts_.size(); ++i) {
    engines_[i]->start(sim_.now());
    drain(i);
  }
  // A swarm that stalls (every peer choked forever) must still end: ten times the bound.
  const Time limit = Time{} + nanoseconds(static_cast<std::int64_t>(result.theory.seconds * 10e9)) + seconds(600);
  sim_.run_until(limit);
  result.events = sim_.events_run();
  result.pieces_cut = pieces_cut_;
  for (std::uint32_t i = 0; i < hosts_.size(); ++i) {
    (i == 0 ? result.server_bytes : result.peer_bytes) += engines_[i]->uploaded();
    result.wasted_bytes += engines_[i]->wasted();
    if (i == 0) continue;
    result.useful_bytes += engines_[i]->downloaded() - engines_[i]->wasted();
    if (!content_) continue;
    const PeerEngine& e = *engines_[i];
    bool same = e.complete();
    for (std::uint32_t k = 0; same && k < torrent_->piece_count(); ++k)
      same = e.piece_data(k) == std::string_view(*content_).substr(std::uint64_t{k} * torrent_->piece_length,
                                                                    torrent_->piece_size(k));
    result.verified_peers += same;
  }
  if (done_ != point_.peers) {
    char when[32];
    std::snprintf(when, sizeof when, "%.0f", sim_.now().seconds());
    result.error = std::to_string(done_) + " of " + std::to_string(point_.peers) + " peers had the file by " + when +
                   " s (ten times the bound)";
    return result;
  }
  record_done_times(result, point_, done_at_);
  return result;
}

}  // namespace

PointResult run_bittorrent_flow(const DistributionPoint& point) {
  if (point.peers == 0 || point.file_bytes == 0) {
    PointResult r;
    r.error = "needs at least one peer and a file";
    return r;
  }
  return FlowSwarm(point).run();
}

}  // namespace wiresim::bittorrent
