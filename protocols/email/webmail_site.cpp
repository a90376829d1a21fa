// The webmail pages: routing by path and method, the session cookie, and the HTML, kept small
// and deterministic (dates from simulated time, ordered containers) so transcripts stay stable.
#include "protocols/email/webmail_site.hpp"

#include <algorithm>
#include <optional>

#include "protocols/http/url.hpp"
#include "protocols/mail/address.hpp"
#include "protocols/mail/date.hpp"
#include "protocols/mail/message.hpp"
#include "protocols/mime/builder.hpp"
#include "protocols/mime/encoded_word.hpp"
#include "protocols/mime/entity.hpp"
#include "sim/core/units.hpp"

namespace wiresim::email {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string cookie_value(std::string_view cookie_field, std::string_view name) {
  // RFC 6265 4.2.1: cookie-pairs separated by "; ".
  std::size_t start = 0;
  while (start <= cookie_field.size()) {
    std::size_t end = cookie_field.find(';', start);
    if (end == std::string_view::npos) end = cookie_field.size();
    std::string_view pair = http::trim_whitespace(cookie_field.substr(start, end - start));
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    start = end + 1;
  }
  return "";
}

std::vector<std::uint32_t> message_links(std::string_view html) {
  static constexpr std::string_view prefix = "href=\"/message/";
  std::vector<std::uint32_t> uids;
  for (std::size_t at = html.find(prefix); at != std::string_view::npos; at = html.find(prefix, at + 1)) {
    std::size_t i = at + prefix.size();
    std::uint64_t uid = 0;
    std::size_t digits = 0;
    while (i < html.size() && html[i] >= '0' && html[i] <= '9' && digits < 10) {
      uid = uid * 10 + static_cast<std::uint64_t>(html[i++] - '0');
      ++digits;
    }
    // Only links to a message page itself, not to its parts: the digits end the target.
    if (digits == 0 || i >= html.size() || html[i] != '"' || uid == 0 || uid > 0xffffffffULL) continue;
    const auto u = static_cast<std::uint32_t>(uid);
    if (std::find(uids.begin(), uids.end(), u) == uids.end()) uids.push_back(u);
  }
  return uids;
}

namespace {

// --- Pages -------------------------------------------------------------------------------------

std::string page(std::string_view title, std::string_view body) {
  return "<!DOCTYPE html>\n<html><head><title>" + html_escape(title) + "</title></head>\n<body>\n<h1>" +
         html_escape(title) + "</h1>\n" + std::string(body) + "</body></html>\n";
}

http::Response html(int status, std::string_view title, std::string_view body) {
  http::Response r;
  r.status = status;
  r.headers.add("Content-Type", "text/html; charset=utf-8");
  r.body = page(title, body);
  return r;
}

http::Response error_page(int status, std::string_view text) {
  return html(status, std::to_string(status) + " " + std::string(http::reason_phrase(status)),
              "<p>" + html_escape(text) + "</p>\n");
}

// RFC 9110 15.4.4: 303 See Other sends the browser on to a GET of Location, after a POST.
http::Response redirect(std::string_view location) {
  http::Response r = html(303, "See Other", "<p><a href=\"" + html_escape(location) + "\">Continue</a></p>\n");
  r.headers.add("Location", std::string(location));
  return r;
}

const char* const LoginForm =
    "<form method=\"post\" action=\"/login\">\n"
    "<p>User <input name=\"user\"> Password <input name=\"password\" type=\"password\"></p>\n"
    "<p><button>Log in</button></p>\n"
    "</form>\n";

const char* const ComposeForm =
    "<h2>New message</h2>\n"
    "<form method=\"post\" action=\"/send\">\n"
    "<p>To <input name=\"to\"> Cc <input name=\"cc\"></p>\n"
    "<p>Subject <input name=\"subject\"></p>\n"
    "<p><textarea name=\"body\"></textarea></p>\n"
    "<p><button>Send</button></p>\n"
    "</form>\n";

const char* const LogoutForm = "<form method=\"post\" action=\"/logout\"><button>Log out</button></form>\n";

// --- Routing -----------------------------------------------------------------------------------

struct Route {
  std::string name{};  // "/", "login", "inbox", "message", "part", "raw", "send", "logout"
  std::uint32_t uid = 0;
  std::string section{};  // "part": an IMAP-style section number, "2" or "2.1"
};

std::optional<std::uint32_t> parse_uid(std::string_view text) {
  if (text.empty() || text.size() > 10 || text[0] == '0') return std::nullopt;
  std::uint64_t v = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > 0xffffffffULL) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

bool is_section(std::string_view text) {
  if (text.empty() || text.size() > 40) return false;
  bool digit_before = false;
  for (const char c : text) {
    if (c == '.') {
      if (!digit_before) return false;
      digit_before = false;
    } else if (c >= '0' && c <= '9') {
      digit_before = true;
    } else {
      return false;
    }
  }
  return digit_before;
}

std::optional<Route> route(std::string_view path) {
  if (path == "/") return Route{"/"};
  if (path == "/login") return Route{"login"};
  if (path == "/inbox") return Route{"inbox"};
  if (path == "/send") return Route{"send"};
  if (path == "/logout") return Route{"logout"};
  static constexpr std::string_view message = "/message/";
  if (!path.starts_with(message)) return std::nullopt;
  std::string_view rest = path.substr(message.size());
  const std::size_t slash = rest.find('/');
  const auto uid = parse_uid(rest.substr(0, slash));
  if (!uid) return std::nullopt;
  if (slash == std::string_view::npos) return Route{"message", *uid};
  rest = rest.substr(slash);
  if (rest == "/raw") return Route{"raw", *uid};
  static constexpr std::string_view part = "/part/";
  if (rest.starts_with(part) && is_section(rest.substr(part.size())))
    return Route{"part", *uid, std::string(rest.substr(part.size()))};
  return std::nullopt;
}

bool is_post_route(const std::string& name) { return name == "login" || name == "send" || name == "logout"; }

// RFC 9110 9: the methods a server should know; anything else is 501, a known one not allowed 405.
bool is_standard_method(std::string_view method) {
  for (const char* m : {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"})
    if (method == m) return true;
  return false;
}

// An HTML form's fields (application/x-www-form-urlencoded), or what is wrong with the body.
Result<http::QueryPairs> read_form(const http::Request& request) {
  const std::string type = http::to_lower(request.headers.get("Content-Type").value_or(""));
  if (type.substr(0, type.find(';')) != "application/x-www-form-urlencoded")
    return Error{"expected a form (Content-Type: application/x-www-form-urlencoded), got Content-Type \"" +
                 type.substr(0, 60) + "\""};
  auto form = http::parse_form(request.body);
  if (!form) return Error{"the form could not be decoded: " + form.error()};
  return form;
}

std::string field(const http::QueryPairs& form, std::string_view name) {
  const std::string* v = http::find_value(form, name);
  return v ? *v : "";
}

bool has_line_break(std::string_view text) { return text.find_first_of("\r\n") != std::string_view::npos; }

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// 64-bit FNV-1a: session tokens that are the same on every run. Guessable; a real site uses a
// cryptographic random number.
std::string token_for(std::string_view text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = hex[h & 0xf];
  return out;
}

// --- Messages ----------------------------------------------------------------------------------

// What a reader sees as the text: the first text/plain entity that is not an attachment, depth
// first, not inside an attached message.
const mime::Entity* text_entity(const mime::Entity& e) {
  if (e.is_multipart()) {
    for (const mime::Entity& child : e.parts)
      if (const mime::Entity* found = text_entity(child)) return found;
    return nullptr;
  }
  if (e.content_type.mime_type() == "text/plain" && e.disposition != "attachment") return &e;
  return nullptr;
}

struct Leaf {
  std::string section;  // RFC 3501 6.4.5 numbering, as IMAP's BODY[section] uses
  const mime::Entity* entity;
};

// Every leaf with its section number; an attached message/rfc822 counts as one leaf.
void collect_leaves(const mime::Entity& e, const std::string& section, std::vector<Leaf>& out) {
  if (e.is_multipart()) {
    for (std::size_t i = 0; i < e.parts.size(); ++i) {
      const std::string n = std::to_string(i + 1);
      collect_leaves(e.parts[i], section.empty() ? n : section + "." + n, out);
    }
    return;
  }
  out.push_back({section.empty() ? "1" : section, &e});
}

std::string leaf_name(const mime::Entity& e, const std::string& section) {
  std::string name = e.disposition_param("filename");
  if (name.empty()) name = e.content_type.param("name");
  return name.empty() ? "part " + section : mime::decode_words(name);
}

std::string header_text(const std::vector<mail::HeaderField>& headers, std::string_view name) {
  return mime::decode_words(mail::header_value(headers, name).value_or(""));
}

}  // namespace

WebmailSite::WebmailSite(mail::Store& store, WebmailSiteConfig config) : store_(store), config_(std::move(config)) {}

std::vector<SiteNote> WebmailSite::take_notes() { return std::exchange(notes_, {}); }

WebmailSite::Session* WebmailSite::session_of(const http::Request& request) {
  for (const std::string_view field : request.headers.get_all("Cookie")) {
    auto it = sessions_.find(cookie_value(field, "session"));
    if (it != sessions_.end()) return &it->second;
  }
  return nullptr;
}

http::Response WebmailSite::handle(const http::Request& request, Time now) {
  ++counters_.requests;
  const http::Target target = http::split_target(request.target);
  const std::optional<Route> r = route(target.path);
  if (!r) return error_page(404, "There is no page at " + target.path.substr(0, 60) + ".");
  if (!is_standard_method(request.method)) return error_page(501, "This server does not know the method " + request.method.substr(0, 20) + ".");
  const bool post = is_post_route(r->name);
  const bool allowed = post ? request.method == "POST" : request.method == "GET" || request.method == "HEAD";
  if (!allowed) {
    // RFC 9110 15.5.6: a 405 lists the methods the resource supports.
    http::Response out = error_page(405, request.method + " is not allowed on " + target.path + ".");
    out.headers.add("Allow", post ? "POST" : "GET, HEAD");
    return out;
  }
  if (r->name == "login") return login(request, now);
  if (r->name == "logout") return logout(request);
  Session* session = session_of(request);
  if (r->name == "/") return session ? redirect("/inbox") : html(200, "Webmail", LoginForm);
  // Every other page needs a logged-in session: back to the login form without one.
  if (!session) return redirect("/");
  if (r->name == "inbox") return inbox(*session);
  if (r->name == "send") return send(request, *session, now);
  return message(session->user, r->uid, r->name, r->section);
}

http::Response WebmailSite::login(const http::Request& request, Time now) {
  auto form = read_form(request);
  if (!form) return error_page(400, form.error());
  const std::string* user = http::find_value(*form, "user");
  const std::string* password = http::find_value(*form, "password");
  if (!user || !password || user->empty())
    return error_page(400, "the login form needs the fields 'user' and 'password'");
  if (!store_.check_password(*user, *password)) {
    ++counters_.failed_logins;
    note("login-failed", "webmail: POST /login: wrong password for \"" + user->substr(0, 60) + "\"");
    return html(401, "Webmail", "<p>Wrong user name or password.</p>\n" + std::string(LoginForm));
  }
  ++counters_.logins;
  const std::string token = token_for(*user + ":" + std::to_string(++tokens_issued_) + ":" + std::to_string(now.ns));
  sessions_[token] = Session{*user, ""};
  note("login", "webmail: POST /login: " + *user + " logged in, session cookie " + token);
  http::Response out = redirect("/inbox");
  out.headers.add("Set-Cookie", "session=" + token + "; Path=/; HttpOnly");
  return out;
}

http::Response WebmailSite::logout(const http::Request& request) {
  for (const std::string_view field : request.headers.get_all("Cookie")) {
    auto it = sessions_.find(cookie_value(field, "session"));
    if (it == sessions_.end()) continue;
    note("logout", "webmail: POST /logout: " + it->second.user + " logged out");
    sessions_.erase(it);
    break;
  }
  http::Response out = redirect("/");
  // RFC 6265 4.1.2.2: Max-Age=0 makes the browser drop the cookie.
  out.headers.add("Set-Cookie", "session=; Path=/; Max-Age=0");
  return out;
}

http::Response WebmailSite::inbox(Session& session) {
  const mail::Folder* folder = store_.folder(session.user, "INBOX");
  std::string body = "<p>" + html_escape(session.user + "@" + config_.domain) + "</p>\n" + LogoutForm;
  if (!session.notice.empty()) body += "<p><strong>" + html_escape(std::exchange(session.notice, {})) + "</strong></p>\n";
  body += "<table>\n<tr><th>UID</th><th>From</th><th>Subject</th><th>Date</th><th>Size</th><th>Flags</th></tr>\n";
  if (folder) {
    for (const mail::StoredMessage& m : folder->messages) {
      const mail::ParsedMessage parsed = mail::parse_message(m.bytes);
      std::string subject = header_text(parsed.headers, "Subject");
      if (subject.empty()) subject = "(no subject)";
      const std::string uid = std::to_string(m.uid);
      body += "<tr><td>" + uid + "</td><td>" + html_escape(header_text(parsed.headers, "From")) +
              "</td><td><a href=\"/message/" + uid + "\">" + html_escape(subject) + "</a></td><td>" +
              html_escape(mail::header_value(parsed.headers, "Date").value_or("")) + "</td><td>" +
              format_bytes(m.bytes.size()) + "</td><td>" + (m.flags.count(mail::Seen) ? "\\Seen" : "") +
              "</td></tr>\n";
    }
  }
  body += "</table>\n";
  body += ComposeForm;
  return html(200, "Inbox", body);
}

http::Response WebmailSite::message(const std::string& user, std::uint32_t uid, const std::string& what,
                                    const std::string& section) {
  const mail::Folder* folder = store_.folder(user, "INBOX");
  const mail::StoredMessage* m = folder ? folder->find(uid) : nullptr;
  if (!m) return error_page(404, "There is no message with UID " + std::to_string(uid) + " in your INBOX.");
  const std::string bytes = m->bytes;  // a copy: set_flags below may move the stored message
  const std::string uid_text = std::to_string(uid);
  const mime::Entity root = mime::parse(bytes);

  if (what == "part") {
    const mime::Entity* p = mime::part(root, section);
    if (!p || p->is_multipart()) return error_page(404, "Message " + uid_text + " has no part " + section + ".");
    http::Response out;
    out.headers.add("Content-Type", p->content_type.to_string());
    out.body = mime::decoded_body(*p, bytes);
    return out;
  }

  if (!m->flags.count(mail::Seen)) {
    mail::Flags flags = m->flags;
    flags.insert(mail::Seen);
    store_.set_flags(user, "INBOX", uid, flags);
  }
  ++counters_.pages_read;
  if (what == "raw") {
    note("read", "webmail: GET /message/" + uid_text + "/raw: " + user + " saved message " + uid_text + " (\\Seen set)");
    http::Response out;
    out.headers.add("Content-Type", "message/rfc822");
    out.body = bytes;
    return out;
  }

  const mail::ParsedMessage parsed = mail::parse_message(bytes);
  std::string body = "<p><a href=\"/inbox\">Inbox</a></p>\n<table>\n";
  for (const char* name : {"From", "To", "Cc", "Date", "Subject"}) {
    const std::string value = header_text(parsed.headers, name);
    if (!value.empty()) body += "<tr><th>" + std::string(name) + "</th><td>" + html_escape(value) + "</td></tr>\n";
  }
  body += "</table>\n";
  const mime::Entity* text = text_entity(root);
  body += "<pre>" + html_escape(text ? mime::decoded_body(*text, bytes) : "") + "</pre>\n";
  std::vector<Leaf> leaves;
  collect_leaves(root, "", leaves);
  std::string attachments;
  for (const Leaf& leaf : leaves) {
    if (leaf.entity == text) continue;
    attachments += "<li><a href=\"/message/" + uid_text + "/part/" + leaf.section + "\">" +
                   html_escape(leaf_name(*leaf.entity, leaf.section)) + "</a> (" +
                   html_escape(leaf.entity->content_type.mime_type()) + ", " +
                   format_bytes(mime::decoded_body(*leaf.entity, bytes).size()) + ")</li>\n";
  }
  if (!attachments.empty()) body += "<h2>Attachments</h2>\n<ul>\n" + attachments + "</ul>\n";
  body += "<p><a href=\"/message/" + uid_text + "/raw\">Original message</a></p>\n";
  note("read", "webmail: GET /message/" + uid_text + ": " + user + " read \"" +
                   header_text(parsed.headers, "Subject").substr(0, 60) + "\" (\\Seen set)");
  return html(200, "Message " + uid_text, body);
}

http::Response WebmailSite::send(const http::Request& request, Session& session, Time now) {
  auto form = read_form(request);
  if (!form) return error_page(400, form.error());
  const std::string to = field(*form, "to"), cc = field(*form, "cc"), subject = field(*form, "subject");
  const std::string text = field(*form, "body");
  // A line break in a header field would let the form write header fields of its own.
  if (has_line_break(to) || has_line_break(cc) || has_line_break(subject))
    return error_page(400, "'to', 'cc' and 'subject' must be single lines");
  mail::MessageHeader header;
  std::vector<std::string> rcpts;
  for (const auto& [list, name] : {std::pair{&header.to, &to}, std::pair{&header.cc, &cc}}) {
    for (const mail::Address& a : mail::parse_address_list(*name)) {
      if (a.local_part.empty() || a.domain.empty())
        return error_page(400, "expected addresses such as alice@crepes.fr, got \"" + name->substr(0, 60) + "\"");
      if (config_.is_local_domain && config_.is_local_domain(a.domain) && config_.recipient_exists &&
          !config_.recipient_exists(a.addr_spec()))
        return error_page(400, "there is no mailbox " + a.addr_spec() + " here");
      list->push_back(a.to_string());
      rcpts.push_back(a.addr_spec());
    }
  }
  if (header.to.empty()) return error_page(400, "the form needs at least one recipient in 'to'");
  const std::string from = session.user + "@" + config_.domain;
  header.from = from;
  header.subject = subject;
  header.date = mail::format_date(now);
  header.message_id = mail::make_message_id(++messages_composed_, now, config_.domain);
  // As the desktop user agent does: a plain RFC 5322 message when it is ASCII, MIME otherwise.
  const bool ascii = is_ascii(text) && is_ascii(subject) && is_ascii(to) && is_ascii(cc);
  const std::string data = ascii ? mail::write_message(header, text)
                                 : mime::build_message(header, mime::text_part(text), {true});
  std::size_t local = 0;
  for (const std::string& r : rcpts)
    if (config_.is_local_domain && config_.is_local_domain(mail::domain_of(r))) ++local;
  if (config_.submit) config_.submit(from, rcpts, data);
  ++counters_.messages_sent;
  std::string list;
  for (const std::string& r : rcpts) list += (list.empty() ? "" : ", ") + r;
  std::string how;
  if (local) how = counted(local, "recipient") + " stored locally";
  if (rcpts.size() > local) how += (how.empty() ? "" : ", ") + counted(rcpts.size() - local, "recipient") + " queued for SMTP relay";
  note("sent", "webmail: POST /send by " + session.user + ": message from " + from + " to " + list + " (" + how + ")");
  session.notice = "Message sent to " + list + ".";
  return redirect("/inbox");
}

}  // namespace wiresim::email
