#include "sim/core/generated_content.hpp"

#include <array>
#include <string_view>

namespace wiresim {
namespace {

std::string filler(std::uint64_t size) {
  static constexpr std::string_view Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  out.reserve(size);
  for (std::uint64_t i = 0; i < size; ++i)
    out += i % 64 == 63 ? '\n' : Alphabet[(i / 64 + i % 64) % Alphabet.size()];
  return out;
}

// CRC-32 of ISO 3309 / ITU-T V.42, as PNG chunks carry it (PNG spec, 5.5 and annex D).
std::uint32_t crc32(std::string_view bytes) {
  static const std::array<std::uint32_t, 256> Table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (const char b : bytes) c = Table[(c ^ static_cast<unsigned char>(b)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void put32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}

void chunk(std::string& out, std::string_view type, std::string_view data) {
  put32(out, static_cast<std::uint32_t>(data.size()));
  const std::size_t start = out.size();
  out += type;
  out += data;
  put32(out, crc32(std::string_view(out).substr(start)));
}

constexpr std::uint64_t ChunkOverhead = 12;  // length, type, CRC
constexpr std::uint64_t SmallestPng = 8 + (ChunkOverhead + 13) + (ChunkOverhead + 15) + ChunkOverhead + ChunkOverhead;

// A valid PNG of exactly `size` octets: one grey pixel, then the rest of the size in a private
// ancillary chunk ("wiRe": decoders skip it), so that Wireshark's PNG dissector reads a served
// logo.png to its IEND instead of calling a body of letters malformed.
std::string png(std::uint64_t size) {
  std::string out = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  put32(ihdr, 1);  // width
  put32(ihdr, 1);  // height
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, deflate, adaptive filtering, no interlace
  chunk(out, "IHDR", ihdr);
  // The zlib stream of one scanline (filter 0, then R, G, B) in a stored block (RFC 1950, 1951).
  const std::string scanline("\x00\x80\x80\x80", 4);
  std::uint32_t a = 1, b = 0;
  for (const char ch : scanline) {
    a = (a + static_cast<unsigned char>(ch)) % 65521;
    b = (b + a) % 65521;
  }
  std::string idat("\x78\x01\x01\x04\x00\xfb\xff", 7);
  idat += scanline;
  put32(idat, (b << 16) | a);
  chunk(out, "IDAT", idat);
  chunk(out, "wiRe", filler(size - SmallestPng));
  chunk(out, "IEND", "");
  return out;
}

}  // namespace

std::string generated_content(std::uint64_t size, std::string_view name) {
  if (size >= SmallestPng && name.size() > 4) {
    std::string ext(name.substr(name.size() - 4));
    for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    if (ext == ".png") return png(size);
  }
  return filler(size);
}

}  // namespace wiresim
