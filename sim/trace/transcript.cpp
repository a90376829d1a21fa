#include "sim/trace/transcript.hpp"

#include <cstdio>

namespace wiresim {

std::string format_transcript_line(const TraceRecord& r) {
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "[%11.6f] ", r.time.seconds());
  std::string line = stamp;
  if (!r.node.empty()) line += r.node + " ";
  line += r.layer + ": ";
  // A multi-line text (a tool's printed output) continues under the time stamp, indented.
  for (std::size_t start = 0;;) {
    const std::size_t end = r.text.find('\n', start);
    line.append(r.text, start, end == std::string::npos ? std::string::npos : end - start);
    if (end == std::string::npos || end + 1 == r.text.size()) break;
    line += "\n              | ";
    start = end + 1;
  }
  return line;
}

TranscriptWriter::TranscriptWriter(Simulator& sim, std::ostream& out, bool with_packets, std::set<std::string> layers)
    : out_(out), with_packets_(with_packets), layers_(std::move(layers)) {
  sim.trace().subscribe_all([this](const TraceRecord& r) {
    if (!with_packets_ && (r.kind == "packet.tx" || r.kind == "packet.rx")) return;
    if (!layers_.empty() && !layers_.count(r.layer)) return;
    out_ << format_transcript_line(r) << '\n';
  });
}

}  // namespace wiresim
