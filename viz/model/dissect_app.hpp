// Internal to the dissector: the application layer (chosen by port) and the byte helpers that
// dissection.cpp and dissect_app.cpp share. Not for use outside viz/model.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "viz/model/dissection.hpp"

namespace wiresim::viz::detail {

// Callers check bounds first: these read exactly 1, 2 or 4 bytes at `at`.
inline std::uint16_t read16(std::span<const std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint16_t>(bytes[at] << 8 | bytes[at + 1]);
}
inline std::uint32_t read32(std::span<const std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint32_t>(read16(bytes, at)) << 16 | read16(bytes, at + 2);
}
// True when [at, at + length) lies inside `bytes`, without overflowing.
inline bool fits(std::span<const std::uint8_t> bytes, std::size_t at, std::size_t length) {
  return at <= bytes.size() && length <= bytes.size() - at;
}
inline Field note(std::string text, std::size_t offset) { return Field{std::move(text), offset, 0, {}}; }

// What the transport layer hands up: the payload and where it sits in the packet.
struct Payload {
  std::span<const std::uint8_t> bytes;
  std::size_t base = 0;  // offset of bytes[0] from the IPv4 header's first byte
  std::uint16_t source_port = 0;
  std::uint16_t destination_port = 0;
  bool tcp = true;  // false: UDP
};

struct AppDissection {
  std::string protocol;       // "" when no application was recognised
  std::string summary;
  std::optional<Field> tree;  // set when asked for and the payload is not empty
};

// Recognises the application by port and dissects its payload; `with_tree` false skips the
// field tree (classify). An unknown port gives protocol "" and a "Data (N bytes)" row.
AppDissection dissect_application(const Payload& payload, bool with_tree);

// Bytes as display text: printable ASCII and valid UTF-8 kept, anything else as '.'.
std::string display_text(std::span<const std::uint8_t> bytes);
// At most `limit` characters (code points), the last one "…" when cut.
std::string cut_text(std::string_view text, std::size_t limit = 70);

}  // namespace wiresim::viz::detail
