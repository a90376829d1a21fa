// MIME header field values with parameters (RFC 2045 5.1): Content-Type and, with the same
// syntax, Content-Disposition (RFC 2183). Leaves out RFC 2231 parameter continuations on read.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wiresim::mime {

using Params = std::vector<std::pair<std::string, std::string>>;

struct ContentType {
  std::string type = "text", subtype = "plain";  // lower case
  Params params;                                 // names lower case, values as given (unquoted)

  std::string param(std::string_view name) const;  // case-insensitive name; "" if absent
  void set_param(std::string_view name, std::string value);  // replaces or appends
  std::string mime_type() const;                   // "text/plain"
  std::string to_string() const;                   // "text/plain; charset=utf-8"
  friend bool operator==(const ContentType&, const ContentType&) = default;
};

// RFC 2045 5.2: what a missing or invalid Content-Type means: text/plain; charset=us-ascii.
ContentType default_content_type();

// Parses "type/subtype *(; attribute=value)". Comments "(...)" and whitespace may appear between
// the tokens; values are tokens or quoted strings. A malformed parameter is skipped; nullopt if
// the type or subtype is missing or not a token.
std::optional<ContentType> parse_content_type(std::string_view value);

// Content-Disposition (RFC 2183): "attachment; filename=a.txt" gives {"attachment", params}.
// The type is lower case; nullopt if it is missing.
struct Disposition {
  std::string type;
  Params params;
};
std::optional<Disposition> parse_disposition(std::string_view value);

// A parameter value as written: a token stays bare, anything else is a quoted string with "\"
// and "\\" escaped (RFC 2045 5.1).
std::string quote_value(std::string_view value);
std::string write_params(const Params& params);  // "; name=value; ..."

// The value with comments removed and whitespace trimmed, lower case: for
// Content-Transfer-Encoding and the like.
std::string simple_token(std::string_view value);

}  // namespace wiresim::mime
