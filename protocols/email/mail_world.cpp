#include "protocols/email/mail_world.hpp"

#include <nlohmann/json.hpp>

#include "protocols/email/mail_server.hpp"
#include "protocols/mail/message.hpp"
#include "protocols/mime/encoded_word.hpp"

namespace wiresim::email {

std::string readable_field(std::string_view message, std::string_view name) {
  const mail::ParsedMessage parsed = mail::parse_message(message);
  std::string text = mime::decode_words(mail::header_value(parsed.headers, name).value_or(""));
  return mime::is_valid_utf8(text) ? text : mime::latin1_to_utf8(text);
}

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

namespace {

// Whether a mail server still holds a copy of what a user agent downloaded: the same bytes, or
// the same Message-ID (a copy filed into another folder, or a POP3 TOP of it), in any folder.
bool still_on_server(const std::map<NodeId, MailServer*>& servers, const Downloaded& d) {
  const std::string id = mail::header_value(mail::parse_message(d.bytes).headers, "Message-ID").value_or("");
  for (const auto& [node, server] : servers) {
    const mail::Store& store = server->store();
    if (!store.has_user(d.user)) continue;
    for (const std::string& name : store.folder_names(d.user))
      for (const mail::StoredMessage& m : store.folder(d.user, name)->messages) {
        if (m.bytes == d.bytes) return true;
        if (!id.empty() && mail::header_value(mail::parse_message(m.bytes).headers, "Message-ID") == id) return true;
      }
  }
  return false;
}

}  // namespace

void EmailWorld::inspect(nlohmann::ordered_json& out) const {
  if (agents_.empty()) return;
  nlohmann::ordered_json agents = nlohmann::ordered_json::array();
  for (const auto& [key, state] : agents_) {
    nlohmann::ordered_json messages = nlohmann::ordered_json::array();
    for (const Downloaded& d : state.downloaded) {
      nlohmann::ordered_json m;
      m["at_s"] = d.time.seconds();
      m["protocol"] = d.protocol;
      m["from"] = readable_field(d.bytes, "From");
      m["subject"] = readable_field(d.bytes, "Subject");
      m["octets"] = d.bytes.size();
      m["on_server"] = still_on_server(servers_, d) ? "kept" : "deleted";
      messages.push_back(std::move(m));
    }
    nlohmann::ordered_json agent;
    agent["host"] = world_.net.node(key.first).name();
    agent["user"] = key.second;
    // POP3 download-and-keep: the UIDs it will not fetch again.
    agent["seen_uidls"] = std::vector<std::string>(state.seen_uidls.begin(), state.seen_uidls.end());
    agent["messages"] = std::move(messages);
    agents.push_back(std::move(agent));
  }
  out["mail_agents"] = agents;
}

}  // namespace wiresim::email
