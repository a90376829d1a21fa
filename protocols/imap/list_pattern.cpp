// Wildcard matching by dynamic programming over (pattern, name) positions, so patterns full of
// "*" cannot make it take exponential time.
#include "protocols/imap/list_pattern.hpp"

#include <algorithm>
#include <vector>

#include "protocols/imap/syntax.hpp"

namespace wiresim::imap {
namespace {

bool match(std::string_view pattern, std::string_view name, char delimiter) {
  // reach[j]: the pattern prefix read so far can match name[0, j).
  std::vector<char> reach(name.size() + 1, 0), next(name.size() + 1, 0);
  reach[0] = 1;
  for (const char p : pattern) {
    std::fill(next.begin(), next.end(), 0);
    for (std::size_t j = 0; j <= name.size(); ++j) {
      if (!reach[j]) continue;
      if (p == '*' || p == '%') {
        next[j] = 1;
        for (std::size_t k = j; k < name.size() && (p == '*' || name[k] != delimiter); ++k) next[k + 1] = 1;
      } else if (j < name.size() && name[j] == p) {
        next[j + 1] = 1;
      }
    }
    reach.swap(next);
  }
  return reach[name.size()] != 0;
}

}  // namespace

bool matches_pattern(std::string_view pattern, std::string_view name, char delimiter) {
  if (match(pattern, name, delimiter)) return true;
  // RFC 3501 5.1: "inbox", "Inbox" and "IN%" all name INBOX.
  if (name == "INBOX") return match(upper(pattern), name, delimiter);
  return false;
}

}  // namespace wiresim::imap
