// Facts about mail checked when the run ends: what a mailbox on a server holds, and what a
// user agent downloaded.
#include <algorithm>

#include "protocols/email/mail_server.hpp"
#include "protocols/email/mail_world.hpp"
#include "protocols/mail/message.hpp"
#include "sim/scenario/bounds.hpp"
#include "sim/scenario/registry.hpp"
#include "sim/scenario/table_reader.hpp"

namespace wiresim::email {
namespace {

bool subject_contains(const std::string& bytes, const std::string& needle) {
  const mail::ParsedMessage parsed = mail::parse_message(bytes);
  return mail::header_value(parsed.headers, "Subject").value_or("").find(needle) != std::string::npos;
}

// Messages whose Subject contains `subject` (all when it is empty), and what they say.
struct Count {
  std::uint64_t n = 0;
  std::string detail;
};

Count count(const std::vector<const std::string*>& messages, const std::string& subject, const std::string& contains) {
  Count c;
  for (const std::string* m : messages)
    if ((subject.empty() || subject_contains(*m, subject)) && (contains.empty() || m->find(contains) != std::string::npos))
      ++c.n;
  c.detail = std::to_string(c.n) + (c.n == 1 ? " matches" : " match") + " of " + std::to_string(messages.size());
  return c;
}

// A server's mailbox: `user`'s `folder` holds so many messages (with a subject, with a text).
class MailboxExpectation : public Expectation {
 public:
  explicit MailboxExpectation(ExpectationContext& c) {
    node_ = c.table.node("server");
    server_name_ = c.world.net.node(node_).name();
    if (!c.world.service<EmailWorld>().server(node_))
      c.table.fail("server", "'" + server_name_ + "' runs no mail-server app");
    user_ = c.table.string("user");
    folder_ = c.table.string_or("folder", "INBOX");
    subject_ = c.table.string_or("subject", "");
    contains_ = c.table.string_or("contains", "");
    bounds_ = Bounds::read(c.table, 1);
  }
  std::string describe() const override {
    std::string d = user_ + "'s " + folder_ + " on " + server_name_ + " holds " + bounds_.text("message");
    if (!subject_.empty()) d += " with subject containing \"" + subject_ + "\"";
    if (!contains_.empty()) d += " containing \"" + contains_ + "\"";
    return d;
  }
  Verdict check(const World& world) const override {
    const EmailWorld* email = world.find_service<EmailWorld>();
    const MailServer* server = email ? email->server(node_) : nullptr;
    const mail::Folder* folder = server ? server->store().folder(user_, folder_) : nullptr;
    if (!folder) return {false, "no such mailbox"};
    std::vector<const std::string*> messages;
    for (const mail::StoredMessage& m : folder->messages) messages.push_back(&m.bytes);
    const Count c = count(messages, subject_, contains_);
    return {bounds_.holds(c.n), c.detail};
  }

 private:
  NodeId node_ = 0;
  std::string server_name_, user_, folder_, subject_, contains_;
  Bounds bounds_;
};

// What user agents on a host downloaded (by POP3 or IMAP).
class DownloadedExpectation : public Expectation {
 public:
  explicit DownloadedExpectation(ExpectationContext& c) {
    node_ = c.table.node("host");
    host_ = c.world.net.node(node_).name();
    subject_ = c.table.string_or("subject", "");
    contains_ = c.table.string_or("contains", "");
    bounds_ = Bounds::read(c.table, 1);
  }
  std::string describe() const override {
    std::string d = host_ + " has downloaded " + bounds_.text("message");
    if (!subject_.empty()) d += " with subject containing \"" + subject_ + "\"";
    if (!contains_.empty()) d += " containing \"" + contains_ + "\"";
    return d;
  }
  Verdict check(const World& world) const override {
    const EmailWorld* email = world.find_service<EmailWorld>();
    const std::vector<Downloaded> got = email ? email->downloaded_on(node_) : std::vector<Downloaded>{};
    std::vector<const std::string*> messages;
    for (const Downloaded& d : got) messages.push_back(&d.bytes);
    const Count c = count(messages, subject_, contains_);
    return {bounds_.holds(c.n), c.detail};
  }

 private:
  NodeId node_ = 0;
  std::string host_, subject_, contains_;
  Bounds bounds_;
};

}  // namespace

void register_expectations(Registry& registry) {
  registry.add_expectation("mailbox", {"how many messages a user's folder on a mail server holds (subject, contains)",
                                       [](ExpectationContext& c) { return std::make_unique<MailboxExpectation>(c); }});
  registry.add_expectation("downloaded", {"how many messages user agents on a host downloaded (subject, contains)",
                                          [](ExpectationContext& c) { return std::make_unique<DownloadedExpectation>(c); }});
}

}  // namespace wiresim::email
