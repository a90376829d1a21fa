// Percent-encoding (RFC 3986 2.1), query strings and HTML form bodies
// (application/x-www-form-urlencoded, WHATWG URL 5): binary-safe, so a BitTorrent info_hash of
// 20 arbitrary octets survives the round trip. No IRIs, no punycode, no full URL parsing.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/result.hpp"

namespace wiresim::http {

using QueryPairs = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 2.3: every octet but the unreserved ALPHA DIGIT - . _ ~ becomes %XX (upper-case hex).
std::string percent_encode(std::string_view bytes);
// "%41%42+c" -> "AB+c"; with plus_as_space -> "AB c". A "%" without two hex digits is an error.
Result<std::string> percent_decode(std::string_view text, bool plus_as_space = false);

// "info_hash=%12%34&peer_id=abc&compact" -> pairs in order; a name without "=" gets "".
// "+" stays "+": trackers and most query strings percent-encode a space as %20.
Result<QueryPairs> parse_query(std::string_view query);
// The same for a form body, where "+" is a space (application/x-www-form-urlencoded).
Result<QueryPairs> parse_form(std::string_view body);

// The inverses: names and values percent-encoded, joined with "=" and "&". A form writes a
// space as "+" as browsers do.
std::string build_query(const QueryPairs& pairs);
std::string build_form(const QueryPairs& pairs);

// "/announce?info_hash=..." -> {"/announce", "info_hash=..."}; a fragment ("#...") is dropped.
struct Target {
  std::string path;
  std::string query;
};
Target split_target(std::string_view target);

// The value of the first pair called `name`, or nullptr.
const std::string* find_value(const QueryPairs& pairs, std::string_view name);

}  // namespace wiresim::http
