// Which pieces a peer has, in BEP 3's bitfield order: piece 0 is the high bit of byte 0.
#pragma once

#include <cstdint>
#include <vector>

namespace wiresim::bittorrent {

class Bitfield {
 public:
  Bitfield() = default;
  explicit Bitfield(std::uint32_t pieces, bool all = false) : pieces_(pieces), bits_((pieces + 7) / 8, 0) {
    if (all)
      for (std::uint32_t i = 0; i < pieces; ++i) set(i);
  }
  // From a bitfield message; false when its size is wrong or a spare bit is set (BEP 3: the
  // connection should then be dropped).
  static bool from_bytes(const std::vector<std::uint8_t>& bytes, std::uint32_t pieces, Bitfield& out) {
    if (bytes.size() != (pieces + 7) / 8) return false;
    Bitfield b(pieces);
    b.bits_ = bytes;
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
    bits_[i / 8] |= static_cast<std::uint8_t>(0x80u >> (i % 8));
    ++count_;
  }
  const std::vector<std::uint8_t>& bytes() const { return bits_; }

 private:
  bool raw_test(std::uint32_t i) const { return (bits_[i / 8] >> (7 - i % 8)) & 1u; }

  std::uint32_t pieces_ = 0;
  std::uint32_t count_ = 0;
  std::vector<std::uint8_t> bits_;
};

}  // namespace wiresim::bittorrent
