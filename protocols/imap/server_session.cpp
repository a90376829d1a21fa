// The server's frame: greeting, framing input into commands, the command table with the states
// each command is valid in (RFC 3501 6), tagged completions and the reporting of other sessions'
// changes before each completion (RFC 3501 7.4.1).
#include "protocols/imap/server_session.hpp"

#include <algorithm>

namespace wiresim::imap {
namespace {

std::string state_hint(ServerState state) {
  switch (state) {
    case ServerState::NotAuthenticated: return "LOGIN first";
    case ServerState::Authenticated: return "SELECT a mailbox first";
    default: return "not in this state";
  }
}

}  // namespace

std::string_view to_string(ServerState state) {
  switch (state) {
    case ServerState::NotAuthenticated: return "Not Authenticated";
    case ServerState::Authenticated: return "Authenticated";
    case ServerState::Selected: return "Selected";
    case ServerState::Logout: return "Logout";
  }
  return "?";
}

const std::vector<ServerSession::CommandSpec>& ServerSession::commands() {
  // RFC 3501 6.1-6.4: any state; not authenticated; authenticated (and selected); selected.
  static const std::vector<CommandSpec> table = {
      {"CAPABILITY", &ServerSession::capability, true, true, true},
      {"NOOP", &ServerSession::noop, true, true, true},
      {"LOGOUT", &ServerSession::logout_command, true, true, true},
      {"LOGIN", &ServerSession::login, true, false, false},
      {"AUTHENTICATE", &ServerSession::authenticate, true, false, false},
      {"SELECT", &ServerSession::select, false, true, true},
      {"EXAMINE", &ServerSession::select, false, true, true},
      {"CREATE", &ServerSession::create, false, true, true},
      {"DELETE", &ServerSession::delete_mailbox, false, true, true},
      {"RENAME", &ServerSession::rename, false, true, true},
      {"SUBSCRIBE", &ServerSession::subscribe, false, true, true},
      {"UNSUBSCRIBE", &ServerSession::subscribe, false, true, true},
      {"LIST", &ServerSession::list, false, true, true},
      {"LSUB", &ServerSession::list, false, true, true},
      {"STATUS", &ServerSession::status, false, true, true},
      {"APPEND", &ServerSession::append, false, true, true},
      {"CHECK", &ServerSession::check, false, false, true},
      {"CLOSE", &ServerSession::close, false, false, true},
      {"EXPUNGE", &ServerSession::expunge, false, false, true},
      {"SEARCH", &ServerSession::search, false, false, true},
      {"FETCH", &ServerSession::fetch, false, false, true},
      {"STORE", &ServerSession::store_flags, false, false, true},
      {"COPY", &ServerSession::copy, false, false, true},
      {"UID", &ServerSession::uid, false, false, true},
  };
  return table;
}

ServerSession::ServerSession(mail::Store& store, ServerConfig config)
    : store_(store), config_(std::move(config)), framer_(config_.max_line, config_.max_literal, true) {}

void ServerSession::on_connected(Time now) {
  now_ = last_activity_ = now;
  connected_ = true;
  std::string caps;
  for (const std::string& c : config_.capabilities) {
    if (!caps.empty()) caps += ' ';
    caps += c;
  }
  // RFC 3501 7.1.1: the greeting may carry the capabilities, saving a round trip.
  untagged("OK [CAPABILITY " + caps + "] " + config_.host_name + " IMAP4rev1 server ready");
}

void ServerSession::on_bytes(std::string_view data, Time now) {
  if (state_ == ServerState::Logout) return;
  now_ = last_activity_ = now;
  framer_.feed(data);
  process_input(now);
}

void ServerSession::on_closed(Time now) {
  now_ = now;
  if (state_ == ServerState::Logout && !connected_) return;
  connected_ = false;
  state_ = ServerState::Logout;
  view_.reset();
  Event e;
  e.kind = EventKind::Closed;
  e.text = "connection closed by the client";
  emit(std::move(e));
}

void ServerSession::on_timer(Time now) {
  now_ = now;
  if (state_ == ServerState::Logout || now < last_activity_ + config_.autologout) return;
  // RFC 3501 5.4: the autologout timer; the server says BYE and closes.
  untagged("BYE Autologout; idle for too long");
  logout("autologout after " + format_duration(config_.autologout) + " without a command");
}

std::optional<Time> ServerSession::wake_at() const {
  if (state_ == ServerState::Logout || !connected_) return std::nullopt;
  return last_activity_ + config_.autologout;
}

void ServerSession::logout(std::string_view reason) {
  state_ = ServerState::Logout;
  view_.reset();
  Event e;
  e.kind = EventKind::Closed;
  e.text = std::string(reason);
  e.user = user_;
  emit(std::move(e));
}

void ServerSession::process_input(Time) {
  while (state_ != ServerState::Logout) {
    std::optional<Frame> frame = framer_.next();
    if (!frame) return;
    switch (frame->kind) {
      case Frame::Kind::Complete:
        if (sasl_request_) handle_sasl_response(frame->text);
        else handle_command(std::move(frame->text));
        break;
      case Frame::Kind::NeedContinuation:
        // RFC 3501 7.5: the client waits for this before sending a synchronizing literal.
        send("+ Ready for literal data");
        break;
      case Frame::Kind::LineTooLong:
      case Frame::Kind::LiteralTooLarge: {
        sasl_request_.reset();
        std::string tag;
        for (const char c : frame->text) {
          if (!is_tag_char(c)) break;
          tag += c;
        }
        const bool has_tag = !tag.empty() && frame->text.size() > tag.size() && frame->text[tag.size()] == ' ';
        std::string text;
        if (frame->kind == Frame::Kind::LineTooLong) {
          text = "line longer than " + std::to_string(config_.max_line) + " octets";
        } else {
          text = "literal of " + std::to_string(frame->literal_size) + " octets is larger than the limit of " +
                 std::to_string(config_.max_literal);
        }
        protocol_error("imap: " + text + " in state " + std::string(to_string(state_)) + ", starting \"" +
                       quote_for_error(frame->text) + "\"");
        if (has_tag && frame->kind == Frame::Kind::LiteralTooLarge) send(tag + " NO [TOOBIG] " + text);
        else if (has_tag) send(tag + " BAD " + text);
        else send("* BAD " + text);
        break;
      }
    }
  }
}

void ServerSession::send(std::string_view line) {
  outgoing_ += line;
  outgoing_ += "\r\n";
}

void ServerSession::protocol_error(std::string text) {
  Event e;
  e.kind = EventKind::ProtocolError;
  e.text = std::move(text);
  emit(std::move(e));
}

mail::Folder* ServerSession::selected_folder() {
  if (!view_) return nullptr;
  mail::Folder* folder = store_.folder(user_, view_->name());
  return folder && folder->uid_validity == view_->uid_validity() ? folder : nullptr;
}

void ServerSession::close_view() {
  view_.reset();
  if (state_ == ServerState::Selected) state_ = ServerState::Authenticated;
}

void ServerSession::report_changes(bool allow_expunge) {
  mail::Folder* folder = selected_folder();
  if (!folder) return;
  view_->absorb(*folder, true);
  for (MailboxView::Update& u : view_->report(*folder, allow_expunge)) {
    send(u.line);
    if (u.event) emit(std::move(*u.event));
  }
}

void ServerSession::complete(const Request& request, std::string_view status, std::string_view text) {
  if (state_ == ServerState::Selected) report_changes(allow_expunge_);
  std::string line = request.tag;
  line += ' ';
  line += status;
  line += ' ';
  line += text;
  send(line);
  Event e;
  e.kind = EventKind::Response;
  e.text = line;
  e.tag = request.tag;
  e.command = request.summary;
  e.status = std::string(status);
  emit(std::move(e));
}

void ServerSession::ok(const Request& request, std::string_view code) {
  std::string text;
  if (!code.empty()) {
    text = "[";
    text += code;
    text += "] ";
  }
  text += request.name;
  text += " completed";
  complete(request, "OK", text);
}

void ServerSession::bad(const Request& request, std::string_view text) {
  std::string message = "imap: ";
  message += text;
  message += " in state ";
  message += to_string(state_);
  message += " (command \"";
  message += quote_for_error(request.summary);
  message += "\")";
  protocol_error(std::move(message));
  complete(request, "BAD", text);
}

void ServerSession::handle_command(std::string text) {
  Request request;
  request.summary = split_literals(text);  // "a1 APPEND Sent {310}"
  Cursor cursor(text);
  // RFC 3501 2.2.1: every command starts with a tag; without one only "* BAD" can answer.
  const auto tag = cursor.token(is_tag_char, "a tag");
  if (!tag || !cursor.space()) {
    protocol_error("imap: expected a tag and a command in state " + std::string(to_string(state_)) + ", got \"" +
                   quote_for_error(text) + "\"");
    send(text.empty() ? "* BAD Empty command line" : "* BAD Missing tag or command");
    return;
  }
  request.tag = *tag;
  {
    Event e;
    e.kind = EventKind::Command;
    e.text = "C: " + request.summary;
    e.tag = request.tag;
    e.command = request.summary;
    emit(std::move(e));
  }
  const auto name = cursor.atom();
  if (!name) {
    request.name = "?";
    return bad(request, "Missing command name");
  }
  request.name = upper(*name);
  const CommandSpec* spec = nullptr;
  for (const CommandSpec& c : commands())
    if (request.name == c.name) spec = &c;
  if (!spec) return bad(request, "Unknown command " + quote_for_error(*name));
  const bool allowed = state_ == ServerState::NotAuthenticated ? spec->not_authenticated
                       : state_ == ServerState::Authenticated  ? spec->authenticated
                                                               : spec->selected;
  if (!allowed) {
    if (state_ != ServerState::NotAuthenticated && spec->not_authenticated && !spec->authenticated)
      return bad(request, request.name + " is not valid in state " + std::string(to_string(state_)) +
                              ": already logged in");
    return bad(request, request.name + " is not valid in state " + std::string(to_string(state_)) + ": " +
                            state_hint(state_));
  }
  if (state_ == ServerState::Selected) {
    mail::Folder* folder = selected_folder();
    if (!folder) {
      // Another session deleted or renamed the mailbox under us: no sequence numbers survive.
      untagged("BYE Mailbox \"" + view_->name() + "\" was deleted or renamed by another session");
      return logout("the selected mailbox \"" + view_->name() + "\" went away");
    }
    view_->absorb(*folder, false);
  }
  allow_expunge_ = true;
  (this->*spec->handler)(request, cursor);
}

}  // namespace wiresim::imap
