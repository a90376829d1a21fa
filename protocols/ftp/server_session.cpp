// The server's rules in one place: which command needs a login and an argument (the table in
// find_rule), what each replies, and how a transfer's replies follow its data connection
// (RFC 959 5.4: 125/150 before, 226 after, 425/426 when it fails).
#include "protocols/ftp/server_session.hpp"

#include <array>
#include <utility>

namespace wiresim::ftp {
namespace {

// RFC 959 sets no limit on a command line; 512 octets, CRLF included, is ours (as SMTP's).
constexpr std::size_t MaxCommandLine = 512;
// Commands that arrive during a transfer wait for its end; more than this many is abuse.
constexpr std::size_t MaxHeldLines = 16;

const std::string SyntaxError = "501 Syntax error in parameters or arguments.";
const std::string NotForParameter = "504 Command not implemented for that parameter.";
// STRU P with octets as logical bytes has 255 pages at most (representation.hpp).
const std::string TooManyPages = "550 Requested action not taken: a file of pages holds at most " +
                                 std::to_string(MaxPagedFile) + " octets.";

// RFC 959 appendix II: a quote inside a 257 path name is doubled.
std::string quote_path(std::string_view path) {
  std::string out = "\"";
  for (const char c : path) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

std::string upper(std::string_view text) {
  std::string out;
  for (const char c : text) out += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

// LIST and NLST may carry ls options ("LIST -la /pub", as some clients send); they are skipped.
std::string_view skip_options(std::string_view argument) {
  while (argument.starts_with('-')) {
    const std::size_t space = argument.find(' ');
    argument = space == std::string_view::npos ? std::string_view{} : argument.substr(space + 1);
  }
  return argument;
}

}  // namespace

std::string_view to_string(State state) {
  switch (state) {
    case State::NotLoggedIn:
      return "NotLoggedIn";
    case State::NeedPassword:
      return "NeedPassword";
    case State::LoggedIn:
      return "LoggedIn";
    case State::Closed:
      return "Closed";
  }
  return "Closed";
}

std::uint16_t PassivePorts::allocate() {
  if (next == 0 || next < first || next > last) next = first;
  const std::uint16_t port = next;
  next = port == last ? first : static_cast<std::uint16_t>(port + 1);
  return port;
}

enum class Argument { None, Optional, Required };

// A command, whether it needs a login (RFC 959 5.4: everything but the login sequence and a few
// harmless ones answers 530 before), whether it takes an argument, and its handler.
struct ServerSession::CommandRule {
  std::string_view keyword;
  bool needs_login = true;
  Argument argument = Argument::None;
  void (ServerSession::*handler)(const Command&, Time) = nullptr;
};

const ServerSession::CommandRule* ServerSession::find_rule(std::string_view keyword) {
  using S = ServerSession;
  static const std::array<CommandRule, 41> rules{{
      {"USER", false, Argument::Required, &S::user_command},
      {"PASS", false, Argument::Optional, &S::pass_command},
      {"ACCT", false, Argument::Required, &S::acct_command},
      {"CWD", true, Argument::Required, &S::cwd_command},
      {"XCWD", true, Argument::Required, &S::cwd_command},
      {"CDUP", true, Argument::None, &S::cdup_command},
      {"XCUP", true, Argument::None, &S::cdup_command},
      {"PWD", true, Argument::None, &S::pwd_command},
      {"XPWD", true, Argument::None, &S::pwd_command},
      {"MKD", true, Argument::Required, &S::mkd_command},
      {"XMKD", true, Argument::Required, &S::mkd_command},
      {"RMD", true, Argument::Required, &S::rmd_command},
      {"XRMD", true, Argument::Required, &S::rmd_command},
      {"DELE", true, Argument::Required, &S::dele_command},
      {"RNFR", true, Argument::Required, &S::rnfr_command},
      {"RNTO", true, Argument::Required, &S::rnto_command},
      {"LIST", true, Argument::Optional, &S::list_command},
      {"NLST", true, Argument::Optional, &S::nlst_command},
      {"RETR", true, Argument::Required, &S::retr_command},
      {"STOR", true, Argument::Required, &S::stor_command},
      {"APPE", true, Argument::Required, &S::appe_command},
      {"SIZE", true, Argument::Required, &S::size_command},
      {"MDTM", true, Argument::Required, &S::mdtm_command},
      {"TYPE", true, Argument::Required, &S::type_command},
      {"STRU", true, Argument::Required, &S::stru_command},
      {"MODE", true, Argument::Required, &S::mode_command},
      {"PORT", true, Argument::Required, &S::port_command},
      {"EPRT", true, Argument::Required, &S::eprt_command},
      {"PASV", true, Argument::None, &S::pasv_command},
      {"EPSV", true, Argument::Optional, &S::epsv_command},
      {"ABOR", true, Argument::None, &S::abor_command},
      {"REST", true, Argument::Required, &S::rest_command},
      {"SYST", false, Argument::None, &S::syst_command},
      {"FEAT", false, Argument::None, &S::feat_command},
      {"HELP", false, Argument::Optional, &S::help_command},
      {"NOOP", false, Argument::None, &S::noop_command},
      {"QUIT", false, Argument::None, &S::quit_command},
      {"ALLO", true, Argument::Required, &S::superfluous_command},
      // RFC 959 commands this server knows of but does not carry out (RFC 959 5.4: 502).
      {"REIN", false, Argument::Optional, &S::not_implemented_command},
      {"STOU", true, Argument::Optional, &S::not_implemented_command},
      {"SITE", true, Argument::Optional, &S::not_implemented_command},
  }};
  for (const CommandRule& rule : rules)
    if (rule.keyword == keyword) return &rule;
  // SMNT and STAT are RFC 959 commands too: 502 like the three above.
  static const CommandRule smnt{"SMNT", true, Argument::Optional, &S::not_implemented_command};
  static const CommandRule stat{"STAT", true, Argument::Optional, &S::not_implemented_command};
  if (keyword == "SMNT") return &smnt;
  if (keyword == "STAT") return &stat;
  return nullptr;
}

ServerSession::ServerSession(Vfs& vfs, ServerConfig config)
    : vfs_(vfs), config_(std::move(config)), input_(MaxCommandLine) {
  own_ports_.first = config_.first_passive_port;
  own_ports_.last = config_.last_passive_port;
}

void ServerSession::on_connected(Time now) {
  deadline_ = now + config_.idle_timeout;
  reply("220 " + config_.greeting);
}

void ServerSession::on_bytes(std::string_view data, Time now) {
  if (state_ == State::Closed) return;
  deadline_ = now + config_.idle_timeout;
  input_.append(data);
  while (state_ != State::Closed) {
    std::optional<Line> line = input_.next();
    if (!line) break;
    handle_line(*line, now);
  }
}

void ServerSession::on_closed(Time) {
  if (state_ == State::Closed) return;
  if (transfer_) {
    drop_data_connection();
    finish_transfer(EventKind::TransferAborted);
  } else {
    drop_data_connection();
  }
  held_lines_.clear();
  end_session("control connection closed in state " + std::string(to_string(state_)));
}

void ServerSession::on_timer(Time now) {
  if (state_ == State::Closed || !deadline_ || now < *deadline_) return;
  // RFC 959 5.4: 421 is the reply of a server about to close the control connection.
  reply("421 Timeout.");
  if (transfer_) {
    drop_data_connection();
    finish_transfer(EventKind::TransferAborted);
  } else {
    drop_data_connection();
  }
  held_lines_.clear();
  end_session("idle for " + format_duration(config_.idle_timeout) + ": 421 and close");
}

std::string ServerSession::take_outgoing() { return std::exchange(outgoing_, {}); }
std::vector<Event> ServerSession::take_events() { return std::exchange(events_, {}); }
std::vector<DataAction> ServerSession::take_data_actions() { return std::exchange(data_actions_, {}); }

std::optional<Time> ServerSession::wake_at() const {
  if (state_ == State::Closed) return std::nullopt;
  return deadline_;
}

const Account* ServerSession::account() const { return vfs_.find_account(user_); }

// ---- Command lines ----

void ServerSession::handle_line(const Line& line, Time now) {
  if (line.too_long) {
    protocol_error("a command line of at most 512 octets", quote(line.text));
    reply("500 Command line too long.");
    return;
  }
  events_.push_back(make_event(EventKind::Command, line.text));
  const Command command = parse_command(line.text);
  // RFC 959 4.1.3: during a transfer the server must still hear ABOR (and QUIT, and STAT);
  // anything else waits for the transfer to end, then runs in order.
  if (transfer_ && command.keyword != "ABOR" && command.keyword != "QUIT" && command.keyword != "NOOP") {
    if (held_lines_.size() >= MaxHeldLines) {
      protocol_error("at most 16 commands during a transfer", quote(line.text));
      reply("500 Too many commands during a transfer.");
      return;
    }
    held_lines_.push_back(line.text);
    return;
  }
  run_command(command, line.text, now);
}

void ServerSession::run_command(const Command& command, const std::string& line, Time now) {
  // RFC 959 4.1.3: RNTO must come right after RNFR; any other command forgets the RNFR.
  std::optional<std::string> rename_from = std::exchange(rename_from_, std::nullopt);
  if (command.keyword.empty()) {
    protocol_error("a command", line.empty() ? "an empty line" : quote(line));
    reply("500 Syntax error, command unrecognized.");
    return;
  }
  const CommandRule* rule = find_rule(command.keyword);
  if (!rule) {
    protocol_error("an FTP command", quote(line));
    reply("500 Unknown command " + quote(command.keyword_as_sent) + ".");
    return;
  }
  if (rule->needs_login && state_ != State::LoggedIn) {
    protocol_error("USER and PASS first", quote(command.keyword_as_sent));
    reply("530 Please login with USER and PASS.");
    return;
  }
  const bool has_argument = !command.argument.empty();
  if ((rule->argument == Argument::Required && !has_argument) || (rule->argument == Argument::None && has_argument)) {
    std::string expected = rule->argument == Argument::Required ? "an argument after " : "no argument after ";
    expected += rule->keyword;
    protocol_error(expected, quote(line));
    reply(SyntaxError);
    return;
  }
  if (rule->keyword == "RNTO") rename_from_ = std::move(rename_from);
  (this->*rule->handler)(command, now);
}

// ---- Login (RFC 959 4.1.1, RFC 1635 for anonymous) ----

void ServerSession::user_command(const Command& command, Time) {
  if (state_ == State::LoggedIn) {
    protocol_error("no second USER once logged in", quote(command.argument));
    reply("530 Can't change to another user.");
    return;
  }
  pending_user_ = command.argument;
  state_ = State::NeedPassword;
  // The same 331 for every name: the reply must not tell which accounts exist.
  const Account* candidate = vfs_.find_account(pending_user_);
  if (candidate && candidate->anonymous) {
    reply("331 Guest login ok, send your complete e-mail address as password.");
  } else {
    reply("331 Please specify the password.");
  }
}

void ServerSession::pass_command(const Command& command, Time) {
  if (state_ == State::LoggedIn) {
    reply("230 Already logged in.");
    return;
  }
  if (state_ != State::NeedPassword) {
    protocol_error("USER before PASS", "PASS");
    reply("503 Login with USER first.");
    return;
  }
  const Account* candidate = vfs_.find_account(pending_user_);
  const bool ok = candidate && (candidate->anonymous || candidate->password == command.argument);
  if (!ok) {
    state_ = State::NotLoggedIn;
    Event event = make_event(EventKind::LoginFailed, "login as " + quote(pending_user_) + " refused");
    event.user = std::exchange(pending_user_, {});
    events_.push_back(std::move(event));
    reply("530 Login incorrect.");
    return;
  }
  state_ = State::LoggedIn;
  user_ = candidate->user;
  cwd_ = candidate->home;
  Event event = make_event(EventKind::LoggedIn, user_ + " logged in, home " + cwd_);
  if (candidate->anonymous) event.text += " (anonymous, password " + quote(command.argument) + ", read-only)";
  event.user = user_;
  events_.push_back(std::move(event));
  pending_user_.clear();
  reply(candidate->anonymous ? "230 Guest login ok, access restrictions apply." : "230 Login successful.");
}

void ServerSession::acct_command(const Command&, Time) {
  // RFC 959 4.1.1: accounts are not needed here, so ACCT is superfluous at any point.
  reply("202 Command not implemented, superfluous at this site.");
}

// ---- Directories ----

void ServerSession::cwd_command(const Command& command, Time) {
  const std::string path = resolve_path(cwd_, command.argument);
  const Entry* entry = vfs_.find(path);
  if (!entry || !entry->directory || !vfs_.can_read(*entry, *account())) {
    reply("550 Failed to change directory.");
    return;
  }
  cwd_ = path;
  reply("250 Directory successfully changed.");
}

void ServerSession::cdup_command(const Command&, Time) {
  cwd_ = parent_of(cwd_);
  // RFC 959 4.1.1 lists 200 for CDUP; 250 as for CWD is also common (RFC 959 5.4 allows both).
  reply("250 Directory successfully changed.");
}

void ServerSession::pwd_command(const Command&, Time) {
  reply("257 " + quote_path(cwd_) + " is the current directory");
}

void ServerSession::mkd_command(const Command& command, Time now) {
  const std::string path = resolve_path(cwd_, command.argument);
  if (vfs_.find(path) || !vfs_.is_directory(parent_of(path))) {
    reply("550 Create directory operation failed.");
    return;
  }
  if (!vfs_.can_write(path, *account())) {
    reply("550 Permission denied.");
    return;
  }
  vfs_.make_directory(path, user_, now);
  Event event = make_event(EventKind::FileChanged, "directory " + path + " created");
  event.file = path;
  events_.push_back(std::move(event));
  reply("257 " + quote_path(path) + " created");
}

void ServerSession::rmd_command(const Command& command, Time) {
  const std::string path = resolve_path(cwd_, command.argument);
  if (!vfs_.is_directory(path) || path == "/") {
    reply("550 Remove directory operation failed.");
    return;
  }
  if (!vfs_.can_write(path, *account())) {
    reply("550 Permission denied.");
    return;
  }
  if (!vfs_.remove_directory(path)) {
    reply("550 Directory not empty.");
    return;
  }
  Event event = make_event(EventKind::FileChanged, "directory " + path + " removed");
  event.file = path;
  events_.push_back(std::move(event));
  reply("250 Remove directory operation successful.");
}

// ---- Files ----

void ServerSession::dele_command(const Command& command, Time) {
  const std::string path = resolve_path(cwd_, command.argument);
  if (!vfs_.is_file(path)) {
    reply("550 Delete operation failed.");
    return;
  }
  if (!vfs_.can_write(path, *account())) {
    reply("550 Permission denied.");
    return;
  }
  vfs_.remove_file(path);
  Event event = make_event(EventKind::FileChanged, path + " deleted");
  event.file = path;
  events_.push_back(std::move(event));
  reply("250 Delete operation successful.");
}

void ServerSession::rnfr_command(const Command& command, Time) {
  const std::string path = resolve_path(cwd_, command.argument);
  if (!vfs_.find(path) || path == "/") {
    reply("550 RNFR command failed.");
    return;
  }
  if (!vfs_.can_write(path, *account())) {
    reply("550 Permission denied.");
    return;
  }
  rename_from_ = path;
  reply("350 Ready for RNTO.");
}

void ServerSession::rnto_command(const Command& command, Time now) {
  if (!rename_from_) {
    protocol_error("RNFR right before RNTO", quote(command.argument));
    reply("503 RNFR required first.");
    return;
  }
  const std::string from = *std::exchange(rename_from_, std::nullopt);
  const std::string to = resolve_path(cwd_, command.argument);
  if (!vfs_.can_write(to, *account())) {
    reply("550 Permission denied.");
    return;
  }
  if (!vfs_.rename(from, to, now)) {
    reply("550 Rename failed.");
    return;
  }
  Event event = make_event(EventKind::FileChanged, from + " renamed to " + to);
  event.file = to;
  events_.push_back(std::move(event));
  reply("250 Rename successful.");
}

void ServerSession::size_command(const Command& command, Time) {
  const std::string path = resolve_path(cwd_, command.argument);
  const Entry* entry = vfs_.find(path);
  if (!entry || entry->directory || !vfs_.can_read(*entry, *account())) {
    reply("550 Could not get file size.");
    return;
  }
  // RFC 3659 4: the size is that of the file as it would be sent now, in the current TYPE,
  // STRU and MODE.
  if (structure_ == Structure::File && mode_ == Mode::Stream)
    return reply("213 " + std::to_string(wire_size(vfs_.content(path), type_)));
  if (std::optional<std::string> wire = paged(typed(path)))
    reply("213 " + std::to_string(framed(std::move(*wire)).size()));
}

void ServerSession::mdtm_command(const Command& command, Time) {
  const std::string path = resolve_path(cwd_, command.argument);
  const Entry* entry = vfs_.find(path);
  if (!entry || entry->directory) {
    reply("550 Could not get file modification time.");
    return;
  }
  reply("213 " + format_mdtm(entry->modified));
}

// ---- Transfer parameters (RFC 959 4.1.2) ----

void ServerSession::type_command(const Command& command, Time) {
  const std::string argument = upper(command.argument);
  // "A", "A N", "A T" (the format effectors are ours to ignore: Unix text has none), "E" likewise;
  // "A C" (carriage control) is not supported; "L 8" is image by another name.
  if (argument == "A" || argument == "A N" || argument == "A T") {
    type_ = Type::Ascii;
    reply("200 Switching to ASCII mode.");
  } else if (argument == "I" || argument == "L 8") {
    type_ = Type::Image;
    reply("200 Switching to Binary mode.");
  } else if (argument == "E" || argument == "E N" || argument == "E T") {
    type_ = Type::Ebcdic;
    reply("200 Switching to EBCDIC mode.");
  } else if (argument == "A C" || argument == "E C" || (argument.size() > 2 && argument.starts_with("L "))) {
    reply(NotForParameter);
  } else {
    protocol_error("TYPE A, E, I or L 8", quote(command.argument));
    reply(SyntaxError);
  }
}

std::string ServerSession::typed(const std::string& path) const {
  return structure_ == Structure::Record ? records_encode(vfs_.content(path), type_) : to_wire(vfs_.content(path), type_);
}

std::optional<std::string> ServerSession::paged(std::string wire) {
  if (structure_ != Structure::Page) return wire;
  if (wire.size() > MaxPagedFile) {
    reply(TooManyPages);
    return std::nullopt;
  }
  return pages_encode(wire);
}

std::string ServerSession::framed(std::string wire) const {
  switch (mode_) {
    case Mode::Block:
      return block_encode(wire);
    case Mode::Compressed:
      return compressed_encode(wire, filler_of(type_));
    case Mode::Stream:
      break;
  }
  return wire;
}

void ServerSession::stru_command(const Command& command, Time) {
  const std::string argument = upper(command.argument);
  if (argument == "R" && mode_ != Mode::Stream) {
    // Records in block or compressed mode (EOR descriptors) are not modelled; stream mode
    // carries them.
    reply(NotForParameter);
  } else if (argument == "F" || argument == "R" || argument == "P") {
    structure_ = argument == "F" ? Structure::File : argument == "R" ? Structure::Record : Structure::Page;
    reply("200 Structure set to " + argument + ".");
  } else {
    protocol_error("STRU F, R or P", quote(command.argument));
    reply(SyntaxError);
  }
}

void ServerSession::mode_command(const Command& command, Time) {
  const std::string argument = upper(command.argument);
  if (structure_ == Structure::Record && (argument == "B" || argument == "C")) {
    reply(NotForParameter);  // see STRU: records travel in stream mode only
  } else if (argument == "S" || argument == "B" || argument == "C") {
    mode_ = argument == "S" ? Mode::Stream : argument == "B" ? Mode::Block : Mode::Compressed;
    reply("200 Mode set to " + argument + ".");
  } else {
    protocol_error("MODE S, B or C", quote(command.argument));
    reply(SyntaxError);
  }
}

void ServerSession::port_command(const Command& command, Time) {
  const std::optional<HostPort> target = parse_host_port(command.argument);
  if (!target || target->port == 0) {
    protocol_error("PORT h1,h2,h3,h4,p1,p2 with numbers 0-255", quote(command.argument));
    reply("501 Illegal PORT command.");
    return;
  }
  if (refuse_third_party(*target)) return;
  drop_data_connection();
  data_mode_ = DataMode::Active;
  active_target_ = *target;
  reply("200 PORT command successful.");
}

bool ServerSession::refuse_third_party(const HostPort& target) {
  if (config_.client_address == 0 || target.address == config_.client_address) return false;
  reply("504 Data connections go to the client's own address only (no FTP bounce, RFC 2577).");
  return true;
}

void ServerSession::eprt_command(const Command& command, Time) {
  bool protocol_supported = true;
  const std::optional<HostPort> target = parse_eprt(command.argument, &protocol_supported);
  if (!target) {
    if (!protocol_supported) {
      reply("522 Network protocol not supported, use (1)");
      return;
    }
    protocol_error("EPRT |1|address|port|", quote(command.argument));
    reply("501 Illegal EPRT command.");
    return;
  }
  if (refuse_third_party(*target)) return;
  drop_data_connection();
  data_mode_ = DataMode::Active;
  active_target_ = *target;
  reply("200 EPRT command successful.");
}

void ServerSession::pasv_command(const Command&, Time) {
  drop_data_connection();
  PassivePorts& ports = config_.shared_ports ? *config_.shared_ports : own_ports_;
  passive_port_ = ports.allocate();
  data_mode_ = DataMode::Passive;
  data_action(DataAction{DataAction::Kind::Listen, config_.address, passive_port_, 0, {}});
  // RFC 959 4.1.2 / 5.4: the address and port as six decimal numbers.
  reply("227 Entering Passive Mode (" + format_host_port({config_.address, passive_port_}) + ")");
}

void ServerSession::epsv_command(const Command& command, Time) {
  const std::string argument = upper(command.argument);
  if (argument == "ALL") {
    // RFC 2428 4: the client promises to use EPSV only; nothing to change here.
    reply("200 EPSV ALL ok.");
    return;
  }
  if (argument == "2") {
    reply("522 Network protocol not supported, use (1)");
    return;
  }
  if (!argument.empty() && argument != "1") {
    protocol_error("EPSV, EPSV 1 or EPSV ALL", quote(command.argument));
    reply(SyntaxError);
    return;
  }
  drop_data_connection();
  PassivePorts& ports = config_.shared_ports ? *config_.shared_ports : own_ports_;
  passive_port_ = ports.allocate();
  data_mode_ = DataMode::Passive;
  data_action(DataAction{DataAction::Kind::Listen, config_.address, passive_port_, 0, {}});
  // RFC 2428 3: only the port; the client connects to the control connection's address.
  reply("229 Entering Extended Passive Mode (|||" + std::to_string(passive_port_) + "|)");
}

void ServerSession::rest_command(const Command& command, Time) {
  const std::optional<std::uint64_t> offset = parse_number(command.argument);
  if (!offset) {
    protocol_error("REST with a number of octets", quote(command.argument));
    reply(SyntaxError);
    return;
  }
  if (mode_ != Mode::Stream) {
    // RFC 3659 5: "REST STREAM" only; block mode restarts use markers, which we do not send.
    reply(NotForParameter);
    return;
  }
  restart_ = *offset;
  reply("350 Restart position accepted (" + std::to_string(restart_) + ").");
}

// ---- Information ----

void ServerSession::syst_command(const Command&, Time) { reply("215 UNIX Type: L8"); }

void ServerSession::feat_command(const Command&, Time) {
  // RFC 2389 3.2: each feature on its own line, indented by one space. PASV is RFC 959's own.
  reply_multiline({"211-Features:", " EPRT", " EPSV", " MDTM", " PASV", " REST STREAM", " SIZE", " TVFS",
                   "211 End"});
}

void ServerSession::help_command(const Command&, Time) {
  reply_multiline({"214-The following commands are recognized.",
                   " ABOR ACCT ALLO APPE CDUP CWD  DELE EPRT EPSV FEAT HELP LIST MDTM MKD",
                   " MODE NLST NOOP PASS PASV PORT PWD  QUIT REST RETR RMD  RNFR RNTO SIZE",
                   " STOR STRU SYST TYPE USER XCUP XCWD XMKD XPWD XRMD", "214 Help OK."});
}

void ServerSession::noop_command(const Command&, Time) { reply("200 NOOP ok."); }

void ServerSession::superfluous_command(const Command&, Time) {
  reply("202 Command not implemented, superfluous at this site.");
}

void ServerSession::not_implemented_command(const Command&, Time) { reply("502 Command not implemented."); }

void ServerSession::quit_command(const Command&, Time) {
  if (transfer_) {
    drop_data_connection();
    reply("426 Connection closed; transfer aborted.");
    finish_transfer(EventKind::TransferAborted);
  } else {
    drop_data_connection();
  }
  held_lines_.clear();
  reply("221 Goodbye.");
  end_session("QUIT");
}

// ---- Transfers ----

void ServerSession::list_command(const Command& command, Time now) { listing(command, false, now); }
void ServerSession::nlst_command(const Command& command, Time now) { listing(command, true, now); }

void ServerSession::listing(const Command& command, bool names_only, Time now) {
  const std::string_view argument = skip_options(command.argument);
  const std::string path = resolve_path(cwd_, argument);
  const Entry* entry = vfs_.find(path);
  if (!entry) {
    reply("450 No such file or directory.");
    return;
  }
  if (!vfs_.can_read(*entry, *account())) {
    reply("550 Permission denied.");
    return;
  }
  // RFC 959 4.1.3: a listing is sent as ASCII text (CRLF line ends), whatever the TYPE.
  std::string text;
  if (entry->directory) {
    for (const std::string& name : vfs_.children(path)) {
      const std::string child = path == "/" ? "/" + name : path + "/" + name;
      text += names_only ? name : vfs_.list_line(child, now);
      text += "\r\n";
    }
  } else {
    text += names_only ? std::string(argument) : vfs_.list_line(path, now);
    text += "\r\n";
  }
  Transfer transfer;
  transfer.direction = Direction::Listing;
  transfer.command = names_only ? "NLST" : "LIST";
  transfer.path = path;
  transfer.size = text.size();
  transfer.payload = framed(std::move(text));
  begin_transfer(std::move(transfer), "Here comes the directory listing.", now);
}

void ServerSession::retr_command(const Command& command, Time now) {
  const std::string path = resolve_path(cwd_, command.argument);
  const Entry* entry = vfs_.find(path);
  if (!entry || entry->directory || !vfs_.can_read(*entry, *account())) {
    restart_ = 0;
    reply("550 Failed to open file.");
    return;
  }
  std::string wire = typed(path);
  const std::uint64_t restart = std::exchange(restart_, 0);
  if (restart > wire.size()) {
    // RFC 3659 5.4: a restart point past the end of the file.
    reply("554 Requested action not taken: invalid REST parameter.");
    return;
  }
  wire.erase(0, restart);
  std::optional<std::string> sent = paged(std::move(wire));
  if (!sent) return;
  Transfer transfer;
  transfer.direction = Direction::Download;
  transfer.command = "RETR";
  transfer.path = path;
  transfer.restart = restart;
  transfer.size = sent->size();
  transfer.payload = framed(std::move(*sent));
  std::string opening = "Opening ";
  opening += type_name(type_);
  opening += " mode data connection for " + name_of(path) + " (" + std::to_string(transfer.size) + " bytes)";
  begin_transfer(std::move(transfer), opening, now);
}

void ServerSession::stor_command(const Command& command, Time now) { upload(command, false, now); }
void ServerSession::appe_command(const Command& command, Time now) { upload(command, true, now); }

void ServerSession::upload(const Command& command, bool append, Time now) {
  const std::string path = resolve_path(cwd_, command.argument);
  // RFC 959 4.2.1: 553 "Requested action not taken. File name not allowed."
  if (vfs_.is_directory(path) || !vfs_.is_directory(parent_of(path)) || !vfs_.can_write(path, *account())) {
    restart_ = 0;
    reply("553 Could not create file.");
    return;
  }
  Transfer transfer;
  transfer.direction = Direction::Upload;
  transfer.command = append ? "APPE" : "STOR";
  transfer.path = path;
  transfer.append = append;
  transfer.restart = std::exchange(restart_, 0);
  std::string opening = "Opening ";
  opening += type_name(type_);
  opening += " mode data connection for " + name_of(path);
  begin_transfer(std::move(transfer), opening, now);
}

void ServerSession::begin_transfer(Transfer transfer, std::string opening, Time now) {
  if (data_mode_ == DataMode::None) {
    // RFC 959 3.2 would have the server connect to the client's control port; a client that
    // relies on that is rare, so like most servers we ask for PORT or PASV.
    reply("425 Use PORT or PASV first.");
    return;
  }
  transfer.began = now;
  transfer.mode = data_mode_;
  transfer_ = std::move(transfer);
  if (data_mode_ == DataMode::Active) {
    data_action(DataAction{DataAction::Kind::Connect, active_target_.address, active_target_.port,
                           DefaultDataPort, {}});
    reply("150 " + opening);
    return;
  }
  if (data_connected_) {
    // RFC 959 5.4: 125 when the data connection is already open.
    reply("125 Data connection already open; transfer starting.");
    start_flowing(now);
    return;
  }
  reply("150 " + opening);  // the client's connection to our listener is on its way
}

void ServerSession::start_flowing(Time now) {
  Transfer& transfer = *transfer_;
  transfer.connected = true;
  data_connected_ = true;
  events_.push_back(transfer_event(EventKind::TransferStarted, transfer.command + " " + transfer.path + " started"));
  if (transfer.direction != Direction::Upload) {
    if (!transfer.payload.empty())
      data_action(DataAction{DataAction::Kind::Send, 0, 0, 0, std::exchange(transfer.payload, {})});
    // RFC 959 3.4.1: in stream mode the end of file is the closing of the data connection.
    data_action(DataAction{DataAction::Kind::Close, 0, 0, 0, {}});
    transfer.sent = true;
  }
  (void)now;
}

void ServerSession::on_data_connected(Time now) {
  if (state_ == State::Closed || data_mode_ == DataMode::None) return;
  deadline_ = now + config_.idle_timeout;
  if (transfer_ && !transfer_->connected) {
    start_flowing(now);
  } else {
    data_connected_ = true;  // passive: the client connected before sending RETR/STOR/LIST
  }
}

void ServerSession::on_data_bytes(std::string_view data, Time now) {
  if (state_ == State::Closed) return;
  deadline_ = now + config_.idle_timeout;
  if (!transfer_ || transfer_->direction != Direction::Upload) {
    protocol_error("no data from the client outside STOR or APPE", std::to_string(data.size()) + " octets");
    return;
  }
  Transfer& transfer = *transfer_;
  if (transfer.received.size() + data.size() > config_.max_upload) {
    drop_data_connection();
    reply("552 Requested file action aborted: exceeded storage allocation.");
    finish_transfer(EventKind::TransferAborted);
    run_held_lines(now);
    return;
  }
  transfer.received.append(data);
}

std::optional<std::string> ServerSession::decode_upload(std::string wire, std::string* refusal) {
  auto refuse = [&](const char* expected, const std::string& why, const char* reply_line) -> std::optional<std::string> {
    protocol_error(expected, why);
    *refusal = reply_line;
    return std::nullopt;
  };
  constexpr const char* LocalError = "451 Requested action aborted: local error in processing.";
  std::string why;
  if (mode_ == Mode::Block) {
    std::optional<std::string> data = block_decode(wire, &why);
    if (!data) return refuse("a block-mode stream ending in an EOF block", why, LocalError);
    wire = std::move(*data);
  } else if (mode_ == Mode::Compressed) {
    // Bounded like the bytes received: one octet of filler string stands for 63.
    std::optional<std::string> data = compressed_decode(wire, filler_of(type_), &why, config_.max_upload);
    if (!data && why.starts_with("more than"))
      return refuse("a compressed file within the upload limit", why,
                    "552 Requested file action aborted: exceeded storage allocation.");
    if (!data) return refuse("a compressed-mode stream ending in an EOF escape", why, LocalError);
    wire = std::move(*data);
  }
  if (structure_ == Structure::Record) {
    std::optional<std::string> lines = records_decode(wire, type_, &why);
    if (!lines) return refuse("a record-structured stream ending in EOF (0xFF 0x02)", why, LocalError);
    return lines;
  }
  if (structure_ == Structure::Page) {
    bool unknown_type = false;
    std::optional<std::string> data = pages_decode(wire, &why, &unknown_type);
    // RFC 959 4.2.1: 551 for a page type it does not know.
    if (!data) return refuse("pages ending in a last page (type 0)", why,
                             unknown_type ? "551 Requested action aborted: page type unknown." : LocalError);
    return from_wire(*data, type_);
  }
  return from_wire(wire, type_);
}

void ServerSession::on_data_closed(bool clean, Time now) {
  if (state_ == State::Closed) return;
  data_closed(clean, now);
  run_held_lines(now);
}

void ServerSession::data_closed(bool clean, Time now) {
  if (!transfer_) {
    // The client closed a passive connection before using it: the next transfer needs a new one.
    data_connected_ = false;
    data_mode_ = DataMode::None;
    return;
  }
  Transfer& transfer = *transfer_;
  if (!transfer.connected) {
    // RFC 959 5.4: 425 when the data connection cannot be opened.
    reply("425 Can't open data connection.");
    finish_transfer(EventKind::TransferAborted);
    return;
  }
  if (!clean || (transfer.direction != Direction::Upload && !transfer.sent)) {
    reply("426 Connection closed; transfer aborted.");
    finish_transfer(EventKind::TransferAborted);
    return;
  }
  if (transfer.direction == Direction::Upload) {
    std::string wire = std::exchange(transfer.received, {});
    transfer.size = wire.size();
    std::string refusal;
    std::optional<std::string> decoded = decode_upload(std::move(wire), &refusal);
    if (!decoded) {
      reply(refusal);
      finish_transfer(EventKind::TransferAborted);
      return;
    }
    std::string content = std::move(*decoded);
    const std::string old = vfs_.content(transfer.path);
    if (transfer.append) {
      content = old + content;
    } else if (transfer.restart > 0) {
      content = old.substr(0, std::min<std::uint64_t>(transfer.restart, old.size())) + content;
    }
    const std::size_t stored = content.size();
    vfs_.write_file(transfer.path, std::move(content), user_, now);
    Event changed = make_event(EventKind::FileChanged, transfer.path + " written (" + std::to_string(stored) + " bytes)");
    changed.file = transfer.path;
    changed.bytes = stored;
    events_.push_back(std::move(changed));
  }
  reply("226 Transfer complete.");
  finish_transfer(EventKind::TransferCompleted);
}

void ServerSession::abor_command(const Command&, Time now) {
  if (transfer_) {
    // RFC 959 4.1.3: the aborted command gets 426, then ABOR itself 226.
    drop_data_connection();
    reply("426 Connection closed; transfer aborted.");
    finish_transfer(EventKind::TransferAborted);
    reply("226 Closing data connection.");
    run_held_lines(now);
    return;
  }
  if (data_mode_ != DataMode::None) {
    drop_data_connection();
    reply("226 Closing data connection.");
    return;
  }
  reply("225 No transfer to abort.");
}

void ServerSession::finish_transfer(EventKind kind) {
  const Transfer& transfer = *transfer_;
  std::string text = transfer.command + " " + transfer.path;
  text += kind == EventKind::TransferCompleted ? " completed, " : " aborted after ";
  const std::uint64_t bytes = transfer.direction == Direction::Upload ? transfer.received.size() + transfer.size
                                                                      : (transfer.sent ? transfer.size : 0);
  text += std::to_string(bytes) + " bytes";
  Event event = transfer_event(kind, std::move(text));
  event.bytes = bytes;
  events_.push_back(std::move(event));
  transfer_.reset();
  // RFC 959 3.2: in stream mode every transfer uses a new data connection, set up anew.
  data_mode_ = DataMode::None;
  data_connected_ = false;
}

void ServerSession::run_held_lines(Time now) {
  while (!transfer_ && state_ != State::Closed && !held_lines_.empty()) {
    const std::string line = std::move(held_lines_.front());
    held_lines_.pop_front();
    run_command(parse_command(line), line, now);
  }
}

void ServerSession::drop_data_connection() {
  if (data_mode_ == DataMode::Passive || data_connected_ || transfer_)
    data_action(DataAction{DataAction::Kind::Abort, 0, 0, 0, {}});
  data_mode_ = DataMode::None;
  data_connected_ = false;
}

Event ServerSession::transfer_event(EventKind kind, std::string text) const {
  Event event = make_event(kind, std::move(text));
  event.user = user_;
  event.file = transfer_->path;
  event.direction = transfer_->direction;
  event.mode = transfer_->mode;
  return event;
}

std::optional<ServerSession::TransferStatus> ServerSession::transfer() const {
  if (!transfer_) return std::nullopt;
  const Transfer& t = *transfer_;
  return TransferStatus{t.command, t.path, t.direction, t.size, t.received.size(), t.connected, t.began};
}

// ---- Output ----

void ServerSession::end_session(std::string why) {
  state_ = State::Closed;
  Event event = make_event(EventKind::SessionEnded, std::move(why));
  event.user = user_;
  events_.push_back(std::move(event));
}

void ServerSession::reply(std::string line) {
  outgoing_ += line;
  outgoing_ += "\r\n";
  events_.push_back(make_event(EventKind::Reply, std::move(line)));
}

void ServerSession::reply_multiline(const std::vector<std::string>& lines) {
  // RFC 959 4.2: "211-First line" ... "211 Last line".
  std::string text;
  for (const std::string& line : lines) {
    outgoing_ += line;
    outgoing_ += "\r\n";
    if (!text.empty()) text += '\n';
    text += line;
  }
  events_.push_back(make_event(EventKind::Reply, std::move(text)));
}

void ServerSession::protocol_error(std::string_view expected, std::string_view got) {
  std::string text = "ftp: expected ";
  text += expected;
  text += " in state ";
  text += to_string(state_);
  if (transfer_) text += " (transfer in progress)";
  text += ", got ";
  text += got;
  events_.push_back(make_event(EventKind::ProtocolError, std::move(text)));
}

}  // namespace wiresim::ftp
