// The client's flow, one reply at a time: each reply is matched to the command that asked for
// it (step_), and each step decides the next command. An -ERR never stops the client dead: it
// reports it and moves on, or ends the session politely with QUIT.
#include "protocols/pop3/client_session.hpp"

#include "protocols/pop3/apop.hpp"
#include "protocols/pop3/command.hpp"

namespace wiresim::pop3 {
namespace {

// RFC 2449 4: a reply's first line is at most 512 octets, CRLF included.
constexpr std::size_t MaxStatusLine = 512;

std::string plural(std::size_t n, std::string_view word) {
  std::string out = std::to_string(n) + " ";
  out += word;
  if (n != 1) out += 's';
  return out;
}

}  // namespace

std::string_view to_string(ClientSession::Step step) {
  using Step = ClientSession::Step;
  switch (step) {
    case Step::Greeting:
      return "greeting";
    case Step::Capa:
      return "CAPA";
    case Step::User:
      return "USER";
    case Step::Pass:
      return "PASS";
    case Step::Apop:
      return "APOP";
    case Step::Stat:
      return "STAT";
    case Step::List:
      return "LIST";
    case Step::Uidl:
      return "UIDL";
    case Step::Retr:
      return "RETR";
    case Step::Top:
      return "TOP";
    case Step::Dele:
      return "DELE";
    case Step::Quit:
      return "QUIT";
    case Step::Done:
      return "done";
  }
  return "done";
}

ClientSession::ClientSession(ClientConfig config)
    : config_(std::move(config)), lines_(MaxStatusLine), seen_(config_.already_seen_uidls) {}

void ClientSession::on_connected(Time now) {
  connected_ = true;
  deadline_ = now + config_.reply_timeout;  // the greeting, too, must come in time
}

void ClientSession::on_bytes(std::string_view data, Time now) {
  if (step_ == Step::Done) return;
  deadline_ = now + config_.reply_timeout;
  lines_.append(data);
  while (step_ != Step::Done) {
    if (in_body_) {
      const std::string rest = lines_.take_rest();
      const std::size_t used = body_.feed(rest);
      lines_.put_back(std::string_view(rest).substr(used));
      if (body_.size() > config_.max_message_size) {
        protocol_error("a reply of at most " + std::to_string(config_.max_message_size) + " octets", "more");
        finish("session abandoned: reply too large");
        return;
      }
      if (!body_.done()) return;
      in_body_ = false;
      Event reply = make_event(EventKind::Reply, std::exchange(status_, {}));
      reply.body = body_.take_text();
      events_.push_back(reply);
      handle_reply(true, reply.text, std::move(reply.body), now);
      body_.reset();
      continue;
    }
    std::optional<Line> line = lines_.next();
    if (!line) return;
    handle_status(*line, now);
  }
}

void ClientSession::on_closed(Time) {
  if (step_ == Step::Done) return;
  std::string text = "connection closed by the server while waiting for the ";
  text += step_ == Step::Greeting ? "greeting" : "reply to " + std::string(to_string(step_));
  error(text);
  finish("session ended early");
}

void ClientSession::on_timer(Time now) {
  if (step_ == Step::Done || !deadline_ || now < *deadline_) return;
  std::string text = "no reply from the server within ";
  text += format_duration(config_.reply_timeout);
  text += step_ == Step::Greeting ? " (waiting for the greeting)"
                                  : " (waiting for the reply to " + std::string(to_string(step_)) + ")";
  error(text);
  finish("session abandoned");
}

std::string ClientSession::take_outgoing() { return std::exchange(outgoing_, {}); }
std::vector<Event> ClientSession::take_events() { return std::exchange(events_, {}); }

std::optional<Time> ClientSession::wake_at() const {
  if (step_ == Step::Done || !connected_) return std::nullopt;
  return deadline_;
}

bool ClientSession::multiline(Step step) const {
  // RFC 1939 3: these commands (LIST and UIDL without an argument) answer +OK with a
  // multi-line reply; -ERR is always a single line.
  return step == Step::Capa || step == Step::List || step == Step::Uidl || step == Step::Retr || step == Step::Top;
}

void ClientSession::send(std::string line, Step next, Time now) {
  events_.push_back(make_event(EventKind::Command, line));
  outgoing_ += line;
  outgoing_ += "\r\n";
  step_ = next;
  deadline_ = now + config_.reply_timeout;
}

void ClientSession::handle_status(const Line& line, Time now) {
  // RFC 1939 3: "+OK" or "-ERR" in upper case, then optional text.
  const std::string& text = line.text;
  const bool ok = !line.too_long && (text == "+OK" || text.starts_with("+OK "));
  const bool err = !line.too_long && (text == "-ERR" || text.starts_with("-ERR "));
  if (line.too_long)
    protocol_error("a reply line of at most 512 octets", quote(text));
  else if (!ok && !err)
    protocol_error("+OK or -ERR", quote(text));
  if (ok && multiline(step_)) {
    status_ = text;
    in_body_ = true;
    return;
  }
  events_.push_back(make_event(EventKind::Reply, text));
  handle_reply(ok, text, {}, now);
}

void ClientSession::handle_reply(bool ok, const std::string& status, std::string body, Time now) {
  switch (step_) {
    case Step::Greeting:
      if (!ok) {
        error("the server refused the session: " + status);
        finish("session refused");
        return;
      }
      events_.push_back(make_event(EventKind::Connected, "connected: " + status));
      timestamp_ = find_apop_timestamp(status).value_or("");
      if (config_.send_capa) {
        send("CAPA", Step::Capa, now);
      } else {
        log_in(now);
      }
      return;
    case Step::Capa:
      // An RFC 1939 server without CAPA answers -ERR; that is no reason to stop.
      if (ok) {
        std::size_t start = 0;
        while (start < body.size()) {
          std::size_t end = body.find("\r\n", start);
          if (end == std::string::npos) end = body.size();
          if (end > start) capabilities_.push_back(body.substr(start, end - start));
          start = end + 2;
        }
      }
      log_in(now);
      return;
    case Step::User:
      if (!ok) {
        events_.push_back(make_event(EventKind::LoginFailed, "USER refused: " + status, config_.user));
        send("QUIT", Step::Quit, now);
        return;
      }
      send("PASS " + config_.password, Step::Pass, now);
      return;
    case Step::Pass:
    case Step::Apop:
      if (!ok) {
        events_.push_back(make_event(EventKind::LoginFailed, "login refused: " + status, config_.user));
        send("QUIT", Step::Quit, now);
        return;
      }
      events_.push_back(make_event(EventKind::LoggedIn, "logged in as " + config_.user, config_.user));
      send("STAT", Step::Stat, now);
      return;
    case Step::Stat:
      if (!ok) {
        error("STAT failed: " + status);
        send("QUIT", Step::Quit, now);
        return;
      }
      send("LIST", Step::List, now);
      return;
    case Step::List:
      if (!ok) {
        error("LIST failed: " + status);
        send("QUIT", Step::Quit, now);
        return;
      }
      parse_listing(body, now);
      if (config_.mode == Mode::DownloadAndKeep) {
        send("UIDL", Step::Uidl, now);
      } else {
        choose_messages(now);
      }
      return;
    case Step::Uidl:
      if (ok) {
        parse_listing(body, now);
      } else {
        error("UIDL failed (" + status + "): every message counts as new");
      }
      choose_messages(now);
      return;
    case Step::Retr:
    case Step::Top:
      if (!ok) {
        error(std::string(to_string(step_)) + " " + std::to_string(current_) + " failed: " + status);
        next_message(now);
        return;
      }
      retrieved(std::move(body), now);
      return;
    case Step::Dele:
      if (ok) {
        ++deleted_;
        Event event = make_event(EventKind::Deleted, "message " + std::to_string(current_) + " marked for deletion",
                                 config_.user);
        event.number = current_;
        event.uidl = uidls_.count(current_) ? uidls_[current_] : "";
        events_.push_back(std::move(event));
      } else {
        error("DELE " + std::to_string(current_) + " failed: " + status);
      }
      next_message(now);
      return;
    case Step::Quit:
      // RFC 1939 6: -ERR here means some deleted messages were not removed.
      if (!ok) error("QUIT failed: " + status);
      finish("retrieved " + plural(retrieved_, "message") + ", deleted " + std::to_string(deleted_));
      return;
    case Step::Done:
      return;
  }
}

void ClientSession::log_in(Time now) {
  if (!config_.use_apop) {
    send("USER " + config_.user, Step::User, now);
    return;
  }
  if (timestamp_.empty()) {
    events_.push_back(
        make_event(EventKind::LoginFailed, "the server offers no APOP (no timestamp in its greeting)", config_.user));
    send("QUIT", Step::Quit, now);
    return;
  }
  send("APOP " + config_.user + " " + apop_digest(timestamp_, config_.password), Step::Apop, now);
}

void ClientSession::parse_listing(const std::string& body, Time) {
  // LIST lines are "msg octets", UIDL lines "msg unique-id" (RFC 1939 5 and 7).
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find("\r\n", start);
    if (end == std::string::npos) end = body.size();
    const std::string line = body.substr(start, end - start);
    start = end + 2;
    const std::size_t space = line.find(' ');
    std::optional<std::uint64_t> number;
    if (space != std::string::npos) number = parse_number(std::string_view(line).substr(0, space));
    const std::string value = space == std::string::npos ? "" : line.substr(space + 1);
    const std::optional<std::uint64_t> octets = parse_number(value);
    const bool good = number && !value.empty() && (step_ == Step::Uidl || octets);
    if (!good) {
      protocol_error(step_ == Step::Uidl ? "\"msg unique-id\" lines" : "\"msg octets\" lines", quote(line));
      continue;
    }
    if (step_ == Step::Uidl)
      uidls_[static_cast<std::size_t>(*number)] = value;
    else
      listing_.emplace_back(static_cast<std::size_t>(*number), static_cast<std::size_t>(*octets));
  }
}

void ClientSession::choose_messages(Time now) {
  for (const auto& [number, octets] : listing_) {
    auto uidl = uidls_.find(number);
    const bool seen = config_.mode == Mode::DownloadAndKeep && uidl != uidls_.end() && seen_.count(uidl->second);
    if (!seen) to_fetch_.push_back(number);
  }
  next_message(now);
}

void ClientSession::next_message(Time now) {
  if (next_ >= to_fetch_.size()) {
    send("QUIT", Step::Quit, now);
    return;
  }
  current_ = to_fetch_[next_++];
  if (config_.top_lines)
    send("TOP " + std::to_string(current_) + " " + std::to_string(*config_.top_lines), Step::Top, now);
  else
    send("RETR " + std::to_string(current_), Step::Retr, now);
}

void ClientSession::retrieved(std::string body, Time now) {
  RetrievedMessage message;
  message.number = current_;
  if (auto it = uidls_.find(current_); it != uidls_.end()) message.uidl = it->second;
  message.bytes = std::move(body);
  message.headers_only = step_ == Step::Top;
  ++retrieved_;
  std::string text = (message.headers_only ? "previewed message " : "retrieved message ") + std::to_string(current_);
  text += " (" + std::to_string(message.bytes.size()) + " octets)";
  Event event = make_event(EventKind::MessageRetrieved, std::move(text), config_.user);
  event.number = current_;
  event.uidl = message.uidl;
  event.bytes = message.bytes.size();
  events_.push_back(std::move(event));
  const bool headers_only = message.headers_only;
  if (!headers_only && !message.uidl.empty()) seen_.insert(message.uidl);
  messages_.push_back(std::move(message));
  if (config_.mode == Mode::DownloadAndDelete && !headers_only) {
    send("DELE " + std::to_string(current_), Step::Dele, now);
  } else {
    next_message(now);
  }
}

void ClientSession::error(std::string text) {
  events_.push_back(make_event(EventKind::Error, std::move(text), config_.user));
}

void ClientSession::protocol_error(std::string_view expected, std::string_view got) {
  std::string text = "pop3: expected ";
  text += expected;
  text += " in reply to ";
  text += to_string(step_);
  text += ", got ";
  text += got;
  events_.push_back(make_event(EventKind::ProtocolError, std::move(text), config_.user));
}

void ClientSession::finish(std::string text) {
  Event event = make_event(EventKind::Done, std::move(text), config_.user);
  event.retrieved = retrieved_;
  event.deleted = deleted_;
  events_.push_back(std::move(event));
  step_ = Step::Done;
  deadline_.reset();
}

}  // namespace wiresim::pop3
