// What FTP adds to the scenario language: the ftp-server app, the ftp action, the ftp-transfer
// and ftp-file expectations, and the ftp.* trace events.
#include "protocols/ftp/ftp_server.hpp"
#include "sim/scenario/registry.hpp"

namespace wiresim::ftp {

void register_client(Registry& registry);
void register_expectations(Registry& registry);

void register_protocol(Registry& registry) {
  registry.add_app("ftp-server", {"an FTP server on port 21 over a virtual file tree (files, accounts, anonymous)",
                                  [](AppContext& c) { return std::make_unique<FtpServerApp>(c); }});
  register_client(registry);
  register_expectations(registry);
  registry.add_event_kind("ftp.transfer", "an FTP transfer started, completed or was aborted (at the server)");
  registry.add_event_kind("ftp.login", "an FTP login was accepted or refused (at the server)");
  registry.add_event_kind("ftp.error", "malformed input to an FTP engine, answered with its error reply");
}

}  // namespace wiresim::ftp
