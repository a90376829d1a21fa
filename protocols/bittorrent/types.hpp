// The nouns of BitTorrent (BEP 3) shared by the codec, the peer engine and the adapters.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wiresim::bittorrent {

using Sha1Digest = std::array<std::uint8_t, 20>;
using PeerId = std::array<std::uint8_t, 20>;  // "-WS0001-" then 12 bytes per peer

// What a .torrent's info dictionary says, plus its SHA-1 (the info_hash).
struct TorrentInfo {
  std::string name;
  std::uint64_t length = 0;          // bytes
  std::uint32_t piece_length = 0;    // bytes; the last piece may be shorter
  std::vector<Sha1Digest> piece_hashes;
  Sha1Digest info_hash{};
  std::string announce;              // "http://tracker.example.com:6969/announce"

  std::uint32_t piece_count() const { return static_cast<std::uint32_t>(piece_hashes.size()); }
  std::uint32_t piece_size(std::uint32_t index) const {
    const std::uint64_t start = std::uint64_t{index} * piece_length;
    return static_cast<std::uint32_t>(length - start < piece_length ? length - start : piece_length);
  }
};

// BEP 3: <pstrlen=19><pstr="BitTorrent protocol"><reserved: 8 bytes><info_hash><peer_id>.
struct Handshake {
  std::array<std::uint8_t, 8> reserved{};
  Sha1Digest info_hash{};
  PeerId peer_id{};
  friend bool operator==(const Handshake&, const Handshake&) = default;
};

// BEP 3's message ids; KeepAlive is the zero-length message, which has none.
enum class MessageType : std::uint8_t {
  Choke = 0,
  Unchoke = 1,
  Interested = 2,
  NotInterested = 3,
  Have = 4,
  Bitfield = 5,
  Request = 6,
  Piece = 7,
  Cancel = 8,
  KeepAlive = 255,
};

// One peer-wire message. Fields a type does not use stay zero/empty:
// Have: index. Bitfield: bitfield (high bit of byte 0 = piece 0). Request/Cancel: index,
// begin, length. Piece: index, begin, length = the block's size, and block = its bytes, or
// empty when a flow-level run counts the bytes without carrying them.
struct Message {
  MessageType type = MessageType::KeepAlive;
  std::uint32_t index = 0;
  std::uint32_t begin = 0;
  std::uint32_t length = 0;
  std::vector<std::uint8_t> bitfield;
  std::string block;

  // Bytes on the wire, length prefix included (Piece: 13 + length, whether carried or not).
  std::uint64_t wire_size() const;
  friend bool operator==(const Message&, const Message&) = default;
};

const char* to_string(MessageType type);  // "choke", "unchoke", ... "keep-alive"

// Bytes for an error message: in quotes, printable ASCII as is, anything else as \xNN, at
// most `limit` bytes followed by "..." when there were more.
std::string quote_bytes(std::string_view bytes, std::size_t limit);

// A peer as the tracker's compact list gives it: IPv4 address and TCP port.
struct PeerAddress {
  std::uint32_t ip = 0;  // host byte order
  std::uint16_t port = 0;
  auto operator<=>(const PeerAddress&) const = default;
};

}  // namespace wiresim::bittorrent
