// "Did you mean ...?": the nearest valid name by edit distance, for friendly error messages.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wiresim {

std::size_t edit_distance(std::string_view a, std::string_view b);

// Untrusted text in a message: between `mark`s, at most 60 characters of it (STYLE: bad input).
std::string quoted(std::string_view text, char mark = '\'');

// The closest candidate, if it is close enough to be a plausible typo (case-insensitive).
std::optional<std::string> nearest_name(std::string_view wrong, const std::vector<std::string>& candidates);

// "; did you mean 'bob'?" or "" — ready to append to a message.
std::string did_you_mean(std::string_view wrong, const std::vector<std::string>& candidates);

// did_you_mean(), or when nothing is close, every candidate: "; <intro> a, b, c"
// ("'a', 'b'" when `quote_names`). "" when there are no candidates.
std::string did_you_mean_or_list(std::string_view wrong, const std::vector<std::string>& candidates,
                                 std::string_view intro, bool quote_names = false);

}  // namespace wiresim
