// A domain's mail server, with the roles the lecture separates: the MTA (SMTP on port 25,
// receiving for its domains and relaying outward through its queue and MX lookups), the MSA
// (port 587, AUTH required), the MDA (storing into mailboxes), and mailbox access by POP3
// (port 110) and IMAP (port 143). One store behind all of them.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocols/email/mta_queue.hpp"
#include "protocols/imap/server_session.hpp"
#include "protocols/pop3/server_session.hpp"
#include "protocols/smtp/server_session.hpp"
#include "protocols/mail/store.hpp"
#include "sim/scenario/app.hpp"
#include "sim/scenario/stream_session.hpp"
#include "sim/scenario/world.hpp"

namespace wiresim::email {

constexpr std::uint16_t SmtpPort = 25;        // RFC 5321
constexpr std::uint16_t SubmissionPort = 587;  // RFC 6409
constexpr std::uint16_t Pop3Port = 110;        // RFC 1939
constexpr std::uint16_t ImapPort = 143;        // RFC 3501

struct MailServerConfig {
  std::string domain;                       // "hamburger.edu": the greeting, and the mail it keeps
  std::vector<std::string> other_domains;   // more domains it receives mail for
  std::map<std::string, std::vector<std::string>> lists;  // "staff" -> members (EXPN)
  std::set<std::string> services{"smtp", "submission", "pop3", "imap"};
  std::size_t max_message_size = 10'240'000;
  bool eight_bit_mime = true;
  bool pipelining = true;
  bool down = false;  // answers 421 and closes, as a server that is out of service
  bool ehlo = true;   // the MTA greets other servers with EHLO; false: HELO, as the textbook shows
  // "MAIL FROM: <a@b>" as the textbook prints it; RFC 5321 4.1.2 has no space (the default).
  bool space_after_colon = false;
  // POP3 answers with the textbook's texts ("+OK user successfully logged on"), not ours.
  bool textbook_replies = false;
  QueueConfig queue;
};

class Outbound;

class MailServer : public App {
 public:
  explicit MailServer(AppContext& c);
  ~MailServer() override;
  void start() override;
  void stop() override;
  void report(nlohmann::ordered_json& out) const override;
  // The report's counters, then every mailbox's messages with their flags and the MTA queue
  // with each delivery's state and next retry.
  void inspect(nlohmann::ordered_json& out) const override;
  std::vector<RealService> real_services() override;

  mail::Store& store() { return store_; }
  const mail::Store& store() const { return store_; }
  const MailServerConfig& config() const { return config_; }
  NodeId node() const { return node_; }
  bool is_local_domain(const std::string& domain) const;
  // Stores a message in local users' INBOXes (lists expanded), as the MDA; returns, per
  // recipient, whether it was delivered.
  std::vector<RecipientOutcome> deliver_locally(const std::string& mail_from, const std::vector<std::string>& rcpts,
                                                const std::string& data);
  void set_down(bool down) { config_.down = down; }
  // Takes a message as the MSA would (local recipients stored, the others queued for relay):
  // for services on this host that compose mail themselves, such as webmail.
  void submit(const std::string& mail_from, const std::vector<std::string>& rcpts, const std::string& data) {
    message_accepted(SubmissionPort, mail_from, rcpts, data);
  }

 private:
  void accept(TcpConnection& conn, std::uint16_t port);
  smtp::ServerConfig smtp_config(std::uint16_t port, const std::string& client_address);
  pop3::ServerConfig pop3_config();
  imap::ServerConfig imap_config();
  void on_smtp_event(std::uint16_t port, const smtp::Event& e);
  void on_pop3_event(const pop3::Event& e);
  void on_imap_event(const imap::Event& e);
  void message_accepted(std::uint16_t port, const std::string& mail_from, const std::vector<std::string>& rcpts,
                        const std::string& data);
  void run_queue();
  void attempt(std::vector<std::uint64_t> deliveries);  // all for one domain: one connection
  void send_bounces();
  void keep(std::unique_ptr<AnyStreamSession> session);
  void note(const std::string& layer, const std::string& event, const std::string& text);

  World& world_;
  NodeId node_;
  MailServerConfig config_;
  mail::Store store_;
  MtaQueue queue_;
  std::optional<EventId> queue_timer_;
  std::vector<std::unique_ptr<AnyStreamSession>> sessions_;
  // Attempts in flight, by delivery. shared_ptr: Outbound is complete only in outbound.cpp.
  std::map<std::uint64_t, std::shared_ptr<Outbound>> attempts_;
  std::uint64_t connections_ = 0;
  std::uint64_t queue_ids_ = 0;  // the "id" in Received: headers, unique on this server
  std::uint64_t received_ = 0, relayed_ = 0, delivered_locally_ = 0, bounced_ = 0;
  std::vector<std::uint16_t> listening_;
  friend class Outbound;
};

}  // namespace wiresim::email
