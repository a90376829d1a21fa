#include "protocols/bittorrent/peer_events.hpp"

namespace wiresim::bittorrent {

std::string_view to_string(PeerEventKind kind) {
  switch (kind) {
    case PeerEventKind::Connected: return "connected";
    case PeerEventKind::HandshakeDone: return "handshake-done";
    case PeerEventKind::Closed: return "closed";
    case PeerEventKind::ProtocolError: return "protocol-error";
    case PeerEventKind::Choked: return "choked";
    case PeerEventKind::Unchoked: return "unchoked";
    case PeerEventKind::UnchokeRound: return "unchoke-round";
    case PeerEventKind::Interested: return "interested";
    case PeerEventKind::PieceVerified: return "piece-verified";
    case PeerEventKind::PieceFailed: return "piece-failed";
    case PeerEventKind::EndGame: return "end-game";
    case PeerEventKind::Completed: return "completed";
    case PeerEventKind::Left: return "left";
  }
  return "protocol-error";
}

std::string describe(const PeerEvent& event) {
  std::string out;
  if (event.connection != 0) {
    out += '#';
    out += std::to_string(event.connection);
    out += ' ';
  }
  auto with_text = [&](std::string_view what) {
    out += what;
    if (!event.text.empty()) {
      out += ": ";
      out += event.text;
    }
  };
  switch (event.kind) {
    case PeerEventKind::Connected: with_text("connected"); break;
    case PeerEventKind::HandshakeDone: with_text("handshake done"); break;
    case PeerEventKind::Closed: with_text("closed"); break;
    case PeerEventKind::ProtocolError: with_text("protocol error"); break;
    case PeerEventKind::Choked: with_text("choked us"); break;
    case PeerEventKind::Unchoked: with_text("unchoked us"); break;
    case PeerEventKind::UnchokeRound: with_text("unchoke round"); break;
    case PeerEventKind::Interested: with_text("interested in us"); break;
    case PeerEventKind::PieceVerified:
      out += "piece ";
      out += std::to_string(event.piece);
      with_text(" verified");
      break;
    case PeerEventKind::PieceFailed:
      out += "piece ";
      out += std::to_string(event.piece);
      with_text(" failed its SHA-1 check");
      break;
    case PeerEventKind::EndGame: with_text("end game"); break;
    case PeerEventKind::Completed: with_text("download complete"); break;
    case PeerEventKind::Left: with_text("left the swarm"); break;
  }
  return out;
}

}  // namespace wiresim::bittorrent
