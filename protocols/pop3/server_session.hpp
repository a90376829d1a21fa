// The POP3 server side of one TCP connection (RFC 1939, CAPA and response codes from RFC 2449):
// AUTHORIZATION with USER/PASS or APOP, TRANSACTION on a snapshot of the user's INBOX, UPDATE
// at QUIT. Sans-I/O: bytes and the time come in as arguments. Leaves out SASL (AUTH), STLS,
// the obsolete LAST, and any delay after a failed login.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/mail/store.hpp"
#include "protocols/pop3/command.hpp"
#include "protocols/pop3/events.hpp"
#include "protocols/pop3/line_splitter.hpp"
#include "protocols/pop3/maildrop.hpp"
#include "sim/core/time.hpp"

namespace wiresim::pop3 {

// RFC 1939 3. Closed is ours: the session is over (after QUIT, a lost connection or the
// autologout timer) and every further byte is ignored.
enum class State { Authorization, Transaction, Update, Closed };
std::string_view to_string(State state);  // "AUTHORIZATION", as the RFC spells it

struct ServerConfig {
  std::string host_name = "pop.example.com";  // in the sign-off line and the APOP timestamp
  // The adapter counts connections; with the time of connection it makes each APOP timestamp
  // unique (RFC 1939 7: "process-ID.clock@hostname").
  std::uint64_t connection_number = 1;
  std::optional<std::string> apop_timestamp;  // a fixed one, angle brackets included (for tests)
  bool allow_apop = true;
  bool allow_user_pass = true;
  // RFC 1939 3: an autologout timer "MUST be of at least 10 minutes' duration". Shorter values
  // are accepted, for demonstrations.
  Duration idle_timeout = seconds(600);
  std::string implementation = "wiresim";  // RFC 2449 6.9 IMPLEMENTATION
  // The textbook's texts (Kurose & Ross 2.3.4): "+OK POP3 server ready", a bare "+OK" to USER,
  // "+OK user successfully logged on", "+OK POP3 server signing off". The greeting then has no
  // APOP timestamp, so APOP is not offered. RFC 1939 leaves every text after +OK to the server.
  bool textbook_texts = false;
};

class ServerSession {
 public:
  // The store must outlive the session: the destructor releases a lock still held.
  ServerSession(mail::Store& store, ServerConfig config);
  ~ServerSession();
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  void on_connected(Time now);
  void on_bytes(std::string_view data, Time now);
  void on_closed(Time now);
  void on_timer(Time now);
  std::string take_outgoing();
  std::vector<Event> take_events();
  std::optional<Time> wake_at() const;
  bool wants_close() const { return state_ == State::Closed; }

  State state() const { return state_; }
  const std::string& user() const { return user_; }  // the logged-in user, once in TRANSACTION
  const std::string& apop_timestamp() const { return timestamp_; }
  const Maildrop& maildrop() const { return maildrop_; }

 private:
  struct CommandRule;
  static const CommandRule* find_rule(std::string_view keyword);

  void handle_line(const Line& line);
  bool allowed_in(const CommandRule& rule) const;

  // One handler per command; each sends exactly one reply.
  void user_command(const Command& command);
  void pass_command(const Command& command);
  void apop_command(const Command& command);
  void auth_command(const Command& command);
  void capa_command(const Command& command);
  void quit_command(const Command& command);
  void stat_command(const Command& command);
  void list_command(const Command& command);
  void retr_command(const Command& command);
  void top_command(const Command& command);
  void dele_command(const Command& command);
  void noop_command(const Command& command);
  void rset_command(const Command& command);
  void uidl_command(const Command& command);

  void log_in(const std::string& user, bool credentials_ok);
  // The message a command names, or null after replying -ERR.
  const MaildropEntry* message_argument(const std::string& arg, std::uint64_t* number);
  void end_session(std::string why);

  void reply(std::string status);
  void reply_multiline(std::string status, std::string body);
  void protocol_error(std::string_view expected, std::string_view got);

  mail::Store& store_;
  ServerConfig config_;
  State state_ = State::Authorization;
  LineSplitter input_;
  std::string outgoing_;
  std::vector<Event> events_;
  std::string timestamp_;
  std::optional<std::string> pending_user_;  // named by the USER just before, awaiting PASS
  std::string user_;
  bool holds_lock_ = false;
  Maildrop maildrop_;
  std::size_t retrieved_ = 0;
  std::optional<Time> deadline_;  // the autologout time
};

}  // namespace wiresim::pop3
