// Domain names in presentation form ("www.example.com.", "." for the root): splitting into
// labels, case-insensitive comparison (RFC 1035 2.3.3), zone membership and validity.
// Names are always absolute, with the trailing dot; a '.' or '\' inside a label is escaped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wiresim::dns {

// RFC 1035 2.3.4: a label is at most 63 octets, a whole name at most 255 on the wire.
constexpr std::size_t MaxLabelLength = 63;
constexpr std::size_t MaxNameLength = 255;

// The labels of an absolute name, most specific first, escapes (\. \\ \DDD) undone;
// the root has none. Assumes check_name(name) is "".
std::vector<std::string> labels(std::string_view name);
// The presentation form of a label sequence, escaping '.', '\' and unprintable octets as dig does.
std::string from_labels(const std::vector<std::string>& labels);
// "" when `name` is a valid absolute name, else why not:
// "label 'xxx...' is 70 octets; a label is at most 63 (RFC 1035 2.3.4)".
std::string check_name(std::string_view name);
// Completes a name read in a zone file: "@" is the origin, a name without a trailing dot is
// relative to it.
std::string absolute(std::string_view name, std::string_view origin);

// A lower-case copy: the key for maps and comparisons.
std::string canonical(std::string_view name);
bool same_name(std::string_view a, std::string_view b);
// True when `name` is `zone` or below it ("www.example.com." is in "com." and in ".").
bool in_zone(std::string_view name, std::string_view zone);
// "example.com." for "www.example.com."; the root's parent is the root.
std::string parent(std::string_view name);
std::size_t label_count(std::string_view name);

}  // namespace wiresim::dns
