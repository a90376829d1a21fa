// The SMTP server side of one TCP connection (RFC 5321 3, 4.1.4), as a sans-I/O state machine:
// greeting, HELO/EHLO, AUTH (RFC 4954: PLAIN, LOGIN), MAIL, RCPT, DATA with dot-unstuffing and a
// Received: header, RSET, NOOP, VRFY, EXPN, HELP, QUIT, pipelined input (RFC 2920).
// Leaves out STARTTLS, DSN, SMTPUTF8, CHUNKING/BDAT and the MDA's Return-Path: header.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/mail/dot_stuffing.hpp"
#include "protocols/smtp/events.hpp"
#include "protocols/smtp/line_assembler.hpp"
#include "protocols/smtp/server_config.hpp"
#include "sim/core/time.hpp"

namespace wiresim::smtp {

class ServerSession {
 public:
  // Connected: greeted the client, waiting for HELO/EHLO. Ready: no mail transaction open.
  // Mail: MAIL FROM accepted, taking RCPT TO. Data: reading the message after 354.
  // Auth: inside an AUTH exchange (334 sent). Closed: after 221 or 421, or the peer left.
  enum class State { Connected, Ready, Mail, Data, Auth, Closed };

  // RFC 5321 4.5.3.1.4: a command line is at most 512 octets, CRLF included.
  static constexpr std::size_t MaxCommandLine = 512;
  // RFC 4954 4: an AUTH command or SASL response line may be up to 12288 octets.
  static constexpr std::size_t MaxAuthLine = 12288;
  // RFC 5321 4.5.3.1.6: a text line is at most 1000 octets; DataLine events quote no more.
  static constexpr std::size_t MaxTextLine = 1000;

  explicit ServerSession(ServerConfig config);

  void on_connected(Time now);
  void on_bytes(std::string_view data, Time now);
  void on_closed(Time now);
  void on_timer(Time now);
  std::string take_outgoing();
  std::vector<Event> take_events();
  std::optional<Time> wake_at() const;
  // True once 221 or 421 went out: send what take_outgoing() holds, then close.
  bool wants_close() const { return state_ == State::Closed; }

  State state() const { return state_; }
  const std::string& auth_user() const { return auth_user_; }

 private:
  enum class AuthStep { PlainResponse, LoginUser, LoginPassword };

  void handle_line(const Line& line, Time now);
  void handle_command(const std::string& line, Time now);
  void handle_auth_response(const std::string& line);
  void data_byte(char c, Time now);
  void end_of_data(Time now);

  void helo(const std::string& verb, const std::string& argument);
  void mail(const std::string& argument);
  void rcpt(const std::string& argument);
  void data(const std::string& argument);
  void vrfy(const std::string& argument);
  void expn(const std::string& argument);
  void help();
  void auth(const std::string& argument);
  void finish_plain(const std::string& response);
  void check_credentials(const std::string& user, const std::string& password);

  std::string out_of_sequence(const std::string& verb) const;
  bool is_local(const std::string& domain) const;
  bool offers_auth() const;
  std::string with_status(std::string_view status, std::string text) const;
  void reply(int code, std::string text);
  void reply(int code, std::vector<std::string> lines);
  // Answers `code` `text` and reports a ProtocolError: "smtp: expected <expected> in state
  // <state>, got <quoted got>".
  void reject(int code, std::string text, std::string_view expected, std::string_view got);
  void emit(EventKind kind, std::string text, int code = 0, std::string user = {});
  void end_session(std::string why);
  void reset_transaction();

  ServerConfig config_;
  State state_ = State::Connected;
  LineAssembler lines_{MaxAuthLine};
  std::string current_line_;  // the command being answered, for error messages
  bool esmtp_ = false;        // the client said EHLO rather than HELO
  std::string helo_;
  Envelope envelope_;
  std::string auth_user_;
  AuthStep auth_step_ = AuthStep::PlainResponse;
  std::string login_user_;
  mail::DotUnstuffer unstuffer_;
  std::string data_line_;     // the current line of message text, for its DataLine event
  bool data_line_cut_ = false;
  bool data_after_crlf_ = true;  // the last data line ended in CRLF, not a bare LF
  bool data_too_big_ = false;
  std::size_t messages_ = 0;
  std::optional<Time> deadline_;
  bool ended_ = false;
  std::string out_;
  std::vector<Event> events_;
};

std::string_view to_string(ServerSession::State state);

}  // namespace wiresim::smtp
