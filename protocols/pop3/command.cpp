#include "protocols/pop3/command.hpp"

#include <cctype>
#include <limits>

namespace wiresim::pop3 {

Command parse_command(std::string_view line) {
  Command command;
  const std::size_t space = line.find(' ');
  command.keyword_as_sent = std::string(line.substr(0, space));
  for (const char c : command.keyword_as_sent)
    command.keyword += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (space == std::string_view::npos) return command;
  command.rest = std::string(line.substr(space + 1));
  // Several spaces in a row count as one: lenient, and no argument is ever empty.
  std::string_view rest = line.substr(space + 1);
  while (!rest.empty()) {
    const std::size_t end = rest.find(' ');
    if (end != 0) command.args.emplace_back(rest.substr(0, end));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return command;
}

std::optional<std::uint64_t> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  constexpr std::uint64_t Max = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    value = value > (Max - digit) / 10 ? Max : value * 10 + digit;
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

}  // namespace wiresim::pop3
