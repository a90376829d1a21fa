#include "protocols/ftp/ftp_world.hpp"

namespace wiresim::ftp {

void FtpTrace::fill(TraceRecord& r) const {
  r.node = node;
  r.layer = "ftp";
  r.text = text;
  r.add("event", event);
  for (const auto& [key, value] : fields) r.add(key, value);
}

const FtpServerApp* FtpWorld::server(NodeId node) const {
  auto it = servers_.find(node);
  return it == servers_.end() ? nullptr : it->second;
}

std::uint16_t FtpWorld::reserve_active_ports(NodeId host, std::size_t count) {
  std::uint32_t& next = next_active_port_.try_emplace(host, 40000).first->second;
  if (next + count > 65535) next = 40000;
  const std::uint32_t first = next;
  next += static_cast<std::uint32_t>(count);
  return static_cast<std::uint16_t>(first);
}

}  // namespace wiresim::ftp
