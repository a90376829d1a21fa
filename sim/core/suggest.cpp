#include "sim/core/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace wiresim {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Damerau-Levenshtein (optimal string alignment): a swapped pair of letters counts as one edit.
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::string quoted(std::string_view text, char mark) {
  std::string out(1, mark);
  out.append(text.substr(0, 60));
  out += mark;
  return out;
}

std::optional<std::string> nearest_name(std::string_view wrong, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = SIZE_MAX;
  for (const auto& c : candidates) {
    const std::size_t dist = edit_distance(wrong, c);
    if (dist < best_distance) {
      best_distance = dist;
      best = c;
    }
  }
  // A third of the longer name may differ (at least one edit), but never all of it:
  // "b" is not a typo of "a".
  const std::size_t longer = std::max(wrong.size(), best ? best->size() : 0);
  const std::size_t allowed = std::max<std::size_t>(1, longer / 3);
  if (!best || best_distance > allowed || best_distance >= longer) return std::nullopt;
  return best;
}

std::string did_you_mean(std::string_view wrong, const std::vector<std::string>& candidates) {
  auto best = nearest_name(wrong, candidates);
  return best ? "; did you mean '" + *best + "'?" : "";
}

std::string did_you_mean_or_list(std::string_view wrong, const std::vector<std::string>& candidates,
                                 std::string_view intro, bool quote_names) {
  std::string hint = did_you_mean(wrong, candidates);
  if (!hint.empty() || candidates.empty()) return hint;
  hint = "; " + std::string(intro);
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    hint += i ? ", " : " ";
    if (quote_names) hint += '\'';
    hint += candidates[i];
    if (quote_names) hint += '\'';
  }
  return hint;
}

}  // namespace wiresim
