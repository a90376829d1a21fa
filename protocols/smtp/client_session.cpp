#include "protocols/smtp/client_session.hpp"

#include <algorithm>
#include <sstream>

#include "protocols/mail/dot_stuffing.hpp"
#include "protocols/mime/transfer_encoding.hpp"
#include "protocols/smtp/address.hpp"

namespace wiresim::smtp {

namespace {

bool has_8bit(std::string_view data) {
  return std::any_of(data.begin(), data.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

std::size_t accepted(const ClientResult& r) {
  return static_cast<std::size_t>(std::count_if(r.recipients.begin(), r.recipients.end(),
      [](const RecipientResult& x) { return x.status == RecipientStatus::Accepted; }));
}

}  // namespace

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::Pending: return "pending";
    case Outcome::Delivered: return "delivered";
    case Outcome::TemporaryFailure: return "temporary-failure";
    case Outcome::PermanentFailure: return "permanent-failure";
  }
  return "?";
}

std::string_view to_string(RecipientStatus status) {
  switch (status) {
    case RecipientStatus::Pending: return "pending";
    case RecipientStatus::Accepted: return "accepted";
    case RecipientStatus::TemporaryFailure: return "temporary-failure";
    case RecipientStatus::PermanentFailure: return "permanent-failure";
  }
  return "?";
}

ClientSession::ClientSession(ClientJob job) : job_(std::move(job)) {
  // The job keeps only what concerns the connection; its messages move here.
  messages_.push_back({std::move(job_.mail_from), std::move(job_.rcpts), std::move(job_.data)});
  for (ClientMessage& m : job_.more) messages_.push_back(std::move(m));
  job_.more.clear();
  for (const ClientMessage& m : messages_) {
    ClientResult& r = results_.emplace_back();
    for (const std::string& rcpt : m.rcpts) r.recipients.push_back({rcpt, RecipientStatus::Pending, 0, {}});
  }
}

void ClientSession::on_connected(Time now) {
  if (done_) return;
  connected_ = true;
  pending_.push_back({Step::Greeting, "(greeting)", 0});
  arm_timer(now);
}

void ClientSession::on_bytes(std::string_view data, Time now) {
  for (char c : data) {
    if (done_) return;
    ReplyReader::Output out = reader_.push(c);
    if (out.line) {
      Event event;
      event.kind = EventKind::Reply;
      event.text = "S: " + out.line->substr(0, 512);
      if (!out.error) event.code = std::stoi(out.line->substr(0, 3));
      events_.push_back(std::move(event));
    }
    if (out.error) {
      Event event;
      event.kind = EventKind::ProtocolError;
      event.text = "smtp: " + *out.error;
      events_.push_back(std::move(event));
      if (!all_decided()) {
        fail(Outcome::TemporaryFailure, 0, "", "the server sent a malformed reply", now, false);
      } else {
        finish("smtp: closed after a malformed reply");
      }
      return;
    }
    if (out.reply) handle_reply(*out.reply, now);
  }
}

void ClientSession::on_closed(Time now) {
  if (done_) return;
  if (all_decided()) {
    finish("smtp: the server closed the connection");
    return;
  }
  std::string error = connected_ ? "the connection was lost" : "could not connect to the server";
  if (connected_ && !pending_.empty()) {
    error += " while waiting for the reply to ";
    error += pending_.front().command;
  }
  fail(Outcome::TemporaryFailure, 0, "", std::move(error), now, false);
}

void ClientSession::on_timer(Time now) {
  if (done_ || !deadline_ || now < *deadline_ || pending_.empty()) return;
  // RFC 5321 4.5.3.2: after a timeout the client gives up on this connection; a 4xx-like outcome.
  const Pending& head = pending_.front();
  std::string error = "no reply to ";
  error += head.command;
  error += " in time";
  if (all_decided()) {
    finish("smtp: " + error + ", closing");
    return;
  }
  fail(Outcome::TemporaryFailure, 0, "", std::move(error), now, false);
}

std::string ClientSession::take_outgoing() { return std::exchange(out_, std::string()); }

std::vector<Event> ClientSession::take_events() { return std::exchange(events_, {}); }

std::optional<Time> ClientSession::wake_at() const {
  if (done_) return std::nullopt;
  return deadline_;
}

void ClientSession::handle_reply(const Reply& reply, Time now) {
  if (pending_.empty()) {
    Event event;
    event.kind = EventKind::ProtocolError;
    event.text = "smtp: expected no reply (no command is waiting for one), got " + std::to_string(reply.code);
    events_.push_back(std::move(event));
    return;
  }
  const Pending head = pending_.front();
  pending_.pop_front();
  results_[head.message].steps.push_back({head.command, reply.code, reply.text()});
  arm_timer(now);
  // Pipelined leftovers of a transaction already decided (an RSET belongs to the message after
  // the failed one: it is skipped only if the connection failed meanwhile).
  if (results_[head.message].outcome != Outcome::Pending && head.step != Step::Quit) return;

  switch (head.step) {
    case Step::Greeting:
      if (reply.code == 220) {
        if (job_.use_ehlo) {
          send(Step::Ehlo, "EHLO " + job_.client_host, now);
        } else {
          send(Step::Helo, "HELO " + job_.client_host, now);
        }
      } else {
        fail_by_reply(reply, "the greeting", now);
      }
      break;
    case Step::Ehlo:
      if (reply.code == 250) {
        esmtp_ = true;
        // RFC 5321 4.1.1.1: each line after the first is "KEYWORD [params]".
        for (std::size_t i = 1; i < reply.lines.size(); ++i) {
          std::istringstream words(reply.lines[i]);
          std::string keyword;
          words >> keyword;
          keyword = to_upper(keyword);
          std::string param;
          if (keyword.rfind("AUTH=", 0) == 0) {  // the pre-standard "AUTH=PLAIN LOGIN" form
            auth_mechanisms_.push_back(keyword.substr(5));
            keyword = "AUTH";
          }
          while (words >> param) {
            if (keyword == "AUTH") auth_mechanisms_.push_back(to_upper(param));
            if (keyword == "SIZE" && !param.empty() && param.size() < 19 &&
                std::all_of(param.begin(), param.end(), [](char c) { return c >= '0' && c <= '9'; }))
              server_size_limit_ = std::stoull(param);
          }
          extensions_.push_back(keyword);
        }
        after_hello(now);
      } else if (reply.code == 500 || reply.code == 502) {
        // RFC 5321 3.2: an old server that does not know EHLO gets HELO.
        send(Step::Helo, "HELO " + job_.client_host, now);
      } else {
        fail_by_reply(reply, "EHLO", now);
      }
      break;
    case Step::Helo:
      if (reply.code == 250) {
        after_hello(now);
      } else {
        fail_by_reply(reply, "HELO", now);
      }
      break;
    case Step::Auth:
      if (reply.code == 235) {
        start_transaction(now);
      } else if (reply.code == 334 && job_.auth) {
        // RFC 4954 4: answer each challenge on a line of its own, in base64.
        ++auth_challenges_;
        const Credentials& auth = *job_.auth;
        std::string response;
        if (auth.mechanism == AuthMechanism::Plain) {
          response = std::string(1, '\0') + auth.user + '\0' + auth.password;
        } else {
          response = auth_challenges_ == 1 ? auth.user : auth.password;
        }
        send(Step::Auth, mime::base64_encode(response, 0), now);
      } else {
        fail_by_reply(reply, "AUTH", now);
      }
      break;
    case Step::Mail:
      if (reply.positive()) {
        if (!pipelining_) {
          next_rcpt_ = 1;
          send(Step::Rcpt, path("RCPT TO:", message().rcpts[0]), now, 0);
        }
      } else {
        fail_by_reply(reply, "MAIL FROM", now, true);
      }
      break;
    case Step::Rcpt: {
      RecipientResult& rcpt = current().recipients[head.rcpt];
      rcpt.code = reply.code;
      rcpt.text = reply.text();
      rcpt.status = reply.positive()    ? RecipientStatus::Accepted
                    : reply.transient() ? RecipientStatus::TemporaryFailure
                                        : RecipientStatus::PermanentFailure;
      if (pipelining_) break;
      if (next_rcpt_ < message().rcpts.size()) {
        const std::size_t index = next_rcpt_++;
        send(Step::Rcpt, path("RCPT TO:", message().rcpts[index]), now, index);
      } else if (accepted_rcpts() > 0) {
        send(Step::Data, "DATA", now);
      } else {
        no_recipient_accepted(now);
      }
      break;
    }
    case Step::Data:
      if (reply.code == 354) {
        send_data(now);
      } else if (accepted_rcpts() == 0) {
        no_recipient_accepted(now);
      } else {
        fail_by_reply(reply, "DATA", now, true);
      }
      break;
    case Step::EndOfData:
      if (accepted_rcpts() == 0) {
        no_recipient_accepted(now);
      } else if (reply.positive()) {
        delivered(reply, now);
      } else {
        fail_by_reply(reply, "the end of the data", now, true);
      }
      break;
    case Step::Rset:
      // RFC 5321 4.1.1.5: the failed transaction is gone; the next one starts clean.
      if (reply.code == 250) {
        start_transaction(now);
      } else {
        fail_by_reply(reply, "RSET", now);
      }
      break;
    case Step::Quit: {
      const bool any = std::any_of(results_.begin(), results_.end(),
                                   [](const ClientResult& r) { return r.outcome == Outcome::Delivered; });
      finish(any ? "smtp: done" : "smtp: gave up");
      break;
    }
  }
}

void ClientSession::after_hello(Time now) {
  if (!job_.auth) {
    start_transaction(now);
    return;
  }
  const std::string mechanism = job_.auth->mechanism == AuthMechanism::Plain ? "PLAIN" : "LOGIN";
  if (!esmtp_ || std::find(auth_mechanisms_.begin(), auth_mechanisms_.end(), mechanism) == auth_mechanisms_.end()) {
    fail(Outcome::PermanentFailure, 0, "", "the server does not offer AUTH " + mechanism, now);
    return;
  }
  if (job_.auth->mechanism == AuthMechanism::Plain) {
    // RFC 4616 2 and RFC 4954 4: the initial response saves a round trip.
    std::string response(1, '\0');
    response += job_.auth->user;
    response += '\0';
    response += job_.auth->password;
    send(Step::Auth, "AUTH PLAIN " + mime::base64_encode(response, 0), now);
  } else {
    send(Step::Auth, "AUTH LOGIN", now);
  }
}

void ClientSession::start_transaction(Time now) {
  next_rcpt_ = 0;
  if (message().rcpts.empty()) {
    fail_message(Outcome::PermanentFailure, 0, "", "the job names no recipient", now, false);
    return;
  }
  std::string data = message().data;
  bool body_8bitmime = false;
  if (has_8bit(data)) {
    if (esmtp_ && offers("8BITMIME")) {
      body_8bitmime = true;  // RFC 6152 3: say so in MAIL FROM
    } else if (job_.downgrade_8bit) {
      data = job_.downgrade_8bit(data);
    } else {
      fail_message(Outcome::PermanentFailure, 0, "",
                   "the message holds 8-bit data, the server does not offer 8BITMIME and no downgrade was given", now,
                   false);
      return;
    }
  }
  wire_data_ = mail::dot_stuff(data);
  std::string mail = path("MAIL FROM:", message().mail_from);
  if (esmtp_ && offers("SIZE")) {
    // RFC 1870 6.1: announce the size, and do not send what the server already said it refuses.
    const std::size_t size = wire_data_.size() - 3;
    if (server_size_limit_ > 0 && size > server_size_limit_) {
      fail_message(Outcome::PermanentFailure, 0, "",
                   "the message (" + std::to_string(size) + " octets) is larger than the server's SIZE limit (" +
                       std::to_string(server_size_limit_) + ")",
                   now, false);
      return;
    }
    mail += " SIZE=" + std::to_string(size);
  }
  if (body_8bitmime) mail += " BODY=8BITMIME";
  pipelining_ = esmtp_ && offers("PIPELINING") && job_.use_pipelining;
  send(Step::Mail, mail, now);
  if (pipelining_) {
    // RFC 2920 3.1: MAIL, the RCPTs and DATA go in one batch; DATA ends the batch.
    for (std::size_t i = 0; i < message().rcpts.size(); ++i) send(Step::Rcpt, path("RCPT TO:", message().rcpts[i]), now, i);
    send(Step::Data, "DATA", now);
  }
}

void ClientSession::send_data(Time now) {
  if (accepted_rcpts() == 0) wire_data_ = ".\r\n";  // RFC 2920 3.1: DATA took, nobody to send to
  std::size_t start = 0;
  while (start < wire_data_.size()) {
    std::size_t end = wire_data_.find("\r\n", start);
    if (end == std::string::npos) end = wire_data_.size();
    Event event;
    event.kind = EventKind::DataLine;
    event.text = "C: " + wire_data_.substr(start, std::min<std::size_t>(end - start, 1000));
    events_.push_back(std::move(event));
    start = end + 2;
  }
  out_ += wire_data_;
  pending_.push_back({Step::EndOfData, "(end of data)", 0, current_});
  arm_timer(now);
}

void ClientSession::send(Step step, std::string command, Time now, std::size_t rcpt) {
  send_line(command);
  pending_.push_back({step, std::move(command), rcpt, current_});
  if (pending_.size() == 1) arm_timer(now);
}

void ClientSession::send_line(const std::string& line) {
  out_ += line;
  out_ += "\r\n";
  Event event;
  event.kind = EventKind::Command;
  event.text = "C: " + line;
  events_.push_back(std::move(event));
}

void ClientSession::arm_timer(Time now) {
  if (pending_.empty()) {
    deadline_.reset();
    return;
  }
  const ClientTimeouts& t = job_.timeouts;
  Duration wait = t.mail;
  switch (pending_.front().step) {
    case Step::Greeting: wait = t.greeting; break;
    case Step::Rcpt: wait = t.rcpt; break;
    case Step::Data: wait = t.data_initiation; break;
    case Step::EndOfData: wait = t.data_termination; break;
    default: break;
  }
  deadline_ = now + wait;
}

void ClientSession::delivered(const Reply& reply, Time now) {
  ClientResult& r = current();
  r.outcome = Outcome::Delivered;
  r.code = reply.code;
  r.text = reply.text();
  next_message(false, now);
}

void ClientSession::next_message(bool reset, Time now) {
  if (current_ + 1 >= messages_.size()) {
    send(Step::Quit, "QUIT", now);
    return;
  }
  ++current_;
  if (reset) {
    send(Step::Rset, "RSET", now);
  } else {
    start_transaction(now);
  }
}

void ClientSession::record_failure(ClientResult& result, Outcome outcome, int code, const std::string& text,
                                   const std::string& error) {
  if (result.outcome != Outcome::Pending) return;
  result.outcome = outcome;
  result.code = code;
  result.text = text;
  result.error = error;
  const RecipientStatus status = outcome == Outcome::TemporaryFailure ? RecipientStatus::TemporaryFailure
                                                                      : RecipientStatus::PermanentFailure;
  for (RecipientResult& rcpt : result.recipients) {
    if (rcpt.status != RecipientStatus::Pending && rcpt.status != RecipientStatus::Accepted) continue;
    rcpt.status = status;
    rcpt.code = code;
    rcpt.text = code != 0 ? text : error;
  }
}

void ClientSession::fail(Outcome outcome, int code, std::string text, std::string error, Time now, bool quit) {
  for (std::size_t i = current_; i < results_.size(); ++i) record_failure(results_[i], outcome, code, text, error);
  current_ = results_.size() - 1;
  if (quit) {
    send(Step::Quit, "QUIT", now);
  } else {
    finish("smtp: closing");
  }
}

void ClientSession::fail_message(Outcome outcome, int code, std::string text, std::string error, Time now,
                                 bool sent) {
  record_failure(current(), outcome, code, text, error);
  next_message(sent, now);
}

void ClientSession::fail_by_reply(const Reply& reply, const std::string& during, Time now, bool message) {
  std::string error = during;
  error += " got ";
  error += std::to_string(reply.code);
  error += ' ';
  error += reply.text();
  const Outcome outcome = reply.transient() ? Outcome::TemporaryFailure : Outcome::PermanentFailure;
  // RFC 5321 3.8: after 421 the server closes the channel itself; no QUIT, and no next message.
  if (message && reply.code != 421) return fail_message(outcome, reply.code, reply.text(), std::move(error), now);
  fail(outcome, reply.code, reply.text(), std::move(error), now, reply.code != 421);
}

void ClientSession::no_recipient_accepted(Time now) {
  // Any recipient that may work later makes the whole attempt worth retrying.
  const RecipientResult* decisive = nullptr;
  for (const RecipientResult& rcpt : current().recipients) {
    if (rcpt.status == RecipientStatus::TemporaryFailure) {
      decisive = &rcpt;
      break;
    }
    if (!decisive && rcpt.status == RecipientStatus::PermanentFailure) decisive = &rcpt;
  }
  const bool temporary = decisive && decisive->status == RecipientStatus::TemporaryFailure;
  fail_message(temporary ? Outcome::TemporaryFailure : Outcome::PermanentFailure, decisive ? decisive->code : 0,
               decisive ? decisive->text : "", "no recipient was accepted", now);
}

void ClientSession::finish(std::string why) {
  if (done_) return;
  done_ = true;
  deadline_.reset();
  pending_.clear();
  Event event;
  event.kind = EventKind::Finished;
  event.code = results_.back().code;
  event.text = why;
  event.text += ": ";
  if (results_.size() > 1) event.text += std::to_string(results_.size()) + " messages: ";
  for (std::size_t i = 0; i < results_.size(); ++i) {
    const ClientResult& r = results_[i];
    if (i > 0) event.text += "; ";
    event.text += to_string(r.outcome);
    if (r.outcome == Outcome::Delivered) {
      event.text += " to " + std::to_string(accepted(r)) + " of " + std::to_string(r.recipients.size()) + " recipient(s)";
    } else if (!r.error.empty()) {
      event.text += " (" + r.error + ")";
    }
  }
  events_.push_back(std::move(event));
}

bool ClientSession::offers(std::string_view keyword) const {
  return std::find(extensions_.begin(), extensions_.end(), keyword) != extensions_.end();
}

std::size_t ClientSession::accepted_rcpts() const { return accepted(results_[current_]); }

bool ClientSession::all_decided() const {
  return std::all_of(results_.begin(), results_.end(), [](const ClientResult& r) { return r.outcome != Outcome::Pending; });
}

std::string ClientSession::path(const std::string& keyword, const std::string& mailbox) const {
  std::string out = keyword;
  if (job_.space_after_colon) out += ' ';
  out += '<';
  out += mailbox;
  out += '>';
  return out;
}

}  // namespace wiresim::smtp
