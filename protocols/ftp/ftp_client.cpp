// The `ftp` action: a user at the command-line ftp on a host, typing `commands` at the server.
// The control dialogue shows as C:/S: lines; what ftp prints shows as notes on the host.
#include <cstdio>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>

#include "protocols/ftp/ftp_server.hpp"
#include "protocols/ftp/ftp_world.hpp"
#include "protocols/ftp/sim_adapter.hpp"
#include "sim/core/units.hpp"
#include "sim/scenario/registry.hpp"
#include "sim/scenario/table_reader.hpp"
#include "sim/trace/app_events.hpp"

namespace wiresim::ftp {
namespace {

// What one ftp action cost, for comparing with HTTP: connections opened (control and data),
// octets on the control connection both ways, and the time from its SYN to the last transfer's end.
struct SessionSummary {
  std::string host, server;
  bool passive = true;
  std::uint64_t files = 0, data_bytes = 0, connections = 0, control_bytes = 0;
  Time start{}, end{};
};

std::string summary_text(const SessionSummary& s) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f s", (s.end - s.start).seconds());
  return counted(s.files, "file") + ", " + counted(s.connections, "connection") + ", " +
         std::to_string(s.control_bytes) + " control bytes, " + std::to_string(s.data_bytes) + " data bytes, " +
         seconds + (s.passive ? " (passive)" : " (active)");
}

// The client sessions of a world, kept until it ends, and their summaries for the report.
struct FtpClients : WorldService {
  explicit FtpClients(World&) {}
  std::vector<std::unique_ptr<SimSession<ClientSession>>> sessions;
  std::vector<std::unique_ptr<SessionSummary>> summaries;
  void report(nlohmann::ordered_json& out) const override {
    if (summaries.empty()) return;
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& s : summaries)
      list.push_back({{"host", s->host}, {"server", s->server}, {"mode", s->passive ? "passive" : "active"},
                      {"files", s->files}, {"connections", s->connections}, {"control_bytes", s->control_bytes},
                      {"data_bytes", s->data_bytes}, {"start_s", s->start.seconds()}, {"end_s", s->end.seconds()},
                      {"seconds", (s->end - s->start).seconds()}, {"summary", summary_text(*s)}});
    out["ftp_sessions"] = list;
  }
  // "ftp_clients": each ftp action's session as its user sees it: what it waits for, the
  // TYPE and data mode it will use, the script lines left and the files it has got so far.
  void inspect(nlohmann::ordered_json& out) const override {
    if (sessions.empty()) return;
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    // One summary per session, pushed together by make_ftp.
    for (std::size_t i = 0; i < sessions.size() && i < summaries.size(); ++i) {
      const ClientSession& c = sessions[i]->engine();
      nlohmann::ordered_json files = nlohmann::ordered_json::array();
      for (const auto& [name, bytes] : c.files()) files.push_back({{"name", name}, {"octets", bytes.size()}});
      nlohmann::ordered_json j;
      j["host"] = summaries[i]->host;
      j["server"] = summaries[i]->server;
      j["waiting_for"] = to_string(c.step());
      j["type"] = type_name(c.type());
      j["data_mode"] = c.passive() ? "passive" : "active";
      j["commands_left"] = c.commands_left();
      j["files"] = std::move(files);
      list.push_back(std::move(j));
    }
    out["ftp_clients"] = list;
  }
};

std::function<void()> make_ftp(ActionContext& c) {
  World& w = c.world;
  TableReader& t = c.table;
  const NodeId host = t.node("host");
  const NodeId server = t.node("server");
  const std::string user = t.string_or("user", "anonymous");
  const std::string password = t.string_or("password", "guest@example.com");
  if (user.find(' ') != std::string::npos || password.find(' ') != std::string::npos)
    t.fail(user.find(' ') != std::string::npos ? "user" : "password", "a user name or password has no spaces here");
  const bool passive = t.boolean_or("passive", true);
  const std::vector<std::string> commands = t.string_list_or("commands", {});
  for (std::size_t i = 0; i < commands.size(); ++i)
    if (commands[i].find('\n') != std::string::npos || commands[i].find('\r') != std::string::npos)
      t.fail_element("commands", i, "each command is one line, as ftp reads it: \"get notes.txt\"");
  std::optional<Duration> abort_after;
  if (t.has("abort-after")) abort_after = t.duration("abort-after");
  const auto port = static_cast<std::uint16_t>(t.integer_or("port", 1, 65535, ControlPort));

  return [&w, host, server, user, password, passive, commands, abort_after, port] {
    ClientConfig config;
    const std::string server_name = w.net.node(server).name();
    config.script.push_back("open " + server_name);
    config.script.push_back("user " + user + " " + password);
    for (const std::string& command : commands) config.script.push_back(command);
    if (commands.empty() || (commands.back() != "quit" && commands.back() != "bye")) config.script.push_back("quit");
    config.passive = passive;
    config.first_active_port = w.service<FtpWorld>().reserve_active_ports(host, config.script.size());
    TcpConnection& conn = w.stack(host).tcp.connect({w.net.node(server).address(), port});
    config.address = conn.local().address.value;  // what PORT names
    const std::string name = w.net.node(host).name();
    const auto id = static_cast<std::int64_t>(conn.id());
    auto& summaries = w.service<FtpClients>().summaries;
    summaries.push_back(std::make_unique<SessionSummary>(
        SessionSummary{name, w.net.node(server).name(), passive, 0, 0, 0, 0, w.sim.now(), w.sim.now()}));
    SessionSummary* summary = summaries.back().get();
    // Connections of this session: the control connection and the data connections after it,
    // those of the host's TCP with the server at the other end (either end may have opened them).
    const std::size_t first_connection = w.stack(host).tcp.connections().size() - 1;
    // At the end of the dialogue (221 to QUIT, or the server closing): the control connection's
    // TIME-WAIT, and whatever the host does after it, are not the session's.
    auto summarize = [&w, host, name, id, summary, first_connection, &conn] {
      const auto& list = w.stack(host).tcp.connections();
      const Ipv4Address server_address = conn.remote().address;
      for (std::size_t i = first_connection; i < list.size(); ++i)
        if (list[i]->remote().address == server_address) ++summary->connections;
      summary->control_bytes = conn.stats().bytes_sent + conn.stats().bytes_received;
      w.sim.trace().publish(AppMessage{name, "ftp", "", "ftp summary: " + summary_text(*summary), id});
    };
    auto session = std::make_unique<SimSession<ClientSession>>(
        w.stack(host).tcp, conn, StreamSessionOptions{name, "ftp", "C"},
        [&w, host, name, id, summary, summarize, replies = std::make_shared<std::deque<std::string>>()](const Event& e) {
          if (e.kind == EventKind::SessionEnded) summarize();
          // Every octet on the session's data connections counts, listings' and cut-short
          // transfers' too; a file counts once it has gone whole either way (get or put).
          if (e.kind == EventKind::TransferCompleted || e.kind == EventKind::TransferAborted) {
            summary->end = w.sim.now();
            summary->data_bytes += e.bytes;
            if (e.kind == EventKind::TransferCompleted && e.direction != Direction::Listing) ++summary->files;
          }
          // ftp prints each reply right after the engine reports it; the S: lines show those.
          if (e.kind == EventKind::Reply) {
            replies->clear();  // lines of an earlier reply that ftp kept quiet about
            for (std::size_t at = 0; at <= e.text.size();) {
              const std::size_t lf = std::min(e.text.find('\n', at), e.text.size());
              replies->push_back(e.text.substr(at, lf - at));
              at = lf + 1;
            }
          } else if (e.kind == EventKind::Transcript) {
            if (!replies->empty() && replies->front() == e.text) {
              replies->pop_front();
              return;
            }
            w.sim.trace().publish(AppMessage{name, "ftp", "", e.text, id});
          } else if (e.kind == EventKind::Error) {
            w.sim.trace().publish(AppMessage{name, "ftp", "", "error: " + e.text, id});
          } else if (e.kind == EventKind::ProtocolError) {
            publish_ftp<ErrorTrace>(w, host, "protocol-error", e.text);
          }
        },
        nullptr, std::move(config));
    auto* raw = session.get();
    w.service<FtpClients>().sessions.push_back(std::move(session));
    if (abort_after)
      w.sim.schedule_in(*abort_after, [&w, raw] {
        if (raw->engine().abort_transfer(w.sim.now())) raw->control().flush();
      });
  };
}

}  // namespace

void register_client(Registry& registry) {
  registry.add_action("ftp", {"a user runs the command-line ftp against an ftp-server: login, then `commands`",
                              make_ftp});
}

}  // namespace wiresim::ftp
