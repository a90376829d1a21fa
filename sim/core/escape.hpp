// One octet written as \xNN (lowercase hex): how transcripts and error messages show bytes that
// are not text.
#pragma once

#include <string>

namespace wiresim {

inline void append_hex_escape(std::string& out, unsigned char c) {
  static constexpr char Hex[] = "0123456789abcdef";
  out += "\\x";
  out += Hex[c >> 4];
  out += Hex[c & 15];
}

}  // namespace wiresim
