// The human-readable trace: "[   1.000000] alice tcp: ... SYN-SENT -> ESTABLISHED" and the
// "C:"/"S:" lines of dialogues. Packet-by-packet lines are left to the pcap files.
#pragma once

#include <ostream>
#include <string>

#include "sim/core/simulator.hpp"

namespace wiresim {

std::string format_transcript_line(const TraceRecord& r);

class TranscriptWriter {
 public:
  TranscriptWriter(Simulator& sim, std::ostream& out, bool with_packets = false);

 private:
  std::ostream& out_;
  bool with_packets_;
};

}  // namespace wiresim
