// The ftp-server app as real clients see it through `wiresim serve`: its RealService and the
// data-connection requests of a session, fed bytes without sockets.
#include <doctest/doctest.h>

#include "tests/support.hpp"

using namespace wiresim;

namespace {

constexpr std::string_view OneFtpServer = R"(
[[host]]
name = "ftp"
[[app]]
type = "ftp-server"
host = "ftp"
accounts = ["bob:secret"]
files = ["/home/bob/notes.txt:Hello\n"]
)";

std::unique_ptr<RealSession> logged_in_session(World& world) {
  std::vector<RealService> services = world.apps.at(0)->real_services();
  REQUIRE(services.size() == 1);
  CHECK(services[0].name == "ftp");
  CHECK(services[0].port == 21);
  std::unique_ptr<RealSession> session = services[0].make_session();
  session->on_connected(Time{});
  session->on_bytes("USER bob\r\nPASS secret\r\nTYPE I\r\n", Time{});
  session->drain_events();
  (void)session->take_outgoing();
  return session;
}

}  // namespace

TEST_CASE("ftp-server's real session names 127.0.0.1 in PASV and asks to listen on that port") {
  auto world = test::load(OneFtpServer);
  auto session = logged_in_session(*world);
  session->on_bytes("PASV\r\n", Time{});
  CHECK(session->take_outgoing() == "227 Entering Passive Mode (127,0,0,1,195,80)\r\n");
  const std::vector<DataRequest> requests = session->take_data_requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].kind == DataRequest::Kind::Listen);
  CHECK(requests[0].address == 0x7F000001);
  CHECK(requests[0].port == 50000);
}

TEST_CASE("ftp-server's real session sends a download as Send and Close once the data connection opens") {
  auto world = test::load(OneFtpServer);
  auto session = logged_in_session(*world);
  session->on_bytes("PORT 127,0,0,1,156,64\r\nRETR notes.txt\r\n", Time{});
  CHECK(session->take_outgoing() ==
        "200 PORT command successful.\r\n150 Opening BINARY mode data connection for notes.txt (6 bytes)\r\n");
  std::vector<DataRequest> requests = session->take_data_requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].kind == DataRequest::Kind::Connect);
  CHECK(requests[0].address == 0x7F000001);
  CHECK(requests[0].port == 40000);
  session->on_data_connected(Time{});
  requests = session->take_data_requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].kind == DataRequest::Kind::Send);
  CHECK(requests[0].bytes == "Hello\n");
  CHECK(requests[1].kind == DataRequest::Kind::Close);
  session->on_data_closed(true, Time{});
  CHECK(session->take_outgoing() == "226 Transfer complete.\r\n");
}
