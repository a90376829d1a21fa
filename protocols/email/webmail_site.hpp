// The webmail site's pages as a function of an HTTP request and the mail store: a login form and
// a session cookie, the INBOX as a table, a message with its text and attachments, sending through
// the mail server. No simulator here: webmail.cpp serves it over simulated TCP. Leaves out folders
// other than INBOX, replies, HTML mail, CSRF tokens, session expiry and HTTPS.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocols/http/message.hpp"
#include "protocols/mail/store.hpp"
#include "sim/core/time.hpp"

namespace wiresim::email {

struct WebmailSiteConfig {
  std::string domain;  // "hamburger.edu": a user's From address is user@domain
  // Hands a composed message to the mail server, as its MSA would take it: local recipients are
  // stored, the others queued for relay over SMTP.
  std::function<void(const std::string& mail_from, const std::vector<std::string>& rcpts, const std::string& data)>
      submit;
  std::function<bool(const std::string& domain)> is_local_domain;
  // Whether the mail server keeps a mailbox (or list) for a local address; unknown ones get 400,
  // as its MTA would answer 550 at RCPT TO.
  std::function<bool(const std::string& address)> recipient_exists;
};

// Something the site did that a transcript should show: "login", "read", "sent", "logout", ...
struct SiteNote {
  std::string event;
  std::string text;  // "webmail: POST /send by bob: ..."
};

struct SiteCounters {
  std::uint64_t requests = 0, logins = 0, failed_logins = 0, pages_read = 0, messages_sent = 0;
};

class WebmailSite {
 public:
  WebmailSite(mail::Store& store, WebmailSiteConfig config);

  // Answers one request; the HTTP engine adds Date, Server, Content-Length and Connection.
  http::Response handle(const http::Request& request, Time now);
  std::vector<SiteNote> take_notes();
  const SiteCounters& counters() const { return counters_; }
  std::size_t open_sessions() const { return sessions_.size(); }
  // Who is logged in: (cookie token, user), in token order.
  std::vector<std::pair<std::string, std::string>> logged_in() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [token, session] : sessions_) out.emplace_back(token, session.user);
    return out;
  }

 private:
  struct Session {
    std::string user;
    std::string notice;  // shown once on the next inbox page ("Message sent to ...")
  };

  http::Response login(const http::Request& request, Time now);
  http::Response inbox(Session& session);
  http::Response message(const std::string& user, std::uint32_t uid, const std::string& what,
                         const std::string& section);
  http::Response send(const http::Request& request, Session& session, Time now);
  http::Response logout(const http::Request& request);
  Session* session_of(const http::Request& request);
  void note(std::string event, std::string text) { notes_.push_back({std::move(event), std::move(text)}); }

  mail::Store& store_;
  WebmailSiteConfig config_;
  std::map<std::string, Session> sessions_;  // by cookie token
  std::uint64_t tokens_issued_ = 0;
  std::uint64_t messages_composed_ = 0;  // numbers Message-IDs
  SiteCounters counters_;
  std::vector<SiteNote> notes_;
};

// Text made safe inside HTML elements and attribute values: & < > " ' become references.
std::string html_escape(std::string_view text);

// The value of cookie `name` in a Cookie field ("session=ab12; theme=dark"), or "".
std::string cookie_value(std::string_view cookie_field, std::string_view name);

// The UIDs a page links to as href="/message/<uid>", in order, each once: what the browser
// follows after reading the inbox page.
std::vector<std::uint32_t> message_links(std::string_view html);

}  // namespace wiresim::email
