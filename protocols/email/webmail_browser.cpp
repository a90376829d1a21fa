// The `webmail` action: a browser on a host that talks only HTTP. On one persistent connection it
// logs in, follows each 303 with a GET of its Location (as browsers do), reads the inbox and the
// messages it links to, sends a message with the form, and logs out. No JavaScript, no caching.
#include <deque>
#include <optional>

#include "protocols/email/mail_trace.hpp"
#include "protocols/email/mail_world.hpp"
#include "protocols/email/webmail.hpp"
#include "protocols/http/client_session.hpp"
#include "protocols/http/url.hpp"
#include "sim/core/units.hpp"
#include "sim/scenario/registry.hpp"
#include "sim/scenario/table_reader.hpp"

namespace wiresim::email {
namespace {

struct BrowserPlan {
  std::string user, password;
  bool read = false;  // the inbox, then every message it links to
  bool save = false;  // also each message's original (/raw), kept as downloaded
  std::vector<std::string> send_to, cc;
  std::string subject, body;
};

// What the browser does next, one request at a time: a script over the pages it gets back.
class Browser {
 public:
  explicit Browser(BrowserPlan plan) : plan_(std::move(plan)) {
    todo_.push_back(post("/login", {{"user", plan_.user}, {"password", plan_.password}}));
    if (!plan_.send_to.empty()) {
      auto join = [](const std::vector<std::string>& list) {
        std::string out;
        for (const std::string& a : list) out += (out.empty() ? "" : ", ") + a;
        return out;
      };
      todo_.push_back(post("/send", {{"to", join(plan_.send_to)},
                                     {"cc", join(plan_.cc)},
                                     {"subject", plan_.subject},
                                     {"body", plan_.body}}));
    }
    todo_.push_back(post("/logout", {}));
  }

  // The next request after this response; nullopt when the browser is done.
  std::optional<http::Request> next(const http::Event& response) {
    keep_cookie(response.headers);
    const std::string path = http::split_target(response.target).path;
    if (response.method == "POST" && path == "/login" && response.status != 303) todo_.clear();  // login failed
    if (response.status == 303) {
      const std::string location(response.headers.get("Location").value_or(""));
      if (location.starts_with("/")) todo_.push_front(get(location));
    } else if (response.method == "GET" && path == "/inbox" && response.status == 200 && plan_.read && !inbox_read_) {
      inbox_read_ = true;
      const std::vector<std::uint32_t> uids = message_links(response.body);
      for (auto it = uids.rbegin(); it != uids.rend(); ++it) {
        if (plan_.save) todo_.push_front(get("/message/" + std::to_string(*it) + "/raw"));
        todo_.push_front(get("/message/" + std::to_string(*it)));
      }
    }
    return take();
  }

  std::optional<http::Request> take() {
    if (todo_.empty()) return std::nullopt;
    http::Request r = std::move(todo_.front());
    todo_.pop_front();
    if (!cookie_.empty()) r.headers.add("Cookie", "session=" + cookie_);
    return r;
  }

 private:
  static http::Request get(std::string target) { return {.method = "GET", .target = std::move(target)}; }
  static http::Request post(std::string target, const http::QueryPairs& form) {
    http::Request r{.method = "POST", .target = std::move(target)};
    if (!form.empty()) {
      r.headers.add("Content-Type", "application/x-www-form-urlencoded");
      r.body = http::build_form(form);
    }
    return r;
  }

  // RFC 6265 5.2: "session=<token>; Path=/; ..."; an empty value or Max-Age=0 removes it.
  void keep_cookie(const http::Headers& headers) {
    for (const std::string_view field : headers.get_all("Set-Cookie")) {
      const std::string_view pair = field.substr(0, field.find(';'));
      if (!pair.starts_with("session=")) continue;
      cookie_ = std::string(pair.substr(8));
      if (field.find("Max-Age=0") != std::string_view::npos) cookie_.clear();
    }
  }

  BrowserPlan plan_;
  std::deque<http::Request> todo_;
  std::string cookie_;
  bool inbox_read_ = false;
};

void agent_note(World& w, NodeId host, const std::string& event, const std::string& text) {
  publish_mail<AgentTrace>(w, host, "http", event, text);
}

// The browsers' connections, kept until the world ends (they are few).
struct BrowserSessions : WorldService {
  explicit BrowserSessions(World&) {}
  std::vector<std::unique_ptr<AnyStreamSession>> sessions;
};

// What the user saw, for the notes and the downloaded log.
struct BrowserTally {
  std::uint64_t read = 0, saved = 0;
};

void record(World& w, NodeId host, const BrowserPlan& plan, const std::string& from, BrowserTally& tally,
            const http::Event& e) {
  const std::string path = http::split_target(e.target).path;
  if (e.method == "POST" && path == "/login" && e.status != 303) {
    agent_note(w, host, "error", "webmail: login as " + plan.user + " refused (" + e.text + ")");
  } else if (e.method == "POST" && path == "/send") {
    const bool ok = e.status == 303;
    w.service<EmailWorld>().log_sent(
        {w.sim.now(), w.net.node(host).name(), from, plan.send_to, ok ? "delivered" : "permanent-failure", e.text});
    agent_note(w, host, ok ? "sent" : "send-failed",
               "webmail: message from " + from + (ok ? " sent with POST /send (" : " not sent (") + e.text + ")");
  } else if (e.method == "GET" && path.starts_with("/message/") && e.status == 200) {
    if (path.ends_with("/raw")) {
      ++tally.saved;
      w.service<EmailWorld>().agent(host, plan.user).downloaded.push_back({w.sim.now(), "http", plan.user, e.body});
    } else if (path.find("/part/") == std::string::npos) {
      ++tally.read;
    }
  }
}

}  // namespace

std::function<void()> make_webmail_browser(ActionContext& c) {
  World& w = c.world;
  TableReader& t = c.table;
  const NodeId host = t.node("host");
  const NodeId server = t.node("server");
  const auto port = static_cast<std::uint16_t>(t.integer_or("port", 1, 65535, http::Port));
  const auto& apps = w.service<WebmailApps>().by_node;
  auto found = apps.find(server);
  if (found == apps.end())
    t.fail("server", "'" + w.net.node(server).name() + "' runs no webmail app; add one with [[app]] type = \"webmail\"");
  std::string domain;
  for (const WebmailApps::Entry& e : found->second)
    if (e.port == port) domain = e.domain;
  if (domain.empty()) t.fail("port", "the webmail app on '" + w.net.node(server).name() + "' does not listen on port " + std::to_string(port));
  BrowserPlan plan;
  plan.user = t.string("user");
  plan.password = t.string_or("password", "");
  plan.read = t.boolean_or("read", false);
  plan.save = t.boolean_or("save", false);
  plan.send_to = t.string_list_or("send-to", {});
  plan.cc = t.string_list_or("cc", {});
  plan.subject = t.string_or("subject", "");
  plan.body = t.string_or("body", "");
  if (plan.save && !plan.read) t.fail("save", "'save' keeps the messages the browser reads; add read = true");
  if (plan.send_to.empty()) {
    for (const char* key : {"cc", "subject", "body"})
      if (t.has(key)) t.fail(key, std::string("'") + key + "' belongs to a message to send; add send-to = [\"...\"]");
    if (!plan.read) t.fail_table("a webmail action needs something to do: read = true, send-to = [\"...\"] or both");
  }
  const std::string from = plan.user + "@" + domain;
  return [&w, host, server, port, plan, from] {
    auto browser = std::make_shared<Browser>(plan);
    auto tally = std::make_shared<BrowserTally>();
    TcpConnection& conn = w.stack(host).tcp.connect({w.net.node(server).address(), port});
    http::ClientConfig config;
    config.host = w.net.node(server).name();
    config.close_when_done = false;  // the browser decides, after its last page
    config.user_agent = "wiresim-browser";
    auto session = std::make_unique<StreamSession<http::ClientSession>>(
        w.sim, conn, StreamSessionOptions{w.net.node(host).name(), "http", "C"}, nullptr, nullptr, config);
    auto* raw = session.get();
    session->set_event_handler([&w, host, plan, from, browser, tally, raw](const http::Event& e) {
      if (e.kind == http::EventKind::Error || e.kind == http::EventKind::ProtocolError) {
        agent_note(w, host, "error", "webmail: " + e.text);
        return;
      }
      if (e.kind != http::EventKind::Response) return;
      record(w, host, plan, from, *tally, e);
      if (std::optional<http::Request> next = browser->next(e)) {
        raw->engine().request(std::move(*next));
      } else {
        raw->engine().close();
        if (plan.read)
          agent_note(w, host, "fetched",
                     "webmail: " + plan.user + " read " + counted(tally->read, "message") + " in the browser" +
                         (plan.save ? ", saved " + counted(tally->saved, "original") : "") + " (HTTP only)");
      }
      raw->flush();
    });
    if (std::optional<http::Request> first = browser->take()) session->engine().request(std::move(*first));
    session->flush();
    w.service<BrowserSessions>().sessions.push_back(std::move(session));
  };
}

}  // namespace wiresim::email
