#include "sim/trace/app_events.hpp"

namespace wiresim {

void AppMessage::describe(TraceRecord& r) const {
  r.node = node;
  r.layer = protocol;
  r.text = speaker.empty() ? text : speaker + ": " + text;
  if (!speaker.empty()) r.add("speaker", speaker);
  r.add("message", text);
  if (connection >= 0) r.add("connection", connection);
}

}  // namespace wiresim
