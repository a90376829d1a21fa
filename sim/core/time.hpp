// Simulated time: integer nanoseconds in two strong types, so a clock can never drift
// through floating-point rounding and equal times compare exactly (ARCHITECTURE decision 1).
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace wiresim {

struct Duration {
  std::int64_t ns = 0;

  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return {ns + o.ns}; }
  constexpr Duration operator-(Duration o) const { return {ns - o.ns}; }
  constexpr Duration operator*(std::int64_t k) const { return {ns * k}; }
  constexpr Duration operator/(std::int64_t k) const { return {ns / k}; }
  constexpr Duration& operator+=(Duration o) { ns += o.ns; return *this; }
  constexpr Duration& operator-=(Duration o) { ns -= o.ns; return *this; }
  constexpr double seconds() const { return static_cast<double>(ns) / 1e9; }
};

struct Time {
  std::int64_t ns = 0;

  constexpr auto operator<=>(const Time&) const = default;
  constexpr Time operator+(Duration d) const { return {ns + d.ns}; }
  constexpr Time operator-(Duration d) const { return {ns - d.ns}; }
  constexpr Duration operator-(Time o) const { return {ns - o.ns}; }
  constexpr Time& operator+=(Duration d) { ns += d.ns; return *this; }
  constexpr double seconds() const { return static_cast<double>(ns) / 1e9; }
};

constexpr Duration nanoseconds(std::int64_t n) { return {n}; }
constexpr Duration microseconds(std::int64_t n) { return {n * 1'000}; }
constexpr Duration milliseconds(std::int64_t n) { return {n * 1'000'000}; }
constexpr Duration seconds(std::int64_t n) { return {n * 1'000'000'000}; }

// "12.000345678" — seconds with all nine decimals, so printed times sort and diff cleanly.
std::string format_time(Time t);
// "5ms", "1.5s", "250us": the shortest exact human form, used in messages and reports.
std::string format_duration(Duration d);

}  // namespace wiresim
