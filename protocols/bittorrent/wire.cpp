#include "protocols/bittorrent/wire.hpp"

#include <array>
#include <utility>

namespace wiresim::bittorrent {

namespace {

void put_u32(std::string& out, std::uint32_t value) {
  out += static_cast<char>(value >> 24);
  out += static_cast<char>(value >> 16);
  out += static_cast<char>(value >> 8);
  out += static_cast<char>(value);
}

std::uint32_t get_u32(std::string_view bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

template <std::size_t N>
void put_bytes(std::string& out, const std::array<std::uint8_t, N>& bytes) {
  out.append(reinterpret_cast<const char*>(bytes.data()), N);
}

template <std::size_t N>
void get_bytes(std::string_view bytes, std::size_t at, std::array<std::uint8_t, N>& out) {
  for (std::size_t i = 0; i < N; ++i) out[i] = static_cast<std::uint8_t>(bytes[at + i]);
}


// BEP 3's payload sizes (the bytes after the id): choke, unchoke, interested and not
// interested have none; have is an index; request and cancel are index, begin, length; a
// piece is index, begin and the block; a bitfield is any number of bytes.
struct PayloadRule {
  std::uint32_t size = 0;
  bool at_least = false;  // size is a minimum, not an exact size
};

PayloadRule payload_rule(MessageType type) {
  switch (type) {
    case MessageType::Have: return {4, false};
    case MessageType::Bitfield: return {0, true};
    case MessageType::Request:
    case MessageType::Cancel: return {12, false};
    case MessageType::Piece: return {8, true};
    default: return {0, false};
  }
}

}  // namespace

std::string encode_handshake(const Handshake& handshake) {
  std::string out;
  out.reserve(HandshakeSize);
  out += static_cast<char>(ProtocolString.size());
  out += ProtocolString;
  put_bytes(out, handshake.reserved);
  put_bytes(out, handshake.info_hash);
  put_bytes(out, handshake.peer_id);
  return out;
}

std::string encode(const Message& message) {
  std::string out;
  switch (message.type) {
    case MessageType::KeepAlive:
      put_u32(out, 0);
      return out;
    case MessageType::Choke:
    case MessageType::Unchoke:
    case MessageType::Interested:
    case MessageType::NotInterested:
      put_u32(out, 1);
      out += static_cast<char>(message.type);
      return out;
    case MessageType::Have:
      put_u32(out, 5);
      out += static_cast<char>(message.type);
      put_u32(out, message.index);
      return out;
    case MessageType::Bitfield:
      put_u32(out, static_cast<std::uint32_t>(1 + message.bitfield.size()));
      out += static_cast<char>(message.type);
      out.append(message.bitfield.begin(), message.bitfield.end());
      return out;
    case MessageType::Request:
    case MessageType::Cancel:
      put_u32(out, 13);
      out += static_cast<char>(message.type);
      put_u32(out, message.index);
      put_u32(out, message.begin);
      put_u32(out, message.length);
      return out;
    case MessageType::Piece:
      out = encode_piece_header(message.index, message.begin, static_cast<std::uint32_t>(message.block.size()));
      out += message.block;
      return out;
  }
  return out;
}

std::string encode_piece_header(std::uint32_t index, std::uint32_t begin, std::uint32_t length) {
  std::string out;
  out.reserve(13);
  put_u32(out, 9 + length);
  out += static_cast<char>(MessageType::Piece);
  put_u32(out, index);
  put_u32(out, begin);
  return out;
}

WireDecoder::WireDecoder(WireDecoderOptions options)
    : options_(options), expect_handshake_(options.expect_handshake) {}

void WireDecoder::feed(std::string_view bytes) {
  if (failed()) return;
  buffer_.append(bytes);
  while (!failed() && (expect_handshake_ ? read_handshake() : read_message())) {
  }
  // Drop what has been decoded once it is most of the buffer, so appending stays cheap.
  if (read_ == buffer_.size()) {
    buffer_.clear();
    read_ = 0;
  } else if (read_ > 4096 && read_ > buffer_.size() / 2) {
    buffer_.erase(0, read_);
    read_ = 0;
  }
}

std::vector<WireEvent> WireDecoder::take_events() { return std::exchange(events_, {}); }

bool WireDecoder::read_handshake() {
  const std::string_view input = std::string_view(buffer_).substr(read_);
  if (input.empty()) return false;
  // Checked byte by byte as they arrive, so a peer speaking another protocol fails at once.
  if (static_cast<unsigned char>(input[0]) != ProtocolString.size()) {
    std::string message = "peer wire: expected the handshake to start with pstrlen 19, got ";
    message += std::to_string(static_cast<unsigned char>(input[0]));
    fail(std::move(message));
    return false;
  }
  const std::string_view pstr = input.substr(1, ProtocolString.size());
  if (pstr != ProtocolString.substr(0, pstr.size())) {
    std::string message = "peer wire: expected \"BitTorrent protocol\" in the handshake, got ";
    message += quote_bytes(pstr, std::string_view::npos);
    fail(std::move(message));
    return false;
  }
  if (input.size() < HandshakeSize) return false;
  Handshake handshake;
  get_bytes(input, 20, handshake.reserved);
  get_bytes(input, 28, handshake.info_hash);
  get_bytes(input, 48, handshake.peer_id);
  events_.push_back(handshake);
  read_ += HandshakeSize;
  expect_handshake_ = false;
  return true;
}

bool WireDecoder::read_message() {
  const std::string_view input = std::string_view(buffer_).substr(read_);
  if (input.size() < 4) return false;
  const std::uint32_t length = get_u32(input, 0);  // the bytes after the prefix
  const std::uint64_t total = 4 + std::uint64_t{length};
  if (total > options_.max_message_size) {
    std::string message = "peer wire: message of ";
    message += std::to_string(total);
    message += " bytes exceeds the limit of ";
    message += std::to_string(options_.max_message_size);
    fail(std::move(message));
    return false;
  }
  if (length == 0) {
    events_.push_back(Message{});  // keep-alive
    read_ += 4;
    return true;
  }
  if (input.size() < 5) return false;
  // The id and the length are checked before the payload arrives.
  const auto id = static_cast<std::uint8_t>(input[4]);
  if (id > static_cast<std::uint8_t>(MessageType::Cancel)) {
    std::string message = "peer wire: unknown message id ";
    message += std::to_string(id);
    fail(std::move(message));
    return false;
  }
  const auto type = static_cast<MessageType>(id);
  const PayloadRule rule = payload_rule(type);
  const std::uint32_t payload = length - 1;
  if (rule.at_least ? payload < rule.size : payload != rule.size) {
    std::string message = "peer wire: ";
    message += to_string(type);
    message += " message has a payload of ";
    message += std::to_string(payload);
    message += " bytes, expected ";
    if (rule.at_least) message += "at least ";
    message += std::to_string(rule.size);
    fail(std::move(message));
    return false;
  }
  if (input.size() < total) return false;

  Message message;
  message.type = type;
  const std::string_view body = input.substr(5, payload);
  switch (type) {
    case MessageType::Have:
      message.index = get_u32(body, 0);
      break;
    case MessageType::Bitfield:
      message.bitfield.assign(body.begin(), body.end());
      break;
    case MessageType::Request:
    case MessageType::Cancel:
      message.index = get_u32(body, 0);
      message.begin = get_u32(body, 4);
      message.length = get_u32(body, 8);
      break;
    case MessageType::Piece:
      message.index = get_u32(body, 0);
      message.begin = get_u32(body, 4);
      message.block.assign(body.substr(8));
      message.length = static_cast<std::uint32_t>(message.block.size());
      break;
    default:
      break;
  }
  events_.push_back(std::move(message));
  read_ += total;
  return true;
}

void WireDecoder::fail(std::string message) {
  error_ = std::move(message);
  buffer_.clear();
  read_ = 0;
}

}  // namespace wiresim::bittorrent
