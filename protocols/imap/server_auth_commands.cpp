// Commands of any state and of Not Authenticated (RFC 3501 6.1, 6.2): CAPABILITY, NOOP, LOGOUT,
// LOGIN and AUTHENTICATE PLAIN (RFC 4616).

#include "protocols/imap/server_session.hpp"

namespace wiresim::imap {
namespace {

std::optional<std::string> decode_base64(std::string_view text) {
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  std::size_t pad = 0;
  for (const char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') { ++pad; continue; }
    else return std::nullopt;
    if (pad) return std::nullopt;  // data after padding
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  if ((text.size() % 4) != 0) return std::nullopt;
  return out;
}

}  // namespace

void ServerSession::capability(const Request& request, Cursor& cursor) {
  if (!cursor.end()) return bad(request, "CAPABILITY takes no arguments");
  std::string line = "CAPABILITY";
  for (const std::string& c : config_.capabilities) line += ' ' + c;
  untagged(line);
  ok(request);
}

void ServerSession::noop(const Request& request, Cursor& cursor) {
  if (!cursor.end()) return bad(request, "NOOP takes no arguments");
  // RFC 3501 6.1.2: NOOP is the poll; complete() reports what other sessions changed.
  ok(request);
}

void ServerSession::logout_command(const Request& request, Cursor& cursor) {
  if (!cursor.end()) return bad(request, "LOGOUT takes no arguments");
  // RFC 3501 6.1.3: BYE first, then the tagged OK, then the server closes.
  untagged("BYE IMAP4rev1 Server logging out");
  view_.reset();
  state_ = ServerState::NotAuthenticated;  // so complete() reports nothing more
  ok(request);
  logout("logged out");
}

void ServerSession::login(const Request& request, Cursor& cursor) {
  std::optional<std::string> name, password;
  if (!cursor.space() || !(name = cursor.astring()) || !cursor.space() || !(password = cursor.astring()) ||
      !cursor.end())
    return bad(request, "LOGIN expects a user name and a password: " + cursor.error());
  if (!store_.check_password(*name, *password)) return no(request, "LOGIN failed: wrong user name or password");
  user_ = *name;
  state_ = ServerState::Authenticated;
  Event e;
  e.kind = EventKind::LoggedIn;
  e.user = user_;
  e.text = "user " + user_ + " logged in";
  emit(std::move(e));
  std::string caps = "CAPABILITY";
  for (const std::string& c : config_.capabilities) caps += ' ' + c;
  ok(request, caps);
}

void ServerSession::authenticate(const Request& request, Cursor& cursor) {
  std::optional<std::string> mechanism;
  if (!cursor.space() || !(mechanism = cursor.atom()))
    return bad(request, "AUTHENTICATE expects a mechanism name: " + cursor.error());
  if (!iequals(*mechanism, "PLAIN")) return no(request, "Unsupported authentication mechanism " + *mechanism);
  if (cursor.peek() == ' ') {
    // RFC 4959 (SASL-IR): an initial response on the command line; "=" stands for an empty one.
    cursor.space();
    const auto initial = cursor.atom();
    if (!initial || !cursor.end()) return bad(request, "AUTHENTICATE PLAIN expects a base64 initial response");
    finish_plain(request, *initial == "=" ? "" : *initial);
    return;
  }
  if (!cursor.end()) return bad(request, "AUTHENTICATE PLAIN takes no more arguments");
  // RFC 3501 6.2.2: an empty challenge; the next line is the client's response.
  send("+ ");
  sasl_request_ = request;
}

void ServerSession::handle_sasl_response(const std::string& line) {
  const Request request = *sasl_request_;
  sasl_request_.reset();
  if (line == "*") return bad(request, "AUTHENTICATE cancelled by the client");
  finish_plain(request, line);
}

bool ServerSession::finish_plain(const Request& request, std::string_view base64) {
  // RFC 4616 2: [authzid] NUL authcid NUL passwd.
  const auto decoded = decode_base64(base64);
  const std::size_t first = decoded ? decoded->find('\0') : std::string::npos;
  const std::size_t second = first == std::string::npos ? first : decoded->find('\0', first + 1);
  if (second == std::string::npos) {
    bad(request, "AUTHENTICATE PLAIN expects base64 of authzid NUL user NUL password");
    return false;
  }
  const std::string authzid = decoded->substr(0, first);
  const std::string user = decoded->substr(first + 1, second - first - 1);
  const std::string password = decoded->substr(second + 1);
  if ((!authzid.empty() && authzid != user) || !store_.check_password(user, password)) {
    no(request, "AUTHENTICATE failed: wrong user name or password");
    return false;
  }
  user_ = user;
  state_ = ServerState::Authenticated;
  Event e;
  e.kind = EventKind::LoggedIn;
  e.user = user_;
  e.text = "user " + user_ + " logged in (AUTHENTICATE PLAIN)";
  emit(std::move(e));
  ok(request);
  return true;
}

}  // namespace wiresim::imap
