// Wildcard matching by dynamic programming over (pattern, name) positions, so patterns full of
// "*" cannot make it take exponential time: one pass over the name per pattern character, a
// run of wildcards taken as one.
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
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char p = pattern[i];
    if (p == '*' || p == '%') {
      // "%*", "*%", "**": "*"; "%%": "%".
      for (; i + 1 < pattern.size() && (pattern[i + 1] == '*' || pattern[i + 1] == '%'); ++i)
        if (pattern[i + 1] == '*') p = '*';
    }
    std::fill(next.begin(), next.end(), 0);
    if (p == '*') {  // from the first place reached on, everything
      const auto first = std::find(reach.begin(), reach.end(), 1);
      std::fill(next.begin() + (first - reach.begin()), next.end(), 1);
    } else if (p == '%') {  // from each place reached, on to the next delimiter
      bool open = false;
      for (std::size_t j = 0; j <= name.size(); ++j) {
        open = open || reach[j];
        next[j] = open;
        if (j < name.size() && name[j] == delimiter) open = false;
      }
    } else {
      for (std::size_t j = 0; j < name.size(); ++j) next[j + 1] = reach[j] && name[j] == p;
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
