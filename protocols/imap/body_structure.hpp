// ENVELOPE and BODY / BODYSTRUCTURE (RFC 3501 7.4.2): a message's header summary and MIME tree
// as IMAP parenthesized lists, built on the shared RFC 5322 and MIME parsers.
// Leaves out encoded-word decoding (values stay as sent) and RFC 2231 parameter continuations.
#pragma once

#include <string>
#include <string_view>

namespace wiresim::imap {

// ("date" "subject" (from) (sender) (reply-to) (to) (cc) (bcc) "in-reply-to" "message-id")
std::string envelope(std::string_view message);
// BODY (extended = false) or BODYSTRUCTURE (extended = true, with the extension data).
std::string body_structure(std::string_view message, bool extended);

}  // namespace wiresim::imap
