// The e-mail events on the trace bus, one type per family: what the MTA's queue did, what
// reached or left a mailbox, what a user agent did, and protocol errors from any mail engine.
// The dialogues themselves are app.message lines (S:/C:), published by the stream adapter.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sim/core/trace_bus.hpp"
#include "sim/scenario/world.hpp"

namespace wiresim::email {

struct MailTraceBody {
  std::string node;
  std::string layer;  // "smtp", "pop3", "imap", "http", "mail"
  std::string event;  // "queued", "delivered", "bounced", "fetched", "protocol-error", ...
  std::string text;
  std::vector<std::pair<std::string, std::string>> fields;  // extra fields, in order
  void fill(TraceRecord& r) const;
};

struct QueueTrace : MailTraceBody {  // the MTA's queue: queued, attempting, delivered, deferred, bounced
  static constexpr std::string_view kind = "mail.queue";
  void describe(TraceRecord& r) const { fill(r); }
};

struct MailboxTrace : MailTraceBody {  // a message stored, deleted or expunged; flags changed
  static constexpr std::string_view kind = "mail.mailbox";
  void describe(TraceRecord& r) const { fill(r); }
};

struct AgentTrace : MailTraceBody {  // a user agent sent, fetched or read mail
  static constexpr std::string_view kind = "mail.agent";
  void describe(TraceRecord& r) const { fill(r); }
};

struct ErrorTrace : MailTraceBody {  // malformed input to a mail engine, answered with its error reply
  static constexpr std::string_view kind = "mail.error";
  void describe(TraceRecord& r) const { fill(r); }
};

// Publishes one event of family Trace (QueueTrace, MailboxTrace, ...) at `node`.
template <class Trace>
void publish_mail(World& world, NodeId node, std::string layer, std::string event, std::string text) {
  Trace t;
  t.node = world.net.node(node).name();
  t.layer = std::move(layer);
  t.event = std::move(event);
  t.text = std::move(text);
  world.sim.trace().publish(t);
}

}  // namespace wiresim::email
