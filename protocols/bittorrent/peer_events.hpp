// What the BitTorrent peer engine reports, for an adapter to publish as trace events: the life
// of each connection, choking seen both ways, piece verification and the download's end.
// Plain data, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wiresim::bittorrent {

using ConnectionId = std::uint32_t;

enum class PeerEventKind {
  Connected,      // a TCP connection is up (our dial succeeded, or we accepted one)
  HandshakeDone,  // both handshakes exchanged: peer-wire messages may flow
  Closed,         // the connection is gone; `text` says why
  ProtocolError,  // the peer broke BEP 3; the engine closes the connection (a Closed follows)
  Choked,         // the peer choked us
  Unchoked,       // the peer unchoked us
  UnchokeRound,   // our set of unchoked peers changed; `text` lists it
  Interested,     // the peer became interested in us
  PieceVerified,  // a piece passed its SHA-1 check and is ours
  PieceFailed,    // a piece failed its SHA-1 check; its blocks are fetched again
  EndGame,        // every missing block is requested: ask all peers for the rest (BEP 3)
  Completed,      // we have every piece
  Left,           // we announced "stopped" and closed every connection
};

// A set of event kinds, one bit each: what an adapter wants reported (PeerConfig::reported).
using PeerEventKinds = std::uint32_t;
constexpr PeerEventKinds event_bit(PeerEventKind kind) { return PeerEventKinds{1} << static_cast<unsigned>(kind); }
constexpr PeerEventKinds AllPeerEvents = ~PeerEventKinds{0};
static_assert(static_cast<unsigned>(PeerEventKind::Left) < 32, "one bit per kind: Left is the last");

struct PeerEvent {
  PeerEventKind kind = PeerEventKind::ProtocolError;
  ConnectionId connection = 0;  // 0 for events about the whole peer
  std::uint32_t piece = 0;      // PieceVerified, PieceFailed
  std::string text;             // the reason or detail, when the fields above do not say it all
};

std::string_view to_string(PeerEventKind kind);  // "connected", "handshake-done", ...

// One line for humans: "#3 piece 12 verified", "#7 protocol error: have for piece 900 of 450".
std::string describe(const PeerEvent& event);

}  // namespace wiresim::bittorrent
