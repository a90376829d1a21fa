#include "protocols/smtp/server_session.hpp"

#include <algorithm>
#include <cctype>

#include "protocols/mail/date.hpp"
#include "protocols/mime/transfer_encoding.hpp"
#include "protocols/smtp/address.hpp"
#include "protocols/smtp/reply.hpp"

namespace wiresim::smtp {

namespace {

// The textbook's wording (Kurose & Ross 2.3.1), the defaults an instructor expects to see.
constexpr std::string_view DataGoAhead = "Enter mail, end with \".\" on a line by itself";
constexpr std::string_view MessageAccepted = "Message accepted for delivery";

// HELO/EHLO names are checked leniently: real hosts send names with "_" in them.
bool is_helo_name(std::string_view name) {
  if (is_valid_domain(name)) return true;
  if (name.empty()) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') return false;
  return true;
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// RFC 5321 4.1.1: an argument starting with "FROM:" / "TO:", any case. The rest, or nullopt.
std::optional<std::string> after_prefix(const std::string& argument, std::string_view prefix) {
  if (argument.size() < prefix.size() || to_upper(argument.substr(0, prefix.size())) != prefix) return std::nullopt;
  return argument.substr(prefix.size());
}

std::string shown_path(const std::string& mailbox) { return mailbox.empty() ? "<>" : mailbox; }

}  // namespace

std::string_view to_string(ServerSession::State state) {
  switch (state) {
    case ServerSession::State::Connected: return "Connected";
    case ServerSession::State::Ready: return "Ready";
    case ServerSession::State::Mail: return "Mail";
    case ServerSession::State::Data: return "Data";
    case ServerSession::State::Auth: return "Auth";
    case ServerSession::State::Closed: return "Closed";
  }
  return "?";
}

ServerSession::ServerSession(ServerConfig config) : config_(std::move(config)) {
  if (config_.local_domains.empty()) config_.local_domains.push_back(config_.domain);
  for (std::string& domain : config_.local_domains) domain = to_lower(domain);
}

void ServerSession::on_connected(Time now) {
  if (config_.service_unavailable) {
    // RFC 5321 3.1: a server that cannot serve answers 421 and closes.
    std::string text = config_.domain;
    text += " Service not available, closing transmission channel";
    reply(421, std::move(text));
    end_session("smtp: service not available, answered 421 and closed");
    return;
  }
  std::string greeting = config_.domain;
  if (!config_.greeting_text.empty()) {
    greeting += ' ';
    greeting += config_.greeting_text;
  }
  reply(220, std::move(greeting));
  state_ = State::Connected;
  deadline_ = now + config_.command_timeout;
}

void ServerSession::on_bytes(std::string_view data, Time now) {
  if (state_ == State::Closed) return;
  deadline_ = now + config_.command_timeout;
  for (char c : data) {
    if (state_ == State::Closed) break;  // RFC 5321 4.1.1.10: nothing counts after QUIT
    if (state_ == State::Data) {
      data_byte(c, now);
    } else if (std::optional<Line> line = lines_.push(c)) {
      handle_line(*line, now);
    }
  }
}

void ServerSession::on_closed(Time) {
  if (state_ == State::Closed) return;
  std::string why = "smtp: the client closed the connection in state ";
  why += to_string(state_);
  if (state_ == State::Data) why += ", message discarded";
  state_ = State::Closed;
  end_session(std::move(why));
}

void ServerSession::on_timer(Time now) {
  if (state_ == State::Closed || !deadline_ || now < *deadline_) return;
  std::string text = config_.domain;
  text += " Timeout waiting for the client, closing transmission channel";
  reply(421, with_status("4.4.2", std::move(text)));
  end_session("smtp: no command for " + format_duration(config_.command_timeout) + ", answered 421 and closed");
}

std::string ServerSession::take_outgoing() { return std::exchange(out_, std::string()); }

std::vector<Event> ServerSession::take_events() { return std::exchange(events_, {}); }

std::optional<Time> ServerSession::wake_at() const {
  if (state_ == State::Closed) return std::nullopt;
  return deadline_;
}

void ServerSession::handle_line(const Line& line, Time now) {
  emit(EventKind::Command, "C: " + line.text.substr(0, MaxTextLine));
  current_line_ = line.text;
  const bool auth_line = state_ == State::Auth || to_upper(line.text.substr(0, 5)) == "AUTH ";
  if (line.too_long || (line.length > MaxCommandLine && !auth_line)) {
    if (state_ == State::Auth) state_ = State::Ready;
    reject(500, with_status("5.5.2", "Line too long"), "a command line of at most 512 octets", line.text);
    return;
  }
  if (state_ == State::Auth) {
    handle_auth_response(line.text);
  } else {
    handle_command(line.text, now);
  }
}

// RFC 5321 4.1.4 and 3.3: the order commands must come in, in one place. Returns what should
// have come first, or "" when `verb` may come now.
std::string ServerSession::out_of_sequence(const std::string& verb) const {
  if (verb == "MAIL") {
    if (state_ == State::Connected) return "HELO or EHLO before MAIL";
    if (state_ == State::Mail) return "RCPT, DATA or RSET (a mail transaction is open)";
  } else if (verb == "RCPT") {
    if (state_ != State::Mail) return "MAIL FROM before RCPT";
  } else if (verb == "DATA") {
    if (state_ != State::Mail) return "MAIL FROM before DATA";
    if (envelope_.rcpts.empty()) return "an accepted RCPT TO before DATA";
  } else if (verb == "AUTH") {
    // RFC 4954 4: AUTH is an ESMTP command, once per session, never inside a transaction.
    if (!esmtp_) return "EHLO before AUTH";
    if (!auth_user_.empty()) return "one successful AUTH per session";
    if (state_ == State::Mail) return "AUTH outside a mail transaction";
  }
  return "";
}

void ServerSession::handle_command(const std::string& line, Time) {
  const std::size_t space = line.find(' ');
  const std::string verb = to_upper(line.substr(0, space));
  std::string argument = space == std::string::npos ? std::string() : line.substr(space + 1);
  while (!argument.empty() && argument.back() == ' ') argument.pop_back();

  static const std::vector<std::string> known = {"HELO", "EHLO", "MAIL", "RCPT", "DATA", "RSET",
                                                 "NOOP", "QUIT", "VRFY", "EXPN", "HELP", "AUTH"};
  // Commands of RFC 821 and later extensions that this server does not implement.
  static const std::vector<std::string> unimplemented = {"SEND", "SOML", "SAML", "TURN", "ETRN",
                                                         "ATRN", "BDAT", "STARTTLS"};
  if (std::find(unimplemented.begin(), unimplemented.end(), verb) != unimplemented.end() ||
      (verb == "AUTH" && !offers_auth())) {
    reject(502, with_status("5.5.1", "Command not implemented"), "a command this server implements", line);
    return;
  }
  if (std::find(known.begin(), known.end(), verb) == known.end()) {
    reject(500, with_status("5.5.2", "Syntax error, command unrecognized"), "an SMTP command", line);
    return;
  }
  if (const std::string expected = out_of_sequence(verb); !expected.empty()) {
    reject(503, "5.5.1 Bad sequence of commands", expected, line);
    return;
  }
  if (verb == "HELO" || verb == "EHLO") {
    helo(verb, argument);
  } else if (verb == "MAIL") {
    mail(argument);
  } else if (verb == "RCPT") {
    rcpt(argument);
  } else if (verb == "DATA") {
    data(argument);
  } else if (verb == "RSET" || verb == "QUIT") {
    if (!argument.empty()) {
      reject(501, with_status("5.5.4", "Syntax error in parameters or arguments"), verb + " without arguments", line);
      return;
    }
    if (verb == "RSET") {
      // RFC 5321 4.1.1.5: RSET ends the transaction but keeps the greeting.
      reset_transaction();
      reply(250, with_status("2.0.0", "OK"));
    } else {
      std::string text = config_.domain;
      text += " closing connection";
      reply(221, with_status("2.0.0", std::move(text)));
      end_session("smtp: the client said QUIT");
    }
  } else if (verb == "NOOP") {
    reply(250, with_status("2.0.0", "OK"));  // RFC 5321 4.1.1.9: any argument is ignored
  } else if (verb == "VRFY") {
    vrfy(argument);
  } else if (verb == "EXPN") {
    expn(argument);
  } else if (verb == "HELP") {
    help();
  } else if (verb == "AUTH") {
    auth(argument);
  }
}

void ServerSession::helo(const std::string& verb, const std::string& argument) {
  if (argument.empty() || argument.find(' ') != std::string::npos || !is_helo_name(argument)) {
    reject(501, with_status("5.5.4", "Syntax error in parameters or arguments"),
           verb + " followed by one domain name or address literal", current_line_);
    return;
  }
  // RFC 5321 4.1.4: HELO/EHLO in the middle of a session acts as RSET too.
  reset_transaction();
  helo_ = argument;
  esmtp_ = verb == "EHLO";
  state_ = State::Ready;
  std::string hello = "Hello ";
  hello += argument;
  hello += ", pleased to meet you";
  if (!esmtp_) {
    reply(250, std::move(hello));
    return;
  }
  // RFC 5321 4.1.1.1: the first line names the server; each further line is an extension.
  std::vector<std::string> lines = {config_.domain};
  if (config_.offer_size) lines.push_back("SIZE " + std::to_string(config_.max_message_size));
  if (config_.offer_8bitmime) lines.push_back("8BITMIME");
  if (config_.offer_pipelining) lines.push_back("PIPELINING");
  if (offers_auth()) lines.push_back("AUTH PLAIN LOGIN");
  if (config_.enhanced_status_codes) lines.push_back("ENHANCEDSTATUSCODES");
  if (config_.offer_help) lines.push_back("HELP");
  reply(250, std::move(lines));
}

void ServerSession::mail(const std::string& argument) {
  // RFC 6409 4.3 and RFC 4954 6: the MSA takes no mail from a client that did not authenticate.
  if (config_.role == Role::Msa && auth_user_.empty()) {
    reply(530, "5.7.0 Authentication required");
    return;
  }
  const std::optional<std::string> rest = after_prefix(argument, "FROM:");
  if (!rest) {
    reject(501, with_status("5.5.4", "Syntax error in parameters or arguments"), "MAIL FROM:<reverse-path>",
           current_line_);
    return;
  }
  Result<PathArgument> path = parse_path_argument(*rest);
  if (path.ok() && to_lower(path->mailbox) == "postmaster") path = Error{"expected a mailbox with a domain"};
  if (!path.ok()) {
    reject(501, with_status("5.1.7", "Syntax error in parameters or arguments"), "MAIL FROM:<reverse-path> (" +
           path.error() + ")", current_line_);
    return;
  }
  bool body_8bitmime = false;
  for (const auto& [keyword, value] : path->parameters) {
    const bool offered = esmtp_ && ((keyword == "SIZE" && config_.offer_size) ||
                                    (keyword == "BODY" && config_.offer_8bitmime) ||
                                    (keyword == "AUTH" && offers_auth()));
    if (!offered) {
      reject(555, with_status("5.5.4", "MAIL FROM/RCPT TO parameters not recognized or not implemented"),
             "only the parameters the EHLO reply offered", current_line_);
      return;
    }
    if (keyword == "SIZE") {
      // RFC 1870 4 and 6: SIZE=1*20DIGIT; a declared size over the limit is refused now, not
      // after DATA. Past 18 significant digits a size is valid, only over any limit we keep.
      if (!is_digits(value) || value.size() > 20) {
        reject(501, with_status("5.5.4", "Syntax error in parameters or arguments"), "SIZE=<number of octets>",
               current_line_);
        return;
      }
      const std::string digits = value.substr(std::min(value.find_first_not_of('0'), value.size()));
      if (digits.size() > 18 || (!digits.empty() && std::stoull(digits) > config_.max_message_size)) {
        reply(552, with_status("5.3.4", "Message size exceeds fixed maximum message size"));
        return;
      }
    } else if (keyword == "BODY") {
      const std::string body = to_upper(value);
      if (body != "7BIT" && body != "8BITMIME") {
        reject(501, with_status("5.5.4", "Syntax error in parameters or arguments"), "BODY=7BIT or BODY=8BITMIME",
               current_line_);
        return;
      }
      body_8bitmime = body == "8BITMIME";
    }
  }
  envelope_.mail_from = path->mailbox;
  envelope_.body_8bitmime = body_8bitmime;
  state_ = State::Mail;
  std::string text = shown_path(path->mailbox);
  text += " ... Sender ok";
  reply(250, with_status("2.1.0", std::move(text)));
}

void ServerSession::rcpt(const std::string& argument) {
  const std::optional<std::string> rest = after_prefix(argument, "TO:");
  if (!rest) {
    reject(501, with_status("5.5.4", "Syntax error in parameters or arguments"), "RCPT TO:<forward-path>",
           current_line_);
    return;
  }
  Result<PathArgument> path = parse_path_argument(*rest);
  if (path.ok() && path->mailbox.empty()) path = Error{"expected a mailbox, got the null path <>"};
  if (!path.ok()) {
    reject(501, with_status("5.1.3", "Syntax error in parameters or arguments"), "RCPT TO:<forward-path> (" +
           path.error() + ")", current_line_);
    return;
  }
  if (!path->parameters.empty()) {  // DSN's NOTIFY= and ORCPT= are not modelled
    reject(555, with_status("5.5.4", "MAIL FROM/RCPT TO parameters not recognized or not implemented"),
           "RCPT TO without parameters", current_line_);
    return;
  }
  // RFC 5321 4.5.3.1.10: past the limit, 452 and the client sends the rest in another transaction.
  if (envelope_.rcpts.size() >= config_.max_recipients) {
    reply(452, with_status("4.5.3", "Too many recipients"));
    return;
  }
  std::string mailbox = path->mailbox;
  if (to_lower(mailbox) == "postmaster") mailbox = "postmaster@" + config_.domain;
  RcptVerdict verdict;
  if (is_local(domain_of(mailbox))) {
    if (config_.check_recipient) verdict = config_.check_recipient(mailbox);
  } else if (auth_user_.empty() && !config_.relay_for_anyone) {
    // RFC 5321 3.6.2 and 7.1: no relaying for strangers. 550 5.7.1 as Postfix and Sendmail answer.
    std::string text = "5.7.1 ";
    text += mailbox;
    text += " ... Relaying denied";
    reply(550, std::move(text));
    return;
  }
  std::string text = verdict.text;
  if (text.empty()) {
    if (verdict.code == 250) {
      text = mailbox + " ... Recipient ok";
    } else if (verdict.code == 550) {
      text = mailbox + " ... User unknown";
    } else {
      text = standard_text(verdict.code);
    }
  }
  const bool accepted = verdict.code / 100 == 2;
  if (accepted) envelope_.rcpts.push_back(mailbox);
  reply(verdict.code, with_status(accepted ? "2.1.5" : verdict.code == 550 ? "5.1.1" : verdict.code < 500 ? "4.0.0" : "5.0.0",
                                  std::move(text)));
}

void ServerSession::data(const std::string& argument) {
  if (!argument.empty()) {
    reject(501, with_status("5.5.4", "Syntax error in parameters or arguments"), "DATA without arguments",
           current_line_);
    return;
  }
  unstuffer_.reset();
  data_line_.clear();
  data_line_cut_ = false;
  data_after_crlf_ = true;
  data_too_big_ = false;
  state_ = State::Data;
  reply(354, std::string(DataGoAhead));
}

void ServerSession::data_byte(char c, Time now) {
  if (data_line_.size() < MaxTextLine) {
    data_line_ += c;
  } else {
    data_line_cut_ = true;
  }
  if (!data_too_big_) {
    unstuffer_.feed(std::string_view(&c, 1));
    // RFC 5321 4.5.3.1.10: past the limit, read on to the end of the data, keep nothing, then 552.
    // Mid-line, allow for the terminator's ".\r" still counted in size().
    const std::size_t slack = c == '\n' ? 0 : 2;
    if (unstuffer_.size() > config_.max_message_size + slack) {
      data_too_big_ = true;
      unstuffer_.reset();
    }
  }
  if (c != '\n') return;
  // A cut line's end is not known (taken as CRLF); it cannot be "." anyway.
  const mail::TextLine line = data_line_cut_ ? mail::TextLine{data_line_, true} : mail::split_line_end(data_line_);
  const std::string_view content = line.content;
  const bool end = !data_line_cut_ && mail::ends_text(line, data_after_crlf_);
  data_after_crlf_ = line.crlf;
  if (config_.report_data_lines) {
    std::string text = "C: ";
    text += content;
    if (data_line_cut_) text += "...";
    emit(EventKind::DataLine, std::move(text));
  }
  data_line_.clear();
  data_line_cut_ = false;
  if (end) end_of_data(now);
}

void ServerSession::end_of_data(Time now) {
  state_ = State::Ready;
  if (data_too_big_) {
    reply(552, with_status("5.3.4", "Message size exceeds fixed maximum message size"));
    reset_transaction();
    return;
  }
  const std::string id = config_.queue_id ? config_.queue_id() : std::to_string(++messages_);
  // RFC 5321 4.4: each relay puts its trace line on top; RFC 3848 names the "with" keywords.
  std::string data = "Received: from ";
  data += helo_;
  if (!config_.client_address.empty()) {
    data += " (";
    data += config_.client_address;
    data += ')';
  }
  data += " by ";
  data += config_.domain;
  data += " with ";
  data += !esmtp_ ? "SMTP" : auth_user_.empty() ? "ESMTP" : "ESMTPA";
  data += " id ";
  data += id;
  data += "; ";
  data += config_.timestamp ? config_.timestamp(now) : mail::format_date(now);
  data += "\r\n";
  data += unstuffer_.take_text();
  envelope_.helo = helo_;
  envelope_.auth_user = auth_user_;
  const AcceptVerdict verdict = config_.accept_message ? config_.accept_message(envelope_, data) : AcceptVerdict{};
  if (verdict.code / 100 == 2) {
    Event event;
    event.kind = EventKind::MessageAccepted;
    event.text = "smtp: accepted message " + id + " from <" + envelope_.mail_from + "> for " +
                 std::to_string(envelope_.rcpts.size()) + " recipient(s), " + std::to_string(data.size()) +
                 " octets";
    event.envelope = envelope_;
    event.data = std::move(data);
    events_.push_back(std::move(event));
  }
  std::string text = verdict.text;
  if (text.empty()) text = verdict.code == 250 ? std::string(MessageAccepted) : standard_text(verdict.code);
  reply(verdict.code, with_status(verdict.code / 100 == 2 ? "2.0.0" : verdict.code < 500 ? "4.0.0" : "5.0.0",
                                  std::move(text)));
  reset_transaction();
}

void ServerSession::vrfy(const std::string& argument) {
  if (argument.empty()) {
    reject(501, with_status("5.5.4", "Syntax error in parameters or arguments"), "VRFY <user name or mailbox>",
           current_line_);
    return;
  }
  std::string who = argument;
  if (who.size() >= 2 && who.front() == '<' && who.back() == '>') who = who.substr(1, who.size() - 2);
  // RFC 5321 3.5.3 and 7.3: a server may decline to say (252) and still take the mail.
  const VerifyVerdict verdict = config_.verify ? config_.verify(who) : VerifyVerdict{};
  std::string text = verdict.text;
  if (text.empty()) {
    if (verdict.code == 250) {
      text = "<" + who + ">";
    } else if (verdict.code == 550) {
      text = "String does not match anything.";
    } else if (verdict.code == 553) {
      text = "User ambiguous";
    } else {
      text = standard_text(verdict.code);
    }
  }
  reply(verdict.code, with_status(verdict.code == 550 ? "5.1.1" : verdict.code < 300 ? "2.0.0" : "5.0.0", std::move(text)));
}

void ServerSession::expn(const std::string& argument) {
  if (argument.empty()) {
    reject(501, with_status("5.5.4", "Syntax error in parameters or arguments"), "EXPN <list name>", current_line_);
    return;
  }
  if (!config_.expand_list) {
    const int code = config_.expn_refusal_code;
    reply(code, code == 252 ? with_status("2.0.0", "Cannot EXPN list, but will accept message and attempt delivery")
                            : with_status("5.5.1", standard_text(code)));
    return;
  }
  std::string list = argument;
  if (list.size() >= 2 && list.front() == '<' && list.back() == '>') list = list.substr(1, list.size() - 2);
  const std::optional<std::vector<std::string>> members = config_.expand_list(list);
  if (!members) {
    reply(550, with_status("5.1.1", "That is not a mailing list"));
    return;
  }
  if (members->empty()) {
    reply(250, with_status("2.0.0", "The list is empty"));
    return;
  }
  // RFC 5321 3.5.2: one member per line of a multi-line 250 reply.
  std::vector<std::string> lines;
  for (const std::string& member : *members)
    lines.push_back(with_status("2.1.5", member.find('<') == std::string::npos ? "<" + member + ">" : member));
  reply(250, std::move(lines));
}

void ServerSession::help() {
  std::string commands = "HELO EHLO MAIL RCPT DATA RSET NOOP QUIT VRFY EXPN HELP";
  if (offers_auth()) commands += " AUTH";
  reply(214, std::vector<std::string>{with_status("2.0.0", "Commands supported:"), commands});
}

void ServerSession::auth(const std::string& argument) {
  const std::size_t space = argument.find(' ');
  const std::string mechanism = to_upper(argument.substr(0, space));
  const std::optional<std::string> initial =
      space == std::string::npos ? std::nullopt : std::optional<std::string>(argument.substr(space + 1));
  if (mechanism.empty()) {
    reject(501, with_status("5.5.4", "Syntax error in parameters or arguments"), "AUTH <mechanism>", current_line_);
    return;
  }
  if (mechanism != "PLAIN" && mechanism != "LOGIN") {
    reject(504, "5.5.4 Unrecognized authentication type", "AUTH PLAIN or AUTH LOGIN", current_line_);
    return;
  }
  // RFC 4954 4: "=" stands for an empty initial response.
  std::optional<std::string> decoded;
  if (initial) {
    decoded = *initial == "=" ? std::optional<std::string>("") : mime::base64_decode_strict(*initial);
    if (!decoded) {
      reject(501, "5.5.2 Cannot decode response", "a base64 initial response", current_line_);
      return;
    }
  }
  if (mechanism == "PLAIN") {
    if (decoded) {
      finish_plain(*decoded);
    } else {
      state_ = State::Auth;
      auth_step_ = AuthStep::PlainResponse;
      reply(334, std::string());
    }
  } else if (decoded) {
    // RFC 4954 4 allows an initial response with LOGIN too (Python's smtplib sends the user name).
    login_user_ = *decoded;
    state_ = State::Auth;
    auth_step_ = AuthStep::LoginPassword;
    reply(334, mime::base64_encode("Password:", 0));
  } else {
    state_ = State::Auth;
    auth_step_ = AuthStep::LoginUser;
    reply(334, mime::base64_encode("Username:", 0));
  }
}

void ServerSession::handle_auth_response(const std::string& line) {
  state_ = State::Ready;
  if (line == "*") {
    // RFC 4954 4: "*" cancels the exchange; the server answers 501.
    reply(501, "5.7.0 Authentication cancelled");
    emit(EventKind::AuthFailed, "smtp: the client cancelled AUTH", 0, login_user_);
    return;
  }
  const std::optional<std::string> decoded = line == "=" ? std::optional<std::string>("") : mime::base64_decode_strict(line);
  if (!decoded) {
    reject(501, "5.5.2 Cannot decode response", "a base64 SASL response", line);
    return;
  }
  switch (auth_step_) {
    case AuthStep::PlainResponse:
      finish_plain(*decoded);
      break;
    case AuthStep::LoginUser:
      login_user_ = *decoded;
      state_ = State::Auth;
      auth_step_ = AuthStep::LoginPassword;
      reply(334, mime::base64_encode("Password:", 0));
      break;
    case AuthStep::LoginPassword:
      check_credentials(login_user_, *decoded);
      break;
  }
}

void ServerSession::finish_plain(const std::string& response) {
  // RFC 4616 2: message = [authzid] NUL authcid NUL passwd.
  const std::size_t first = response.find('\0');
  const std::size_t second = first == std::string::npos ? std::string::npos : response.find('\0', first + 1);
  if (second == std::string::npos || response.find('\0', second + 1) != std::string::npos) {
    state_ = State::Ready;
    reply(535, "5.7.8 Authentication credentials invalid");
    emit(EventKind::AuthFailed, "smtp: AUTH PLAIN response is not authzid NUL user NUL password");
    return;
  }
  const std::string authzid = response.substr(0, first);
  const std::string user = response.substr(first + 1, second - first - 1);
  // Acting for another user (a non-empty, different authzid) is not allowed here.
  if (!authzid.empty() && authzid != user) {
    state_ = State::Ready;
    reply(535, "5.7.8 Authentication credentials invalid");
    emit(EventKind::AuthFailed, "smtp: AUTH PLAIN for " + user + " asked to act as " + authzid, 0, user);
    return;
  }
  check_credentials(user, response.substr(second + 1));
}

void ServerSession::check_credentials(const std::string& user, const std::string& password) {
  state_ = State::Ready;
  if (config_.authenticate && config_.authenticate(user, password)) {
    auth_user_ = user;
    reply(235, "2.7.0 Authentication successful");
    emit(EventKind::AuthSucceeded, "smtp: " + user + " authenticated", 0, user);
  } else {
    reply(535, "5.7.8 Authentication credentials invalid");
    emit(EventKind::AuthFailed, "smtp: wrong user name or password for " + user, 0, user);
  }
}

bool ServerSession::is_local(const std::string& domain) const {
  return std::find(config_.local_domains.begin(), config_.local_domains.end(), domain) != config_.local_domains.end();
}

bool ServerSession::offers_auth() const { return config_.offer_auth || config_.role == Role::Msa; }

std::string ServerSession::with_status(std::string_view status, std::string text) const {
  if (!config_.enhanced_status_codes) return text;
  // RFC 2034 4: the enhanced code comes first in the text of every line.
  const bool has_one = text.size() >= 2 && std::isdigit(static_cast<unsigned char>(text[0])) && text[1] == '.';
  if (has_one) return text;
  std::string out(status);
  out += ' ';
  out += text;
  return out;
}

void ServerSession::reply(int code, std::string text) { reply(code, std::vector<std::string>{std::move(text)}); }

void ServerSession::reply(int code, std::vector<std::string> lines) {
  const Reply r{code, std::move(lines)};
  out_ += format_reply(r);
  for (const std::string& line : reply_lines(r)) emit(EventKind::Reply, "S: " + line, code);
}

void ServerSession::reject(int code, std::string text, std::string_view expected, std::string_view got) {
  reply(code, std::move(text));
  std::string message = "smtp: expected ";
  message += expected;
  message += " in state ";
  message += to_string(state_);
  message += ", got ";
  message += quote(got);
  emit(EventKind::ProtocolError, std::move(message), code);
}

void ServerSession::emit(EventKind kind, std::string text, int code, std::string user) {
  Event event;
  event.kind = kind;
  event.text = std::move(text);
  event.code = code;
  event.user = std::move(user);
  events_.push_back(std::move(event));
}

void ServerSession::end_session(std::string why) {
  state_ = State::Closed;
  deadline_.reset();
  if (ended_) return;
  ended_ = true;
  emit(EventKind::SessionEnded, std::move(why));
}

void ServerSession::reset_transaction() {
  envelope_ = Envelope{};
  unstuffer_.reset();
  if (state_ == State::Mail) state_ = State::Ready;
}

}  // namespace wiresim::smtp
