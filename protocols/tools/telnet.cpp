// The `telnet` action: a student typing at a server, as the textbook suggests with
// `telnet hamburger.edu 25`. The lines go out one at a time; the dialogue shows as C:/S: lines.
#include <memory>

#include "protocols/tools/telnet_client.hpp"
#include "sim/core/units.hpp"
#include "sim/scenario/registry.hpp"
#include "sim/scenario/stream_session.hpp"
#include "sim/scenario/table_reader.hpp"
#include "sim/scenario/world.hpp"

namespace wiresim::tools {
namespace {

// The telnet sessions of a world, kept until it ends.
struct TelnetSessions : WorldService {
  explicit TelnetSessions(World&) {}
  std::vector<std::unique_ptr<StreamSession<TelnetClient>>> sessions;
};

std::function<void()> make_telnet(ActionContext& c) {
  World& w = c.world;
  TableReader& t = c.table;
  const NodeId host = t.node("host");
  const Endpoint to = t.endpoint("to");
  std::vector<std::string> lines = t.string_list("lines");
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lines[i].find('\n') != std::string::npos || lines[i].find('\r') != std::string::npos)
      t.fail_element("lines", i, "each element of 'lines' is one line; list them separately");
  const Duration quiet = t.duration_or("wait", milliseconds(200));
  // HTTP clients speak first; SMTP, POP3, IMAP and FTP servers do.
  const bool greeting = t.boolean_or("wait-for-greeting", to.port != 80);
  const std::string protocol = t.string_or("protocol", "telnet");
  return [&w, host, to, lines, quiet, greeting, protocol] {
    TcpConnection& conn = w.stack(host).tcp.connect(to);
    w.service<TelnetSessions>().sessions.push_back(std::make_unique<StreamSession<TelnetClient>>(
        w.sim, conn, StreamSessionOptions{w.net.node(host).name(), protocol, "C"}, nullptr, nullptr, lines, quiet,
        greeting));
  };
}

}  // namespace

void register_telnet(Registry& registry) {
  registry.add_action("telnet", {"type lines at a server (SMTP, POP3, IMAP, HTTP, FTP), one after each reply",
                                 make_telnet});
}

}  // namespace wiresim::tools
