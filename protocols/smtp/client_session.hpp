// The SMTP client side (RFC 5321 3, 4.1): sends one message, or several one after another on
// the same connection, to one server as a user agent submitting to its MSA or an MTA relaying
// onward. EHLO with HELO fallback, AUTH PLAIN/LOGIN,
// SIZE, 8BITMIME (or a downgrade), PIPELINING, per-recipient results, RFC 5321 4.5.3.2
// timeouts. Leaves out STARTTLS, DSN, SMTPUTF8, CHUNKING, MX lookup and retry queues (the
// caller's job: the result says what to retry).
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/smtp/client_job.hpp"
#include "protocols/smtp/events.hpp"
#include "protocols/smtp/reply.hpp"
#include "sim/core/time.hpp"

namespace wiresim::smtp {

class ClientSession {
 public:
  explicit ClientSession(ClientJob job);

  void on_connected(Time now);
  void on_bytes(std::string_view data, Time now);
  void on_closed(Time now);
  void on_timer(Time now);
  std::string take_outgoing();
  std::vector<Event> take_events();
  std::optional<Time> wake_at() const;
  bool wants_close() const { return done_; }

  bool finished() const { return done_; }
  const ClientResult& result() const { return results_.front(); }  // the first message's
  const std::vector<ClientResult>& results() const { return results_; }  // one per message, in order

 private:
  // What a reply answers; pipelined commands wait in order (RFC 2920 3.1).
  enum class Step { Greeting, Ehlo, Helo, Auth, Mail, Rcpt, Data, EndOfData, Rset, Quit };
  struct Pending {
    Step step = Step::Greeting;
    std::string command;     // for the result's steps
    std::size_t rcpt = 0;    // Step::Rcpt: which recipient
    std::size_t message = 0; // which message's transaction (the greeting's and EHLO's: the first)
  };

  void handle_reply(const Reply& reply, Time now);
  void after_hello(Time now);
  void start_transaction(Time now);
  void send_data(Time now);
  void send(Step step, std::string command, Time now, std::size_t rcpt = 0);
  void send_line(const std::string& line);
  void arm_timer(Time now);
  void delivered(const Reply& reply, Time now);
  // The next message's transaction, after an RSET if `reset` (the last one failed after its
  // MAIL FROM went out); QUIT when there is none.
  void next_message(bool reset, Time now);
  // The connection failed: record why for the current message and every one after it, give
  // each undecided recipient this reply, then QUIT (or, with quit false, just close).
  void fail(Outcome outcome, int code, std::string text, std::string error, Time now, bool quit = true);
  // Only the current message failed (its MAIL, DATA or end of data refused, no recipient
  // taken): the others may still go. `sent`: its MAIL FROM went out, so RSET comes first.
  void fail_message(Outcome outcome, int code, std::string text, std::string error, Time now, bool sent = true);
  void record_failure(ClientResult& result, Outcome outcome, int code, const std::string& text,
                      const std::string& error);
  // A refusal: of the connection (greeting, EHLO, AUTH; or 421 at any point) or, with
  // `message` true, of the current message only.
  void fail_by_reply(const Reply& reply, const std::string& during, Time now, bool message = false);
  void no_recipient_accepted(Time now);
  void finish(std::string why);
  bool offers(std::string_view keyword) const;
  std::size_t accepted_rcpts() const;
  std::string path(const std::string& keyword, const std::string& mailbox) const;
  bool all_decided() const;
  ClientResult& current() { return results_[current_]; }
  const ClientMessage& message() const { return messages_[current_]; }

  ClientJob job_;
  std::vector<ClientMessage> messages_;  // the job's first message, then job_.more
  std::vector<ClientResult> results_;    // one per message
  std::size_t current_ = 0;              // the message whose transaction is under way
  ReplyReader reader_;
  std::deque<Pending> pending_;
  bool esmtp_ = false;
  std::vector<std::string> extensions_;    // EHLO reply lines after the first, upper-cased keyword first
  std::vector<std::string> auth_mechanisms_;
  std::size_t server_size_limit_ = 0;      // SIZE n; 0: no limit given
  bool pipelining_ = false;
  std::size_t auth_challenges_ = 0;
  std::size_t next_rcpt_ = 0;              // without pipelining: the next RCPT to send
  std::string wire_data_;                  // the dot-stuffed message
  std::optional<Time> deadline_;
  bool done_ = false;
  bool connected_ = false;  // TCP came up; a close before it means the server was unreachable
  std::string out_;
  std::vector<Event> events_;
};

}  // namespace wiresim::smtp
