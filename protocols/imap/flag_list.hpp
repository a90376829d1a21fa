// Flag lists in commands (RFC 3501 9 flag-list, STORE's bare flags): system flags spelled as the
// store spells them ("\seen" becomes "\Seen"), keywords kept as atoms. \Recent cannot be set.
#pragma once

#include <optional>

#include "protocols/imap/syntax.hpp"
#include "protocols/mail/store.hpp"

namespace wiresim::imap {

// "(" [flag *(SP flag)] ")", or with bare_allowed also flag *(SP flag) without parentheses.
std::optional<mail::Flags> parse_flag_list(Cursor& cursor, bool bare_allowed);

}  // namespace wiresim::imap
