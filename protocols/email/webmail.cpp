// The webmail app: reads its table, listens on its port, runs one HTTP server session per
// connection with WebmailSite as the handler, and publishes what the site did as notes.
#include "protocols/email/webmail.hpp"

#include <nlohmann/json.hpp>

#include "protocols/email/mail_server.hpp"
#include "protocols/email/mail_trace.hpp"
#include "protocols/email/mail_world.hpp"
#include "protocols/http/message.hpp"
#include "protocols/mail/address.hpp"
#include "protocols/mail/date.hpp"
#include "protocols/mail/message.hpp"
#include "sim/scenario/registry.hpp"
#include "sim/scenario/table_reader.hpp"
#include "sim/trace/app_events.hpp"

namespace wiresim::email {

std::function<void()> make_webmail_browser(ActionContext& c);  // webmail_browser.cpp

Webmail::Webmail(AppContext& c) : world_(c.world), node_(c.node) {
  TableReader& t = c.table;
  mail_node_ = t.has("mail-server") ? t.node("mail-server") : node_;
  port_ = static_cast<std::uint16_t>(t.integer_or("port", 1, 65535, http::Port));
  MailServer* server = world_.service<EmailWorld>().server(mail_node_);
  if (!server)
    t.fail(t.has("mail-server") ? "mail-server" : "host",
           "'" + world_.net.node(mail_node_).name() +
               "' runs no mail-server app; give the webmail's store with mail-server = \"<node>\" and list that "
               "mail-server [[app]] before this one");
  if (auto clash = world_.claim_port(node_, "TCP", port_); !clash.empty()) t.fail("port", clash);
  WebmailSiteConfig config;
  config.domain = server->config().domain;
  config.submit = [server](const std::string& from, const std::vector<std::string>& rcpts, const std::string& data) {
    server->submit(from, rcpts, data);
  };
  config.is_local_domain = [server](const std::string& domain) { return server->is_local_domain(domain); };
  config.recipient_exists = [server](const std::string& address) {
    const std::string user = mail::local_part(address);
    return server->store().has_user(user) || server->config().lists.count(user) > 0 || mail::iequals(user, "postmaster");
  };
  site_ = std::make_unique<WebmailSite>(server->store(), std::move(config));
  world_.service<WebmailApps>().by_node[node_].push_back({port_, server->config().domain});
}

http::ServerConfig Webmail::server_config() {
  http::ServerConfig sc;
  sc.server_name = "wiresim-webmail";
  // RFC 9110 6.6.1: Date from simulated time, on the same epoch as the mail's Date fields.
  sc.date = [](Time now) { return http::imf_fixdate(mail::unix_seconds(now)); };
  sc.handler = [this](const http::Request& request, Time now) {
    http::Response response = site_->handle(request, now);
    publish_notes();
    return response;
  };
  sc.limits.max_body = 1'000'000;  // a form with a long message, not an upload service
  return sc;
}

void Webmail::publish_notes() {
  const std::string name = world_.net.node(node_).name();
  for (SiteNote& n : site_->take_notes())
    world_.sim.trace().publish(AppMessage{name, "http", "", std::move(n.text)});
}

void Webmail::on_event(const http::Event& e) {
  if (e.kind != http::EventKind::ProtocolError) return;
  publish_mail<ErrorTrace>(world_, node_, "http", "protocol-error", e.text);
}

void Webmail::start() {
  (void)world_.stack(node_).tcp.listen(port_, [this](TcpConnection& conn) {
    ++connections_;
    // Finished sessions go when the next one comes: never from inside their own callbacks.
    std::erase_if(sessions_, [](const auto& s) { return s->finished(); });
    auto s = std::make_unique<StreamSession<http::ServerSession>>(
        world_.sim, conn, StreamSessionOptions{world_.net.node(node_).name(), "http", "S"},
        [this](const http::Event& e) { on_event(e); }, nullptr, server_config());
    s->start_connected();
    sessions_.push_back(std::move(s));
  });
  listening_ = true;
}

void Webmail::stop() {
  if (listening_) world_.stack(node_).tcp.stop_listening(port_);
  listening_ = false;
}

std::vector<RealService> Webmail::real_services() {
  RealService service{"http", port_, nullptr};
  service.make_session = [this]() -> std::unique_ptr<RealSession> {
    ++connections_;
    return std::make_unique<RealEngineSession<http::ServerSession>>([this](const http::Event& e) { on_event(e); },
                                                                    server_config());
  };
  return {service};
}

void Webmail::report(nlohmann::ordered_json& out) const {
  const SiteCounters& c = site_->counters();
  out["app"] = "webmail";
  out["host"] = world_.net.node(node_).name();
  out["mail_server"] = world_.net.node(mail_node_).name();
  out["port"] = port_;
  out["connections"] = connections_;
  out["requests"] = c.requests;
  out["logins"] = c.logins;
  out["failed_logins"] = c.failed_logins;
  out["messages_read"] = c.pages_read;
  out["messages_sent"] = c.messages_sent;
}

void Webmail::inspect(nlohmann::ordered_json& out) const {
  report(out);
  std::size_t open = 0;
  for (const auto& s : sessions_) open += s->finished() ? 0 : 1;
  out["open_connections"] = open;
  // The cookie is all a browser shows to be logged in: whoever has it is that user.
  nlohmann::ordered_json logged_in = nlohmann::ordered_json::array();
  for (const auto& [cookie, user] : site_->logged_in()) logged_in.push_back({{"cookie", cookie}, {"user", user}});
  out["sessions"] = logged_in;
}

void register_webmail(Registry& registry) {
  registry.add_app("webmail", {"webmail: an HTTP server (80) with login, inbox, message pages and a send form, over a "
                               "mail-server's store",
                               [](AppContext& c) { return std::make_unique<Webmail>(c); }});
  registry.add_action("webmail", {"a browser logs in to a webmail server over HTTP, reads the inbox and messages "
                                  "(read = true) and/or sends one (send-to), then logs out",
                                  make_webmail_browser});
}

}  // namespace wiresim::email
