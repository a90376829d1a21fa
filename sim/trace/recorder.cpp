#include "sim/trace/recorder.hpp"

#include <algorithm>

#include "sim/net/net_events.hpp"

namespace wiresim {

Recorder::Recorder(Simulator& sim, std::vector<std::string_view> skip, std::vector<std::string_view> slim) {
  sim.trace().subscribe_all([this, skip = std::move(skip), slim = std::move(slim)](const TraceRecord& r) {
    if (std::find(skip.begin(), skip.end(), r.kind) != skip.end()) return;
    if (std::find(slim.begin(), slim.end(), r.kind) != slim.end())
      records_.push_back({r.time, r.kind, r.node, r.layer, {}, {}});
    else
      records_.push_back(r);
  });
  sim.trace().subscribe<PacketTransmitted>(
      [this](const PacketTransmitted& e) { packets_.emplace(static_cast<std::int64_t>(e.packet->uid), e.packet); });
}

std::size_t Recorder::index_after(Time t) const {
  auto it = std::upper_bound(records_.begin(), records_.end(), t,
                             [](Time value, const TraceRecord& r) { return value < r.time; });
  return static_cast<std::size_t>(it - records_.begin());
}

PacketPtr Recorder::packet(std::int64_t uid) const {
  auto it = packets_.find(uid);
  return it == packets_.end() ? nullptr : it->second;
}

}  // namespace wiresim
