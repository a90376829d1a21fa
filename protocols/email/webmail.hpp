// The webmail app (an HTTP server in front of a mail server's store, WebmailSite's pages over
// simulated TCP) and the `webmail` action (a browser). The app reads the store directly, as a
// webmail running beside its mail server may; IMAP and SMTP between them are not modelled.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "protocols/email/webmail_site.hpp"
#include "protocols/http/server_session.hpp"
#include "sim/scenario/app.hpp"
#include "sim/scenario/stream_session.hpp"
#include "sim/scenario/world.hpp"

namespace wiresim {
class Registry;
}

namespace wiresim::email {

class MailServer;

// The webmail apps of a world by node, so a browser action can check its `server` at load.
struct WebmailApps : WorldService {
  explicit WebmailApps(World&) {}
  struct Entry {
    std::uint16_t port = 80;
    std::string domain;  // the mail domain its users' addresses are in
  };
  std::map<NodeId, std::vector<Entry>> by_node;
};

class Webmail : public App {
 public:
  explicit Webmail(AppContext& c);
  void start() override;
  void stop() override;
  void report(nlohmann::ordered_json& out) const override;
  // The report, plus the HTTP connections open now and the logged-in sessions by cookie.
  void inspect(nlohmann::ordered_json& out) const override;
  std::vector<RealService> real_services() override;

  const WebmailSite& site() const { return *site_; }

 private:
  http::ServerConfig server_config();
  void on_event(const http::Event& e);
  void publish_notes();

  World& world_;
  NodeId node_;
  NodeId mail_node_;
  std::uint16_t port_ = 80;
  std::unique_ptr<WebmailSite> site_;
  std::vector<std::unique_ptr<AnyStreamSession>> sessions_;
  std::uint64_t connections_ = 0;
  bool listening_ = false;
};

// Adds the `webmail` app type and the `webmail` browser action.
void register_webmail(Registry& registry);

}  // namespace wiresim::email
