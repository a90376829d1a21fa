// What applications say on the trace bus: a line of a protocol dialogue ("C: HELO", "S: 250 OK")
// or a note about what the application did. Transcripts and the desktop view show these.
#pragma once

#include <string>

#include "sim/core/trace_bus.hpp"

namespace wiresim {

struct AppMessage {
  static constexpr std::string_view kind = "app.message";
  std::string node;
  std::string protocol;  // "echo", "bulk", "smtp", ...
  std::string speaker;   // "C" or "S" for a dialogue line, "" for a note
  std::string text;
  std::int64_t connection = -1;  // the TCP connection id on `node`, when there is one
  void describe(TraceRecord& r) const;
};

}  // namespace wiresim
