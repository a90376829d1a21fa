// The FTP engines over simulated TCP: the adapter's two kinds of connection, the ftp-server app
// and the ftp action from scenario text, and the client's ABOR.
#include <doctest/doctest.h>

#include "protocols/ftp/ftp_server.hpp"
#include "protocols/ftp/ftp_world.hpp"
#include "tests/protocols/ftp/ftp_support.hpp"
#include "tests/support.hpp"

namespace wiresim::ftp::test {
namespace {

// Client "a" (10.0.1.1) and server "b" (10.0.1.2) on one link; `action` is the ftp action's keys.
std::string scenario(const std::string& action, const std::string& server_keys = "", const std::string& rate = "10Mbps") {
  return wiresim::test::hosts_a_b("rate = \"" + rate + "\"\ndelay = \"5ms\"\n",
                                  "[[app]]\ntype = \"ftp-server\"\nhost = \"b\"\naccounts = [\"bob:secret\"]\n"
                                  "files = [\"/home/bob/notes.txt:line one\\nline two\\n\", \"/pub/big.bin:200KB\"]\n" +
                                      server_keys +
                                      "[[action]]\nat = \"1s\"\ndo = \"ftp\"\nhost = \"a\"\nserver = \"b\"\n"
                                      "user = \"bob\"\npassword = \"secret\"\n" + action);
}

const std::vector<TransferRecord>& transfers(const World& w) {
  const FtpWorld* ftp = w.find_service<FtpWorld>();
  REQUIRE(ftp != nullptr);
  return ftp->transfers();
}

const Vfs& server_vfs(World& w) {
  const FtpServerApp* app = w.service<FtpWorld>().server(*w.net.find_node("b"));
  REQUIRE(app != nullptr);
  return app->vfs();
}

}  // namespace

TEST_CASE("an active get: the server connects from port 20 to the port named in PORT") {
  auto w = wiresim::test::load(scenario("passive = false\ncommands = [\"get notes.txt\"]\n"));
  const std::string t = wiresim::test::run_transcript(*w);
  CHECK(t.find("a ftp: C: PORT 10,0,1,1,156,64") != std::string::npos);
  CHECK(t.find("b ftp-data: data connection 10.0.1.2:20 → 10.0.1.1:40000 opened (active)") != std::string::npos);
  CHECK(t.find("a ftp-data: data connection 10.0.1.2:20 → 10.0.1.1:40000 closed after 18 bytes") != std::string::npos);
  CHECK(t.find("a ftp: 18 bytes received in") != std::string::npos);
  REQUIRE(transfers(*w).size() == 1);
  const TransferRecord& r = transfers(*w)[0];
  CHECK(r.completed);
  CHECK(r.mode == DataMode::Active);
  CHECK(r.direction == Direction::Download);
  CHECK(r.file == "/home/bob/notes.txt");
  CHECK(r.bytes == 18);
  CHECK(r.client == "a");
  // The data bytes are not dialogue lines.
  CHECK(t.find("line one") == std::string::npos);
}

TEST_CASE("a passive get: the client connects to the port in the 227 reply") {
  auto w = wiresim::test::load(scenario("commands = [\"get /pub/big.bin\"]\n"));
  const std::string t = wiresim::test::run_transcript(*w);
  CHECK(t.find("b ftp: S: 227 Entering Passive Mode (10,0,1,2,195,80)") != std::string::npos);
  CHECK(t.find("a ftp-data: data connection 10.0.1.1:49153 → 10.0.1.2:50000 opened (passive)") != std::string::npos);
  CHECK(t.find("closed after 200000 bytes") != std::string::npos);
  REQUIRE(transfers(*w).size() == 1);
  CHECK(transfers(*w)[0].mode == DataMode::Passive);
  CHECK(transfers(*w)[0].bytes == 200000);
  CHECK(transfers(*w)[0].completed);
}

TEST_CASE("a put stores the file on the server's tree, active and passive") {
  auto w = wiresim::test::load(
      scenario("commands = [\"put a.txt first\", \"passive off\", \"put b.txt second\", \"ls\"]\n"));
  wiresim::test::run_transcript(*w);
  CHECK(server_vfs(*w).content("/home/bob/a.txt") == "first");
  CHECK(server_vfs(*w).content("/home/bob/b.txt") == "second");
  REQUIRE(transfers(*w).size() == 3);
  CHECK(transfers(*w)[1].mode == DataMode::Active);
  CHECK(transfers(*w)[2].direction == Direction::Listing);
}

TEST_CASE("abort-after sends ABOR: 426 for the transfer, then 226, and the session goes on") {
  auto w = wiresim::test::load(
      scenario("commands = [\"get /pub/big.bin\", \"pwd\"]\nabort-after = \"300ms\"\n", "", "1Mbps"));
  const std::string t = wiresim::test::run_transcript(*w);
  const auto abor = t.find("a ftp: C: ABOR");
  const auto r426 = t.find("b ftp: S: 426 Connection closed; transfer aborted.");
  const auto r226 = t.find("b ftp: S: 226 Closing data connection.");
  REQUIRE(abor != std::string::npos);
  REQUIRE(r426 != std::string::npos);
  REQUIRE(r226 != std::string::npos);
  CHECK(abor < r426);
  CHECK(r426 < r226);
  CHECK(t.find("b ftp: S: 257 \"/home/bob\" is the current directory") != std::string::npos);
  REQUIRE(transfers(*w).size() == 1);
  CHECK_FALSE(transfers(*w)[0].completed);
  CHECK(transfers(*w)[0].bytes < 200000);
}

TEST_CASE("ftp-server files: text, generated sizes, directories, homes owned by their users") {
  auto w = wiresim::test::load(scenario("commands = []\n", "anonymous = true\n"));
  const Vfs& vfs = server_vfs(*w);
  CHECK(vfs.content("/home/bob/notes.txt") == "line one\nline two\n");
  REQUIRE(vfs.find("/pub/big.bin") != nullptr);
  CHECK(vfs.size(*vfs.find("/pub/big.bin")) == 200000);
  CHECK(vfs.find("/home/bob")->owner == "bob");
  CHECK(vfs.find("/pub")->owner == "root");
  CHECK(vfs.find_account("anonymous") != nullptr);
}

TEST_CASE("ftp-server rejects an account without a password, at the element") {
  const std::string error = wiresim::test::load_error(
      wiresim::test::hosts_a_b("", "[[app]]\ntype = \"ftp-server\"\nhost = \"b\"\naccounts = [\"bob\"]\n"));
  CHECK(error ==
        "test.toml:10:13: an account is \"user:password\" or \"user:password:/home/dir\", as in \"bob:secret\"; got \"bob\"");
}

TEST_CASE("the client's ABOR waits for the transfer's reply and the ABOR's") {
  ClientConfig config;
  config.script = {"user bob secret", "get big.bin", "pwd"};
  ClientSession c(config);
  const Time now{};
  c.on_connected(now);
  for (const char* reply : {"220 ready\r\n", "331 password\r\n", "230 in\r\n", "215 UNIX Type: L8\r\n", "200 binary\r\n"})
    c.on_bytes(reply, now);
  c.on_bytes("227 Entering Passive Mode (10,0,0,1,195,80)\r\n", now);
  c.on_data_connected(now);
  c.on_bytes("150 Opening BINARY mode data connection\r\n", now);
  c.on_data_bytes("partial", now);
  c.take_outgoing();
  c.take_events();
  CHECK(c.abort_transfer(now));
  CHECK(c.take_outgoing() == "ABOR\r\n");
  c.on_data_closed(false, now);  // the server resets the data connection
  c.on_bytes("426 Connection closed; transfer aborted.\r\n", now);
  CHECK(c.step() == ClientSession::Step::Abort);
  CHECK(c.take_outgoing().empty());
  c.on_bytes("226 Closing data connection.\r\n", now);
  CHECK(c.take_outgoing() == "PWD\r\n");
  CHECK(of_kind(c.take_events(), EventKind::TransferAborted) == std::vector<std::string>{"RETR big.bin aborted"});
  CHECK(c.files().empty());
  CHECK_FALSE(c.abort_transfer(now));  // nothing to abort while PWD is pending
}

TEST_CASE("an ABOR that crosses the transfer's 226 waits for the 225 too") {
  ClientConfig config;
  config.script = {"user bob secret", "get big.bin", "pwd"};
  ClientSession c(config);
  const Time now{};
  c.on_connected(now);
  for (const char* reply : {"220 ready\r\n", "331 password\r\n", "230 in\r\n", "215 UNIX Type: L8\r\n", "200 binary\r\n",
                            "227 Entering Passive Mode (10,0,0,1,195,80)\r\n"})
    c.on_bytes(reply, now);
  c.on_data_connected(now);
  c.on_bytes("150 Opening\r\n", now);
  c.take_outgoing();
  CHECK(c.abort_transfer(now));
  c.on_bytes("226 Transfer complete.\r\n", now);
  CHECK(c.step() == ClientSession::Step::Abort);
  c.on_bytes("225 No transfer to abort.\r\n", now);
  CHECK(c.take_outgoing() == "ABOR\r\nPWD\r\n");
}

}  // namespace wiresim::ftp::test
