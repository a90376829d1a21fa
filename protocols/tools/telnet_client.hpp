// The engine behind the `telnet` action: types lines at a text protocol as a student would in
// `telnet hamburger.edu 25`: waits for the server to speak, then sends its next line once the
// server has been quiet for a moment. Knows nothing of SMTP, POP3, IMAP, HTTP or FTP.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.hpp"

namespace wiresim::tools {

struct TelnetEvent {
  enum class Kind { Sent, Finished } kind = Kind::Sent;
  std::string text;
};

class TelnetClient {
 public:
  // `quiet`: how long the server must stay silent before the next line goes. `greeting`: wait
  // for the server to speak first (SMTP, POP3, IMAP, FTP) or send at once (HTTP).
  TelnetClient(std::vector<std::string> lines, Duration quiet, bool wait_for_greeting);

  void on_connected(Time now);
  void on_bytes(std::string_view data, Time now);
  void on_closed(Time now);
  void on_timer(Time now);
  std::string take_outgoing();
  std::vector<TelnetEvent> take_events();
  std::optional<Time> wake_at() const { return next_send_; }
  bool wants_close() const { return done_; }

  const std::string& received() const { return received_; }

 private:
  void send_next(Time now);

  std::vector<std::string> lines_;
  std::size_t next_ = 0;
  Duration quiet_;
  bool wait_for_greeting_;
  std::optional<Time> next_send_;
  std::string outgoing_, received_;
  std::vector<TelnetEvent> events_;
  bool done_ = false, closed_ = false;
};

}  // namespace wiresim::tools
