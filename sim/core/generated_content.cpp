#include "sim/core/generated_content.hpp"

#include <string_view>

namespace wiresim {

std::string generated_content(std::uint64_t size) {
  static constexpr std::string_view Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  out.reserve(size);
  for (std::uint64_t i = 0; i < size; ++i)
    out += i % 64 == 63 ? '\n' : Alphabet[(i / 64 + i % 64) % Alphabet.size()];
  return out;
}

}  // namespace wiresim
