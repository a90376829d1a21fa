// The desktop view's state panels for FTP: the server's open sessions (login, directory,
// representation, data connection, transfer progress) and the ftp clients, read from bundled
// scenarios at chosen instants of simulated time.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "tests/protocols/inspect_support.hpp"


using namespace wiresim;
using namespace wiresim::inspect_test;

namespace {

// The bytes done in "RETR /pub/debian.iso 3% (366460 of 10000000 bytes)".
std::uint64_t bytes_done(const std::string& transfer) {
  const auto open = transfer.find('(');
  REQUIRE(open != std::string::npos);
  return std::stoull(transfer.substr(open + 1));
}

}  // namespace

TEST_CASE("ftp-server inspect shows a passive download in progress, then the session gone after QUIT") {
  auto world = load_bundled("ftp/abort-download");
  run_to(*world, 3000);  // the 10 MB RETR started at about 1.2 s, over 2 Mbps
  Json server = inspect_app(*world, "ftp-server");
  REQUIRE(server.at("sessions").size() == 1);
  Json s = server.at("sessions")[0];
  CHECK(s.at("client") == "alice-pc");
  CHECK(s.at("user") == "anonymous");
  CHECK(s.at("logged_in") == true);
  CHECK(s.at("cwd") == "/pub");
  CHECK(s.at("type") == "BINARY");  // the client's TYPE I after login
  CHECK(s.at("mode") == "stream");
  CHECK(s.at("structure") == "file");
  CHECK(s.at("data") == "passive 198.51.100.21:50000 open");
  const std::string transfer = s.at("transfer").get<std::string>();
  CHECK(transfer.starts_with("RETR /pub/debian.iso "));
  CHECK(transfer.ends_with(" of 10000000 bytes)"));
  const std::uint64_t at_3s = bytes_done(transfer);
  CHECK(at_3s > 100'000);
  CHECK(at_3s < 1'000'000);
  const std::string percent = transfer.substr(std::string("RETR /pub/debian.iso ").size());
  CHECK(percent.starts_with(std::to_string(at_3s * 100 / 10'000'000) + "% ("));

  run_to(*world, 4000);
  s = inspect_app(*world, "ftp-server").at("sessions")[0];
  CHECK(bytes_done(s.at("transfer").get<std::string>()) > at_3s);

  run_to(*world, 12'000);  // ^C at 5 s (ABOR), then ls and quit
  server = inspect_app(*world, "ftp-server");
  CHECK(server.at("sessions").empty());
  REQUIRE(server.at("transfers").size() == 2);  // the report's part is kept
  CHECK(server.at("transfers")[0].at("outcome") == "aborted");
}

TEST_CASE("ftp-server inspect shows an active data connection: waiting, connecting, open") {
  auto world = load_bundled("ftp/active-vs-passive");
  std::set<std::string> data_seen;
  std::string transfer_while_open;
  for (std::int64_t ms = 1000; ms <= 1400; ms += 5) {
    run_to(*world, ms);
    const Json server = inspect_app(*world, "ftp-server");
    for (const Json& s : server.at("sessions")) {
      const std::string data = s.at("data").get<std::string>();
      data_seen.insert(data);
      if (data == "active 10.0.1.10:40000 open") transfer_while_open = s.at("transfer").get<std::string>();
      if (data == "none") CHECK(s.at("transfer") == "");
    }
  }
  CHECK(data_seen.count("none") == 1);
  CHECK(data_seen.count("active 10.0.1.10:40000 waiting for a transfer command") == 1);  // after PORT
  CHECK(data_seen.count("active 10.0.1.10:40000 connecting") == 1);  // after RETR, our SYN on its way
  CHECK(data_seen.count("active 10.0.1.10:40000 open") == 1);
  CHECK(transfer_while_open.starts_with("RETR /home/bob/notes.txt "));
  CHECK(transfer_while_open.ends_with(" of 35 bytes)"));
}

TEST_CASE("ftp-server inspect follows the working directory through cd and cdup") {
  auto world = load_bundled("ftp/session");
  std::set<std::string> cwd_seen;
  bool logged_out_seen = false;
  for (std::int64_t ms = 1000; ms <= 3000; ms += 2) {
    run_to(*world, ms);
    const Json server = inspect_app(*world, "ftp-server");
    for (const Json& s : server.at("sessions")) {
      cwd_seen.insert(s.at("cwd").get<std::string>());
      if (s.at("logged_in") == false) {
        logged_out_seen = true;
        CHECK(s.at("user") == "");  // before PASS
      }
    }
  }
  CHECK(logged_out_seen);
  CHECK(cwd_seen == std::set<std::string>{"/", "/home/bob", "/home/bob/reports"});
}

TEST_CASE("ftp client inspect: what the session waits for and the files it received") {
  auto world = load_bundled("ftp/active-vs-passive");
  run_to(*world, 1050);
  Json clients = inspect_services(*world).at("ftp_clients");
  REQUIRE(clients.size() == 1);
  CHECK(clients[0].at("host") == "bob-pc");
  CHECK(clients[0].at("server") == "ftp-server");
  CHECK(clients[0].at("data_mode") == "active");  // passive = false in the scenario
  CHECK(clients[0].at("type") == "ASCII");
  CHECK(clients[0].at("commands_left").get<std::size_t>() >= 1);
  CHECK(clients[0].at("files").empty());

  run_to(*world, 3500);
  clients = inspect_services(*world).at("ftp_clients");
  REQUIRE(clients.size() == 2);
  CHECK(clients[0].at("data_mode") == "active");
  CHECK(clients[0].at("waiting_for") == "done");
  CHECK(clients[0].at("commands_left") == 0);
  CHECK(clients[0].at("files") == Json::array({Json{{"name", "notes.txt"}, {"octets", 35}}}));
  CHECK(clients[1].at("data_mode") == "passive");
}
