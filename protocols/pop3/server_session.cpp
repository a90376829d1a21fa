// The server's rules in one place: which command is allowed in which state (the table in
// find_rule), what each replies, and when the maildrop is locked, snapshotted and updated.
#include "protocols/pop3/server_session.hpp"

#include <array>
#include <cctype>

#include "protocols/mail/dot_stuffing.hpp"
#include "protocols/pop3/apop.hpp"

namespace wiresim::pop3 {
namespace {

// RFC 2449 4: "command lines ... up to 255 octets, including the terminating CRLF".
constexpr std::size_t MaxCommandLine = 255;

std::string lower(std::string_view text) {
  std::string out;
  for (const char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string_view to_string(State state) {
  switch (state) {
    case State::Authorization:
      return "AUTHORIZATION";
    case State::Transaction:
      return "TRANSACTION";
    case State::Update:
      return "UPDATE";
    case State::Closed:
      return "CLOSED";
  }
  return "CLOSED";
}

// A command, the states it is allowed in (RFC 1939 4, 5, 7; RFC 2449 5 for CAPA), how many
// arguments it takes and the handler that answers it.
struct ServerSession::CommandRule {
  std::string_view keyword;
  bool in_authorization = false;
  bool in_transaction = false;
  std::size_t min_args = 0;
  std::size_t max_args = 0;
  std::string_view usage;
  void (ServerSession::*handler)(const Command&) = nullptr;
};

const ServerSession::CommandRule* ServerSession::find_rule(std::string_view keyword) {
  // PASS takes the rest of the line (RFC 1939 7: a password may contain spaces), so its
  // argument count is not checked here.
  static const std::array<CommandRule, 14> rules{{
      {"USER", true, false, 1, 1, "USER name", &ServerSession::user_command},
      {"PASS", true, false, 0, SIZE_MAX, "PASS string", &ServerSession::pass_command},
      {"APOP", true, false, 2, 2, "APOP name digest", &ServerSession::apop_command},
      {"AUTH", true, false, 0, SIZE_MAX, "AUTH mechanism", &ServerSession::auth_command},
      {"CAPA", true, true, 0, 0, "CAPA", &ServerSession::capa_command},
      {"QUIT", true, true, 0, 0, "QUIT", &ServerSession::quit_command},
      {"STAT", false, true, 0, 0, "STAT", &ServerSession::stat_command},
      {"LIST", false, true, 0, 1, "LIST [msg]", &ServerSession::list_command},
      {"RETR", false, true, 1, 1, "RETR msg", &ServerSession::retr_command},
      {"TOP", false, true, 2, 2, "TOP msg n", &ServerSession::top_command},
      {"DELE", false, true, 1, 1, "DELE msg", &ServerSession::dele_command},
      {"NOOP", false, true, 0, 0, "NOOP", &ServerSession::noop_command},
      {"RSET", false, true, 0, 0, "RSET", &ServerSession::rset_command},
      {"UIDL", false, true, 0, 1, "UIDL [msg]", &ServerSession::uidl_command},
  }};
  for (const CommandRule& rule : rules)
    if (rule.keyword == keyword) return &rule;
  return nullptr;
}

ServerSession::ServerSession(mail::Store& store, ServerConfig config)
    : store_(store), config_(std::move(config)), input_(MaxCommandLine) {}

ServerSession::~ServerSession() {
  if (holds_lock_) store_.unlock(user_);
}

void ServerSession::on_connected(Time now) {
  deadline_ = now + config_.idle_timeout;
  if (config_.allow_apop) {
    if (config_.apop_timestamp) {
      timestamp_ = *config_.apop_timestamp;
    } else {
      timestamp_ = "<" + std::to_string(config_.connection_number) + "." + std::to_string(now.ns / 1'000'000'000);
      timestamp_ += "@" + config_.host_name + ">";
    }
  }
  // RFC 1939 7: a server that offers APOP puts its timestamp in the greeting.
  if (config_.textbook_texts) timestamp_.clear();
  reply(timestamp_.empty() ? "+OK POP3 server ready" : "+OK POP3 server ready " + timestamp_);
}

void ServerSession::on_bytes(std::string_view data, Time now) {
  if (state_ == State::Closed) return;
  deadline_ = now + config_.idle_timeout;
  input_.append(data);
  // Every complete line is answered in order, so a pipelining client (RFC 2449 6.6) is served;
  // after QUIT the rest is ignored.
  while (state_ != State::Closed) {
    std::optional<Line> line = input_.next();
    if (!line) break;
    handle_line(*line);
  }
}

void ServerSession::on_closed(Time) {
  if (state_ == State::Closed) return;
  // RFC 1939 6: a session that ends without QUIT does not enter UPDATE: nothing is deleted.
  const std::size_t marked = maildrop_.deleted_uids().size();
  if (state_ == State::Transaction) {
    std::string why = "connection lost in TRANSACTION state: no UPDATE";
    if (marked > 0)
      why += ", " + std::to_string(marked) + (marked == 1 ? " message" : " messages") + " marked for deletion kept";
    end_session(why + " (RFC 1939 6)");
  } else {
    end_session("connection closed in " + std::string(to_string(state_)) + " state");
  }
}

void ServerSession::on_timer(Time now) {
  if (state_ == State::Closed || !deadline_ || now < *deadline_) return;
  // RFC 1939 3: the autologout closes the connection without entering UPDATE.
  std::string why = "autologout after ";
  why += format_duration(config_.idle_timeout);
  why += " idle in " + std::string(to_string(state_)) + " state: no UPDATE (RFC 1939 3)";
  end_session(why);
}

std::string ServerSession::take_outgoing() { return std::exchange(outgoing_, {}); }
std::vector<Event> ServerSession::take_events() { return std::exchange(events_, {}); }

std::optional<Time> ServerSession::wake_at() const {
  if (state_ == State::Closed) return std::nullopt;
  return deadline_;
}

bool ServerSession::allowed_in(const CommandRule& rule) const {
  return (state_ == State::Authorization && rule.in_authorization) ||
         (state_ == State::Transaction && rule.in_transaction);
}

void ServerSession::handle_line(const Line& line) {
  if (line.too_long) {
    protocol_error("a command line of at most 255 octets", quote(line.text));
    reply("-ERR command line too long (over 255 octets)");
    pending_user_.reset();
    return;
  }
  events_.push_back(make_event(EventKind::Command, line.text));
  const Command command = parse_command(line.text);
  // RFC 1939 7: PASS must come right after USER; any other command cancels the USER.
  std::optional<std::string> user_before = std::exchange(pending_user_, std::nullopt);
  if (command.keyword.empty()) {
    protocol_error("a command", line.text.empty() ? "an empty line" : quote(line.text));
    reply(line.text.empty() ? "-ERR empty command" : "-ERR a command line starts with its keyword");
    return;
  }
  const CommandRule* rule = find_rule(command.keyword);
  if (!rule) {
    protocol_error("a POP3 command", quote(line.text));
    reply("-ERR unknown command " + quote(command.keyword_as_sent));
    return;
  }
  if (!allowed_in(*rule)) {
    protocol_error(state_ == State::Authorization ? "USER, PASS, APOP, CAPA or QUIT" : "a TRANSACTION command",
                   quote(line.text));
    std::string text = "-ERR ";
    text += rule->keyword;
    text += " not allowed in ";
    text += to_string(state_);
    text += " state";
    reply(text);
    return;
  }
  if (command.args.size() < rule->min_args || command.args.size() > rule->max_args) {
    protocol_error(quote(rule->usage), quote(line.text));
    reply("-ERR usage: " + std::string(rule->usage));
    return;
  }
  if (rule->keyword != "PASS") {
    for (const std::string& arg : command.args) {
      if (arg.size() > MaxArgumentLength) {
        protocol_error("arguments of at most 40 characters", quote(arg));
        reply("-ERR argument too long (over 40 characters)");
        return;
      }
    }
  }
  if (rule->keyword == "PASS") pending_user_ = std::move(user_before);
  (this->*rule->handler)(command);
}

// ---- AUTHORIZATION (RFC 1939 4 and 7) ----

void ServerSession::user_command(const Command& command) {
  if (!config_.allow_user_pass) {
    reply("-ERR USER/PASS not allowed here, use APOP");
    return;
  }
  // The same answer for every name: whether a mailbox exists is revealed by nothing before PASS.
  pending_user_ = command.args[0];
  reply(config_.textbook_texts ? "+OK" : "+OK send PASS");
}

void ServerSession::pass_command(const Command& command) {
  if (!pending_user_) {
    protocol_error("USER before PASS", quote("PASS"));
    reply("-ERR send USER first");
    return;
  }
  const std::string user = std::exchange(pending_user_, std::nullopt).value();
  if (command.rest.empty()) {
    protocol_error(quote("PASS string"), quote("PASS"));
    reply("-ERR usage: PASS string");
    return;
  }
  log_in(user, store_.check_password(user, command.rest));
}

void ServerSession::apop_command(const Command& command) {
  if (timestamp_.empty()) {
    reply("-ERR APOP not supported");
    return;
  }
  const std::string& user = command.args[0];
  const std::optional<std::string> secret = store_.password(user);
  log_in(user, secret && apop_digest(timestamp_, *secret) == lower(command.args[1]));
}

void ServerSession::auth_command(const Command&) {
  // RFC 5034 would have us list SASL mechanisms; we offer none, and CAPA lists no SASL.
  reply("-ERR AUTH not supported, use USER/PASS or APOP");
}

void ServerSession::log_in(const std::string& user, bool credentials_ok) {
  if (!credentials_ok) {
    // RFC 3206 4 [AUTH]: the credentials are wrong, so retrying later will not help.
    events_.push_back(make_event(EventKind::LoginFailed,
                                 "login failed for " + quote(user) + ": invalid user name or password", user));
    reply("-ERR [AUTH] invalid user name or password");
    return;
  }
  // RFC 1939 8: the server locks the maildrop; RFC 2449 8.1.2 [IN-USE]: another session has it.
  if (!store_.lock(user)) {
    events_.push_back(
        make_event(EventKind::LoginFailed, "login failed for " + quote(user) + ": maildrop already locked", user));
    reply("-ERR [IN-USE] maildrop already locked");
    return;
  }
  holds_lock_ = true;
  user_ = user;
  const mail::Folder* inbox = store_.folder(user, "INBOX");
  maildrop_ = inbox ? Maildrop(*inbox) : Maildrop();
  state_ = State::Transaction;
  const std::string summary = describe_count(maildrop_.count(), maildrop_.octets());
  events_.push_back(make_event(EventKind::LoggedIn, user + " logged in; maildrop has " + summary, user));
  reply(config_.textbook_texts ? "+OK user successfully logged on" : "+OK " + user + "'s maildrop has " + summary);
}

// ---- both states ----

void ServerSession::capa_command(const Command&) {
  // RFC 2449 5: one capability per line, as a multi-line reply. AUTH-RESP-CODE (RFC 3206 6):
  // a refused login says [AUTH] when the credentials were wrong.
  std::string body = "TOP\r\nUIDL\r\n";
  if (config_.allow_user_pass) body += "USER\r\n";
  body += "RESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\nIMPLEMENTATION " + config_.implementation + "\r\n";
  reply_multiline("+OK Capability list follows", body);
}

void ServerSession::quit_command(const Command&) {
  std::string sign_off = config_.textbook_texts ? "+OK POP3 server signing off"
                                                : "+OK " + config_.host_name + " POP3 server signing off";
  if (state_ == State::Authorization) {
    // RFC 1939 4: QUIT before login ends the session without UPDATE.
    reply(sign_off);
    end_session("QUIT in AUTHORIZATION state");
    return;
  }
  // RFC 1939 6: UPDATE removes the messages marked as deleted, then releases the lock.
  state_ = State::Update;
  const std::vector<std::uint32_t> doomed = maildrop_.deleted_uids();
  store_.remove(user_, "INBOX", doomed);
  for (std::size_t i = 0; i < maildrop_.entries().size(); ++i) {
    const MaildropEntry& e = maildrop_.entries()[i];
    if (!e.deleted) continue;
    Event event = make_event(EventKind::MessageDeleted, "UPDATE: message " + std::to_string(i + 1) + " removed", user_);
    event.number = i + 1;
    event.uidl = e.uidl;
    event.bytes = e.size;
    events_.push_back(std::move(event));
  }
  const mail::Folder* inbox = store_.folder(user_, "INBOX");
  const std::size_t left = inbox ? inbox->messages.size() : 0;
  if (!config_.textbook_texts)  // the textbook's line says no more
    sign_off += left == 0 ? " (maildrop empty)"
                          : " (" + std::to_string(left) + (left == 1 ? " message left)" : " messages left)");
  reply(sign_off);
  end_session("QUIT: UPDATE removed " + std::to_string(doomed.size()) +
              (doomed.size() == 1 ? " message" : " messages"));
}

// ---- TRANSACTION (RFC 1939 5 and 7) ----

const MaildropEntry* ServerSession::message_argument(const std::string& arg, std::uint64_t* number) {
  const std::optional<std::uint64_t> n = parse_number(arg);
  if (!n) {
    protocol_error("a message number", quote(arg));
    reply("-ERR invalid message number " + quote(arg));
    return nullptr;
  }
  std::string why_not;
  const MaildropEntry* entry = maildrop_.find(*n, why_not);
  if (!entry) {
    reply("-ERR " + why_not);
    return nullptr;
  }
  *number = *n;
  return entry;
}

void ServerSession::stat_command(const Command&) {
  reply("+OK " + std::to_string(maildrop_.count()) + " " + std::to_string(maildrop_.octets()));
}

void ServerSession::list_command(const Command& command) {
  if (!command.args.empty()) {
    std::uint64_t number = 0;
    if (const MaildropEntry* e = message_argument(command.args[0], &number))
      reply("+OK " + std::to_string(number) + " " + std::to_string(e->size));
    return;
  }
  // RFC 1939 5: "messages marked as deleted are not listed".
  std::string body;
  for (std::size_t i = 0; i < maildrop_.entries().size(); ++i) {
    const MaildropEntry& e = maildrop_.entries()[i];
    if (!e.deleted) body += std::to_string(i + 1) + " " + std::to_string(e.size) + "\r\n";
  }
  reply_multiline("+OK " + describe_count(maildrop_.count(), maildrop_.octets()), body);
}

void ServerSession::retr_command(const Command& command) {
  std::uint64_t number = 0;
  const MaildropEntry* e = message_argument(command.args[0], &number);
  if (!e) return;
  const mail::Folder* inbox = store_.folder(user_, "INBOX");
  const mail::StoredMessage* message = inbox ? inbox->find(e->uid) : nullptr;
  if (!message) {
    // The lock keeps other POP3 sessions out, but an IMAP session may have expunged it.
    reply("-ERR message " + std::to_string(number) + " is no longer in the maildrop");
    return;
  }
  ++retrieved_;
  std::string text = "message " + std::to_string(number) + " retrieved (";
  text += std::to_string(e->size) + " octets)";
  Event event = make_event(EventKind::MessageRetrieved, std::move(text), user_);
  event.number = number;
  event.uidl = e->uidl;
  event.bytes = e->size;
  events_.push_back(std::move(event));
  reply_multiline("+OK " + std::to_string(e->size) + " octets", message->bytes);
}

void ServerSession::top_command(const Command& command) {
  std::uint64_t number = 0;
  const MaildropEntry* e = message_argument(command.args[0], &number);
  if (!e) return;
  const std::optional<std::uint64_t> lines = parse_number(command.args[1]);
  if (!lines) {
    protocol_error("a number of lines", quote(command.args[1]));
    reply("-ERR invalid number of lines " + quote(command.args[1]));
    return;
  }
  const mail::Folder* inbox = store_.folder(user_, "INBOX");
  const mail::StoredMessage* message = inbox ? inbox->find(e->uid) : nullptr;
  if (!message) {
    reply("-ERR message " + std::to_string(number) + " is no longer in the maildrop");
    return;
  }
  reply_multiline("+OK", top_of(message->bytes, *lines));
}

void ServerSession::dele_command(const Command& command) {
  std::uint64_t number = 0;
  if (!message_argument(command.args[0], &number)) return;
  maildrop_.mark_deleted(number);
  reply("+OK message " + std::to_string(number) + " deleted");
}

void ServerSession::noop_command(const Command&) { reply("+OK"); }

void ServerSession::rset_command(const Command&) {
  maildrop_.unmark_all();
  reply("+OK maildrop has " + describe_count(maildrop_.count(), maildrop_.octets()));
}

void ServerSession::uidl_command(const Command& command) {
  if (!command.args.empty()) {
    std::uint64_t number = 0;
    if (const MaildropEntry* e = message_argument(command.args[0], &number))
      reply("+OK " + std::to_string(number) + " " + e->uidl);
    return;
  }
  std::string body;
  for (std::size_t i = 0; i < maildrop_.entries().size(); ++i) {
    const MaildropEntry& e = maildrop_.entries()[i];
    if (!e.deleted) body += std::to_string(i + 1) + " " + e.uidl + "\r\n";
  }
  reply_multiline("+OK", body);
}

// ---- output ----

void ServerSession::end_session(std::string why) {
  if (holds_lock_) {
    store_.unlock(user_);
    holds_lock_ = false;
  }
  Event event = make_event(EventKind::SessionEnded, std::move(why), user_);
  event.retrieved = retrieved_;
  event.deleted = state_ == State::Update ? maildrop_.deleted_uids().size() : 0;
  events_.push_back(std::move(event));
  state_ = State::Closed;
}

void ServerSession::reply(std::string status) {
  outgoing_ += status;
  outgoing_ += "\r\n";
  events_.push_back(make_event(EventKind::Reply, std::move(status)));
}

void ServerSession::reply_multiline(std::string status, std::string body) {
  // RFC 1939 3: a multi-line reply is byte-stuffed and ends with a line holding only ".".
  outgoing_ += status;
  outgoing_ += "\r\n";
  outgoing_ += mail::dot_stuff(body);
  Event event = make_event(EventKind::Reply, std::move(status));
  event.body = std::move(body);
  events_.push_back(std::move(event));
}

void ServerSession::protocol_error(std::string_view expected, std::string_view got) {
  std::string text = "pop3: expected ";
  text += expected;
  text += " in state ";
  text += to_string(state_);
  text += ", got ";
  text += got;
  events_.push_back(make_event(EventKind::ProtocolError, std::move(text)));
}

}  // namespace wiresim::pop3
