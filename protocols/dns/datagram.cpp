// Address helpers shared by the engines, so none of them depends on sim/net.
#include "protocols/dns/datagram.hpp"

namespace wiresim::dns {

std::string address_string(std::uint32_t address) {
  std::string s;
  for (int shift = 24; shift >= 0; shift -= 8) {
    s += std::to_string((address >> shift) & 0xFF);
    if (shift) s += '.';
  }
  return s;
}

std::uint32_t address_of(const AData& a) {
  return std::uint32_t{a.address[0]} << 24 | std::uint32_t{a.address[1]} << 16 | std::uint32_t{a.address[2]} << 8 |
         a.address[3];
}

AData a_data(std::uint32_t address) {
  return AData{{static_cast<std::uint8_t>(address >> 24), static_cast<std::uint8_t>(address >> 16),
                static_cast<std::uint8_t>(address >> 8), static_cast<std::uint8_t>(address)}};
}

}  // namespace wiresim::dns
