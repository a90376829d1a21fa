// A packet in flight: its real bytes (IPv4 header onward) and a run-unique id for tracing.
// Shared and immutable once sent, so captures and the recorder keep it without copying.
#pragma once

#include <cstdint>
#include <memory>

#include "sim/net/headers.hpp"

namespace wiresim {

struct Packet {
  Bytes bytes;
  std::uint64_t uid = 0;
};

using PacketPtr = std::shared_ptr<const Packet>;

}  // namespace wiresim
