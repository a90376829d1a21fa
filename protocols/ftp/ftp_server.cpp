// The ftp-server app: reads `files`, `accounts`, `anonymous`, `passive-ports` and friends into a
// Vfs and a ServerConfig, listens on port 21 and turns what its sessions report into records
// and trace events.
#include "protocols/ftp/ftp_server.hpp"

#include <nlohmann/json.hpp>

#include "protocols/ftp/real_session.hpp"
#include "sim/core/units.hpp"
#include "sim/scenario/table_reader.hpp"

namespace wiresim::ftp {
namespace {

// A size is written with a unit ending in B ("10MB", "1500B", "64KiB"); anything else is text.
std::optional<std::uint64_t> size_of(const std::string& text) {
  if (text.empty() || text.back() != 'B') return std::nullopt;
  auto size = parse_bytes(text);
  if (!size) return std::nullopt;
  return *size;
}

}  // namespace

FtpServerApp::FtpServerApp(AppContext& c) : world_(c.world), node_(c.node) {
  TableReader& t = c.table;
  // Accounts: "user:password", or "user:password:/home/dir"; the home is /home/<user> by default.
  const std::vector<std::string> accounts = t.string_list_or("accounts", {});
  std::vector<std::string> passwords;
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    const std::string& a = accounts[i];
    const auto colon = a.find(':');
    if (colon == std::string::npos || colon == 0)
      t.fail_element("accounts", i, "an account is \"user:password\" or \"user:password:/home/dir\", as in \"bob:secret\"; got \"" + a + "\"");
    const std::string user = a.substr(0, colon);
    std::string password = a.substr(colon + 1), home = "/home/" + user;
    if (const auto second = password.find(":/"); second != std::string::npos) {
      home = resolve_path("/", password.substr(second + 1));
      password.resize(second);
    }
    homes_.emplace_back(user, home);
    passwords.push_back(password);
  }
  for (std::size_t i = 0; i < homes_.size(); ++i) {
    if (std::string why = make_directories(homes_[i].second); !why.empty()) t.fail_element("accounts", i, why);
    if (auto added = vfs_.add_account(homes_[i].first, passwords[i], homes_[i].second); !added)
      t.fail_element("accounts", i, added.error());
  }
  // Files: "/pub/notes.txt:Hello\n" (its text), "/pub/big.iso:10MB" (a size: generated
  // content), "/pub/empty.txt" (empty), "/incoming/" (a directory). Parents are made as needed.
  const std::vector<std::string> files = t.string_list_or("files", {});
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string& f = files[i];
    const auto colon = f.find(':');
    const std::string path = f.substr(0, colon);
    if (path.empty() || path[0] != '/')
      t.fail_element("files", i, "a file starts with its absolute path, as in \"/pub/notes.txt:Hello\" or \"/pub/big.iso:10MB\"; got \"" + f + "\"");
    if (colon == std::string::npos && path.back() == '/') {
      if (std::string why = make_directories(resolve_path("/", path)); !why.empty()) t.fail_element("files", i, why);
      continue;
    }
    const std::string absolute = resolve_path("/", path);
    if (std::string why = make_directories(parent_of(absolute)); !why.empty()) t.fail_element("files", i, why);
    const std::string rest = colon == std::string::npos ? "" : f.substr(colon + 1);
    const std::optional<std::uint64_t> size = size_of(rest);
    if (size && *size > MaxGeneratedSize)
      t.fail_element("files", i, "a generated file is at most " + format_bytes(MaxGeneratedSize) + "; got " + rest);
    auto added = size ? vfs_.add_generated_file(absolute, *size, owner_of(absolute))
                      : vfs_.add_file(absolute, rest, owner_of(absolute));
    if (!added) t.fail_element("files", i, added.error());
  }
  if (t.boolean_or("anonymous", false)) {
    const std::string home = resolve_path("/", t.string_or("anonymous-home", "/pub"));
    if (std::string why = make_directories(home); !why.empty()) t.fail("anonymous-home", why);
    if (auto ok = vfs_.allow_anonymous(home); !ok) t.fail("anonymous-home", ok.error());
  }
  const auto first = static_cast<std::uint16_t>(t.integer_or("passive-ports", 1024, 65000, 50000));
  ports_.first = first;
  ports_.last = static_cast<std::uint16_t>(std::min(65535, first + 999));
  real_ports_ = ports_;
  config_.greeting = t.string_or("greeting", config_.greeting);
  config_.idle_timeout = t.duration_or("idle-timeout", config_.idle_timeout);
  config_.max_upload = t.bytes_or("max-upload", config_.max_upload);
  if (auto clash = world_.claim_port(node_, "TCP", ControlPort); !clash.empty()) t.fail_table(clash);
  world_.service<FtpWorld>().add_server(node_, this);
}

std::string FtpServerApp::owner_of(const std::string& path) const {
  std::string owner = "root";
  std::size_t best = 0;
  for (const auto& [user, home] : homes_)
    if ((path == home || path.starts_with(home + "/")) && home.size() > best && home != "/") {
      owner = user;
      best = home.size();
    }
  return owner;
}

std::string FtpServerApp::make_directories(const std::string& path) {
  if (path == "/" || vfs_.is_directory(path)) return "";
  if (std::string why = make_directories(parent_of(path)); !why.empty()) return why;
  auto ok = vfs_.add_directory(path, owner_of(path));
  return ok ? "" : ok.error();
}

void FtpServerApp::start() {
  (void)world_.stack(node_).tcp.listen(ControlPort, [this](TcpConnection& conn) { accept(conn); });
  listening_ = true;
}

void FtpServerApp::stop() {
  if (listening_) world_.stack(node_).tcp.stop_listening(ControlPort);
  listening_ = false;
}

void FtpServerApp::accept(TcpConnection& conn) {
  ++connections_;
  ServerConfig config = config_;
  // PASV names the address the client reached us at (RFC 959 4.1.2).
  config.address = conn.local().address.value;
  config.client_address = conn.remote().address.value;
  config.shared_ports = &ports_;
  const auto client_node = world_.net.node_by_address(conn.remote().address);
  const std::string client = client_node ? world_.net.node(*client_node).name() : conn.remote().address.to_string();
  auto session = std::make_unique<SimSession<ServerSession>>(
      world_.stack(node_).tcp, conn, StreamSessionOptions{world_.net.node(node_).name(), "ftp", "S"}, nullptr,
      nullptr, vfs_, config);
  auto* raw = session.get();
  session->control().set_event_handler([this, client, raw](const Event& e) { on_event(e, client, raw->data_bytes()); });
  session->control().start_connected();
  sessions_.push_back(std::move(session));
  clients_.push_back(client);
}

std::vector<RealService> FtpServerApp::real_services() {
  RealService service{"ftp", ControlPort, nullptr};
  service.make_session = [this]() -> std::unique_ptr<RealSession> {
    ++connections_;
    ServerConfig config = config_;
    // The loopback socket loop listens on 127.0.0.1 at the port the engine picks from the
    // scenario's passive-ports range (50000 upwards by default), shared by every session.
    config.address = 0x7F000001;
    config.client_address = 0x7F000001;  // real clients reach us on loopback only
    config.shared_ports = &real_ports_;
    return std::make_unique<RealServerSession>(
        // A real transfer's byte count is what the engine moved; the socket loop counts no acks.
        [this](const Event& e) { on_event(e, "127.0.0.1", e.bytes); }, vfs_, config);
  };
  return {std::move(service)};
}

void FtpServerApp::on_event(const Event& e, const std::string& client, std::uint64_t carried) {
  switch (e.kind) {
    case EventKind::LoggedIn:
      ++logins_;
      publish_ftp<LoginTrace>(world_, node_, "logged-in", e.user + " logged in from " + client, {{"user", e.user}});
      return;
    case EventKind::LoginFailed:
      ++failed_logins_;
      publish_ftp<LoginTrace>(world_, node_, "refused", "login refused for " + e.user + " from " + client, {{"user", e.user}});
      return;
    case EventKind::TransferStarted:
      publish_ftp<TransferTrace>(world_, node_, "started", e.text + " (" + std::string(to_string(e.mode)) + ")");
      return;
    case EventKind::TransferCompleted:
    case EventKind::TransferAborted: {
      const bool completed = e.kind == EventKind::TransferCompleted;
      // An aborted download counts what its data connection carried, not what the engine queued.
      const std::uint64_t bytes = completed ? e.bytes : std::min(e.bytes, carried);
      TransferRecord r{world_.sim.now(), world_.net.node(node_).name(), client, e.user, e.file, e.direction, e.mode,
                       bytes, completed};
      transfers_.push_back(r);
      world_.service<FtpWorld>().record(r);
      std::string text = e.text.substr(0, e.text.find(completed ? " completed" : " aborted"));
      text += (completed ? " completed, " : " aborted after ") + counted(bytes, "byte");
      publish_ftp<TransferTrace>(world_, node_, completed ? "completed" : "aborted",
                                 text + " (" + std::string(to_string(e.mode)) + ", " + std::string(to_string(e.direction)) + ", " + client + ")",
                                 {{"file", e.file}, {"direction", std::string(to_string(e.direction))},
                                  {"mode", std::string(to_string(e.mode))}, {"bytes", std::to_string(bytes)}});
      return;
    }
    case EventKind::ProtocolError:
      publish_ftp<ErrorTrace>(world_, node_, "protocol-error", e.text);
      return;
    default:
      return;
  }
}

void FtpServerApp::report(nlohmann::ordered_json& out) const {
  out["app"] = "ftp-server";
  out["host"] = world_.net.node(node_).name();
  out["connections"] = connections_;
  out["logins"] = logins_;
  out["failed_logins"] = failed_logins_;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const TransferRecord& r : transfers_)
    list.push_back({{"at_s", r.time.seconds()}, {"client", r.client}, {"user", r.user}, {"file", r.file},
                    {"direction", to_string(r.direction)}, {"mode", to_string(r.mode)}, {"bytes", r.bytes},
                    {"outcome", r.completed ? "completed" : "aborted"}});
  out["transfers"] = list;
}

namespace {

std::string_view mode_name(Mode mode) {
  return mode == Mode::Block ? "block" : mode == Mode::Compressed ? "compressed" : "stream";
}
std::string_view structure_name(Structure structure) {
  return structure == Structure::Record ? "record" : structure == Structure::Page ? "page" : "file";
}

// "passive 10.0.2.21:50000 open": who opens the data connection, the listening end, and whether
// it is up ("listening" or "connecting" until then); "none" before PORT or PASV.
std::string data_text(const ServerSession& s) {
  if (s.data_mode() == DataMode::None) return "none";
  const std::optional<ServerSession::TransferStatus> t = s.transfer();
  const bool open = s.data_connected() || (t && t->connected);
  std::string text(to_string(s.data_mode()));
  if (s.data_mode() == DataMode::Passive) {
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) about " " + a temporary string.
    text += ' ';
    text += format_address(s.address());
    text += ':';
    text += std::to_string(s.passive_port());
    text += open ? " open" : " listening";
  } else {
    text += ' ';
    text += format_address(s.active_target().address);
    text += ':';
    text += std::to_string(s.active_target().port);
    // RFC 959 3.2: in active mode the server connects when the transfer command comes.
    text += open ? " open" : t ? " connecting" : " waiting for a transfer command";
  }
  return text;
}

// "RETR /pub/notes.txt 42% (14680 of 34952 bytes)"; an upload's size is unknown until it ends:
// "STOR /incoming/a.txt (1200 bytes so far)". `carried`: octets the data connection moved.
std::string transfer_text(const ServerSession& s, std::uint64_t carried) {
  const std::optional<ServerSession::TransferStatus> t = s.transfer();
  if (!t) return "";
  std::string text = t->command + " " + t->path;
  if (t->direction == Direction::Upload) return text + " (" + std::to_string(t->received) + " bytes so far)";
  const std::uint64_t done = t->connected ? std::min(carried, t->size) : 0;
  const std::uint64_t percent = t->size ? done * 100 / t->size : 100;
  return text + " " + std::to_string(percent) + "% (" + std::to_string(done) + " of " + std::to_string(t->size) +
         " bytes)";
}

}  // namespace

void FtpServerApp::inspect(nlohmann::ordered_json& out) const {
  report(out);
  nlohmann::ordered_json sessions = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < sessions_.size(); ++i) {
    const SimSession<ServerSession>& session = *sessions_[i];
    const ServerSession& s = session.engine();
    // After QUIT (or a timeout) the session is over, though its connection may still close.
    if (session.finished() || s.state() == State::Closed) continue;
    nlohmann::ordered_json j;
    j["client"] = clients_[i];
    j["user"] = s.user();
    j["logged_in"] = s.state() == State::LoggedIn;
    j["cwd"] = s.cwd();
    j["type"] = type_name(s.type());
    j["mode"] = mode_name(s.mode());
    j["structure"] = structure_name(s.structure());
    j["data"] = data_text(s);
    j["transfer"] = transfer_text(s, session.data_bytes());
    sessions.push_back(std::move(j));
  }
  out["sessions"] = sessions;
}

}  // namespace wiresim::ftp
