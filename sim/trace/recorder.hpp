// Keeps the whole run's events in memory, in time order, so the desktop view can seek to any
// instant and show every packet's bytes. Costs memory in proportion to the run: opt in.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/core/simulator.hpp"
#include "sim/net/packet.hpp"

namespace wiresim {

class Recorder {
 public:
  explicit Recorder(Simulator& sim);

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
