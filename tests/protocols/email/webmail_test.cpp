// Webmail: the site's pages on a store (no simulator), the app through its HTTP engine, and the
// browser action in a small world (one connection, cookie carried, mail submitted).
#include <doctest/doctest.h>

#include "protocols/email/mail_server.hpp"
#include "protocols/email/mail_world.hpp"
#include "protocols/email/webmail_site.hpp"
#include "protocols/http/url.hpp"
#include "protocols/mail/message.hpp"
#include "protocols/mime/builder.hpp"
#include "tests/support.hpp"

using namespace wiresim;
using namespace wiresim::email;

namespace {

struct Submitted {
  std::string from;
  std::vector<std::string> rcpts;
  std::string data;
};

// A site for bob and carol at hamburger.edu whose submissions are recorded.
struct SiteFixture {
  mail::Store store;
  std::vector<Submitted> submitted;
  WebmailSite site{store, config()};

  SiteFixture() {
    (void)store.add_user("bob", "pickles");
    (void)store.add_user("carol", "mustard");
  }
  WebmailSiteConfig config() {
    WebmailSiteConfig c;
    c.domain = "hamburger.edu";
    c.submit = [this](const std::string& from, const std::vector<std::string>& rcpts, const std::string& data) {
      submitted.push_back({from, rcpts, data});
    };
    c.is_local_domain = [](const std::string& d) { return mail::iequals(d, "hamburger.edu"); };
    c.recipient_exists = [this](const std::string& a) { return store.has_user(a.substr(0, a.find('@'))); };
    return c;
  }

  http::Response request(std::string method, std::string target, std::string cookie = "", std::string form = "",
                         bool is_form = true) {
    http::Request r{.method = std::move(method), .target = std::move(target)};
    r.headers.add("Host", "mail");
    if (!cookie.empty()) r.headers.add("Cookie", "session=" + cookie);
    if (!form.empty() || is_form) {
      if (is_form) r.headers.add("Content-Type", "application/x-www-form-urlencoded");
      r.body = std::move(form);
    }
    return site.handle(r, Time{} + seconds(5));
  }

  // Logs bob in and returns his session token.
  std::string login() {
    const http::Response r = request("POST", "/login", "", "user=bob&password=pickles");
    REQUIRE(r.status == 303);
    const std::string set_cookie(r.headers.get("Set-Cookie").value_or(""));
    return cookie_value(set_cookie.substr(0, set_cookie.find(';')), "session");
  }
};

std::string location(const http::Response& r) { return std::string(r.headers.get("Location").value_or("")); }

const std::string Lunch =
    "From: Alice <alice@crepes.fr>\r\nTo: bob@hamburger.edu\r\nSubject: Lunch <today>\r\n"
    "Date: Mon, 01 Jan 2024 09:00:01 +0000\r\n\r\nCrepes & <b>ketchup</b>?\r\n";

}  // namespace

TEST_CASE("webmail shows a login form at GET /") {
  SiteFixture f;
  const http::Response r = f.request("GET", "/");
  CHECK(r.status == 200);
  CHECK(r.headers.get("Content-Type") == "text/html; charset=utf-8");
  CHECK(r.body.find("<form method=\"post\" action=\"/login\">") != std::string::npos);
}

TEST_CASE("webmail login sets a session cookie and redirects to the inbox with 303") {
  SiteFixture f;
  const http::Response r = f.request("POST", "/login", "", "user=bob&password=pickles");
  CHECK(r.status == 303);
  CHECK(location(r) == "/inbox");
  const std::string set_cookie(r.headers.get("Set-Cookie").value_or(""));
  CHECK(set_cookie.starts_with("session="));
  CHECK(set_cookie.find("; Path=/; HttpOnly") != std::string::npos);
  CHECK(f.site.open_sessions() == 1);
  // The same scenario gives the same token: nothing random, nothing from the wall clock.
  SiteFixture g;
  CHECK(g.request("POST", "/login", "", "user=bob&password=pickles").headers.get("Set-Cookie") == set_cookie);
}

TEST_CASE("webmail login with a wrong password answers 401 with the form again") {
  SiteFixture f;
  const http::Response r = f.request("POST", "/login", "", "user=bob&password=ketchup");
  CHECK(r.status == 401);
  CHECK_FALSE(r.headers.has("Set-Cookie"));
  CHECK(r.body.find("Wrong user name or password.") != std::string::npos);
  CHECK(r.body.find("action=\"/login\"") != std::string::npos);
  CHECK(f.site.counters().failed_logins == 1);
}

TEST_CASE("webmail pages need the session cookie, else 303 to the login form") {
  SiteFixture f;
  for (const char* target : {"/inbox", "/message/1", "/message/1/raw", "/message/1/part/1"}) {
    const http::Response r = f.request("GET", target);
    CHECK(r.status == 303);
    CHECK(location(r) == "/");
  }
  CHECK(location(f.request("GET", "/inbox", "not-a-token")) == "/");
  CHECK(location(f.request("POST", "/send", "", "to=alice%40crepes.fr")) == "/");
  CHECK(f.submitted.empty());
}

TEST_CASE("webmail inbox lists INBOX messages with escaped headers, size, flags and links") {
  SiteFixture f;
  REQUIRE(f.store.append("bob", "INBOX", Lunch, Time{}));
  const std::string token = f.login();
  const http::Response r = f.request("GET", "/inbox", token);
  CHECK(r.status == 200);
  CHECK(r.body.find("<p>bob@hamburger.edu</p>") != std::string::npos);
  CHECK(r.body.find("<tr><td>1</td><td>Alice &lt;alice@crepes.fr&gt;</td><td><a href=\"/message/1\">"
                    "Lunch &lt;today&gt;</a></td><td>Mon, 01 Jan 2024 09:00:01 +0000</td>") != std::string::npos);
  CHECK(r.body.find("\\Seen") == std::string::npos);
  CHECK(message_links(r.body) == std::vector<std::uint32_t>{1});
}

TEST_CASE("webmail message page escapes the text, lists attachments and sets \\Seen") {
  SiteFixture f;
  mail::MessageHeader header;
  header.from = "alice@crepes.fr";
  header.to = {"bob@hamburger.edu"};
  header.subject = "Photo";
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "pixels";
  const std::string bytes = mime::build_message(
      header, mime::multipart("mixed", {mime::text_part("Caf\xc3\xa9 <script>alert(1)</script>"),
                                        mime::attachment("photo.png", png)}));
  REQUIRE(f.store.append("bob", "INBOX", bytes, Time{}));
  const std::string token = f.login();

  const http::Response page = f.request("GET", "/message/1", token);
  CHECK(page.status == 200);
  CHECK(page.body.find("<pre>Caf\xc3\xa9 &lt;script&gt;alert(1)&lt;/script&gt;</pre>") != std::string::npos);
  CHECK(page.body.find("<script>") == std::string::npos);
  CHECK(page.body.find("<li><a href=\"/message/1/part/2\">photo.png</a> (image/png, ") != std::string::npos);
  CHECK(f.store.folder("bob", "INBOX")->find(1)->flags.count(mail::Seen) == 1);
  CHECK(f.request("GET", "/inbox", token).body.find("<td>\\Seen</td>") != std::string::npos);

  const http::Response part = f.request("GET", "/message/1/part/2", token);
  CHECK(part.status == 200);
  CHECK(std::string(part.headers.get("Content-Type").value_or("")).starts_with("image/png"));
  CHECK(part.body == png);

  const http::Response raw = f.request("GET", "/message/1/raw", token);
  CHECK(raw.headers.get("Content-Type") == "message/rfc822");
  CHECK(raw.body == bytes);
}

TEST_CASE("webmail answers 404 for unknown pages, messages and parts") {
  SiteFixture f;
  REQUIRE(f.store.append("bob", "INBOX", Lunch, Time{}));
  const std::string token = f.login();
  CHECK(f.request("GET", "/nowhere", token).status == 404);
  CHECK(f.request("GET", "/message/abc", token).status == 404);
  CHECK(f.request("GET", "/message/0", token).status == 404);
  CHECK(f.request("GET", "/message/1/other", token).status == 404);
  const http::Response missing = f.request("GET", "/message/7", token);
  CHECK(missing.status == 404);
  CHECK(missing.body.find("There is no message with UID 7 in your INBOX.") != std::string::npos);
  CHECK(f.request("GET", "/message/1/part/9", token).status == 404);
}

TEST_CASE("webmail answers 405 with Allow for a wrong method and 501 for an unknown one") {
  SiteFixture f;
  const http::Response get_login = f.request("GET", "/login");
  CHECK(get_login.status == 405);
  CHECK(get_login.headers.get("Allow") == "POST");
  const http::Response post_inbox = f.request("POST", "/inbox");
  CHECK(post_inbox.status == 405);
  CHECK(post_inbox.headers.get("Allow") == "GET, HEAD");
  CHECK(f.request("DELETE", "/message/1").status == 405);
  CHECK(f.request("BREW", "/").status == 501);
}

TEST_CASE("webmail rejects bad forms with 400") {
  SiteFixture f;
  const http::Response not_a_form = f.request("POST", "/login", "", "user=bob&password=pickles", false);
  CHECK(not_a_form.status == 400);
  CHECK(not_a_form.body.find("expected a form (Content-Type: application/x-www-form-urlencoded)") != std::string::npos);
  CHECK(f.request("POST", "/login", "", "user=bob").status == 400);
  CHECK(f.request("POST", "/login", "", "user=%zz&password=x").status == 400);
  const std::string token = f.login();
  CHECK(f.request("POST", "/send", token, "subject=hi&body=x").status == 400);            // no recipient
  CHECK(f.request("POST", "/send", token, "to=nobody&body=x").status == 400);             // no domain
  CHECK(f.request("POST", "/send", token, "to=a%40b.c&subject=x%0D%0ABcc%3A+e%40f.g").status == 400);  // injection
  const http::Response unknown = f.request("POST", "/send", token, "to=bobby%40hamburger.edu&body=x");
  CHECK(unknown.status == 400);
  CHECK(unknown.body.find("there is no mailbox bobby@hamburger.edu here") != std::string::npos);
  CHECK(f.submitted.empty());
}

TEST_CASE("webmail send composes the message, submits it and confirms on the inbox") {
  SiteFixture f;
  const std::string token = f.login();
  const http::Response r = f.request(
      "POST", "/send", token,
      http::build_form({{"to", "Alice <alice@crepes.fr>"}, {"cc", "carol@hamburger.edu"}, {"subject", "Re: Lunch"},
                        {"body", "Yes!\r\nBob"}}));
  CHECK(r.status == 303);
  CHECK(location(r) == "/inbox");
  REQUIRE(f.submitted.size() == 1);
  CHECK(f.submitted[0].from == "bob@hamburger.edu");
  CHECK(f.submitted[0].rcpts == std::vector<std::string>{"alice@crepes.fr", "carol@hamburger.edu"});
  const mail::ParsedMessage parsed = mail::parse_message(f.submitted[0].data);
  CHECK(mail::header_value(parsed.headers, "From") == "bob@hamburger.edu");
  CHECK(mail::header_value(parsed.headers, "To") == "Alice <alice@crepes.fr>");
  CHECK(mail::header_value(parsed.headers, "Cc") == "carol@hamburger.edu");
  CHECK(mail::header_value(parsed.headers, "Date") == "Mon, 01 Jan 2024 09:00:05 +0000");
  CHECK(f.submitted[0].data.substr(parsed.body_offset) == "Yes!\r\nBob\r\n");
  // The confirmation shows once.
  CHECK(f.request("GET", "/inbox", token).body.find("Message sent to alice@crepes.fr, carol@hamburger.edu.") !=
        std::string::npos);
  CHECK(f.request("GET", "/inbox", token).body.find("Message sent") == std::string::npos);
}

TEST_CASE("webmail logout forgets the session and clears the cookie") {
  SiteFixture f;
  const std::string token = f.login();
  const http::Response r = f.request("POST", "/logout", token, "", false);
  CHECK(r.status == 303);
  CHECK(location(r) == "/");
  CHECK(r.headers.get("Set-Cookie") == "session=; Path=/; Max-Age=0");
  CHECK(f.site.open_sessions() == 0);
  CHECK(location(f.request("GET", "/inbox", token)) == "/");
}

namespace {

// A laptop and a mail host with webmail on one link; no DNS, so remote mail stays queued.
std::string browser_world(std::string_view action) {
  return test::hosts_a_b("delay = \"1ms\"\n", R"(
[[app]]
type = "mail-server"
host = "b"
domain = "hamburger.edu"
accounts = ["bob:pickles", "carol:mustard"]
[[app]]
type = "webmail"
host = "b"
[[action]]
at = "1s"
do = "webmail"
host = "a"
server = "b"
user = "bob"
password = "pickles"
)" + std::string(action));
}

MailServer& mail_server(World& w) {
  MailServer* s = w.service<EmailWorld>().server(*w.net.find_node("b"));
  REQUIRE(s != nullptr);
  return *s;
}

}  // namespace

TEST_CASE("webmail browser reads the inbox and each message on one connection with the cookie") {
  auto w = test::load(browser_world("read = true\nsave = true\n"));
  REQUIRE(mail_server(*w).store().append("bob", "INBOX", Lunch, Time{}));
  const std::string t = test::run_transcript(*w, seconds(30));
  CHECK(w->stack(*w->net.find_node("a")).tcp.connections().size() == 1);
  CHECK(t.find("a http: C: POST /login HTTP/1.1") != std::string::npos);
  CHECK(t.find("a http: C: GET /message/1 HTTP/1.1") != std::string::npos);
  CHECK(t.find("a http: C: GET /message/1/raw HTTP/1.1") != std::string::npos);
  CHECK(t.find("a http: C: Cookie: session=") != std::string::npos);
  CHECK(t.find("a http: C: POST /logout HTTP/1.1") != std::string::npos);
  CHECK(t.find("a http: webmail: bob read 1 message in the browser, saved 1 original (HTTP only)") != std::string::npos);
  CHECK(mail_server(*w).store().folder("bob", "INBOX")->find(1)->flags.count(mail::Seen) == 1);
  const auto downloaded = w->service<EmailWorld>().downloaded_on(*w->net.find_node("a"));
  REQUIRE(downloaded.size() == 1);
  CHECK(downloaded[0].protocol == "http");
  CHECK(downloaded[0].bytes.find("Subject: Lunch <today>") != std::string::npos);
}

TEST_CASE("webmail browser send reaches a local mailbox and queues a remote recipient") {
  auto w = test::load(browser_world("send-to = [\"carol@hamburger.edu\", \"alice@crepes.fr\"]\nsubject = \"Hi\"\n"));
  const std::string t = test::run_transcript(*w, seconds(30));
  CHECK(t.find("a http: C: POST /send HTTP/1.1") != std::string::npos);
  CHECK(t.find("b http: webmail: POST /send by bob: message from bob@hamburger.edu to carol@hamburger.edu, "
               "alice@crepes.fr (1 recipient stored locally, 1 recipient queued for SMTP relay)") != std::string::npos);
  CHECK(t.find("queued for crepes.fr (1 recipient)") != std::string::npos);
  const mail::Folder* carol = mail_server(*w).store().folder("carol", "INBOX");
  REQUIRE(carol->messages.size() == 1);
  CHECK(carol->messages[0].bytes.find("Subject: Hi") != std::string::npos);
  CHECK(t.find("a smtp:") == std::string::npos);
}

TEST_CASE("webmail browser stops after a refused login") {
  auto w = test::load(test::hosts_a_b("", R"(
[[app]]
type = "mail-server"
host = "b"
domain = "hamburger.edu"
accounts = ["bob:pickles"]
[[app]]
type = "webmail"
host = "b"
[[action]]
at = "1s"
do = "webmail"
host = "a"
server = "b"
user = "bob"
password = "wrong"
read = true
)"));
  const std::string t = test::run_transcript(*w, seconds(30));
  CHECK(t.find("S: HTTP/1.1 401 Unauthorized") != std::string::npos);
  CHECK(t.find("a http: webmail: login as bob refused (HTTP/1.1 401 Unauthorized)") != std::string::npos);
  CHECK(t.find("C: GET /inbox") == std::string::npos);
}

TEST_CASE("webmail scenario errors point at the key") {
  CHECK(test::load_error(test::hosts_a_b("", "[[app]]\ntype = \"webmail\"\nhost = \"b\"\n")) ==
        "test.toml:9:8: 'b' runs no mail-server app; give the webmail's store with mail-server = \"<node>\" and "
        "list that mail-server [[app]] before this one");
  const std::string no_task = test::load_error(browser_world(""));
  CHECK(no_task.find("a webmail action needs something to do: read = true, send-to = [\"...\"] or both") !=
        std::string::npos);
  CHECK(test::load_error(browser_world("subject = \"x\"\n"))
            .find("'subject' belongs to a message to send; add send-to = [\"...\"]") != std::string::npos);
  CHECK(test::load_error(browser_world("read = true\nport = 8080\n"))
            .find("the webmail app on 'b' does not listen on port 8080") != std::string::npos);
}

TEST_CASE("a mail server's domain must be a mail domain") {
  CHECK(test::load_error(test::hosts_a_b("", "[[app]]\ntype = \"mail-server\"\nhost = \"b\"\ndomain = \"ham burger!.edu\"\n")) ==
        "test.toml:10:10: 'ham burger!.edu' is not a mail domain: dot-separated labels of letters, digits and '-', "
        "such as \"hamburger.edu\"");
  CHECK(test::load_error(test::hosts_a_b(
                             "", "[[app]]\ntype = \"mail-server\"\nhost = \"b\"\ndomain = \"hamburger.edu\"\n"
                                 "other-domains = [\"ok.edu\", \"bad..edu\"]\n"))
            .find("'bad..edu' is not a mail domain") != std::string::npos);
}
