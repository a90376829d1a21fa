// Human units for scenario files: "10Mbps", "5ms", "64KB", "100 packets", "1%".
// Decimal prefixes (k = 1000) as networking uses them; KiB/MiB for powers of two.
#pragma once

#include <cstdint>
#include <string_view>

#include "sim/core/result.hpp"
#include "sim/core/time.hpp"

namespace wiresim {

struct Rate {
  std::uint64_t bits_per_second = 0;
  auto operator<=>(const Rate&) const = default;
};

// A byte count ("64KB", "1.5MB", "1500B" or a bare integer of bytes).
Result<std::uint64_t> parse_bytes(std::string_view text);
// A file size in bits, as the distribution-time problem states it: "15Gbit", or bytes ("2GB").
Result<double> parse_bits(std::string_view text);
Result<Rate> parse_rate(std::string_view text);
Result<Duration> parse_duration(std::string_view text);

struct QueueLimit {
  enum class Unit { Packets, Bytes } unit = Unit::Packets;
  std::uint64_t amount = 100;
};
// "100p", "100 packets" or a byte size such as "64KB".
Result<QueueLimit> parse_queue_limit(std::string_view text);
// "1%", "0.5 %" (percent) — numbers are handled by the caller.
Result<double> parse_percent(std::string_view text);

std::string format_rate(Rate r);
// "1 packet", "3 packets": a count with its noun, plural unless it is exactly one.
std::string counted(std::uint64_t n, std::string_view noun);
std::string format_bytes(std::uint64_t bytes);

// Time to put `bytes` on a wire of rate `r`, rounded up to the next nanosecond.
Duration transmission_time(std::uint64_t bytes, Rate r);

}  // namespace wiresim
