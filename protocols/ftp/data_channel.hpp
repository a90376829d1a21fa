// How an FTP engine asks for data connections without opening them (it is sans-I/O): it queues
// DataActions for its adapter and hears back through on_data_connected / on_data_bytes /
// on_data_closed. One data connection at a time per control connection (RFC 959 3.2).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wiresim::ftp {

// RFC 959 3.2: the server's end of an active data connection is port 20 (L-1 for L = 21).
constexpr std::uint16_t DefaultDataPort = 20;

struct DataAction {
  enum class Kind {
    Listen,   // listen on address:port and accept one connection, then stop listening
    Connect,  // connect from local_port (0: any) to address:port
    Send,     // write `bytes` on the open data connection
    Close,    // close the data connection normally once what was sent is delivered
    Abort,    // drop the data connection (or stop listening) at once, unsent bytes lost
  };
  Kind kind = Kind::Abort;
  std::uint32_t address = 0;     // Listen: our address; Connect: the peer's (host order)
  std::uint16_t port = 0;        // Listen: our port; Connect: the peer's
  std::uint16_t local_port = 0;  // Connect: our port (20 for an active server)
  std::string bytes;             // Send
};

// "192.168.1.2"
std::string format_address(std::uint32_t address);

std::string_view to_string(DataAction::Kind kind);  // "listen", "connect", ...
// "listen 10.0.0.1:50000", "connect 10.0.0.2:40000 from port 20", "send 1234 bytes", "close"
std::string describe(const DataAction& action);

}  // namespace wiresim::ftp
