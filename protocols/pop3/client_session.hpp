// The POP3 client side of one connection, as a mail reader runs it (RFC 1939 10): greeting,
// CAPA, USER/PASS or APOP, STAT, LIST, UIDL, RETR (or TOP) and DELE per message, QUIT. One
// command at a time. "Download and delete" or "download and keep" (new mail found by UIDL).
// Leaves out pipelining, SASL, STLS and resuming an interrupted download.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/mail/dot_stuffing.hpp"
#include "protocols/pop3/events.hpp"
#include "protocols/pop3/line_splitter.hpp"
#include "sim/core/time.hpp"

namespace wiresim::pop3 {

enum class Mode {
  DownloadAndDelete,  // RETR and DELE every message: the maildrop is empty after QUIT
  DownloadAndKeep,    // RETR only the messages whose UIDL is new, delete nothing
};

struct ClientConfig {
  std::string user;
  std::string password;
  bool use_apop = false;  // APOP with the greeting's timestamp instead of USER/PASS
  Mode mode = Mode::DownloadAndDelete;
  std::set<std::string> already_seen_uidls;  // keep mode: what earlier sessions retrieved
  // A headers-only preview: TOP msg n instead of RETR; previewed messages are neither deleted
  // nor counted as seen.
  std::optional<std::uint64_t> top_lines;
  bool send_capa = true;  // RFC 2449 5: ask for the capability list first
  Duration reply_timeout = seconds(60);
  std::size_t max_message_size = 10 * 1024 * 1024;  // a longer multi-line reply ends the session
};

struct RetrievedMessage {
  std::size_t number = 0;     // the message number in that session
  std::string uidl;           // empty when the session did not ask for UIDL
  std::string bytes;          // dot-unstuffed, CRLF line ends
  bool headers_only = false;  // got with TOP
};

class ClientSession {
 public:
  // The reply the session waits for: named after the command sent.
  enum class Step { Greeting, Capa, User, Pass, Apop, Stat, List, Uidl, Retr, Top, Dele, Quit, Done };

  explicit ClientSession(ClientConfig config);

  void on_connected(Time now);
  void on_bytes(std::string_view data, Time now);
  void on_closed(Time now);
  void on_timer(Time now);
  std::string take_outgoing();
  std::vector<Event> take_events();
  std::optional<Time> wake_at() const;
  bool wants_close() const { return step_ == Step::Done; }

  Step step() const { return step_; }
  const std::vector<RetrievedMessage>& messages() const { return messages_; }
  // The UIDLs seen so far, those of this session's retrievals added: the caller keeps them
  // for the next session in keep mode.
  const std::set<std::string>& seen_uidls() const { return seen_; }
  const std::vector<std::string>& capabilities() const { return capabilities_; }
  std::size_t retrieved() const { return retrieved_; }
  std::size_t deleted() const { return deleted_; }

 private:
  void send(std::string line, Step next, Time now);
  void handle_status(const Line& line, Time now);
  void handle_reply(bool ok, const std::string& status, std::string body, Time now);
  bool multiline(Step step) const;

  void log_in(Time now);
  void parse_listing(const std::string& body, Time now);
  void choose_messages(Time now);
  void next_message(Time now);
  void retrieved(std::string body, Time now);
  void error(std::string text);
  void protocol_error(std::string_view expected, std::string_view got);
  void finish(std::string text);

  ClientConfig config_;
  Step step_ = Step::Greeting;
  bool connected_ = false;
  LineSplitter lines_;
  mail::DotUnstuffer body_;
  bool in_body_ = false;
  std::string status_;  // the +OK line of the multi-line reply being read
  std::string outgoing_;
  std::vector<Event> events_;
  std::optional<Time> deadline_;

  std::string timestamp_;  // the greeting's APOP timestamp
  std::vector<std::string> capabilities_;
  std::vector<std::pair<std::size_t, std::size_t>> listing_;  // LIST: number, octets
  std::map<std::size_t, std::string> uidls_;                  // UIDL: number -> unique-id
  std::vector<std::size_t> to_fetch_;
  std::size_t next_ = 0;     // index into to_fetch_
  std::size_t current_ = 0;  // the message number of the RETR/TOP/DELE in flight
  std::vector<RetrievedMessage> messages_;
  std::set<std::string> seen_;
  std::size_t retrieved_ = 0;
  std::size_t deleted_ = 0;
};

std::string_view to_string(ClientSession::Step step);  // "RETR", "greeting", "done"

}  // namespace wiresim::pop3
