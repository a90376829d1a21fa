// LIST / LSUB mailbox patterns (RFC 3501 6.3.8): "*" matches anything, "%" anything but the
// hierarchy delimiter. INBOX matches case-insensitively (RFC 3501 5.1).
#pragma once

#include <string_view>

namespace wiresim::imap {

bool matches_pattern(std::string_view pattern, std::string_view name, char delimiter);

}  // namespace wiresim::imap
