// Keeps the whole run's events in memory, in time order, so the desktop view can seek to any
// instant and show every packet's bytes. Costs memory in proportion to the run: opt in.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/core/simulator.hpp"
#include "sim/net/packet.hpp"

namespace wiresim {

class Recorder {
 public:
  // `skip`: kinds not kept ("packet.rx" repeats what "packet.tx" said, and a big run has a
  // million of them). `slim`: kinds kept without their text and fields (time, kind, node and
  // layer only), for an observer that keeps the details its own way.
  explicit Recorder(Simulator& sim, std::vector<std::string_view> skip = {}, std::vector<std::string_view> slim = {});

  const std::vector<TraceRecord>& records() const { return records_; }
  // Index of the first record after time t: records [0, index) have happened by t.
  std::size_t index_after(Time t) const;
  // The bytes of a packet named by a record's "uid" field; null if unknown.
  PacketPtr packet(std::int64_t uid) const;

 private:
  std::vector<TraceRecord> records_;
  std::unordered_map<std::int64_t, PacketPtr> packets_;
};

}  // namespace wiresim
