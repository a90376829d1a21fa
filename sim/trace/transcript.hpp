// The human-readable trace: "[   1.000000] alice tcp: ... SYN-SENT -> ESTABLISHED" and the
// "C:"/"S:" lines of dialogues. Packet-by-packet lines are left to the pcap files.
#pragma once

#include <ostream>
#include <set>
#include <string>

#include "sim/core/simulator.hpp"

namespace wiresim {

std::string format_transcript_line(const TraceRecord& r);

class TranscriptWriter {
 public:
  // `layers`: print only lines of these layers ("smtp", "dns", "tcp"...); empty prints all.
  TranscriptWriter(Simulator& sim, std::ostream& out, bool with_packets = false, std::set<std::string> layers = {});

 private:
  std::ostream& out_;
  bool with_packets_;
  std::set<std::string> layers_;
};

}  // namespace wiresim
