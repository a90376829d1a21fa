// Sequence sets: "1:*" in an empty mailbox names nothing; reversed ranges count as written the
// other way round (RFC 3501 9: "4:2" is "2:4").
#include "protocols/imap/sequence_set.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "protocols/imap/syntax.hpp"

namespace wiresim::imap {
namespace {

std::optional<std::uint32_t> seq_number(std::string_view text) {
  if (text == "*") return SequenceSet::Star;
  std::uint32_t n = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || n == 0) return std::nullopt;
  return n;
}

std::uint32_t resolve(std::uint32_t n, std::uint32_t largest) { return n == SequenceSet::Star ? largest : n; }

}  // namespace

bool is_sequence_set_char(char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == ':' || c == ',' || c == '*'; }

bool SequenceSet::contains(std::uint32_t n, std::uint32_t largest) const {
  for (const Range& r : ranges) {
    const std::uint32_t a = resolve(r.first, largest), b = resolve(r.last, largest);
    if (n >= std::min(a, b) && n <= std::max(a, b)) return true;
  }
  return false;
}

std::uint32_t SequenceSet::highest(std::uint32_t largest) const {
  std::uint32_t out = 0;
  for (const Range& r : ranges) out = std::max({out, resolve(r.first, largest), resolve(r.last, largest)});
  return out;
}

std::optional<SequenceSet> parse_sequence_set(std::string_view text, std::string* error) {
  SequenceSet set;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string_view item = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    const std::size_t colon = item.find(':');
    const auto first = seq_number(item.substr(0, colon));
    const auto last = colon == std::string_view::npos ? first : seq_number(item.substr(colon + 1));
    if (!first || !last) {
      if (error) {
        *error = "expected a sequence set such as 1:* or 2,4:7, got \"";
        *error += quote_for_error(text);
        *error += '"';
      }
      return std::nullopt;
    }
    set.ranges.push_back({*first, *last});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return set;
}

}  // namespace wiresim::imap
