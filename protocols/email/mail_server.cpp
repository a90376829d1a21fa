// The mail-server app: reads its table, listens on the ports of its services, runs one engine
// session per connection, and connects what the engines report to the store (the MDA) and the
// queue (the MTA). Outbound relaying is in outbound.cpp.
#include "protocols/email/mail_server.hpp"

#include <nlohmann/json.hpp>

#include "protocols/email/mail_trace.hpp"
#include "protocols/email/mail_world.hpp"
#include "protocols/imap/server_session.hpp"
#include "protocols/mail/address.hpp"
#include "protocols/mail/date.hpp"
#include "protocols/pop3/server_session.hpp"
#include "protocols/smtp/address.hpp"
#include "protocols/smtp/server_session.hpp"
#include "sim/core/units.hpp"
#include "sim/scenario/registry.hpp"
#include "sim/scenario/table_reader.hpp"

namespace wiresim::email {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const std::map<std::string, std::uint16_t>& service_ports() {
  static const std::map<std::string, std::uint16_t> ports{
      {"smtp", SmtpPort}, {"submission", SubmissionPort}, {"pop3", Pop3Port}, {"imap", ImapPort}};
  return ports;
}

}  // namespace

MailServer::MailServer(AppContext& c) : world_(c.world), node_(c.node) {
  TableReader& t = c.table;
  // RFC 5321 4.1.2 Domain: letters, digits and hyphens in dot-separated labels. Anything else
  // would greet as "220 ham burger!.edu" and refuse its own mail as a relay.
  // (is_valid_domain also takes an address literal such as "[192.0.2.1]", which names no domain.)
  const auto problem = [](const std::string& d) -> std::optional<std::string> {
    if (smtp::is_valid_domain(d) && d.front() != '[') return std::nullopt;
    return "'" + d + "' is not a mail domain: dot-separated labels of letters, digits and '-', such as \"hamburger.edu\"";
  };
  config_.domain = lower(t.string("domain"));
  if (auto p = problem(config_.domain)) t.fail("domain", *p);
  const auto others = t.string_list_or("other-domains", {});
  for (std::size_t i = 0; i < others.size(); ++i) {
    config_.other_domains.push_back(lower(others[i]));
    if (auto p = problem(others[i])) t.fail_element("other-domains", i, *p);
  }
  // Accounts: "user:password", as a lecture slide would list them.
  const std::vector<std::string> accounts = t.string_list_or("accounts", {});
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    const auto colon = accounts[i].find(':');
    if (colon == std::string::npos || colon == 0)
      t.fail_element("accounts", i, "an account is \"user:password\", as in \"bob:hungry\"; got \"" + accounts[i] + "\"");
    if (auto added = store_.add_user(accounts[i].substr(0, colon), accounts[i].substr(colon + 1)); !added)
      t.fail_element("accounts", i, added.error());
  }
  if (auto lists = t.subtable("lists")) {
    for (const std::string& name : lists->keys()) {
      std::vector<std::string> members = lists->string_list(name);
      if (store_.has_user(name)) lists->fail(name, "'" + name + "' is an account already; a list needs a name of its own");
      config_.lists[name] = std::move(members);
    }
    lists->finish();
  }
  if (t.has("services")) {
    config_.services.clear();
    const std::vector<std::string> services = t.string_list("services");
    for (std::size_t i = 0; i < services.size(); ++i) {
      if (!service_ports().count(services[i]))
        t.fail_element("services", i, "unknown service '" + services[i] + "'; use smtp, submission, pop3 or imap");
      config_.services.insert(services[i]);
    }
  }
  config_.max_message_size = t.bytes_or("max-size", config_.max_message_size);
  config_.eight_bit_mime = t.boolean_or("eight-bit-mime", true);
  config_.pipelining = t.boolean_or("pipelining", true);
  config_.down = t.boolean_or("down", false);
  config_.ehlo = t.boolean_or("ehlo", true);
  config_.space_after_colon = t.boolean_or("space-after-colon", false);
  config_.textbook_replies = t.boolean_or("textbook-replies", false);
  config_.queue.retry_interval = t.duration_or("retry", config_.queue.retry_interval);
  config_.queue.give_up_after = t.duration_or("give-up", config_.queue.give_up_after);
  queue_ = MtaQueue(config_.queue);
  for (const std::string& s : config_.services)
    if (auto clash = world_.claim_port(node_, "TCP", service_ports().at(s)); !clash.empty()) t.fail("services", clash);
  world_.service<EmailWorld>().add_server(node_, this);
}

MailServer::~MailServer() {
  if (queue_timer_) world_.sim.cancel(*queue_timer_);
}

bool MailServer::is_local_domain(const std::string& domain) const {
  const std::string d = lower(domain);
  if (d == config_.domain) return true;
  return std::find(config_.other_domains.begin(), config_.other_domains.end(), d) != config_.other_domains.end();
}

void MailServer::start() {
  for (const std::string& s : config_.services) {
    const std::uint16_t port = service_ports().at(s);
    (void)world_.stack(node_).tcp.listen(port, [this, port](TcpConnection& conn) { accept(conn, port); });
    listening_.push_back(port);
  }
}

void MailServer::stop() {
  for (const std::uint16_t port : listening_) world_.stack(node_).tcp.stop_listening(port);
  listening_.clear();
}

void MailServer::note(const std::string& layer, const std::string& event, const std::string& text) {
  publish_mail<MailboxTrace>(world_, node_, layer, event, text);
}

void MailServer::keep(std::unique_ptr<AnyStreamSession> session) {
  // Finished sessions go when the next one comes: never from inside their own callbacks.
  std::erase_if(sessions_, [](const auto& s) { return s->finished(); });
  sessions_.push_back(std::move(session));
}

namespace {

template <class Event>
void publish_error(World& world, NodeId node, const std::string& layer, const Event& e) {
  publish_mail<ErrorTrace>(world, node, layer, "protocol-error", e.text);
}

}  // namespace

smtp::ServerConfig MailServer::smtp_config(std::uint16_t port, const std::string& client_address) {
  smtp::ServerConfig sc;
  sc.domain = config_.domain;
  sc.role = port == SmtpPort ? smtp::Role::Mta : smtp::Role::Msa;
  sc.local_domains.push_back(config_.domain);
  for (const std::string& d : config_.other_domains) sc.local_domains.push_back(d);
  sc.max_message_size = config_.max_message_size;
  sc.offer_8bitmime = config_.eight_bit_mime;
  sc.offer_pipelining = config_.pipelining;
  sc.offer_auth = port == SubmissionPort;
  sc.service_unavailable = config_.down;
  sc.client_address = "[" + client_address + "]";
  sc.check_recipient = [this](const std::string& mailbox) {
    const std::string user = mail::local_part(mailbox);
    if (store_.has_user(user) || config_.lists.count(user) || lower(user) == "postmaster") return smtp::RcptVerdict{};
    return smtp::RcptVerdict{550, ""};
  };
  sc.expand_list = [this](const std::string& list) -> std::optional<std::vector<std::string>> {
    auto it = config_.lists.find(mail::local_part(list));
    if (it == config_.lists.end()) return std::nullopt;
    std::vector<std::string> members;
    for (const std::string& m : it->second) members.push_back(m.find('@') == std::string::npos ? m + "@" + config_.domain : m);
    return members;
  };
  sc.verify = [this](const std::string& who) {
    const std::string user = mail::local_part(who).empty() ? who : mail::local_part(who);
    if (store_.has_user(user)) return smtp::VerifyVerdict{250, "<" + user + "@" + config_.domain + ">"};
    return smtp::VerifyVerdict{550, ""};
  };
  sc.authenticate = [this](const std::string& user, const std::string& password) {
    return store_.check_password(mail::local_part(user).empty() ? user : mail::local_part(user), password);
  };
  sc.timestamp = [](Time t) { return mail::format_date(t); };
  sc.queue_id = [this] { return std::to_string(++queue_ids_); };
  sc.report_data_lines = false;
  return sc;
}

pop3::ServerConfig MailServer::pop3_config() {
  pop3::ServerConfig pc;
  pc.host_name = config_.domain;
  pc.connection_number = connections_;
  pc.textbook_texts = config_.textbook_replies;
  return pc;
}

imap::ServerConfig MailServer::imap_config() {
  imap::ServerConfig ic;
  ic.host_name = config_.domain;
  // RFC 3501 2.3.3: INTERNALDATE is the time of final delivery, so it must read the calendar
  // the Received and Date fields are written in.
  ic.epoch = mail::DefaultEpoch;
  return ic;
}

void MailServer::on_smtp_event(std::uint16_t port, const smtp::Event& e) {
  if (e.kind == smtp::EventKind::MessageAccepted) message_accepted(port, e.envelope.mail_from, e.envelope.rcpts, e.data);
  else if (e.kind == smtp::EventKind::ProtocolError) publish_error(world_, node_, "smtp", e);
}

void MailServer::on_pop3_event(const pop3::Event& e) {
  if (e.kind == pop3::EventKind::MessageDeleted)
    note("pop3", "deleted", "POP3 UPDATE: deleted message " + std::to_string(e.number) + " of " + e.user + " (UIDL " + e.uidl + ")");
  else if (e.kind == pop3::EventKind::ProtocolError)
    publish_error(world_, node_, "pop3", e);
}

void MailServer::on_imap_event(const imap::Event& e) {
  if (e.kind == imap::EventKind::ProtocolError) publish_error(world_, node_, "imap", e);
}

void MailServer::accept(TcpConnection& conn, std::uint16_t port) {
  ++connections_;
  const std::string name = world_.net.node(node_).name();
  std::unique_ptr<AnyStreamSession> session;
  if (port == SmtpPort || port == SubmissionPort) {
    auto s = std::make_unique<StreamSession<smtp::ServerSession>>(
        world_.sim, conn, StreamSessionOptions{name, "smtp", "S"},
        [this, port](const smtp::Event& e) { on_smtp_event(port, e); }, nullptr,
        smtp_config(port, conn.remote().address.to_string()));
    s->start_connected();
    session = std::move(s);
  } else if (port == Pop3Port) {
    auto s = std::make_unique<StreamSession<pop3::ServerSession>>(
        world_.sim, conn, StreamSessionOptions{name, "pop3", "S"}, [this](const pop3::Event& e) { on_pop3_event(e); },
        nullptr, store_, pop3_config());
    s->start_connected();
    session = std::move(s);
  } else if (port == ImapPort) {
    auto s = std::make_unique<StreamSession<imap::ServerSession>>(
        world_.sim, conn, StreamSessionOptions{name, "imap", "S"}, [this](const imap::Event& e) { on_imap_event(e); },
        nullptr, store_, imap_config());
    s->start_connected();
    session = std::move(s);
  }
  if (session) keep(std::move(session));
}

std::vector<RealService> MailServer::real_services() {
  std::vector<RealService> out;
  for (const std::string& s : config_.services) {
    const std::uint16_t port = service_ports().at(s);
    RealService service{s, port, nullptr};
    if (port == SmtpPort || port == SubmissionPort) {
      service.make_session = [this, port]() -> std::unique_ptr<RealSession> {
        ++connections_;
        return std::make_unique<RealEngineSession<smtp::ServerSession>>(
            [this, port](const smtp::Event& e) { on_smtp_event(port, e); }, smtp_config(port, "127.0.0.1"));
      };
    } else if (port == Pop3Port) {
      service.make_session = [this]() -> std::unique_ptr<RealSession> {
        ++connections_;
        return std::make_unique<RealEngineSession<pop3::ServerSession>>([this](const pop3::Event& e) { on_pop3_event(e); },
                                                                        store_, pop3_config());
      };
    } else {
      service.make_session = [this]() -> std::unique_ptr<RealSession> {
        ++connections_;
        return std::make_unique<RealEngineSession<imap::ServerSession>>([this](const imap::Event& e) { on_imap_event(e); },
                                                                        store_, imap_config());
      };
    }
    out.push_back(std::move(service));
  }
  return out;
}

std::vector<RecipientOutcome> MailServer::deliver_locally(const std::string& mail_from,
                                                          const std::vector<std::string>& rcpts,
                                                          const std::string& data) {
  std::vector<RecipientOutcome> outcomes;
  // RFC 5321 4.4: the MDA records the envelope sender in Return-Path at final delivery.
  const std::string stored = "Return-Path: <" + mail_from + ">\r\n" + data;
  for (const std::string& rcpt : rcpts) {
    std::string user = mail::local_part(rcpt);
    if (lower(user) == "postmaster" && !store_.has_user(user) && !store_.users().empty()) user = store_.users().front();
    std::vector<std::string> mailboxes{user};
    if (auto list = config_.lists.find(user); list != config_.lists.end()) {
      mailboxes.clear();
      for (const std::string& m : list->second) mailboxes.push_back(mail::local_part(m).empty() ? m : mail::local_part(m));
    }
    bool any = false;
    for (const std::string& mailbox : mailboxes) {
      auto uid = store_.append(mailbox, "INBOX", stored, world_.sim.now());
      if (!uid) continue;
      any = true;
      ++delivered_locally_;
      note("mail", "delivered",
           "MDA: stored in " + mailbox + "'s INBOX (UID " + std::to_string(*uid) + ", " + format_bytes(stored.size()) + ")");
    }
    outcomes.push_back({rcpt, any ? RecipientOutcome::Status::Delivered : RecipientOutcome::Status::Permanent,
                        any ? "250 delivered" : "550 " + rcpt + " ... User unknown"});
  }
  return outcomes;
}

void MailServer::message_accepted(std::uint16_t port, const std::string& mail_from,
                                  const std::vector<std::string>& rcpts, const std::string& data) {
  (void)port;
  ++received_;
  std::vector<std::string> local, remote;
  for (const std::string& r : rcpts) (is_local_domain(domain_of(r)) ? local : remote).push_back(r);
  if (!local.empty()) {
    // Unknown local users were refused at RCPT; a list member that vanished bounces here.
    std::vector<RecipientOutcome> failed;
    for (RecipientOutcome& o : deliver_locally(mail_from, local, data))
      if (o.status != RecipientOutcome::Status::Delivered) failed.push_back(std::move(o));
    (void)failed;
  }
  if (!remote.empty()) {
    queue_.enqueue(mail_from, remote, data, world_.sim.now());
    relayed_ += remote.size();
    run_queue();
  }
}

void MailServer::report(nlohmann::ordered_json& out) const {
  out["app"] = "mail-server";
  out["host"] = world_.net.node(node_).name();
  out["domain"] = config_.domain;
  out["connections"] = connections_;
  out["messages_received"] = received_;
  out["recipients_relayed"] = relayed_;
  out["delivered_locally"] = delivered_locally_;
  out["bounced"] = bounced_;
  nlohmann::ordered_json queued = nlohmann::ordered_json::array();
  for (const Delivery* d : queue_.pending())
    queued.push_back({{"domain", d->domain}, {"rcpts", d->rcpts}, {"attempts", d->attempts},
                      {"last_error", d->last_error}});
  out["queue"] = queued;
  nlohmann::ordered_json mailboxes = nlohmann::ordered_json::object();
  for (const std::string& user : store_.users()) {
    nlohmann::ordered_json folders = nlohmann::ordered_json::object();
    for (const std::string& name : store_.folder_names(user)) {
      const mail::Folder* f = store_.folder(user, name);
      folders[name] = {{"messages", f->messages.size()}, {"unseen", f->unseen()}};
    }
    mailboxes[user] = folders;
  }
  out["mailboxes"] = mailboxes;
}

namespace {

// "\Recent \Seen": a message's flags in the store's (sorted) order, as one table cell.
std::string flags_text(const mail::Flags& flags) {
  std::string text;
  for (const std::string& f : flags) {
    if (!text.empty()) text += ' ';
    text += f;
  }
  return text;
}

// Where a delivery stands: tried now, waiting for its first try, or waiting to retry.
std::string delivery_state(const Delivery& d) {
  if (d.in_progress) return "attempting";
  return d.attempts == 0 ? "queued" : "deferred";
}

}  // namespace

void MailServer::inspect(nlohmann::ordered_json& out) const {
  report(out);  // the counters; the queue and mailboxes are replaced by their details below
  nlohmann::ordered_json queued = nlohmann::ordered_json::array();
  for (const Delivery* d : queue_.pending()) {
    std::string rcpts;
    for (const std::string& r : d->rcpts) {
      if (!rcpts.empty()) rcpts += ", ";
      rcpts += r;
    }
    nlohmann::ordered_json entry;
    entry["id"] = d->id;
    entry["from"] = d->mail_from.empty() ? "<>" : d->mail_from;
    entry["domain"] = d->domain;
    entry["rcpts"] = rcpts;
    entry["state"] = delivery_state(*d);
    entry["attempts"] = d->attempts;
    // While an attempt runs, the next try is not decided yet.
    entry["next_try_s"] = d->in_progress ? nlohmann::ordered_json() : nlohmann::ordered_json(d->next_attempt.seconds());
    entry["last_error"] = d->last_error;
    queued.push_back(std::move(entry));
  }
  out["queue"] = queued;
  nlohmann::ordered_json mailboxes = nlohmann::ordered_json::object();
  for (const std::string& user : store_.users()) {
    nlohmann::ordered_json folders = nlohmann::ordered_json::object();
    for (const std::string& name : store_.folder_names(user)) {
      nlohmann::ordered_json messages = nlohmann::ordered_json::array();
      for (const mail::StoredMessage& m : store_.folder(user, name)->messages) {
        nlohmann::ordered_json message;
        message["uid"] = m.uid;
        message["from"] = readable_field(m.bytes, "From");
        message["subject"] = readable_field(m.bytes, "Subject");
        message["octets"] = m.bytes.size();
        message["flags"] = flags_text(m.flags);
        messages.push_back(std::move(message));
      }
      folders[name] = std::move(messages);
    }
    mailboxes[user] = std::move(folders);
  }
  out["mailboxes"] = mailboxes;
}

}  // namespace wiresim::email
