// The peer wire format of BEP 3 ("peer protocol"): the 68-byte handshake and the
// length-prefixed messages, encoded whole and decoded incrementally from bytes in any split.
// Only BEP 3's ids 0-8 are known; extension messages (BEP 5 port, BEP 6 fast, BEP 10
// extended) are errors, as our handshake advertises none of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocols/bittorrent/types.hpp"

namespace wiresim::bittorrent {

// BEP 3, "peer protocol": the handshake is the byte 19, the string "BitTorrent protocol", 8
// reserved bytes (zero from us: we speak no extension), the 20-byte info_hash and the peer id.
constexpr std::string_view ProtocolString = "BitTorrent protocol";
constexpr std::size_t HandshakeSize = 1 + 19 + 8 + 20 + 20;
// The largest message a decoder accepts by default, prefix included: a piece message carrying
// a 2^17-byte block. BEP 3 blocks are 2^14 bytes; packet-level runs may use larger ones.
constexpr std::size_t DefaultMaxMessageSize = 13 + (std::size_t{1} << 17);

std::string encode_handshake(const Handshake& handshake);

// BEP 3: <length prefix: 4 bytes big-endian><message id: 1 byte><payload>; the keep-alive is
// the prefix 0 alone. A Piece writes its `block` and takes its length from the block, not from
// `length`; a flow-level Piece (empty block) thus encodes as a piece with no data. To put such
// a piece on the wire, write encode_piece_header() and then `length` bytes of the block.
std::string encode(const Message& message);
// The 13 bytes in front of a piece message's block: prefix 9 + length, id 7, index, begin.
// `length` must be at most 2^32 - 10 to fit the prefix.
std::string encode_piece_header(std::uint32_t index, std::uint32_t begin, std::uint32_t length);

using WireEvent = std::variant<Handshake, Message>;

struct WireDecoderOptions {
  // False when the caller has already consumed the handshake; the decoder then reads
  // messages from the first byte.
  bool expect_handshake = true;
  // The longest message accepted, prefix included, as Message::wire_size counts it.
  std::size_t max_message_size = DefaultMaxMessageSize;
};

// Reads one direction of a connection: the handshake first, then messages. A malformed input
// puts it in a failed state for good; BEP 3 has no error reply, so the caller closes the
// connection. Buffers at most one message.
class WireDecoder {
 public:
  WireDecoder() = default;
  explicit WireDecoder(WireDecoderOptions options);

  void feed(std::string_view bytes);          // ignored once failed
  std::vector<WireEvent> take_events();        // complete handshakes and messages, in order
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }  // "" or "peer wire: ..."
  bool handshake_done() const { return !expect_handshake_; }
  std::size_t buffered() const { return buffer_.size() - read_; }  // bytes of an unfinished message

 private:
  bool read_handshake();  // false: need more bytes or failed
  bool read_message();
  void fail(std::string message);

  WireDecoderOptions options_;
  bool expect_handshake_ = true;
  std::string buffer_;
  std::size_t read_ = 0;  // buffer_[0, read_) has been decoded
  std::vector<WireEvent> events_;
  std::string error_;
};

}  // namespace wiresim::bittorrent
