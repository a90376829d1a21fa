// Zone data in the master-file format of RFC 1035 section 5, as students write it in a
// scenario: $ORIGIN and $TTL, "@", relative names, a blank owner repeating the previous one,
// optional TTL and class in either order, parentheses across lines, ";" comments, quoted TXT
// strings, and TTLs with BIND's units ("1h30m", "2d"). Not supported: $INCLUDE, $GENERATE.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/dns/message.hpp"

namespace wiresim::dns {

struct MasterFileError {
  std::size_t line = 0, column = 0;  // 1-based, inside the text given
  std::string message;               // "unknown record type 'MXX'; known types: A, AAAA, ..."
};

struct MasterFile {
  std::vector<ResourceRecord> records;  // in the order written, names absolute
  std::optional<MasterFileError> error; // the first error; records before it are kept
};

MasterFile parse_master_file(std::string_view text, std::string_view origin = ".", std::uint32_t default_ttl = 3600);

// "1h30m" -> 5400, "300" -> 300; nullopt when not a TTL.
std::optional<std::uint32_t> parse_ttl(std::string_view text);

}  // namespace wiresim::dns
