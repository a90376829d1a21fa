// The arguments of MAIL FROM and RCPT TO (RFC 5321 4.1.2): a path in angle brackets, with the
// null reverse-path "<>", an ignored source route, and ESMTP parameters (SIZE=, BODY=).
// Leaves out SMTPUTF8 (RFC 6531) addresses: local parts and domains are ASCII.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/result.hpp"

namespace wiresim::smtp {

struct PathArgument {
  std::string mailbox;  // "alice@crepes.fr"; empty for "<>"; "Postmaster" alone is allowed
  // esmtp-param (RFC 5321 4.1.2): keyword upper-cased, value as sent ("" when there is none).
  std::vector<std::pair<std::string, std::string>> parameters;
};

// Parses what follows "FROM:" or "TO:". A space after the colon is tolerated, since the
// textbook and many clients send one, though RFC 5321 4.1.2 does not allow it.
// The error says what is wrong: "expected \"<\" before the address".
Result<PathArgument> parse_path_argument(std::string_view text);

// RFC 5321 4.1.2 Mailbox = Local-part "@" ( Domain / address-literal ).
bool is_valid_mailbox(std::string_view mailbox);
// RFC 5321 4.1.2 Domain, or an address literal such as "[192.0.2.1]".
bool is_valid_domain(std::string_view domain);
// The part after the last "@", lower-cased; "" when there is none.
std::string domain_of(std::string_view mailbox);

std::string to_upper(std::string_view text);
std::string to_lower(std::string_view text);

}  // namespace wiresim::smtp
