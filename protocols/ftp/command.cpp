#include "protocols/ftp/command.hpp"

#include <cctype>
#include <limits>
#include <vector>

namespace wiresim::ftp {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const std::size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return parts;
}

std::optional<std::uint32_t> parse_dotted_quad(std::string_view text) {
  const std::vector<std::string_view> parts = split(text, '.');
  if (parts.size() != 4) return std::nullopt;
  std::uint32_t address = 0;
  for (const std::string_view part : parts) {
    const std::optional<std::uint64_t> n = parse_number(part);
    if (!n || *n > 255 || part.size() > 3) return std::nullopt;
    address = (address << 8) | static_cast<std::uint32_t>(*n);
  }
  return address;
}

}  // namespace

Command parse_command(std::string_view line) {
  Command command;
  const std::size_t space = line.find(' ');
  command.keyword_as_sent = std::string(line.substr(0, space));
  for (const char c : command.keyword_as_sent)
    command.keyword += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (space != std::string_view::npos) command.argument = std::string(line.substr(space + 1));
  return command;
}

std::optional<HostPort> parse_host_port(std::string_view text) {
  const std::vector<std::string_view> parts = split(text, ',');
  if (parts.size() != 6) return std::nullopt;
  std::uint64_t values[6] = {};
  for (std::size_t i = 0; i < 6; ++i) {
    std::string_view part = parts[i];
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    const std::optional<std::uint64_t> n = parse_number(part);
    if (!n || *n > 255 || part.size() > 3) return std::nullopt;
    values[i] = *n;
  }
  HostPort hp;
  hp.address = static_cast<std::uint32_t>((values[0] << 24) | (values[1] << 16) | (values[2] << 8) | values[3]);
  hp.port = static_cast<std::uint16_t>(values[4] * 256 + values[5]);
  return hp;
}

std::string format_host_port(const HostPort& hp) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    out += std::to_string((hp.address >> shift) & 0xFF);
    out += ',';
  }
  out += std::to_string(hp.port >> 8);
  out += ',';
  out += std::to_string(hp.port & 0xFF);
  return out;
}

std::optional<HostPort> parse_pasv_reply(std::string_view text) {
  // RFC 1123 4.1.2.6: clients must scan for the numbers, not rely on the parentheses; we
  // take the first run of "digits and commas" that parses.
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) continue;
    std::size_t end = i;
    while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == ','))
      ++end;
    if (std::optional<HostPort> hp = parse_host_port(text.substr(i, end - i))) return hp;
    i = end;
  }
  return std::nullopt;
}

std::optional<HostPort> parse_eprt(std::string_view text, bool* protocol_supported) {
  if (protocol_supported) *protocol_supported = true;
  if (text.size() < 2) return std::nullopt;
  const char delimiter = text.front();
  if (delimiter < 33 || delimiter > 126 || text.back() != delimiter) return std::nullopt;
  const std::vector<std::string_view> parts = split(text.substr(1, text.size() - 2), delimiter);
  if (parts.size() != 3) return std::nullopt;
  const std::optional<std::uint64_t> protocol = parse_number(parts[0]);
  if (!protocol) return std::nullopt;
  if (*protocol != 1) {
    if (protocol_supported) *protocol_supported = false;
    return std::nullopt;
  }
  const std::optional<std::uint32_t> address = parse_dotted_quad(parts[1]);
  const std::optional<std::uint64_t> port = parse_number(parts[2]);
  if (!address || !port || *port == 0 || *port > 65535) return std::nullopt;
  return HostPort{*address, static_cast<std::uint16_t>(*port)};
}

std::optional<std::uint16_t> parse_epsv_reply(std::string_view text) {
  const std::size_t open = text.find('(');
  const std::size_t close = text.find(')', open == std::string_view::npos ? 0 : open);
  if (open == std::string_view::npos || close == std::string_view::npos || close < open + 5) return std::nullopt;
  const std::string_view inside = text.substr(open + 1, close - open - 1);
  const char d = inside.front();
  if (inside.size() < 5 || inside[1] != d || inside[2] != d || inside.back() != d) return std::nullopt;
  const std::optional<std::uint64_t> port = parse_number(inside.substr(3, inside.size() - 4));
  if (!port || *port == 0 || *port > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(*port);
}

std::optional<std::uint64_t> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  constexpr std::uint64_t Max = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (Max - digit) / 10) return std::nullopt;  // past 64 bits: 501, not a clamped offset
    value = value * 10 + digit;
  }
  return value;
}

std::string quote(std::string_view text) {
  constexpr std::size_t Limit = 60;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < Limit; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out += c < 0x20 || c >= 0x7f ? '?' : static_cast<char>(c);
  }
  if (text.size() > Limit) out += "...";
  out += '"';
  return out;
}

}  // namespace wiresim::ftp
