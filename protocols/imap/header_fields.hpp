// The header block of a message or body part split into fields, keeping each field's raw bytes
// (with its folding) for BODY[HEADER.FIELDS ...] and an unfolded value for ENVELOPE and SEARCH.
// Leaves out encoded-word decoding (RFC 2047): values stay as sent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wiresim::imap {

struct RawField {
  std::string name;   // as sent, without the colon
  std::string value;  // unfolded, leading/trailing blanks removed
  std::string_view raw;  // the whole field with its CRLFs, pointing into the header block
};

// The header block is everything up to and including the empty line (or the whole text).
std::string_view header_block(std::string_view message);
std::string_view body_text(std::string_view message);  // after the empty line; empty if none
std::vector<RawField> split_fields(std::string_view header);
// The first field with that name (case-insensitive), unfolded; empty if absent.
const RawField* find_field(const std::vector<RawField>& fields, std::string_view name);
// RFC 3501 6.4.5: the kept (or, with exclude, the other) fields and then the empty line.
std::string select_fields(std::string_view header, const std::vector<std::string>& names, bool exclude);

}  // namespace wiresim::imap
