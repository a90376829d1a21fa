// E-mail state kept once per world: the mail servers by node (so user agents, expectations and
// the report find their stores), and what each user agent holds: messages it downloaded, the
// POP3 UIDs it has seen (download-and-keep), its open IMAP sessions.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/world.hpp"

namespace wiresim::email {

class MailServer;

// One message as a user agent got it.
struct Downloaded {
  Time time{};
  std::string protocol;  // "pop3", "imap", "http"
  std::string user;
  std::string bytes;
};

// What one user agent (a host, for one user) keeps between sessions.
struct AgentState {
  std::set<std::string> seen_uidls;
  std::vector<Downloaded> downloaded;
};

// A line of the report's "mail.sent": one submission by a user agent.
struct SentLog {
  Time time{};
  std::string host, from;
  std::vector<std::string> rcpts;
  std::string outcome;  // "delivered", "temporary-failure", "permanent-failure"
  std::string reply;
};

// A header field of a message as a person reads it, for the desktop view: encoded words
// decoded, and always valid UTF-8 (raw 8-bit text is taken as Latin-1); "" without the field.
std::string readable_field(std::string_view message, std::string_view name);

class EmailWorld : public WorldService {
 public:
  explicit EmailWorld(World& world) : world_(world) {}
  void report(nlohmann::ordered_json& out) const override;
  // "mail_agents": what each user agent holds, message by message, and whether the server
  // still keeps each one.
  void inspect(nlohmann::ordered_json& out) const override;

  void add_server(NodeId node, MailServer* server) { servers_[node] = server; }
  MailServer* server(NodeId node) const;
  // The server whose domains include `domain`, or null.
  MailServer* server_for(const std::string& domain) const;
  const std::map<NodeId, MailServer*>& servers() const { return servers_; }

  AgentState& agent(NodeId host, const std::string& user) { return agents_[{host, user}]; }
  const AgentState* find_agent(NodeId host, const std::string& user) const;
  std::vector<Downloaded> downloaded_on(NodeId host) const;

  void log_sent(SentLog log) { sent_.push_back(std::move(log)); }
  const std::vector<SentLog>& sent() const { return sent_; }

 private:
  World& world_;
  std::map<NodeId, MailServer*> servers_;
  std::map<std::pair<NodeId, std::string>, AgentState> agents_;
  std::vector<SentLog> sent_;
};

}  // namespace wiresim::email
