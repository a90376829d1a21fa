#include "protocols/bittorrent/sha1.hpp"

#include <openssl/evp.h>

namespace wiresim::bittorrent {

Sha1Digest sha1(std::string_view data) {
  Sha1Digest out{};
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &size, EVP_sha1(), nullptr);
  return out;
}

std::string to_hex(const Sha1Digest& digest) {
  static constexpr char Digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(40);
  for (std::uint8_t b : digest) {
    out += Digits[b >> 4];
    out += Digits[b & 15];
  }
  return out;
}

}  // namespace wiresim::bittorrent
