// The `ftp` action: a user at the command-line ftp on a host, typing `commands` at the server.
// The control dialogue shows as C:/S: lines; what ftp prints shows as notes on the host.
#include <deque>
#include <memory>

#include "protocols/ftp/ftp_server.hpp"
#include "protocols/ftp/ftp_world.hpp"
#include "protocols/ftp/sim_adapter.hpp"
#include "sim/core/units.hpp"
#include "sim/scenario/registry.hpp"
#include "sim/scenario/table_reader.hpp"
#include "sim/trace/app_events.hpp"

namespace wiresim::ftp {
namespace {

// The client sessions of a world, kept until it ends.
struct FtpClients : WorldService {
  explicit FtpClients(World&) {}
  std::vector<std::unique_ptr<SimSession<ClientSession>>> sessions;
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
    auto session = std::make_unique<SimSession<ClientSession>>(
        w.stack(host).tcp, conn, StreamSessionOptions{name, "ftp", "C"},
        [&w, host, name, id, replies = std::make_shared<std::deque<std::string>>()](const Event& e) {
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
