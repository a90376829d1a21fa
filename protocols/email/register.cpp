#include "protocols/email/mail_server.hpp"
#include "protocols/email/webmail.hpp"
#include "sim/scenario/registry.hpp"

namespace wiresim::email {

void register_user_agents(Registry& registry);
void register_expectations(Registry& registry);
void register_mailbox_action(Registry& registry);

void register_protocol(Registry& registry) {
  registry.add_app("mail-server", {"a domain's mail server: MTA (25), MSA (587), MDA, POP3 (110) and IMAP (143)",
                                   [](AppContext& c) { return std::make_unique<MailServer>(c); }});
  register_user_agents(registry);
  register_mailbox_action(registry);
  register_webmail(registry);
  register_expectations(registry);
  registry.add_event_kind("mail.queue", "the MTA queued, tried, delivered, deferred or bounced a message");
  registry.add_event_kind("mail.mailbox", "a message was stored in or removed from a mailbox");
  registry.add_event_kind("mail.agent", "a user agent sent or downloaded mail");
  registry.add_event_kind("mail.error", "malformed input to a mail engine, answered with its error reply");
}

}  // namespace wiresim::email
