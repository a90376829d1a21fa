#include "sim/trace/transcript.hpp"

#include <cstdio>

namespace wiresim {

std::string format_transcript_line(const TraceRecord& r) {
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "[%11.6f] ", r.time.seconds());
  std::string line = stamp;
  if (!r.node.empty()) line += r.node + " ";
  line += r.layer + ": " + r.text;
  return line;
}

TranscriptWriter::TranscriptWriter(Simulator& sim, std::ostream& out, bool with_packets)
    : out_(out), with_packets_(with_packets) {
  sim.trace().subscribe_all([this](const TraceRecord& r) {
    if (!with_packets_ && (r.kind == "packet.tx" || r.kind == "packet.rx")) return;
    out_ << format_transcript_line(r) << '\n';
  });
}

}  // namespace wiresim
