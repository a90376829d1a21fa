// The IMAP4rev1 client engine for scenario actions: queues commands ("SELECT INBOX"), tags them
// a1, a2, ..., sends one at a time (waiting for "+" before each synchronizing literal), parses
// every response and keeps the selected mailbox's view (EXISTS, RECENT, flags per message).
// Leaves out pipelining, IDLE and SASL mechanisms (a scenario sends AUTHENTICATE lines itself).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocols/imap/events.hpp"
#include "protocols/imap/framer.hpp"
#include "sim/core/time.hpp"

namespace wiresim::imap {

struct ClientConfig {
  std::size_t max_line = 65536;             // responses are longer than commands (SEARCH results)
  std::uint64_t max_literal = 50ull << 20;
};

// What the client knows of its selected mailbox from the responses (RFC 3501 7.3, 7.4).
struct ClientMailbox {
  std::string name;               // from the last successful SELECT / EXAMINE
  bool read_only = false;
  std::uint32_t exists = 0, recent = 0, uid_validity = 0, uid_next = 0;
  std::map<std::uint32_t, std::string> flags;  // sequence number -> "(\Seen)" as last told
};

class ClientSession {
 public:
  explicit ClientSession(ClientConfig config = {});

  // Queues a command without its tag. Literals may be embedded ("APPEND Sent {5}\r\nhello");
  // the overload appends " {n}" and the literal to the command. Returns the tag it will get.
  std::string request(std::string command);
  std::string request(std::string command, std::string_view literal);

  void on_connected(Time now);
  void on_bytes(std::string_view data, Time now);
  void on_closed(Time now);
  void on_timer(Time) {}
  std::string take_outgoing() { return std::exchange(outgoing_, {}); }
  std::vector<Event> take_events() { return std::exchange(events_, {}); }
  std::optional<Time> wake_at() const { return std::nullopt; }
  bool wants_close() const { return closing_ && !in_flight_; }

  bool busy() const { return in_flight_.has_value() || !queue_.empty(); }
  bool greeted() const { return greeted_; }
  const ClientMailbox& mailbox() const { return mailbox_; }

 private:
  struct Pending {
    std::string tag;
    std::string command;              // without tag, literal data left out
    std::vector<std::string> chunks;  // what to send: the first now, each next one after a "+"
    std::size_t sent = 0;
    std::vector<std::string> untagged;
    std::vector<std::string> literals;
  };

  void send_next();
  void handle_response(const std::string& text);
  void track_mailbox(const std::string& line);
  void error(std::string text);

  ClientConfig config_;
  Framer framer_;
  std::deque<Pending> queue_;
  std::optional<Pending> in_flight_;
  std::string outgoing_;
  std::vector<Event> events_;
  ClientMailbox mailbox_;
  std::optional<ClientMailbox> selecting_;  // the view being built by a SELECT in flight
  std::uint32_t next_tag_ = 1;
  bool connected_ = false;
  bool greeted_ = false;
  bool closing_ = false;
};

}  // namespace wiresim::imap
