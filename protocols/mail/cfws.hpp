// RFC 5322 3.2.2 CFWS, the whitespace and (nested) comments allowed between the tokens of a
// structured header field. Shared by the date parser and MIME's parameter lexer. Leaves out
// obsolete syntax; an unterminated comment runs to the end of the text.
#pragma once

#include <cstddef>
#include <string_view>

namespace wiresim::mail {

// The first position at or after `pos` that is neither whitespace (SP, HTAB, CR, LF) nor inside
// a comment. Inside a comment a quoted-pair ("\)", "\(") is skipped whole, so it neither opens
// nor closes one. Never more than text.size().
std::size_t skip_cfws(std::string_view text, std::size_t pos);

}  // namespace wiresim::mail
