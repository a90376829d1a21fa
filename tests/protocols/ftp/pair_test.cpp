// A client engine wired to a server engine in memory, the test carrying the bytes of both the
// control and the data connections: scripted sessions as the command-line ftp would run them.
#include <doctest/doctest.h>

#include "tests/protocols/ftp/ftp_support.hpp"

namespace wiresim::ftp::test {
namespace {

ClientConfig script(std::vector<std::string> lines, bool passive = true) {
  ClientConfig config;
  config.script = std::move(lines);
  config.passive = passive;
  return config;
}

}  // namespace

TEST_CASE("a passive get prints the ftp transcript and receives the file") {
  Pair pair(script({"open ftp.example.com", "user bob secret", "get notes.txt", "quit"}));
  pair.run();
  CHECK(pair.transcript() ==
        "Connected to ftp.example.com.\n"
        "220 wiresim FTP server ready\n"
        "ftp> user bob secret\n"
        "331 Please specify the password.\n"
        "230 Login successful.\n"
        "215 UNIX Type: L8\n"
        "Remote system type is UNIX.\n"
        "Using binary mode to transfer files.\n"
        "ftp> get notes.txt\n"
        "local: notes.txt remote: notes.txt\n"
        "227 Entering Passive Mode (10,0,0,1,195,80)\n"
        "125 Data connection already open; transfer starting.\n"
        "226 Transfer complete.\n"
        "29 bytes received in 0.02 secs (1.4 kB/s)\n"
        "ftp> quit\n"
        "221 Goodbye.\n");
  CHECK(pair.client.files().at("notes.txt") == NotesText);
  CHECK(pair.data_log == std::vector<std::string>{"server: listen 10.0.0.1:50000", "client: connect 10.0.0.1:50000",
                                                  "server: send 29 bytes", "server: close"});
  CHECK(pair.client.wants_close());
  CHECK(pair.server.wants_close());
}

TEST_CASE("an active get listens on the client and the server connects from port 20") {
  Pair pair(script({"user bob secret", "passive off", "get notes.txt copy.txt", "quit"}));
  pair.run();
  CHECK(pair.client_to_server.find("PORT 10,0,0,2,156,64\r\nRETR notes.txt\r\n") != std::string::npos);
  CHECK(pair.data_log == std::vector<std::string>{"client: listen 10.0.0.2:40000",
                                                  "server: connect 10.0.0.2:40000 from port 20",
                                                  "server: send 29 bytes", "server: close"});
  CHECK(pair.client.files().at("copy.txt") == NotesText);
  CHECK(pair.transcript().find("Passive mode off.\n") != std::string::npos);
}

TEST_CASE("the same session gives the same events fed one byte at a time") {
  auto run = [](bool bytewise) {
    Pair pair(script({"user bob secret", "ascii", "get notes.txt", "put up.txt hello", "ls", "quit"}));
    pair.one_byte_at_a_time = bytewise;
    pair.run();
    return describe(pair.client_events) + describe(pair.server_events) + pair.vfs.content("/home/bob/up.txt");
  };
  CHECK(run(false) == run(true));
}

TEST_CASE("put stores a file and ls lists it") {
  Pair pair(script({"user bob secret", "put hello.txt hello world", "ls", "quit"}));
  pair.run();
  CHECK(pair.vfs.content("/home/bob/hello.txt") == "hello world");
  const std::string transcript = pair.transcript();
  CHECK(transcript.find("ftp> put hello.txt hello world\nlocal: hello.txt remote: hello.txt\n"
                        "227 Entering Passive Mode (10,0,0,1,195,80)\n"
                        "125 Data connection already open; transfer starting.\n226 Transfer complete.\n"
                        "11 bytes sent in") != std::string::npos);
  CHECK(transcript.find("-rw-r--r--    1 bob      bob            11 Jan 01 00:00 hello.txt\n"
                        "-rw-r--r--    1 bob      bob            29 Jan 01  2024 notes.txt\n"
                        "226 Transfer complete.\n") != std::string::npos);
}

TEST_CASE("an ASCII get converts CRLF back and counts the wire bytes") {
  Pair pair(script({"user bob secret", "ascii", "get notes.txt", "quit"}));
  pair.run();
  CHECK(pair.client.files().at("notes.txt") == NotesText);
  CHECK(pair.transcript().find("125 Data connection already open; transfer starting.\n"
                               "226 Transfer complete.\n32 bytes received") != std::string::npos);
}

TEST_CASE("an EBCDIC put and get round-trip the text") {
  Pair pair(script({"user bob secret", "ebcdic", "put e.txt Hello, EBCDIC!", "get e.txt back.txt", "quit"}));
  pair.run();
  CHECK(pair.vfs.content("/home/bob/e.txt") == "Hello, EBCDIC!");
  CHECK(pair.client.files().at("back.txt") == "Hello, EBCDIC!");
}

TEST_CASE("a wrong password prints Login failed and a second user command succeeds") {
  Pair pair(script({"user bob wrong", "user bob secret", "pwd", "quit"}));
  pair.run();
  const std::string transcript = pair.transcript();
  CHECK(transcript.find("530 Login incorrect.\nLogin failed.\nftp> user bob secret\n") != std::string::npos);
  CHECK(transcript.find("257 \"/home/bob\" is the current directory\n") != std::string::npos);
}

TEST_CASE("rename, delete, mkdir, size and cd map to their commands") {
  Pair pair(script({"user bob secret", "mkdir docs", "rename notes.txt docs/n.txt", "cd docs", "size n.txt",
                    "delete n.txt", "frobnicate", "quit"}));
  pair.run();
  CHECK(pair.client_to_server ==
        crlf({"USER bob", "PASS secret", "SYST", "TYPE I", "MKD docs", "RNFR notes.txt", "RNTO docs/n.txt",
              "CWD docs", "SIZE n.txt", "DELE n.txt", "QUIT"}));
  CHECK(pair.transcript().find("ftp> frobnicate\n?Invalid command.\n") != std::string::npos);
  CHECK(!pair.vfs.find("/home/bob/docs/n.txt"));
}

TEST_CASE("anonymous put is refused with 553 and reported as an error") {
  Pair pair(script({"user anonymous me@example.com", "put x.txt data", "get readme.txt", "quit"}));
  pair.run();
  CHECK(pair.transcript().find("553 Could not create file.\nftp> get readme.txt\n") != std::string::npos);
  CHECK(pair.client.files().at("readme.txt") == "Welcome\n");
  CHECK(of_kind(pair.client_events, EventKind::TransferAborted) == std::vector<std::string>{"STOR x.txt failed"});
}

TEST_CASE("a refused passive connection is reported like ftp does") {
  ClientSession client(script({"user bob secret", "get notes.txt"}));
  client.on_connected(Time{});
  client.on_bytes(crlf({"220 hi", "331 p", "230 ok", "215 UNIX Type: L8", "200 ok"}), Time{});
  client.on_bytes("227 Entering Passive Mode (10,0,0,1,195,80)\r\n", Time{});
  std::vector<DataAction> actions = client.take_data_actions();
  REQUIRE(actions.size() == 1);
  CHECK(describe(actions[0]) == "connect 10.0.0.1:50000");
  client.on_data_closed(false, Time{});
  CHECK(of_kind(client.take_events(), EventKind::Error) == std::vector<std::string>{"ftp: connect: Connection refused"});
  CHECK(client.step() == ClientSession::Step::Idle);
}

TEST_CASE("the client reads multi-line replies and rejects lines without a code") {
  ClientSession client(script({"quote FEAT"}));
  client.on_connected(Time{});
  client.on_bytes("220-Welcome\r\n220-to the\r\n220 server\r\nhello\r\n", Time{});
  const std::vector<Event> events = client.take_events();
  CHECK(of_kind(events, EventKind::Reply) == std::vector<std::string>{"220-Welcome\n220-to the\n220 server"});
  CHECK(of_kind(events, EventKind::ProtocolError) ==
        std::vector<std::string>{"ftp: expected a reply starting with a three-digit code in step command, got \"hello\""});
}

}  // namespace wiresim::ftp::test
