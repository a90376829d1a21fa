#include "protocols/email/mail_world.hpp"

#include <nlohmann/json.hpp>

#include "protocols/email/mail_server.hpp"
#include "protocols/mail/message.hpp"

namespace wiresim::email {

MailServer* EmailWorld::server(NodeId node) const {
  auto it = servers_.find(node);
  return it == servers_.end() ? nullptr : it->second;
}

MailServer* EmailWorld::server_for(const std::string& domain) const {
  for (const auto& [node, s] : servers_)
    if (s->is_local_domain(domain)) return s;
  return nullptr;
}

const AgentState* EmailWorld::find_agent(NodeId host, const std::string& user) const {
  auto it = agents_.find({host, user});
  return it == agents_.end() ? nullptr : &it->second;
}

std::vector<Downloaded> EmailWorld::downloaded_on(NodeId host) const {
  std::vector<Downloaded> out;
  for (const auto& [key, state] : agents_)
    if (key.first == host) out.insert(out.end(), state.downloaded.begin(), state.downloaded.end());
  return out;
}

void EmailWorld::report(nlohmann::ordered_json& out) const {
  if (sent_.empty() && agents_.empty()) return;
  nlohmann::ordered_json mail = nlohmann::ordered_json::object();
  nlohmann::ordered_json sent = nlohmann::ordered_json::array();
  for (const SentLog& s : sent_)
    sent.push_back({{"host", s.host}, {"at_s", s.time.seconds()}, {"from", s.from}, {"rcpts", s.rcpts},
                    {"outcome", s.outcome}, {"reply", s.reply}});
  mail["sent"] = sent;
  nlohmann::ordered_json agents = nlohmann::ordered_json::array();
  for (const auto& [key, state] : agents_) {
    nlohmann::ordered_json messages = nlohmann::ordered_json::array();
    for (const Downloaded& d : state.downloaded) {
      const mail::ParsedMessage parsed = mail::parse_message(d.bytes);
      messages.push_back({{"at_s", d.time.seconds()},
                          {"protocol", d.protocol},
                          {"subject", mail::header_value(parsed.headers, "Subject").value_or("")},
                          {"octets", d.bytes.size()}});
    }
    agents.push_back({{"host", world_.net.node(key.first).name()}, {"user", key.second}, {"downloaded", messages}});
  }
  mail["agents"] = agents;
  out["mail"] = mail;
}

}  // namespace wiresim::email
