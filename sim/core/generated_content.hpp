// The bytes of a file a scenario gives only by its size ("/big.bin:200KB"), the same for every
// app that serves files (ftp-server, http-server), so both serve identical files.
#pragma once

#include <cstdint>
#include <string>

namespace wiresim {

// 63 letters and digits then LF, line after line; deterministic.
std::string generated_content(std::uint64_t size);

}  // namespace wiresim
