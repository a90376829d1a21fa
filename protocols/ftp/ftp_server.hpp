// The ftp-server scenario app: a virtual file tree and accounts read from the scenario, port 21,
// one ServerSession (with its data connections) per control connection, and the transfers it
// saw for the report and the expectations.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "protocols/ftp/ftp_world.hpp"
#include "protocols/ftp/server_session.hpp"
#include "protocols/ftp/sim_adapter.hpp"
#include "protocols/ftp/vfs.hpp"
#include "sim/scenario/app.hpp"

namespace wiresim::ftp {

constexpr std::uint16_t ControlPort = 21;

class FtpServerApp : public App {
 public:
  explicit FtpServerApp(AppContext& c);
  void start() override;
  void stop() override;
  void report(nlohmann::ordered_json& out) const override;
  // The report, then each open control connection: who, logged in as whom, where in the tree,
  // the representation, the data connection and the transfer's progress.
  void inspect(nlohmann::ordered_json& out) const override;
  // Port 21 for `wiresim serve`: the same tree and accounts, PASV naming 127.0.0.1.
  std::vector<RealService> real_services() override;

  const Vfs& vfs() const { return vfs_; }
  const std::vector<TransferRecord>& transfers() const { return transfers_; }

 private:
  void accept(TcpConnection& conn);
  // `carried`: octets the data connection really moved, which an aborted transfer reports.
  void on_event(const Event& e, const std::string& client, std::uint64_t carried);
  std::string make_directories(const std::string& path);  // and its parents; "" or why not
  std::string owner_of(const std::string& path) const;

  World& world_;
  NodeId node_;
  Vfs vfs_;
  ServerConfig config_;
  PassivePorts ports_;
  PassivePorts real_ports_;  // for `wiresim serve`, apart from the simulation's
  std::vector<std::pair<std::string, std::string>> homes_;  // user, home directory
  std::vector<std::unique_ptr<SimSession<ServerSession>>> sessions_;
  std::vector<std::string> clients_;  // clients_[i]: the node (or address) sessions_[i] serves
  std::vector<TransferRecord> transfers_;
  std::uint64_t connections_ = 0, logins_ = 0, failed_logins_ = 0;
  bool listening_ = false;
};

}  // namespace wiresim::ftp
