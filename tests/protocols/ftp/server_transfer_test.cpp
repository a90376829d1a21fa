// Transfers on data connections, the test playing the adapter: active and passive RETR with the
// requests checked, STOR, LIST, TYPE A/I/E, MODE B framing, ABOR, REST, 425; both ways each.
#include <doctest/doctest.h>

#include "protocols/ftp/representation.hpp"
#include "tests/protocols/ftp/ftp_support.hpp"

namespace wiresim::ftp::test {
namespace {

// The data bytes the server sent, in order.
std::string sent_data(const std::vector<DataAction>& actions) {
  std::string out;
  for (const DataAction& a : actions)
    if (a.kind == DataAction::Kind::Send) out += a.bytes;
  return out;
}

}  // namespace

TEST_CASE("an active RETR connects from port 20 to the PORT address, then 150 and 226") {
  Driver keep(false);
  const std::string out = run_both_ways([](Driver& d) {
    d.send(BobLogin + crlf({"TYPE I", "PORT 10,0,0,2,156,64", "RETR notes.txt"}));
    d.session.on_data_connected(Time{});
    d.collect();
    d.session.on_data_closed(true, Time{});
    d.collect();
  }, &keep);
  CHECK(out.substr(BobLoginReplies.size()) ==
        crlf({"200 Switching to Binary mode.", "200 PORT command successful.",
              "150 Opening BINARY mode data connection for notes.txt (29 bytes)", "226 Transfer complete."}));
  // 156 * 256 + 64 = 40000.
  CHECK(describe(keep.actions) == "connect 10.0.0.2:40000 from port 20\nsend 29 bytes\nclose\n");
  CHECK(sent_data(keep.actions) == NotesText);
  CHECK(of_kind(keep.events, EventKind::TransferCompleted) ==
        std::vector<std::string>{"RETR /home/bob/notes.txt completed, 29 bytes"});
}

TEST_CASE("a passive RETR listens where 227 says, and 125 when already connected") {
  Driver keep(false);
  const std::string out = run_both_ways([](Driver& d) {
    d.send(BobLogin + crlf({"TYPE I", "PASV"}));
    d.session.on_data_connected(Time{});
    d.send("RETR notes.txt\r\n");
    d.session.on_data_closed(true, Time{});
    d.collect();
  }, &keep);
  CHECK(out.substr(BobLoginReplies.size()) ==
        crlf({"200 Switching to Binary mode.", "227 Entering Passive Mode (10,0,0,1,195,80)",
              "125 Data connection already open; transfer starting.", "226 Transfer complete."}));
  const std::optional<HostPort> announced = parse_pasv_reply("227 Entering Passive Mode (10,0,0,1,195,80)");
  REQUIRE(announced);
  REQUIRE(!keep.actions.empty());
  CHECK(keep.actions[0].kind == DataAction::Kind::Listen);
  CHECK(keep.actions[0].address == announced->address);
  CHECK(keep.actions[0].port == announced->port);
  CHECK(describe(keep.actions) == "listen 10.0.0.1:50000\nsend 29 bytes\nclose\n");
}

TEST_CASE("a passive RETR sent before the client connects gets 150 and waits") {
  Driver keep(false);
  run_both_ways([](Driver& d) {
    d.send(BobLogin + crlf({"EPSV", "RETR notes.txt"}));
    d.session.on_data_connected(Time{});
    d.collect();
    d.session.on_data_closed(true, Time{});
    d.collect();
  }, &keep);
  CHECK(keep.output.ends_with(crlf({"229 Entering Extended Passive Mode (|||50000|)",
                                    "150 Opening ASCII mode data connection for notes.txt (32 bytes)",
                                    "226 Transfer complete."})));
}

TEST_CASE("a transfer without PORT or PASV gets 425") {
  CHECK(replies_to("RETR notes.txt\r\n") == "425 Use PORT or PASV first.\r\n");
}

TEST_CASE("a data connection that cannot be opened gets 425") {
  Driver keep(false);
  run_both_ways([](Driver& d) {
    d.send(BobLogin + crlf({"PORT 10,0,0,2,156,64", "RETR notes.txt"}));
    d.session.on_data_closed(false, Time{});
    d.collect();
  }, &keep);
  CHECK(keep.output.ends_with(crlf({"150 Opening ASCII mode data connection for notes.txt (32 bytes)",
                                    "425 Can't open data connection."})));
  CHECK(of_kind(keep.events, EventKind::TransferAborted).size() == 1);
}

TEST_CASE("TYPE A sends CRLF line ends and TYPE I the stored bytes") {
  Driver ascii(false), image(false);
  for (Driver* d : {&ascii, &image}) {
    d->send(BobLogin + (d == &image ? "TYPE I\r\n" : "") + crlf({"PASV", "RETR notes.txt"}));
    d->session.on_data_connected(Time{});
    d->collect();
  }
  CHECK(sent_data(ascii.actions) == "line one\r\nline two\r\nline three\r\n");
  CHECK(sent_data(image.actions) == NotesText);
  CHECK(sent_data(ascii.actions).size() == 32);
  CHECK(sent_data(image.actions).size() == 29);
}

TEST_CASE("STRU R sends each line as a record ending in EOR, the last with EOF (RFC 959 3.4.1)") {
  using namespace std::string_literals;
  Driver d(false);
  d.send(BobLogin + crlf({"STRU R", "MODE B", "PASV", "RETR notes.txt"}));
  d.session.on_data_connected(Time{});
  d.collect();
  CHECK(sent_data(d.actions) == "line one\xFF\x01line two\xFF\x01line three\xFF\x03"s);
  CHECK(d.output.find("504 Command not implemented for that parameter.") != std::string::npos);  // MODE B with records
}

TEST_CASE("a STOR in STRU R stores the records as lines") {
  using namespace std::string_literals;
  Driver keep(false);
  const std::string out = run_both_ways([](Driver& d) {
    d.send(BobLogin + crlf({"STRU R", "PASV", "STOR up.txt"}));
    d.session.on_data_connected(Time{});
    d.session.on_data_bytes("hello\xFF\x01wor"s, Time{});
    d.session.on_data_bytes("ld\xFF\x03"s, Time{});
    d.session.on_data_closed(true, Time{});
    d.collect();
    d.send(crlf({"STRU F", "TYPE I", "SIZE up.txt"}));
  }, &keep);
  CHECK(out.substr(BobLoginReplies.size()) ==
        crlf({"200 Structure set to R.", "227 Entering Passive Mode (10,0,0,1,195,80)",
              "150 Opening ASCII mode data connection for up.txt", "226 Transfer complete.",
              "200 Structure set to F.", "200 Switching to Binary mode.", "213 12"}));
}

TEST_CASE("a STOR in TYPE A stores LF line ends and reports 226") {
  Driver keep(false);
  const std::string out = run_both_ways([](Driver& d) {
    d.send(BobLogin + crlf({"PASV", "STOR up.txt"}));
    d.session.on_data_connected(Time{});
    d.session.on_data_bytes("hello\r\nwor", Time{});
    d.session.on_data_bytes("ld\r\n", Time{});
    d.session.on_data_closed(true, Time{});
    d.collect();
    d.send(crlf({"TYPE I", "SIZE up.txt"}));
  }, &keep);
  CHECK(out.substr(BobLoginReplies.size()) ==
        crlf({"227 Entering Passive Mode (10,0,0,1,195,80)", "150 Opening ASCII mode data connection for up.txt",
              "226 Transfer complete.", "200 Switching to Binary mode.", "213 12"}));
  CHECK(of_kind(keep.events, EventKind::FileChanged) == std::vector<std::string>{"/home/bob/up.txt written (12 bytes)"});
}

TEST_CASE("APPE adds to the end of a file") {
  Driver d(false);
  d.send(BobLogin + crlf({"TYPE I", "PASV", "APPE notes.txt"}));
  d.session.on_data_connected(Time{});
  d.session.on_data_bytes("more\n", Time{});
  d.session.on_data_closed(true, Time{});
  CHECK(d.vfs.content("/home/bob/notes.txt") == NotesText + "more\n");
}

TEST_CASE("TYPE E sends EBCDIC and a STOR in TYPE E comes back as the same text") {
  Driver d(false);
  d.send(BobLogin + crlf({"TYPE E", "PASV", "RETR notes.txt"}));
  d.session.on_data_connected(Time{});
  d.session.on_data_closed(true, Time{});
  d.collect();
  const std::string ebcdic = sent_data(d.actions);
  CHECK(ebcdic.substr(0, 5) == "\x93\x89\x95\x85\x40");  // "line " in code page 037
  CHECK(static_cast<unsigned char>(ebcdic[8]) == 0x15);   // LF as EBCDIC NL
  d.send(crlf({"PASV", "STOR copy.txt"}));
  d.session.on_data_connected(Time{});
  d.session.on_data_bytes(ebcdic, Time{});
  d.session.on_data_closed(true, Time{});
  CHECK(d.vfs.content("/home/bob/copy.txt") == NotesText);
}

TEST_CASE("MODE B frames a file in blocks ending with an EOF block") {
  Driver keep(false);
  run_both_ways([](Driver& d) {
    d.send(BobLogin + crlf({"TYPE I", "MODE B", "PASV", "RETR notes.txt"}));
    d.session.on_data_connected(Time{});
    d.session.on_data_closed(true, Time{});
    d.collect();
  }, &keep);
  CHECK(sent_data(keep.actions) == std::string("\x00\x00\x1d", 3) + NotesText + std::string("\x40\x00\x00", 3));
  CHECK(keep.output.ends_with("226 Transfer complete.\r\n"));
}

TEST_CASE("a MODE B STOR without an EOF block gets 451") {
  Driver keep(false);
  run_both_ways([](Driver& d) {
    d.send(BobLogin + crlf({"TYPE I", "MODE B", "PASV", "STOR b.bin"}));
    d.session.on_data_connected(Time{});
    d.session.on_data_bytes(std::string("\x00\x00\x02hi", 5), Time{});
    d.session.on_data_closed(true, Time{});
    d.collect();
  }, &keep);
  CHECK(keep.output.ends_with("451 Requested action aborted: local error in processing.\r\n"));
  CHECK(of_kind(keep.events, EventKind::ProtocolError) ==
        std::vector<std::string>{"ftp: expected a block-mode stream ending in an EOF block in state LoggedIn "
                                 "(transfer in progress), got no EOF block (descriptor 64) before the connection closed"});
}

// RFC 959 3.4.3 and 3.1.2.3 through the server: MODE C compresses the file, STRU P pages it, and
// a STOR in either is taken apart again.
TEST_CASE("MODE C sends the file compressed, STRU P in pages, and STOR undoes both") {
  using namespace std::string_literals;
  Driver keep(false);
  run_both_ways([](Driver& d) {
    d.send(BobLogin + crlf({"TYPE I", "MODE C", "PASV", "RETR notes.txt"}));
    d.session.on_data_connected(Time{});
    d.session.on_data_closed(true, Time{});
    d.collect();
  }, &keep);
  CHECK(sent_data(keep.actions) == compressed_encode(NotesText, 0x00));
  CHECK(keep.output.ends_with("226 Transfer complete.\r\n"));
  Driver paged(false);
  run_both_ways([](Driver& d) {
    d.send(BobLogin + crlf({"TYPE I", "STRU P", "PASV", "RETR notes.txt"}));
    d.session.on_data_connected(Time{});
    d.session.on_data_closed(true, Time{});
    d.collect();
  }, &paged);
  CHECK(sent_data(paged.actions) == "\x04\x00\x1d\x01"s + NotesText + "\x04\x01\x00\x00"s);
  Driver up(false);
  up.send(BobLogin + crlf({"TYPE A", "STRU P", "MODE C", "PASV", "STOR up.txt"}));
  up.session.on_data_connected(Time{});
  up.session.on_data_bytes(compressed_encode(pages_encode("a      b\r\n"), 0x20), Time{});
  up.session.on_data_closed(true, Time{});
  up.collect();
  CHECK(up.vfs.content("/home/bob/up.txt") == "a      b\n");
  CHECK(up.output.ends_with("226 Transfer complete.\r\n"));
}

// RFC 3659 4: SIZE is what would cross the data connection now, in the current TYPE, STRU and
// MODE (NotesText: 29 octets, 3 lines).
TEST_CASE("SIZE counts the octets as the current TYPE, STRU and MODE would send them") {
  CHECK(replies_to(crlf({"TYPE I", "SIZE notes.txt", "STRU R", "SIZE notes.txt", "STRU P", "SIZE notes.txt", "MODE B",
                         "SIZE notes.txt", "STRU F", "MODE C", "SIZE notes.txt"})) ==
        crlf({"200 Switching to Binary mode.", "213 29", "200 Structure set to R.", "213 32",
              "200 Structure set to P.", "213 37", "200 Mode set to B.", "213 43", "200 Structure set to F.",
              "200 Mode set to C.", "213 32"}));
}

TEST_CASE("a STOR in STRU P with an unknown page type gets 551") {
  using namespace std::string_literals;
  Driver keep(false);
  run_both_ways([](Driver& d) {
    d.send(BobLogin + crlf({"TYPE I", "STRU P", "PASV", "STOR p.bin"}));
    d.session.on_data_connected(Time{});
    d.session.on_data_bytes("\x04\x00\x02\x09" "hi\x04\x01\x00\x00"s, Time{});
    d.session.on_data_closed(true, Time{});
    d.collect();
  }, &keep);
  CHECK(keep.output.ends_with("551 Requested action aborted: page type unknown.\r\n"));
}

TEST_CASE("a MODE C STOR that decodes past the upload limit gets 552") {
  Driver keep(false);
  run_both_ways([](Driver& d) {
    d.send(BobLogin + crlf({"TYPE I", "MODE C", "PASV", "STOR bomb.bin"}));
    d.session.on_data_connected(Time{});
    // 300,000 filler strings of 63: 18.9 MB of zeros from 0.3 MB, past the 16 MiB limit.
    d.session.on_data_bytes(std::string(300'000, '\xFF') + std::string("\x00\x40", 2), Time{});
    d.session.on_data_closed(true, Time{});
    d.collect();
  }, &keep);
  CHECK(keep.output.ends_with("552 Requested file action aborted: exceeded storage allocation.\r\n"));
}

TEST_CASE("a MODE C STOR without its EOF escape gets 451") {
  Driver keep(false);
  run_both_ways([](Driver& d) {
    d.send(BobLogin + crlf({"TYPE I", "MODE C", "PASV", "STOR c.bin"}));
    d.session.on_data_connected(Time{});
    d.session.on_data_bytes(std::string("\x02hi", 3), Time{});
    d.session.on_data_closed(true, Time{});
    d.collect();
  }, &keep);
  CHECK(keep.output.ends_with("451 Requested action aborted: local error in processing.\r\n"));
  CHECK(of_kind(keep.events, EventKind::ProtocolError) ==
        std::vector<std::string>{"ftp: expected a compressed-mode stream ending in an EOF escape in state LoggedIn "
                                 "(transfer in progress), got no EOF escape (0x00 0x40) before the connection closed"});
}

TEST_CASE("ABOR during a transfer gives 426 then 226, and held commands run after") {
  Driver keep(false);
  const std::string out = run_both_ways([](Driver& d) {
    d.send(BobLogin + crlf({"PASV", "STOR slow.txt"}));
    d.session.on_data_connected(Time{});
    d.session.on_data_bytes("partial", Time{});
    d.send(crlf({"PWD", "ABOR"}));
  }, &keep);
  CHECK(out.substr(BobLoginReplies.size()) ==
        crlf({"227 Entering Passive Mode (10,0,0,1,195,80)", "150 Opening ASCII mode data connection for slow.txt",
              "426 Connection closed; transfer aborted.", "226 Closing data connection.",
              "257 \"/home/bob\" is the current directory"}));
  CHECK(keep.actions.back().kind == DataAction::Kind::Abort);
  CHECK(of_kind(keep.events, EventKind::TransferAborted) ==
        std::vector<std::string>{"STOR /home/bob/slow.txt aborted after 7 bytes"});
}

TEST_CASE("a data connection lost mid-transfer gets 426") {
  Driver keep(false);
  run_both_ways([](Driver& d) {
    d.send(BobLogin + crlf({"PASV", "STOR x.txt"}));
    d.session.on_data_connected(Time{});
    d.session.on_data_closed(false, Time{});
    d.collect();
  }, &keep);
  CHECK(keep.output.ends_with("426 Connection closed; transfer aborted.\r\n"));
  CHECK(keep.output.find("226") == std::string::npos);
}

TEST_CASE("REST then RETR resumes at the offset") {
  Driver keep(false);
  const std::string out = run_both_ways([](Driver& d) {
    d.send(BobLogin + crlf({"TYPE I", "REST 9", "PASV", "RETR notes.txt"}));
    d.session.on_data_connected(Time{});
    d.session.on_data_closed(true, Time{});
    d.collect();
    d.send(crlf({"REST 100", "PASV", "RETR notes.txt"}));
  }, &keep);
  CHECK(out.substr(BobLoginReplies.size()) ==
        crlf({"200 Switching to Binary mode.", "350 Restart position accepted (9).",
              "227 Entering Passive Mode (10,0,0,1,195,80)",
              "150 Opening BINARY mode data connection for notes.txt (20 bytes)", "226 Transfer complete.",
              "350 Restart position accepted (100).", "227 Entering Passive Mode (10,0,0,1,195,81)",
              "554 Requested action not taken: invalid REST parameter."}));
  CHECK(sent_data(keep.actions) == "line two\nline three\n");
}

TEST_CASE("LIST sends ls -l lines and NLST names") {
  Driver keep(false);
  run_both_ways([](Driver& d) {
    d.send("USER anonymous\r\nPASS me@x\r\n" + crlf({"PASV", "LIST"}));
    d.session.on_data_connected(Time{});
    d.session.on_data_closed(true, Time{});
    d.collect();
    d.send(crlf({"PASV", "NLST -a"}));
    d.session.on_data_connected(Time{});
    d.session.on_data_closed(true, Time{});
    d.collect();
    d.send(crlf({"PASV", "LIST /nothing"}));
  }, &keep);
  CHECK(sent_data(keep.actions) ==
        crlf({"-rw-r--r--    1 root     root         1000 Jan 01 00:00 big.bin",
              "-rw-r--r--    1 root     root            8 Jan 01 00:00 readme.txt", "big.bin", "readme.txt"}));
  CHECK(keep.output.ends_with(crlf({"150 Here comes the directory listing.", "226 Transfer complete.",
                                    "227 Entering Passive Mode (10,0,0,1,195,82)", "450 No such file or directory."})));
}

TEST_CASE("LIST of another user's unreadable file is refused and RETR too") {
  CHECK(replies_to(crlf({"PASV", "RETR /home/alice/private.txt", "LIST /home/alice/private.txt"})) ==
        crlf({"227 Entering Passive Mode (10,0,0,1,195,80)", "550 Failed to open file.", "550 Permission denied."}));
}

TEST_CASE("an upload over the limit is aborted with 552") {
  ServerConfig config;
  config.max_upload = 4;
  Driver d(false, config);
  d.send(BobLogin + crlf({"PASV", "STOR big.txt"}));
  d.session.on_data_connected(Time{});
  d.session.on_data_bytes("12345", Time{});
  d.collect();
  CHECK(d.output.ends_with("552 Requested file action aborted: exceeded storage allocation.\r\n"));
  CHECK(!d.vfs.find("/home/bob/big.txt"));
}

TEST_CASE("QUIT during a transfer aborts it and closes") {
  Driver d(false);
  d.send(BobLogin + crlf({"PASV", "STOR x.txt"}));
  d.session.on_data_connected(Time{});
  d.send("QUIT\r\n");
  CHECK(d.output.ends_with(crlf({"426 Connection closed; transfer aborted.", "221 Goodbye."})));
  CHECK(d.session.wants_close());
}

}  // namespace wiresim::ftp::test
