#include "protocols/email/mail_trace.hpp"

namespace wiresim::email {

void MailTraceBody::fill(TraceRecord& r) const {
  r.node = node;
  r.layer = layer;
  r.text = text;
  r.add("event", event);
  for (const auto& [key, value] : fields) r.add(key, value);
}

}  // namespace wiresim::email
