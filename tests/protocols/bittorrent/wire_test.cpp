// The peer wire format: BEP 3's bytes for the handshake and every message, the incremental
// decoder fed whole and byte by byte, its errors, and a fuzz loop.
#include <doctest/doctest.h>

#include <random>

#include "protocols/bittorrent/wire.hpp"

using namespace wiresim::bittorrent;

namespace {

using namespace std::string_literals;

Handshake sample_handshake() {
  Handshake h;
  for (std::uint8_t i = 0; i < 20; ++i) h.info_hash[i] = static_cast<std::uint8_t>(0xa0 + i);
  const std::string id = "-WS0001-000000000007";
  for (std::size_t i = 0; i < 20; ++i) h.peer_id[i] = static_cast<std::uint8_t>(id[i]);
  return h;
}

Message make(MessageType type, std::uint32_t index = 0, std::uint32_t begin = 0, std::uint32_t length = 0) {
  Message m;
  m.type = type;
  m.index = index;
  m.begin = begin;
  m.length = length;
  return m;
}

Message piece(std::uint32_t index, std::uint32_t begin, std::string block) {
  Message m = make(MessageType::Piece, index, begin, static_cast<std::uint32_t>(block.size()));
  m.block = std::move(block);
  return m;
}

Message bitfield(std::vector<std::uint8_t> bits) {
  Message m = make(MessageType::Bitfield);
  m.bitfield = std::move(bits);
  return m;
}

// One of each message, in the order a download sees them.
std::vector<Message> all_messages() {
  return {bitfield({0xff, 0x80}), make(MessageType::Interested), make(MessageType::Unchoke),
          make(MessageType::Request, 1, 0x4000, 0x4000), piece(1, 0x4000, "hello"), make(MessageType::Have, 1),
          make(MessageType::Cancel, 2, 0, 0x4000), make(MessageType::KeepAlive), make(MessageType::NotInterested),
          make(MessageType::Choke), bitfield({})};
}

std::vector<WireEvent> decode_all(std::string_view bytes, std::size_t chunk, WireDecoderOptions options = {}) {
  WireDecoder decoder(options);
  std::vector<WireEvent> events;
  for (std::size_t at = 0; at < bytes.size(); at += chunk) {
    decoder.feed(bytes.substr(at, chunk));
    for (WireEvent& e : decoder.take_events()) events.push_back(std::move(e));
  }
  REQUIRE_MESSAGE(!decoder.failed(), decoder.error());
  CHECK(decoder.buffered() == 0);
  return events;
}

std::string error_after(std::string_view bytes, WireDecoderOptions options = {}) {
  WireDecoder decoder(options);
  decoder.feed(bytes);
  return decoder.failed() ? decoder.error() : std::string("(no error)");
}

}  // namespace

TEST_CASE("the handshake is 68 bytes: pstrlen, pstr, reserved, info_hash, peer_id") {
  const std::string bytes = encode_handshake(sample_handshake());
  REQUIRE(bytes.size() == 68);
  CHECK(bytes.starts_with("\x13" "BitTorrent protocol"));
  CHECK(bytes.substr(20, 8) == std::string(8, '\0'));
  CHECK(bytes.substr(28, 20) == "\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\xb0\xb1\xb2\xb3");
  CHECK(bytes.substr(48) == "-WS0001-000000000007");
}

TEST_CASE("each message has BEP 3's exact bytes") {
  CHECK(encode(make(MessageType::KeepAlive)) == "\0\0\0\0"s);
  CHECK(encode(make(MessageType::Choke)) == "\0\0\0\x01\x00"s);
  CHECK(encode(make(MessageType::Unchoke)) == "\0\0\0\x01\x01"s);
  CHECK(encode(make(MessageType::Interested)) == "\0\0\0\x01\x02"s);
  CHECK(encode(make(MessageType::NotInterested)) == "\0\0\0\x01\x03"s);
  CHECK(encode(make(MessageType::Have, 5)) == "\0\0\0\x05\x04\0\0\0\x05"s);
  CHECK(encode(bitfield({0xff, 0x80})) == "\0\0\0\x03\x05\xff\x80"s);
  CHECK(encode(make(MessageType::Request, 1, 0x4000, 0x4000)) == "\0\0\0\x0d\x06\0\0\0\x01\0\0\x40\0\0\0\x40\0"s);
  CHECK(encode(make(MessageType::Cancel, 0x01020304, 0x05060708, 0x090a0b0c)) ==
        "\0\0\0\x0d\x08\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c"s);
  CHECK(encode(piece(2, 0x4000, "hello")) == "\0\0\0\x0e\x07\0\0\0\x02\0\0\x40\0hello"s);
}

TEST_CASE("encode_piece_header gives the 13 bytes in front of a block the caller does not carry") {
  CHECK(encode_piece_header(2, 0, 16384) == "\0\0\x40\x09\x07\0\0\0\x02\0\0\0\0"s);
  // encode() writes the block it has; a flow-level piece without bytes has none to write.
  CHECK(encode(make(MessageType::Piece, 2, 0, 16384)) == "\0\0\0\x09\x07\0\0\0\x02\0\0\0\0"s);
}

TEST_CASE("every encoded message is as long as Message::wire_size says") {
  for (const Message& m : all_messages()) CHECK(encode(m).size() == m.wire_size());
}

TEST_CASE("decoding whole, in chunks and one byte at a time gives the same events") {
  std::string stream = encode_handshake(sample_handshake());
  for (const Message& m : all_messages()) stream += encode(m);
  for (std::size_t chunk : {stream.size(), std::size_t{7}, std::size_t{1}}) {
    CAPTURE(chunk);
    const std::vector<WireEvent> events = decode_all(stream, chunk);
    const std::vector<Message> messages = all_messages();
    REQUIRE(events.size() == 1 + messages.size());
    CHECK(std::get<Handshake>(events[0]) == sample_handshake());
    for (std::size_t i = 0; i < messages.size(); ++i) CHECK(std::get<Message>(events[1 + i]) == messages[i]);
  }
}

TEST_CASE("a decoder told the handshake is done reads messages from the first byte") {
  const std::string stream = encode(make(MessageType::Have, 9)) + encode(make(MessageType::Choke));
  const std::vector<WireEvent> events = decode_all(stream, 1, {.expect_handshake = false});
  REQUIRE(events.size() == 2);
  CHECK(std::get<Message>(events[0]) == make(MessageType::Have, 9));
  CHECK(std::get<Message>(events[1]) == make(MessageType::Choke));
}

TEST_CASE("the decoder waits for the rest of a message and reports what is buffered") {
  WireDecoder decoder({.expect_handshake = false});
  const std::string bytes = encode(piece(0, 0, "abcdef"));
  decoder.feed(bytes.substr(0, 10));
  CHECK(decoder.take_events().empty());
  CHECK(decoder.buffered() == 10);
  decoder.feed(bytes.substr(10));
  CHECK(decoder.take_events().size() == 1);
  CHECK(decoder.buffered() == 0);
  CHECK(!decoder.failed());
}

TEST_CASE("a malformed handshake fails the decoder at once") {
  CHECK(error_after("\x12") == "peer wire: expected the handshake to start with pstrlen 19, got 18");
  CHECK(error_after("GET / HTTP/1.1\r\n") == "peer wire: expected the handshake to start with pstrlen 19, got 71");
  CHECK(error_after("\x13" "BitTorrent protocoL") ==
        "peer wire: expected \"BitTorrent protocol\" in the handshake, got \"BitTorrent protocoL\"");
  CHECK(error_after("\x13" "Bit\x01") == "peer wire: expected \"BitTorrent protocol\" in the handshake, got \"Bit\\x01\"");
  CHECK(error_after("\x13" "BitTorrent protocol") == "(no error)");  // incomplete, not wrong
}

TEST_CASE("a malformed message fails the decoder, and it stays failed") {
  const WireDecoderOptions after_handshake{.expect_handshake = false};
  CHECK(error_after("\0\0\0\x01\x09"s, after_handshake) == "peer wire: unknown message id 9");
  CHECK(error_after("\0\0\0\x02\x14"s, after_handshake) == "peer wire: unknown message id 20");
  CHECK(error_after("\0\0\0\x02\x00"s, after_handshake) == "peer wire: choke message has a payload of 1 bytes, expected 0");
  CHECK(error_after("\0\0\0\x06\x04"s, after_handshake) == "peer wire: have message has a payload of 5 bytes, expected 4");
  CHECK(error_after("\0\0\0\x04\x04"s, after_handshake) == "peer wire: have message has a payload of 3 bytes, expected 4");
  CHECK(error_after("\0\0\0\x0c\x06"s, after_handshake) == "peer wire: request message has a payload of 11 bytes, expected 12");
  CHECK(error_after("\0\0\0\x0e\x08"s, after_handshake) == "peer wire: cancel message has a payload of 13 bytes, expected 12");
  CHECK(error_after("\0\0\0\x08\x07"s, after_handshake) ==
        "peer wire: piece message has a payload of 7 bytes, expected at least 8");
  CHECK(error_after("\0\x02\0\x0a"s, after_handshake) == "peer wire: message of 131086 bytes exceeds the limit of 131085");
  CHECK(error_after("\xff\xff\xff\xff"s, after_handshake) ==
        "peer wire: message of 4294967299 bytes exceeds the limit of 131085");
  CHECK(error_after("\0\x02\0\x09\x07"s, after_handshake) == "(no error)");  // a 2^17 block is allowed
  CHECK(error_after("\0\0\x40\x0a\x07"s, {.expect_handshake = false, .max_message_size = 16384 + 13}) ==
        "peer wire: message of 16398 bytes exceeds the limit of 16397");

  WireDecoder decoder(after_handshake);
  decoder.feed("\0\0\0\x01\x09"s);
  REQUIRE(decoder.failed());
  decoder.feed(encode(make(MessageType::Choke)));
  CHECK(decoder.take_events().empty());
  CHECK(decoder.error() == "peer wire: unknown message id 9");
}

TEST_CASE("the decoder survives random and mutated streams, and what it decodes re-encodes exactly") {
  std::mt19937 random(1234);
  std::string valid = encode_handshake(sample_handshake());
  for (const Message& m : all_messages()) valid += encode(m);
  int failed = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string input;
    const bool mutated = round % 2 == 0;
    if (mutated) {
      input = valid;
      for (int edits = 1 + static_cast<int>(random() % 4); edits > 0 && !input.empty(); --edits) {
        const std::size_t at = random() % input.size();
        if (random() % 2) input[at] = static_cast<char>(random() & 0xff);
        else input.erase(at, 1 + random() % 4);
      }
    } else {
      for (int i = 0, n = static_cast<int>(random() % 200); i < n; ++i)
        input += static_cast<char>(random() % 4 == 0 ? random() % 10 : random() & 0xff);
    }
    WireDecoder decoder({.expect_handshake = round % 4 < 2, .max_message_size = DefaultMaxMessageSize});
    std::string decoded;
    for (std::size_t at = 0; at < input.size();) {
      const std::size_t chunk = 1 + random() % 16;
      decoder.feed(std::string_view(input).substr(at, chunk));
      at += chunk;
      for (const WireEvent& e : decoder.take_events()) {
        if (const auto* h = std::get_if<Handshake>(&e)) decoded += encode_handshake(*h);
        else decoded += encode(std::get<Message>(e));
      }
    }
    if (!decoder.failed()) CHECK(std::string_view(input).starts_with(decoded));
    if (!decoder.failed()) CHECK(decoded.size() + decoder.buffered() == input.size());
    if (decoder.failed()) CHECK(decoder.error().starts_with("peer wire: "));
    failed += decoder.failed();
  }
  CHECK(failed > 100);  // the loop exercises both outcomes
  CHECK(failed < 2900);
}
