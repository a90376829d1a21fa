// RFC 3501 9 sequence-set ("2,4:7,9:*"): parsed once, then resolved against the message
// sequence numbers or UIDs of a selected mailbox, where "*" means the largest one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wiresim::imap {

struct SequenceSet {
  static constexpr std::uint32_t Star = 0;  // "*" (0 is never a valid number)
  struct Range {
    std::uint32_t first = 1, last = 1;  // as written; may be reversed ("7:4") or hold Star
  };
  std::vector<Range> ranges;

  // Whether n is in the set when "*" stands for largest.
  bool contains(std::uint32_t n, std::uint32_t largest) const;
  // The largest number any range names explicitly (Star counted as largest).
  std::uint32_t highest(std::uint32_t largest) const;
};

// nullopt with a reason in *error when text is not a sequence-set.
std::optional<SequenceSet> parse_sequence_set(std::string_view text, std::string* error);
bool is_sequence_set_char(char c);

}  // namespace wiresim::imap
