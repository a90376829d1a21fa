// Mail addresses as RFC 5322 3.4 writes them: "Name <local@domain>", "local@domain", quoted
// display names, comma-separated lists and groups ("Team: a@x, b@y;"). Obsolete routes are
// dropped. Encoded words in display names stay encoded (mime::decode_words decodes them).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wiresim::mail {

struct Address {
  std::string display_name;  // unquoted, whitespace collapsed; "" if none
  std::string local_part;    // as written ("john.doe", "\"john doe\"")
  std::string domain;        // as written; compare case-insensitively
  std::string group;         // the group this mailbox was listed in, "" if none

  std::string addr_spec() const;  // "local@domain", or the local part alone if no domain
  std::string to_string() const;  // "Name <local@domain>", display name quoted if it needs it
  friend bool operator==(const Address&, const Address&) = default;
};

// Every mailbox in an address-list (To, Cc, From...), groups flattened; an empty group
// ("undisclosed-recipients:;") gives nothing. An entry with no addr-spec is skipped. Never fails.
std::vector<Address> parse_address_list(std::string_view text);

// The first mailbox in `text` or an empty Address.
Address parse_address(std::string_view text);

// The domain and local part of "Name <local@domain>", "<local@domain>" or "local@domain"; ""
// when there is none.
std::string domain_of(std::string_view address);
std::string local_part(std::string_view address);

// A display name as RFC 5322 3.2.5 phrase: atoms left bare, anything else a quoted string.
std::string quote_phrase(std::string_view name);

}  // namespace wiresim::mail
