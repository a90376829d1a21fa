// The client's rules: how each user command becomes protocol commands, which reply moves it on,
// and when a transfer is over (its 226 came and its data connection closed, in either order).
#include "protocols/ftp/client_session.hpp"

#include <cctype>
#include <cstdio>
#include <utility>

#include "protocols/ftp/command.hpp"

namespace wiresim::ftp {
namespace {

// RFC 959 sets no limit on a reply line; 1024 octets is ours. A multi-line reply over
// MaxReplyLines lines ends the session.
constexpr std::size_t MaxReplyLine = 1024;
constexpr std::size_t MaxReplyLines = 200;

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  while (!line.empty()) {
    const std::size_t space = line.find(' ');
    if (space != 0) out.emplace_back(line.substr(0, space));
    if (space == std::string_view::npos) break;
    line.remove_prefix(space + 1);
  }
  return out;
}

// The text after the first `n` words: "put a.txt hello world" with n = 2 gives "hello world".
std::string after_words(std::string_view line, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    while (line.starts_with(' ')) line.remove_prefix(1);
    const std::size_t space = line.find(' ');
    line = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
  }
  return std::string(line);
}

std::string base_name(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// "1234 bytes received in 0.02 secs (60.3 kB/s)", as BSD ftp prints it (kB of 1024 octets).
std::string transfer_summary(std::uint64_t bytes, std::string_view verb, Duration took) {
  char text[128];
  const double secs = took.seconds();
  if (took.ns > 0) {
    std::snprintf(text, sizeof text, "%llu bytes %.*s in %.2f secs (%.1f kB/s)",
                  static_cast<unsigned long long>(bytes), static_cast<int>(verb.size()), verb.data(), secs,
                  static_cast<double>(bytes) / 1024.0 / secs);
  } else {
    std::snprintf(text, sizeof text, "%llu bytes %.*s in 0.00 secs", static_cast<unsigned long long>(bytes),
                  static_cast<int>(verb.size()), verb.data());
  }
  return text;
}

}  // namespace

std::string_view to_string(ClientSession::Step step) {
  switch (step) {
    case ClientSession::Step::Greeting:
      return "greeting";
    case ClientSession::Step::Idle:
      return "idle";
    case ClientSession::Step::User:
      return "USER";
    case ClientSession::Step::Pass:
      return "PASS";
    case ClientSession::Step::Syst:
      return "SYST";
    case ClientSession::Step::TypeAfterLogin:
      return "TYPE";
    case ClientSession::Step::Simple:
      return "command";
    case ClientSession::Step::Rnfr:
      return "RNFR";
    case ClientSession::Step::Pasv:
      return "PASV";
    case ClientSession::Step::DataConnect:
      return "data connection";
    case ClientSession::Step::Port:
      return "PORT";
    case ClientSession::Step::Transfer:
      return "RETR/STOR/LIST";
    case ClientSession::Step::Abort:
      return "ABOR";
    case ClientSession::Step::Quit:
      return "QUIT";
    case ClientSession::Step::Done:
      return "done";
  }
  return "done";
}

ClientSession::ClientSession(ClientConfig config)
    : config_(std::move(config)), lines_(MaxReplyLine) {
  passive_ = config_.passive;
  next_active_port_ = config_.first_active_port;
  for (const std::string& line : config_.script) script_.push_back(line);
  // "open HOST" first only names the host: the adapter has made the connection by then.
  if (!script_.empty()) {
    const std::vector<std::string> first = words(script_.front());
    if (!first.empty() && first[0] == "open") {
      if (first.size() > 1) config_.server_name = first[1];
      script_.pop_front();
    }
  }
}

void ClientSession::request(std::string command_line) {
  script_.push_back(std::move(command_line));
}

bool ClientSession::abort_transfer(Time now) {
  if (!job_ || (step_ != Step::Transfer && step_ != Step::DataConnect)) return false;
  print("^C");
  // BSD ftp sends Telnet IP and Synch before ABOR; our server drops Telnet commands anyway, so
  // the plain line shows the same dialogue. The data connection stays: the server resets it.
  data_failed_ = true;
  abort_replies_due_ = step_ == Step::Transfer && !reply_done_ ? 2 : 1;
  send("ABOR", Step::Abort, now);
  return true;
}

void ClientSession::on_connected(Time now) {
  print("Connected to " + config_.server_name + ".");
  deadline_ = now + config_.reply_timeout;
}

void ClientSession::on_bytes(std::string_view data, Time now) {
  if (step_ == Step::Done) return;
  lines_.append(data);
  while (step_ != Step::Done) {
    std::optional<Line> line = lines_.next();
    if (!line) break;
    if (line->too_long) {
      protocol_error("a reply line of at most 1024 octets", quote(line->text));
      continue;
    }
    const std::string& text = line->text;
    const bool has_code = text.size() >= 3 && std::isdigit(static_cast<unsigned char>(text[0])) &&
                          std::isdigit(static_cast<unsigned char>(text[1])) &&
                          std::isdigit(static_cast<unsigned char>(text[2]));
    if (reply_lines_.empty()) {
      // RFC 959 4.2: "ddd text" is a whole reply; "ddd-text" opens a multi-line one.
      if (!has_code || (text.size() > 3 && text[3] != ' ' && text[3] != '-')) {
        protocol_error("a reply starting with a three-digit code", quote(text));
        continue;
      }
      reply_lines_.push_back(text);
      if (text.size() > 3 && text[3] == '-') continue;
    } else {
      reply_lines_.push_back(text);
      // RFC 959 4.2: the last line repeats the code followed by a space.
      const bool last = text.size() >= 4 && text.compare(0, 3, reply_lines_.front(), 0, 3) == 0 && text[3] == ' ';
      if (!last) {
        if (reply_lines_.size() > MaxReplyLines) {
          protocol_error("a multi-line reply of at most 200 lines", quote(reply_lines_.front()));
          step_ = Step::Done;
          events_.push_back(make_event(EventKind::SessionEnded, "reply too long"));
        }
        continue;
      }
    }
    std::vector<std::string> reply = std::exchange(reply_lines_, {});
    const int code = std::stoi(reply.front().substr(0, 3));
    handle_reply(code, reply, now);
  }
}

void ClientSession::on_closed(Time) {
  if (step_ == Step::Done) return;
  if (step_ != Step::Quit) print("421 Service not available, remote server has closed connection");
  if (job_ && (data_open_ || step_ == Step::Port)) data_action(DataAction{DataAction::Kind::Abort, 0, 0, 0, {}});
  step_ = Step::Done;
  deadline_.reset();
  events_.push_back(make_event(EventKind::SessionEnded, "control connection closed"));
}

void ClientSession::on_timer(Time now) {
  if (step_ == Step::Done || step_ == Step::Idle || !deadline_ || now < *deadline_) return;
  error("no reply to " + std::string(to_string(step_)) + " within " + format_duration(config_.reply_timeout));
  if (job_) data_action(DataAction{DataAction::Kind::Abort, 0, 0, 0, {}});
  step_ = Step::Done;
  deadline_.reset();
  events_.push_back(make_event(EventKind::SessionEnded, "server silent, giving up"));
}

std::string ClientSession::take_outgoing() { return std::exchange(outgoing_, {}); }
std::vector<Event> ClientSession::take_events() { return std::exchange(events_, {}); }
std::vector<DataAction> ClientSession::take_data_actions() { return std::exchange(data_actions_, {}); }

std::optional<Time> ClientSession::wake_at() const {
  if (step_ == Step::Done || step_ == Step::Idle) return std::nullopt;
  return deadline_;
}

// ---- User commands ----

void ClientSession::next_command(Time now) {
  step_ = Step::Idle;
  deadline_.reset();
  while (step_ == Step::Idle && !script_.empty()) {
    const std::string line = std::move(script_.front());
    script_.pop_front();
    print("ftp> " + line);
    start_command(line, now);
  }
}

bool ClientSession::start_command(const std::string& line, Time now) {
  const std::vector<std::string> w = words(line);
  if (w.empty()) return false;
  const std::string& verb = w[0];
  auto need = [&](std::size_t n, std::string_view usage) {
    if (w.size() >= n + 1) return true;
    print("usage: " + std::string(usage));
    return false;
  };
  if (verb == "open") {
    print("Already connected to " + config_.server_name + ", use close first.");
  } else if (verb == "user") {
    if (!need(1, "user username [password]")) return false;
    password_ = w.size() > 2 ? w[2] : "";
    send("USER " + w[1], Step::User, now);
  } else if (verb == "cd") {
    if (!need(1, "cd remote-directory")) return false;
    send("CWD " + w[1], Step::Simple, now);
  } else if (verb == "cdup") {
    send("CDUP", Step::Simple, now);
  } else if (verb == "pwd") {
    send("PWD", Step::Simple, now);
  } else if (verb == "ls" || verb == "dir" || verb == "nlist") {
    Job job;
    job.verb = verb;
    job.direction = Direction::Listing;
    job.transfer_line = verb == "nlist" ? "NLST" : "LIST";
    if (w.size() > 1) job.transfer_line += " " + w[1];
    start_transfer(std::move(job), now);
  } else if (verb == "get" || verb == "recv") {
    if (!need(1, "get remote-file [local-file]")) return false;
    Job job;
    job.verb = "get";
    job.remote = w[1];
    job.local = w.size() > 2 ? w[2] : base_name(w[1]);
    job.direction = Direction::Download;
    job.transfer_line = "RETR " + w[1];
    print("local: " + job.local + " remote: " + job.remote);
    start_transfer(std::move(job), now);
  } else if (verb == "put" || verb == "send") {
    if (!need(1, "put remote-file content")) return false;
    Job job;
    job.verb = "put";
    job.remote = w[1];
    job.local = w[1];
    job.content = after_words(line, 2);
    job.direction = Direction::Upload;
    job.transfer_line = "STOR " + w[1];
    print("local: " + job.local + " remote: " + job.remote);
    start_transfer(std::move(job), now);
  } else if (verb == "ascii" || verb == "binary" || verb == "image" || verb == "ebcdic") {
    const Type type = verb == "ascii" ? Type::Ascii : verb == "ebcdic" ? Type::Ebcdic : Type::Image;
    type_ = type;
    send(type == Type::Ascii ? "TYPE A" : type == Type::Ebcdic ? "TYPE E" : "TYPE I", Step::Simple, now);
  } else if (verb == "passive") {
    passive_ = w.size() > 1 ? w[1] == "on" : !passive_;
    print(passive_ ? "Passive mode on." : "Passive mode off.");
  } else if (verb == "rename") {
    if (!need(2, "rename from-name to-name")) return false;
    Job job;
    job.verb = "rename";
    job.second_line = "RNTO " + w[2];
    job_ = std::move(job);
    send("RNFR " + w[1], Step::Rnfr, now);
  } else if (verb == "delete") {
    if (!need(1, "delete remote-file")) return false;
    send("DELE " + w[1], Step::Simple, now);
  } else if (verb == "mkdir") {
    if (!need(1, "mkdir directory-name")) return false;
    send("MKD " + w[1], Step::Simple, now);
  } else if (verb == "rmdir") {
    if (!need(1, "rmdir directory-name")) return false;
    send("RMD " + w[1], Step::Simple, now);
  } else if (verb == "size") {
    if (!need(1, "size remote-file")) return false;
    send("SIZE " + w[1], Step::Simple, now);
  } else if (verb == "quote") {
    if (!need(1, "quote line-to-send")) return false;
    send(after_words(line, 1), Step::Simple, now);
  } else if (verb == "quit" || verb == "bye") {
    send("QUIT", Step::Quit, now);
  } else {
    print("?Invalid command.");
    return false;
  }
  return step_ != Step::Idle;
}

void ClientSession::start_transfer(Job job, Time now) {
  job_ = std::move(job);
  data_open_ = data_done_ = data_failed_ = reply_done_ = upload_sent_ = preliminary_seen_ = false;
  received_.clear();
  if (passive_) {
    send("PASV", Step::Pasv, now);
    return;
  }
  // Active: listen first, then tell the server where (RFC 959 4.1.2 PORT).
  const std::uint16_t port = next_active_port_;
  next_active_port_ = port == 65535 ? config_.first_active_port : static_cast<std::uint16_t>(port + 1);
  data_action(DataAction{DataAction::Kind::Listen, config_.address, port, 0, {}});
  send("PORT " + format_host_port({config_.address, port}), Step::Port, now);
}

void ClientSession::send(std::string line, Step next, Time now) {
  outgoing_ += line;
  outgoing_ += "\r\n";
  events_.push_back(make_event(EventKind::Command, std::move(line)));
  step_ = next;
  deadline_ = now + config_.reply_timeout;
}

// ---- Replies ----

void ClientSession::handle_reply(int code, const std::vector<std::string>& lines, Time now) {
  std::string text;
  for (const std::string& line : lines) {
    if (!text.empty()) text += '\n';
    text += line;
  }
  events_.push_back(make_event(EventKind::Reply, text));
  if (step_ != Step::TypeAfterLogin)
    for (const std::string& line : lines) print(line);
  const bool positive = code < 400;
  switch (step_) {
    case Step::Greeting:
      if (code == 120) return;  // RFC 959 5.4: "service ready in nnn minutes", then 220
      if (code != 220) {
        error("the server is not ready: " + lines.front());
        step_ = Step::Done;
        return;
      }
      next_command(now);
      return;
    case Step::User:
      if (code == 331 && !password_.empty()) {
        send("PASS " + password_, Step::Pass, now);
        return;
      }
      if (code == 230) {
        send("SYST", Step::Syst, now);
        return;
      }
      if (code == 331) error("the server wants a password: user NAME PASSWORD");
      print("Login failed.");
      next_command(now);
      return;
    case Step::Pass:
      if (code == 230) {
        events_.push_back(make_event(EventKind::LoggedIn, lines.front()));
        send("SYST", Step::Syst, now);
        return;
      }
      events_.push_back(make_event(EventKind::LoginFailed, lines.front()));
      print("Login failed.");
      next_command(now);
      return;
    case Step::Syst:
      if (code == 215 && lines.front().find("UNIX Type: L8") != std::string::npos) {
        // BSD ftp: a Unix server gets binary mode at once, so files arrive byte for byte.
        print("Remote system type is UNIX.");
        send("TYPE I", Step::TypeAfterLogin, now);
        return;
      }
      next_command(now);
      return;
    case Step::TypeAfterLogin:
      if (code == 200) {
        type_ = Type::Image;
        print("Using binary mode to transfer files.");
      }
      next_command(now);
      return;
    case Step::Rnfr:
      if (code == 350 && job_) {
        const std::string rnto = job_->second_line;
        job_.reset();
        send(rnto, Step::Simple, now);
        return;
      }
      job_.reset();
      error(lines.front());
      next_command(now);
      return;
    case Step::Pasv: {
      const std::optional<HostPort> target = code == 227 ? parse_pasv_reply(lines.front()) : std::nullopt;
      if (!target) {
        if (code == 227) protocol_error("227 with (h1,h2,h3,h4,p1,p2)", quote(lines.front()));
        error(lines.front());
        job_.reset();
        next_command(now);
        return;
      }
      data_action(DataAction{DataAction::Kind::Connect, target->address, target->port, 0, {}});
      step_ = Step::DataConnect;
      return;
    }
    case Step::Port:
      if (code != 200) {
        data_action(DataAction{DataAction::Kind::Abort, 0, 0, 0, {}});
        error(lines.front());
        job_.reset();
        next_command(now);
        return;
      }
      transfer_began_ = now;
      send(job_->transfer_line, Step::Transfer, now);
      return;
    case Step::Transfer:
      transfer_reply(code, now);
      return;
    case Step::Abort:
      // 426 (the transfer) then 226 (the ABOR); or 226 (the transfer won the race) then 225.
      if (code < 200 || --abort_replies_due_ > 0) return;
      cut_transfer("aborted", now);
      return;
    case Step::Quit:
      step_ = Step::Done;
      deadline_.reset();
      events_.push_back(make_event(EventKind::SessionEnded, "QUIT"));
      return;
    case Step::Simple:
      if (!positive) error(lines.front());
      next_command(now);
      return;
    case Step::Idle:
    case Step::DataConnect:
    case Step::Done:
      protocol_error("no reply when no command is pending", quote(lines.front()));
      return;
  }
}

void ClientSession::transfer_reply(int code, Time now) {
  if (code == 125 || code == 150) {
    preliminary_seen_ = true;
    Event started = make_event(EventKind::TransferStarted, job_->transfer_line);
    started.file = job_->remote;
    started.direction = job_->direction;
    started.mode = passive_ ? DataMode::Passive : DataMode::Active;
    events_.push_back(std::move(started));
    maybe_send_upload();
    print_listing();
    return;
  }
  if ((code == 226 || code == 250) && !data_failed_) {
    reply_done_ = true;
    maybe_finish_transfer(now);
    return;
  }
  cut_transfer("failed", now);
}

void ClientSession::cut_transfer(std::string_view how, Time now) {
  if (job_ && !data_done_) data_action(DataAction{DataAction::Kind::Abort, 0, 0, 0, {}});
  Event aborted = make_event(EventKind::TransferAborted, (job_ ? job_->transfer_line : "transfer") + " " + std::string(how));
  if (job_) aborted.file = job_->remote;
  aborted.bytes = received_.size();  // what came before the cut (a get's or a listing's)
  events_.push_back(std::move(aborted));
  job_.reset();
  received_.clear();
  next_command(now);
}

void ClientSession::maybe_send_upload() {
  if (!job_ || job_->direction != Direction::Upload || !data_open_ || !preliminary_seen_ || upload_sent_) return;
  std::string wire = to_wire(job_->content, type_);
  if (!wire.empty()) data_action(DataAction{DataAction::Kind::Send, 0, 0, 0, std::move(wire)});
  data_action(DataAction{DataAction::Kind::Close, 0, 0, 0, {}});
  upload_sent_ = true;
}

void ClientSession::maybe_finish_transfer(Time now) {
  if (!job_ || !reply_done_ || !data_done_) return;
  const Job job = std::move(*job_);
  job_.reset();
  std::uint64_t bytes = received_.size();
  if (job.direction == Direction::Download) {
    files_[job.local] = from_wire(received_, type_);
    Event received = make_event(EventKind::FileReceived, job.local + " (" + std::to_string(files_[job.local].size()) + " bytes)");
    received.file = job.local;
    received.bytes = files_[job.local].size();
    events_.push_back(std::move(received));
  } else if (job.direction == Direction::Upload) {
    bytes = to_wire(job.content, type_).size();
  }
  Event completed = make_event(EventKind::TransferCompleted, job.transfer_line + " completed");
  completed.file = job.remote;
  completed.bytes = bytes;
  completed.direction = job.direction;
  completed.mode = passive_ ? DataMode::Passive : DataMode::Active;
  events_.push_back(std::move(completed));
  if (job.direction != Direction::Listing)
    print(transfer_summary(bytes, job.direction == Direction::Upload ? "sent" : "received", now - transfer_began_));
  received_.clear();
  next_command(now);
}

// ---- The data connection ----

void ClientSession::on_data_connected(Time now) {
  if (!job_) return;
  data_open_ = true;
  if (step_ == Step::DataConnect) {
    transfer_began_ = now;
    send(job_->transfer_line, Step::Transfer, now);
  }
  maybe_send_upload();
}

void ClientSession::on_data_bytes(std::string_view data, Time) {
  if (!job_ || job_->direction == Direction::Upload) {
    protocol_error("no data from the server outside RETR and LIST", std::to_string(data.size()) + " octets");
    return;
  }
  if (received_.size() + data.size() > config_.max_file_size) {
    if (!data_failed_) {
      error("the file is over " + std::to_string(config_.max_file_size) + " octets; dropping the data connection");
      data_action(DataAction{DataAction::Kind::Abort, 0, 0, 0, {}});
    }
    data_failed_ = true;
    return;
  }
  received_.append(data);
}

void ClientSession::on_data_closed(bool clean, Time now) {
  if (!job_) return;
  if (step_ == Step::DataConnect && !data_open_) {
    // BSD ftp's wording for a refused passive connection.
    error("ftp: connect: Connection refused");
    job_.reset();
    next_command(now);
    return;
  }
  if (!clean || data_failed_) {
    data_failed_ = true;  // the server's 426 (or our own abort) ends the transfer
    return;
  }
  data_done_ = true;
  print_listing();
  maybe_finish_transfer(now);
}

void ClientSession::print_listing() {
  // ftp prints a listing between the 150 and the 226, whichever of the data and the 150 came first.
  if (!job_ || job_->direction != Direction::Listing || !data_done_ || !preliminary_seen_) return;
  std::string_view rest = received_;
  while (!rest.empty()) {
    const std::size_t lf = rest.find('\n');
    std::string line(rest.substr(0, lf));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    print(line);
    if (lf == std::string_view::npos) break;
    rest.remove_prefix(lf + 1);
  }
}

// ---- Output ----

void ClientSession::print(std::string line) { events_.push_back(make_event(EventKind::Transcript, std::move(line))); }

void ClientSession::error(std::string text) { events_.push_back(make_event(EventKind::Error, std::move(text))); }

void ClientSession::protocol_error(std::string_view expected, std::string_view got) {
  std::string text = "ftp: expected ";
  text += expected;
  text += " in step ";
  text += to_string(step_);
  text += ", got ";
  text += got;
  events_.push_back(make_event(EventKind::ProtocolError, std::move(text)));
}

}  // namespace wiresim::ftp
