#include "protocols/tools/telnet_client.hpp"

#include <utility>

namespace wiresim::tools {

TelnetClient::TelnetClient(std::vector<std::string> lines, Duration quiet, bool wait_for_greeting)
    : lines_(std::move(lines)), quiet_(quiet), wait_for_greeting_(wait_for_greeting) {}

void TelnetClient::on_connected(Time now) {
  if (!wait_for_greeting_) next_send_ = now;
}

void TelnetClient::on_bytes(std::string_view data, Time now) {
  received_.append(data);
  // Every piece of the reply pushes the next line back: a multi-line reply arrives whole first.
  if (!done_) next_send_ = now + quiet_;
}

void TelnetClient::on_closed(Time) {
  closed_ = true;
  next_send_.reset();
  if (!done_) events_.push_back({TelnetEvent::Kind::Finished, "connection closed by the server"});
  done_ = true;
}

void TelnetClient::on_timer(Time now) {
  next_send_.reset();
  send_next(now);
}

void TelnetClient::send_next(Time now) {
  if (done_) return;
  if (next_ >= lines_.size()) {
    // Everything typed and answered: hang up, as closing the telnet window would.
    done_ = true;
    events_.push_back({TelnetEvent::Kind::Finished, "all lines sent"});
    return;
  }
  const std::string& line = lines_[next_++];
  outgoing_ += line;
  outgoing_ += "\r\n";
  events_.push_back({TelnetEvent::Kind::Sent, line});
  // A line the server does not answer (HTTP's blank line is answered, a command is) still lets
  // the next one go after the quiet time.
  next_send_ = now + quiet_;
}

std::string TelnetClient::take_outgoing() { return std::exchange(outgoing_, {}); }
std::vector<TelnetEvent> TelnetClient::take_events() { return std::exchange(events_, {}); }

}  // namespace wiresim::tools
