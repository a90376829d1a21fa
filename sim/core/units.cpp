#include "sim/core/units.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "sim/core/suggest.hpp"

namespace wiresim {
namespace {

struct UnitScale {
  const char* name;
  double factor;
};

struct Split {
  double number = 0;
  std::string unit;
};


// Splits "1.5 Mbps" into 1.5 and "Mbps". Fails when there is no leading number.
bool split_number(std::string_view text, Split& out) {
  std::size_t i = 0;
  while (i < text.size() && text[i] == ' ') ++i;
  const std::size_t start = i;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.' || text[i] == '_'))
    ++i;
  if (i == start) return false;
  std::string digits;
  for (char c : text.substr(start, i - start))
    if (c != '_') digits += c;
  const char* first = digits.data();
  const char* last = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(first, last, out.number);
  if (ec != std::errc() || ptr != last || !std::isfinite(out.number)) return false;
  while (i < text.size() && text[i] == ' ') ++i;
  std::size_t end = text.size();
  while (end > i && text[end - 1] == ' ') --end;
  out.unit = std::string(text.substr(i, end - i));
  return true;
}

// "; did you mean \"100Mbps\"?" for `text` ("100 Mbit/s") written with `unit` instead of its own.
std::string did_you_mean_unit(std::string_view text, const Split& s, std::string_view unit) {
  std::string number(text.substr(0, text.find(s.unit)));
  while (!number.empty() && number.back() == ' ') number.pop_back();
  return "; did you mean \"" + number + std::string(unit) + "\"?";
}

template <std::size_t N>
Result<double> scaled(std::string_view text, const UnitScale (&units)[N], std::string_view what,
                      std::string_view example, bool unit_optional) {
  Split s;
  std::vector<std::string> names;
  for (const auto& u : units) names.push_back(u.name);
  auto expected = [&] {
    std::string list;
    for (std::size_t k = 0; k < names.size(); ++k) {
      if (k) list += k + 1 == names.size() ? " or " : ", ";
      list += names[k];
    }
    return "expected a number followed by " + list + " (for example \"" + std::string(example) + "\")";
  };
  if (!split_number(text, s)) return Error{"invalid " + std::string(what) + " " + quoted(text, '"') + ": " + expected()};
  if (s.unit.empty()) {
    if (unit_optional) return s.number;
    return Error{"invalid " + std::string(what) + " " + quoted(text, '"') + ": the unit is missing; " + expected()};
  }
  for (const auto& u : units)
    if (s.unit == u.name) return s.number * u.factor;
  std::string hint;
  if (auto best = nearest_name(s.unit, names)) hint = did_you_mean_unit(text, s, *best);
  return Error{"invalid " + std::string(what) + " " + quoted(text, '"') + ": unknown unit \"" + s.unit + "\", " +
               expected() + hint};
}

}  // namespace

Result<std::uint64_t> parse_bytes(std::string_view text) {
  static constexpr UnitScale units[] = {{"B", 1},     {"KB", 1e3},         {"MB", 1e6},
                                        {"GB", 1e9},  {"KiB", 1024.0},     {"MiB", 1048576.0},
                                        {"GiB", 1073741824.0}, {"kB", 1e3}};
  auto r = scaled(text, units, "size", "64KB", true);
  if (!r) return Error{r.error()};
  if (*r < 0 || *r > 1e18) return Error{"size " + quoted(text, '"') + " is out of range"};
  return static_cast<std::uint64_t>(std::llround(*r));
}

Result<double> parse_bits(std::string_view text) {
  static constexpr UnitScale units[] = {{"bit", 1},      {"kbit", 1e3},         {"Mbit", 1e6},
                                        {"Gbit", 1e9},   {"Tbit", 1e12},        {"B", 8},
                                        {"KB", 8e3},     {"MB", 8e6},           {"GB", 8e9},
                                        {"TB", 8e12},    {"KiB", 8 * 1024.0},   {"MiB", 8 * 1048576.0},
                                        {"GiB", 8 * 1073741824.0}};
  auto r = scaled(text, units, "file size", "15Gbit", false);
  if (!r) return Error{r.error()};
  if (*r <= 0 || *r > 1e18) return Error{"file size " + quoted(text, '"') + " is out of range"};
  return *r;
}

Result<Rate> parse_rate(std::string_view text) {
  static constexpr UnitScale units[] = {{"bps", 1}, {"kbps", 1e3}, {"Mbps", 1e6}, {"Gbps", 1e9}, {"Tbps", 1e12}};
  auto r = scaled(text, units, "rate", "10Mbps", false);
  if (!r) {
    // "100Mbit", "100 Mbit/s", "100Mb/s", "100mbps": bits per second said another way; name ours.
    Split s;
    if (r.error().find("did you mean") == std::string::npos && split_number(text, s) && !s.unit.empty()) {
      std::string unit;
      for (char c : s.unit) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      static constexpr std::pair<char, std::string_view> Prefixes[] = {{'k', "kbps"}, {'m', "Mbps"}, {'g', "Gbps"}, {'t', "Tbps"}};
      std::string_view rest = unit, ours = "bps";
      for (const auto& [prefix, name] : Prefixes)
        if (unit.front() == prefix) rest = std::string_view(unit).substr(1), ours = name;
      if (rest == "bit" || rest == "bits" || rest == "bit/s" || rest == "bits/s" || rest == "b/s" || rest == "bps")
        return Error{r.error() + did_you_mean_unit(text, s, ours)};
    }
    return Error{r.error()};
  }
  if (*r < 1 || *r > 1e13) return Error{"rate " + quoted(text, '"') + " is out of range (1bps to 10Tbps)"};
  return Rate{static_cast<std::uint64_t>(std::llround(*r))};
}

Result<Duration> parse_duration(std::string_view text) {
  static constexpr UnitScale units[] = {{"ns", 1},    {"us", 1e3},  {"ms", 1e6},
                                        {"s", 1e9},   {"min", 60e9}, {"h", 3600e9}};
  auto r = scaled(text, units, "duration", "5ms", false);
  if (!r) return Error{r.error()};
  if (*r > 9e18) return Error{"duration " + quoted(text, '"') + " is out of range"};
  return Duration{static_cast<std::int64_t>(std::llround(*r))};
}

Result<QueueLimit> parse_queue_limit(std::string_view text) {
  Split s;
  if (split_number(text, s) && (s.unit == "p" || s.unit == "packets" || s.unit == "packet")) {
    if (s.number < 1 || s.number != std::floor(s.number))
      return Error{"queue limit " + quoted(text, '"') + " must be a whole number of packets, at least 1"};
    return QueueLimit{QueueLimit::Unit::Packets, static_cast<std::uint64_t>(s.number)};
  }
  if (split_number(text, s) && s.unit.empty())
    return Error{"invalid queue limit " + quoted(text, '"') +
                 ": say \"packets\" or give a size, as in \"100 packets\" or \"64KB\""};
  auto bytes = parse_bytes(text);
  if (!bytes) return Error{bytes.error() + "; a queue limit may also be \"100 packets\""};
  if (*bytes == 0) return Error{"queue limit " + quoted(text, '"') + " must be at least one byte"};
  return QueueLimit{QueueLimit::Unit::Bytes, *bytes};
}

Result<double> parse_percent(std::string_view text) {
  Split s;
  if (!split_number(text, s) || s.unit != "%")
    return Error{"invalid probability " + quoted(text, '"') + ": expected a number from 0 to 1 or a percentage such as \"1%\""};
  if (s.number > 100) return Error{"probability " + quoted(text, '"') + " is above 100%"};
  return s.number / 100.0;
}

std::string format_rate(Rate r) {
  struct U { std::uint64_t f; const char* n; };
  static constexpr U units[] = {
      {1'000'000'000'000, "Tbps"}, {1'000'000'000, "Gbps"}, {1'000'000, "Mbps"}, {1'000, "kbps"}, {1, "bps"}};
  for (const auto& u : units) {
    if (r.bits_per_second >= u.f) {
      if (r.bits_per_second % u.f == 0) return std::to_string(r.bits_per_second / u.f) + u.n;
      char buf[48];
      std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(r.bits_per_second) / static_cast<double>(u.f));
      std::string s = buf;
      while (s.back() == '0') s.pop_back();
      if (s.back() == '.') s.pop_back();
      return s + u.n;
    }
  }
  return "0bps";
}

std::string counted(std::uint64_t n, std::string_view noun) {
  std::string out = std::to_string(n);
  out += ' ';
  out += noun;
  if (n == 1) return out;
  // "query" -> "queries", but "day" -> "days".
  const bool consonant_y = noun.size() >= 2 && noun.back() == 'y' && std::string_view("aeiou").find(noun[noun.size() - 2]) == std::string_view::npos;
  if (consonant_y) out.replace(out.size() - 1, 1, "ies");
  else out += 's';
  return out;
}

std::string format_bytes(std::uint64_t bytes) {
  struct U { std::uint64_t f; const char* n; };
  static constexpr U units[] = {{1'000'000'000, "GB"}, {1'000'000, "MB"}, {1'000, "KB"}};
  for (const auto& u : units)
    if (bytes >= u.f && bytes % u.f == 0) return std::to_string(bytes / u.f) + u.n;
  return std::to_string(bytes) + "B";
}

Duration transmission_time(std::uint64_t bytes, Rate r) {
  const unsigned __int128 bits_ns = static_cast<unsigned __int128>(bytes) * 8u * 1'000'000'000u;
  return Duration{static_cast<std::int64_t>((bits_ns + r.bits_per_second - 1) / r.bits_per_second)};
}

}  // namespace wiresim
