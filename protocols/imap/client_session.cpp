// The client: command chunks split at synchronizing literals, responses framed with their
// literals, and the selected mailbox's counters kept from EXISTS / EXPUNGE / FETCH (FLAGS).
#include "protocols/imap/client_session.hpp"

#include <charconv>

#include "protocols/imap/syntax.hpp"

namespace wiresim::imap {
namespace {

std::optional<std::uint32_t> leading_number(std::string_view text, std::string_view* rest) {
  std::uint32_t n = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc()) return std::nullopt;
  *rest = text.substr(static_cast<std::size_t>(ptr - text.data()));
  return n;
}

std::optional<std::uint32_t> code_number(std::string_view line, std::string_view code) {
  const std::size_t at = line.find(code);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest;
  return leading_number(line.substr(at + code.size()), &rest);
}

}  // namespace

ClientSession::ClientSession(ClientConfig config)
    : config_(config), framer_(config_.max_line, config_.max_literal, false) {}

std::string ClientSession::request(std::string command, std::string_view literal) {
  command += " {";
  command += std::to_string(literal.size());
  command += "}\r\n";
  command += literal;
  return request(std::move(command));
}

std::string ClientSession::request(std::string command) {
  Pending p;
  p.tag = "a";
  p.tag += std::to_string(next_tag_++);  // not "a" + ...: GCC 12 warns falsely (-Wrestrict, bug 105651)
  p.command = split_literals(command, nullptr);
  // Cut the wire text after every synchronizing literal marker: the rest waits for "+".
  const std::string wire = p.tag + " " + command + "\r\n";
  std::size_t chunk_start = 0, pos = 0;
  while (true) {
    const std::size_t crlf = wire.find("\r\n", pos);
    if (crlf == std::string::npos || crlf + 2 == wire.size()) break;
    const std::size_t open = wire.rfind('{', crlf);
    std::uint64_t n = 0;
    for (std::size_t i = open + 1; i < crlf && wire[i] >= '0' && wire[i] <= '9'; ++i) n = n * 10 + (wire[i] - '0');
    const bool synchronizing = wire[crlf - 2] != '+';
    if (synchronizing) {
      p.chunks.push_back(wire.substr(chunk_start, crlf + 2 - chunk_start));
      chunk_start = crlf + 2;
    }
    pos = crlf + 2 + static_cast<std::size_t>(std::min<std::uint64_t>(n, wire.size() - crlf - 2));
  }
  p.chunks.push_back(wire.substr(chunk_start));
  const std::string tag = p.tag;
  queue_.push_back(std::move(p));
  send_next();
  return tag;
}

void ClientSession::on_connected(Time) { connected_ = true; }

void ClientSession::on_bytes(std::string_view data, Time) {
  framer_.feed(data);
  while (auto frame = framer_.next()) {
    if (frame->kind == Frame::Kind::Complete) {
      handle_response(frame->text);
    } else {
      error("imap client: response line or literal over the limit, starting \"" + quote_for_error(frame->text) + "\"");
    }
  }
}

void ClientSession::on_closed(Time) {
  connected_ = false;
  closing_ = true;
  Event e;
  e.kind = EventKind::Closed;
  e.text = in_flight_ ? "connection closed while " + in_flight_->tag + " " + in_flight_->command + " was in flight"
                      : "connection closed";
  in_flight_.reset();
  queue_.clear();
  events_.push_back(std::move(e));
}

void ClientSession::error(std::string text) {
  Event e;
  e.kind = EventKind::ProtocolError;
  e.text = std::move(text);
  events_.push_back(std::move(e));
}

void ClientSession::send_next() {
  if (!connected_ || !greeted_ || closing_ || in_flight_ || queue_.empty()) return;
  in_flight_ = std::move(queue_.front());
  queue_.pop_front();
  outgoing_ += in_flight_->chunks[0];
  in_flight_->sent = 1;
  if (upper(in_flight_->command.substr(0, 7)) == "SELECT " || upper(in_flight_->command.substr(0, 8)) == "EXAMINE ")
    selecting_.emplace();
}

void ClientSession::handle_response(const std::string& text) {
  std::vector<std::string> literals;
  const std::string line = split_literals(text, &literals);
  if (line.rfind("+", 0) == 0) {
    // RFC 3501 7.5: go ahead with the literal (or, in AUTHENTICATE, a challenge).
    if (in_flight_ && in_flight_->sent < in_flight_->chunks.size()) {
      outgoing_ += in_flight_->chunks[in_flight_->sent++];
    } else {
      Event e;
      e.kind = EventKind::Untagged;
      e.text = line;
      events_.push_back(std::move(e));
    }
    return;
  }
  if (line.rfind("* ", 0) == 0) {
    if (!greeted_) {
      greeted_ = true;
      if (line.rfind("* BYE", 0) == 0) closing_ = true;
    } else if (line.rfind("* BYE", 0) == 0) {
      closing_ = true;
    }
    track_mailbox(line);
    if (in_flight_) {
      in_flight_->untagged.push_back(line);
      for (const std::string& l : literals) in_flight_->literals.push_back(l);
    }
    Event e;
    e.kind = EventKind::Untagged;
    e.text = "S: " + line;
    e.literals = std::move(literals);
    events_.push_back(std::move(e));
    send_next();
    return;
  }
  const std::size_t space = line.find(' ');
  if (!in_flight_ || space == std::string::npos || line.substr(0, space) != in_flight_->tag) {
    error("imap client: expected an untagged response or the completion of " +
          (in_flight_ ? in_flight_->tag : std::string("no command")) + ", got \"" + quote_for_error(line) + "\"");
    return;
  }
  const std::size_t status_end = line.find(' ', space + 1);
  Event e;
  e.kind = EventKind::Completed;
  e.tag = in_flight_->tag;
  e.command = in_flight_->command;
  e.status = upper(line.substr(space + 1, status_end == std::string::npos ? std::string::npos : status_end - space - 1));
  e.text = line;
  e.untagged = std::move(in_flight_->untagged);
  e.literals = std::move(in_flight_->literals);
  if (selecting_) {
    if (e.status == "OK") {
      mailbox_ = std::move(*selecting_);
      const std::size_t name_at = e.command.find(' ');
      mailbox_.name = name_at == std::string::npos ? "" : e.command.substr(name_at + 1);
      mailbox_.read_only = line.find("[READ-ONLY]") != std::string::npos;
    } else {
      mailbox_ = {};  // RFC 3501 6.3.1: a failed SELECT leaves no mailbox selected
    }
    selecting_.reset();
  }
  in_flight_.reset();
  events_.push_back(std::move(e));
  send_next();
}

void ClientSession::track_mailbox(const std::string& line) {
  ClientMailbox& box = selecting_ ? *selecting_ : mailbox_;
  std::string_view rest = std::string_view(line).substr(2);
  if (const auto n = leading_number(rest, &rest)) {
    if (rest == " EXISTS") box.exists = *n;
    else if (rest == " RECENT") box.recent = *n;
    else if (rest == " EXPUNGE") {
      // RFC 3501 7.4.1: every later message moves down by one.
      if (box.exists > 0) --box.exists;
      std::map<std::uint32_t, std::string> shifted;
      for (auto& [seq, flags] : box.flags)
        if (seq != *n) shifted[seq > *n ? seq - 1 : seq] = std::move(flags);
      box.flags = std::move(shifted);
    } else if (rest.rfind(" FETCH (", 0) == 0) {
      const std::size_t at = rest.find("FLAGS (");
      const std::size_t close = at == std::string_view::npos ? at : rest.find(')', at);
      if (close != std::string_view::npos) box.flags[*n] = std::string(rest.substr(at + 6, close - at - 5));
    }
    return;
  }
  if (const auto v = code_number(line, "[UIDVALIDITY ")) box.uid_validity = *v;
  if (const auto v = code_number(line, "[UIDNEXT ")) box.uid_next = *v;
}

}  // namespace wiresim::imap
