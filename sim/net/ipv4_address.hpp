// An IPv4 address as a host-order 32-bit number, with dotted-quad text in and out.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wiresim {

struct Ipv4Address {
  std::uint32_t value = 0;

  auto operator<=>(const Ipv4Address&) const = default;
  static std::optional<Ipv4Address> parse(std::string_view text);
  std::string to_string() const;
};

struct Endpoint {
  Ipv4Address address;
  std::uint16_t port = 0;
  auto operator<=>(const Endpoint&) const = default;
  std::string to_string() const { return address.to_string() + ":" + std::to_string(port); }
};

}  // namespace wiresim
