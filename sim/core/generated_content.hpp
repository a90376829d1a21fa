// The bytes of a file a scenario gives only by its size ("/big.bin:200KB"), the same for every
// app that serves files (ftp-server, http-server), so both serve identical files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wiresim {

// 63 letters and digits then LF, line after line; deterministic. A file named *.png (of at least
// 84 octets) is a valid PNG of exactly that size instead: one pixel, padded by a private chunk,
// so that a capture's PNG dissector does not call the body malformed.
std::string generated_content(std::uint64_t size, std::string_view name = {});

}  // namespace wiresim
