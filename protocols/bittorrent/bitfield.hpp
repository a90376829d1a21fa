// Which pieces a peer has, in BEP 3's bitfield order: piece 0 is the high bit of byte 0.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace wiresim::bittorrent {

class Bitfield {
 public:
  // Up to this many pieces (a 2 GiB file in 4 MiB pieces) the bits live in the object itself:
  // a peer keeps one per connection and reads it on every Have and every piece it finishes,
  // and in a swarm of thousands a separate allocation was one cache miss more each time.
  static constexpr std::uint32_t InlinePieces = 512;

  Bitfield() = default;
  explicit Bitfield(std::uint32_t pieces, bool all = false) : pieces_(pieces) {
    if (pieces > InlinePieces) heap_.assign((pieces + 7) / 8, 0);
    if (all)
      for (std::uint32_t i = 0; i < pieces; ++i) set(i);
  }
  // From a bitfield message; false when its size is wrong or a spare bit is set (BEP 3: the
  // connection should then be dropped).
  static bool from_bytes(const std::vector<std::uint8_t>& bytes, std::uint32_t pieces, Bitfield& out) {
    if (bytes.size() != (std::uint64_t{pieces} + 7) / 8) return false;
    Bitfield b(pieces);
    std::copy(bytes.begin(), bytes.end(), b.data());
    for (std::uint32_t i = pieces; i < bytes.size() * 8; ++i)
      if (b.raw_test(i)) return false;
    for (std::uint32_t i = 0; i < pieces; ++i) b.count_ += b.raw_test(i);
    out = std::move(b);
    return true;
  }

  std::uint32_t size() const { return pieces_; }
  std::uint32_t count() const { return count_; }
  bool all() const { return count_ == pieces_; }
  bool none() const { return count_ == 0; }
  bool test(std::uint32_t i) const { return i < pieces_ && raw_test(i); }
  void set(std::uint32_t i) {
    if (i >= pieces_ || raw_test(i)) return;
    data()[i / 8] |= static_cast<std::uint8_t>(0x80u >> (i % 8));
    ++count_;
  }
  void reset(std::uint32_t i) {
    if (i >= pieces_ || !raw_test(i)) return;
    data()[i / 8] &= static_cast<std::uint8_t>(~(0x80u >> (i % 8)));
    --count_;
  }
  // As a bitfield message carries them: (size() + 7) / 8 bytes, spare bits clear.
  std::span<const std::uint8_t> bytes() const { return {data(), (std::size_t{pieces_} + 7) / 8}; }

 private:
  bool raw_test(std::uint32_t i) const { return (data()[i / 8] >> (7 - i % 8)) & 1u; }
  std::uint8_t* data() { return pieces_ > InlinePieces ? heap_.data() : inline_.data(); }
  const std::uint8_t* data() const { return pieces_ > InlinePieces ? heap_.data() : inline_.data(); }

  std::uint32_t pieces_ = 0;
  std::uint32_t count_ = 0;
  std::array<std::uint8_t, InlinePieces / 8> inline_{};
  std::vector<std::uint8_t> heap_;  // beyond InlinePieces
};

// Calls f(piece) for every piece in both `a` and `b`, in increasing order, while f returns
// true. Eight bytes at a time: a picker walks its started and its missing pieces against a
// peer's on every request, and a byte or a piece at a time that was most of its work.
template <class F>
void for_each_in_both(const Bitfield& a, const Bitfield& b, F f) {
  const std::span<const std::uint8_t> x = a.bytes(), y = b.bytes();
  const std::size_t n = std::min(x.size(), y.size());
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t wx, wy;
    std::memcpy(&wx, x.data() + i, 8);
    std::memcpy(&wy, y.data() + i, 8);
    std::uint64_t both = wx & wy;
    if (both == 0) continue;
    // Byte i's high bit, piece 8 i, becomes the word's top bit.
    if constexpr (std::endian::native == std::endian::little) both = __builtin_bswap64(both);
    while (both != 0) {
      const int bit = std::countl_zero(both);
      both &= ~(std::uint64_t{1} << (63 - bit));
      if (!f(static_cast<std::uint32_t>(i * 8 + bit))) return;
    }
  }
  for (; i < n; ++i) {
    auto both = static_cast<std::uint8_t>(x[i] & y[i]);
    while (both != 0) {
      const int bit = std::countl_zero(both);
      both &= static_cast<std::uint8_t>(~(0x80u >> bit));
      if (!f(static_cast<std::uint32_t>(i * 8 + bit))) return;
    }
  }
}

}  // namespace wiresim::bittorrent
