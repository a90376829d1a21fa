#include "protocols/bittorrent/types.hpp"

#include "sim/core/escape.hpp"

namespace wiresim::bittorrent {

std::uint64_t Message::wire_size() const {
  switch (type) {
    case MessageType::KeepAlive: return 4;
    case MessageType::Choke:
    case MessageType::Unchoke:
    case MessageType::Interested:
    case MessageType::NotInterested: return 5;
    case MessageType::Have: return 9;
    case MessageType::Bitfield: return 5 + bitfield.size();
    case MessageType::Request:
    case MessageType::Cancel: return 17;
    case MessageType::Piece: return 13 + std::uint64_t{length};
  }
  return 4;
}

const char* to_string(MessageType type) {
  switch (type) {
    case MessageType::Choke: return "choke";
    case MessageType::Unchoke: return "unchoke";
    case MessageType::Interested: return "interested";
    case MessageType::NotInterested: return "not interested";
    case MessageType::Have: return "have";
    case MessageType::Bitfield: return "bitfield";
    case MessageType::Request: return "request";
    case MessageType::Piece: return "piece";
    case MessageType::Cancel: return "cancel";
    case MessageType::KeepAlive: return "keep-alive";
  }
  return "?";
}

std::string quote_bytes(std::string_view bytes, std::size_t limit) {
  std::string out = "\"";
  for (char c : bytes.substr(0, limit)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '"' && c != '\\') {
      out += c;
    } else {
      append_hex_escape(out, u);
    }
  }
  if (bytes.size() > limit) out += "...";
  out += '"';
  return out;
}

}  // namespace wiresim::bittorrent
