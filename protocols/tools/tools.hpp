// Tool applications that exercise the stack: a bulk sender and sink (like iperf), and TCP/UDP
// echo clients and servers (RFC 862). They carry no protocol logic worth an engine.
#pragma once

#include <cstdint>
#include <string>

namespace wiresim::tools {

// The bulk pattern: 64-byte numbered lines, so "Follow TCP stream" shows where every byte
// belongs. Writes `length` bytes of the stream starting at `offset` into `out`.
void bulk_pattern(std::uint64_t offset, std::size_t length, std::string& out);

}  // namespace wiresim::tools
