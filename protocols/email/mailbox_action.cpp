// `show-mailbox`: what the server's MDA has stored for a user, as the files of a Maildir or an
// mbox would hold it (mailbox_files.hpp): the notes' "Mailbox: maildir/mbox".
#include "protocols/email/mail_server.hpp"
#include "protocols/email/mail_trace.hpp"
#include "protocols/email/mail_world.hpp"
#include "protocols/email/mailbox_files.hpp"
#include "protocols/mail/date.hpp"
#include "sim/scenario/registry.hpp"
#include "sim/scenario/table_reader.hpp"

namespace wiresim::email {
namespace {

std::function<void()> make_show_mailbox(ActionContext& c) {
  TableReader& t = c.table;
  const NodeId node = t.node("server");
  const std::string user = t.string("user");
  const std::string folder = t.string_or("folder", "INBOX");
  const bool maildir = t.choice("format", {"maildir", "mbox"}, "maildir") == "maildir";
  return [&w = c.world, node, user, folder, maildir] {
    const MailServer* server = w.service<EmailWorld>().server(node);
    const mail::Folder* f = server ? server->store().folder(user, folder) : nullptr;
    std::string text;
    if (!server) text = "show-mailbox: " + w.net.node(node).name() + " runs no mail server";
    else if (!f) text = "show-mailbox: " + user + " has no folder " + folder;
    else if (maildir) text = maildir_listing(*f, user, server->config().domain, mail::DefaultEpoch);
    else text = mbox_listing(*f, user, mail::DefaultEpoch);
    publish_mail<MailboxTrace>(w, node, "mail", "files", text);
  };
}

}  // namespace

void register_mailbox_action(Registry& registry) {
  registry.add_action("show-mailbox", {"list a user's folder on a mail server as Maildir or mbox files would hold it",
                                       make_show_mailbox});
}

}  // namespace wiresim::email
