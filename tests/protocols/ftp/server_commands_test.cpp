// Every control command with its exact reply lines: login, directories, files, parameters and
// information, bad syntax and bad sequences; each dialogue also runs one byte at a time.
#include <doctest/doctest.h>

#include "tests/protocols/ftp/ftp_support.hpp"

namespace wiresim::ftp::test {

TEST_CASE("the server greets with 220 on connect") {
  Driver d(false);
  CHECK(d.output == Greeting);
  CHECK(d.session.state() == State::NotLoggedIn);
}

TEST_CASE("USER and PASS log in and PWD names the home directory") {
  Driver keep(false);
  const std::string out = run_both_ways([](Driver& d) { d.send(BobLogin + "PWD\r\n"); }, &keep);
  CHECK(out == BobLoginReplies + "257 \"/home/bob\" is the current directory\r\n");
  CHECK(of_kind(keep.events, EventKind::LoggedIn) == std::vector<std::string>{"bob logged in, home /home/bob"});
}

TEST_CASE("a wrong password gets 530 and a retry can succeed") {
  Driver keep(false);
  const std::string out = run_both_ways(
      [](Driver& d) { d.send(crlf({"USER bob", "PASS wrong", "PWD", "USER bob", "PASS secret"})); }, &keep);
  CHECK(out == Greeting + crlf({"331 Please specify the password.", "530 Login incorrect.",
                                "530 Please login with USER and PASS.", "331 Please specify the password.",
                                "230 Login successful."}));
  CHECK(of_kind(keep.events, EventKind::LoginFailed) == std::vector<std::string>{"login as \"bob\" refused"});
}

TEST_CASE("an unknown user gets the same replies as a wrong password") {
  CHECK(run_both_ways([](Driver& d) { d.send(crlf({"USER mallory", "PASS x"})); }) ==
        Greeting + crlf({"331 Please specify the password.", "530 Login incorrect."}));
}

TEST_CASE("PASS without USER is a bad sequence") {
  Driver keep(false);
  CHECK(run_both_ways([](Driver& d) { d.send("PASS secret\r\n"); }, &keep) ==
        Greeting + "503 Login with USER first.\r\n");
  CHECK(of_kind(keep.events, EventKind::ProtocolError) ==
        std::vector<std::string>{"ftp: expected USER before PASS in state NotLoggedIn, got PASS"});
}

TEST_CASE("commands before login get 530 but NOOP, SYST and QUIT work") {
  Driver keep(false);
  CHECK(run_both_ways([](Driver& d) { d.send(crlf({"CWD /pub", "RETR x", "NOOP", "SYST", "QUIT"})); }, &keep) ==
        Greeting + crlf({"530 Please login with USER and PASS.", "530 Please login with USER and PASS.",
                         "200 NOOP ok.", "215 UNIX Type: L8", "221 Goodbye."}));
  CHECK(of_kind(keep.events, EventKind::ProtocolError).front() ==
        "ftp: expected USER and PASS first in state NotLoggedIn, got \"CWD\"");
}

TEST_CASE("anonymous logs in with any password and starts in its home") {
  CHECK(run_both_ways([](Driver& d) { d.send(crlf({"USER anonymous", "PASS guest@example.com", "PWD"})); }) ==
        Greeting + crlf({"331 Guest login ok, send your complete e-mail address as password.",
                         "230 Guest login ok, access restrictions apply.", "257 \"/pub\" is the current directory"}));
}

TEST_CASE("anonymous is read-only: STOR gets 553, DELE, MKD and RNFR get 550") {
  const std::string out = run_both_ways([](Driver& d) {
    d.send(crlf({"USER ftp", "PASS a@b", "PASV", "STOR new.txt", "DELE readme.txt", "MKD d", "RNFR readme.txt",
                 "RETR readme.txt"}));
  });
  CHECK(out.ends_with(crlf({"227 Entering Passive Mode (10,0,0,1,195,80)", "553 Could not create file.",
                            "550 Permission denied.", "550 Permission denied.", "550 Permission denied.",
                            "150 Opening ASCII mode data connection for readme.txt (9 bytes)"})));
}

TEST_CASE("USER once logged in is refused") {
  CHECK(replies_to("USER alice\r\n") == "530 Can't change to another user.\r\n");
}

TEST_CASE("ACCT and ALLO are superfluous here") {
  CHECK(replies_to(crlf({"ACCT x", "ALLO 100"})) ==
        crlf({"202 Command not implemented, superfluous at this site.",
              "202 Command not implemented, superfluous at this site."}));
}

TEST_CASE("an unknown command gets 500 and a known unimplemented one 502") {
  Driver keep(false);
  const std::string out = run_both_ways([](Driver& d) { d.send(BobLogin + crlf({"XYZZY now", "STOU", "SITE CHMOD 1 f"})); }, &keep);
  CHECK(out.substr(BobLoginReplies.size()) ==
        crlf({"500 Unknown command \"XYZZY\".", "502 Command not implemented.", "502 Command not implemented."}));
  CHECK(of_kind(keep.events, EventKind::ProtocolError) ==
        std::vector<std::string>{"ftp: expected an FTP command in state LoggedIn, got \"XYZZY now\""});
}

TEST_CASE("an empty line gets 500") { CHECK(replies_to("\r\n") == "500 Syntax error, command unrecognized.\r\n"); }

TEST_CASE("a missing or unexpected argument gets 501") {
  CHECK(replies_to(crlf({"CWD", "RETR", "PWD now", "PASV 1", "TYPE"})) ==
        crlf({"501 Syntax error in parameters or arguments.", "501 Syntax error in parameters or arguments.",
              "501 Syntax error in parameters or arguments.", "501 Syntax error in parameters or arguments.",
              "501 Syntax error in parameters or arguments."}));
}

TEST_CASE("a command line over 512 octets gets 500 and the session goes on") {
  Driver keep(false);
  const std::string out = replies_to("NOOP " + std::string(600, 'x') + "\r\nNOOP\r\n");
  CHECK(out == crlf({"500 Command line too long.", "200 NOOP ok."}));
  run_both_ways([](Driver& d) { d.send("NOOP " + std::string(600, 'y') + "\r\n"); }, &keep);
  CHECK(of_kind(keep.events, EventKind::ProtocolError).front().starts_with(
      "ftp: expected a command line of at most 512 octets in state NotLoggedIn, got \"NOOP yyy"));
}

TEST_CASE("keywords are case-insensitive and a bare LF ends a line") {
  CHECK(replies_to("pwd\nnoop\r\n") == crlf({"257 \"/home/bob\" is the current directory", "200 NOOP ok."}));
}

TEST_CASE("CWD, CDUP and PWD move through the tree") {
  CHECK(replies_to(crlf({"CWD ../../pub", "PWD", "CDUP", "PWD", "CWD nowhere", "CWD /pub/readme.txt", "CWD /",
                         "CDUP", "PWD"})) ==
        crlf({"250 Directory successfully changed.", "257 \"/pub\" is the current directory",
              "250 Directory successfully changed.", "257 \"/\" is the current directory",
              "550 Failed to change directory.", "550 Failed to change directory.",
              "250 Directory successfully changed.", "250 Directory successfully changed.",
              "257 \"/\" is the current directory"}));
}

TEST_CASE("MKD creates a directory with 257 and RMD removes it") {
  Driver keep(false);
  const std::string out = run_both_ways([](Driver& d) {
    d.send(BobLogin + crlf({"MKD work", "MKD work", "CWD work", "PWD", "CDUP", "RMD work", "RMD work"}));
  }, &keep);
  CHECK(out.substr(BobLoginReplies.size()) ==
        crlf({"257 \"/home/bob/work\" created", "550 Create directory operation failed.",
              "250 Directory successfully changed.", "257 \"/home/bob/work\" is the current directory",
              "250 Directory successfully changed.", "250 Remove directory operation successful.",
              "550 Remove directory operation failed."}));
  CHECK(of_kind(keep.events, EventKind::FileChanged) ==
        std::vector<std::string>{"directory /home/bob/work created", "directory /home/bob/work removed"});
}

TEST_CASE("PWD doubles a quote in the directory name") {
  CHECK(replies_to(crlf({"MKD say\"hi", "CWD say\"hi", "PWD"})) ==
        crlf({"257 \"/home/bob/say\"\"hi\" created", "250 Directory successfully changed.",
              "257 \"/home/bob/say\"\"hi\" is the current directory"}));
}

TEST_CASE("RMD refuses a directory that is not empty or not ours") {
  CHECK(replies_to(crlf({"MKD d", "MKD d/e", "RMD d", "RMD /pub", "MKD /pub/x"})) ==
        crlf({"257 \"/home/bob/d\" created", "257 \"/home/bob/d/e\" created", "550 Directory not empty.",
              "550 Permission denied.", "550 Permission denied."}));
}

TEST_CASE("DELE removes our file and refuses others'") {
  Driver keep(false);
  const std::string out = run_both_ways(
      [](Driver& d) { d.send(BobLogin + crlf({"DELE notes.txt", "DELE notes.txt", "DELE /pub/readme.txt"})); },
      &keep);
  CHECK(out.substr(BobLoginReplies.size()) == crlf({"250 Delete operation successful.",
                                                    "550 Delete operation failed.", "550 Permission denied."}));
  CHECK(of_kind(keep.events, EventKind::FileChanged) == std::vector<std::string>{"/home/bob/notes.txt deleted"});
}

TEST_CASE("RNFR then RNTO renames with 350 then 250") {
  Driver keep(false);
  const std::string out = run_both_ways(
      [](Driver& d) { d.send(BobLogin + crlf({"RNFR notes.txt", "RNTO old.txt", "SIZE old.txt", "SIZE notes.txt"})); },
      &keep);
  CHECK(out.substr(BobLoginReplies.size()) ==
        crlf({"350 Ready for RNTO.", "250 Rename successful.", "213 32", "550 Could not get file size."}));
  CHECK(of_kind(keep.events, EventKind::FileChanged) ==
        std::vector<std::string>{"/home/bob/notes.txt renamed to /home/bob/old.txt"});
}

TEST_CASE("RNTO without RNFR right before it is a bad sequence") {
  CHECK(replies_to(crlf({"RNTO x", "RNFR notes.txt", "NOOP", "RNTO x", "RNFR missing", "RNFR notes.txt",
                         "RNTO /pub/x"})) ==
        crlf({"503 RNFR required first.", "350 Ready for RNTO.", "200 NOOP ok.", "503 RNFR required first.",
              "550 RNFR command failed.", "350 Ready for RNTO.", "550 Permission denied."}));
}

TEST_CASE("SIZE reports the size in the current TYPE") {
  // NotesText: 29 octets with 3 LF; as ASCII on the wire each LF is CRLF.
  CHECK(replies_to(crlf({"SIZE notes.txt", "TYPE I", "SIZE notes.txt", "TYPE E", "SIZE notes.txt", "SIZE /pub",
                         "SIZE /home/alice/private.txt"})) ==
        crlf({"213 32", "200 Switching to Binary mode.", "213 29", "200 Switching to EBCDIC mode.", "213 29",
              "550 Could not get file size.", "550 Could not get file size."}));
}

TEST_CASE("MDTM gives the modification time from the 2024 epoch") {
  CHECK(replies_to(crlf({"MDTM notes.txt", "MDTM /pub/readme.txt", "MDTM nothing"})) ==
        crlf({"213 20240101010000", "213 20240101000000", "550 Could not get file modification time."}));
}

TEST_CASE("TYPE accepts A, A N, A T, I, L 8 and E, and refuses the rest") {
  CHECK(replies_to(crlf({"TYPE A", "TYPE a n", "TYPE A T", "TYPE I", "TYPE L 8", "TYPE E", "TYPE A C", "TYPE L 7",
                         "TYPE X"})) ==
        crlf({"200 Switching to ASCII mode.", "200 Switching to ASCII mode.", "200 Switching to ASCII mode.",
              "200 Switching to Binary mode.", "200 Switching to Binary mode.", "200 Switching to EBCDIC mode.",
              "504 Command not implemented for that parameter.", "504 Command not implemented for that parameter.",
              "501 Syntax error in parameters or arguments."}));
}

TEST_CASE("STRU accepts F, R and P") {
  CHECK(replies_to(crlf({"STRU F", "STRU R", "STRU P", "STRU Q"})) ==
        crlf({"200 Structure set to F.", "200 Structure set to R.", "200 Structure set to P.",
              "501 Syntax error in parameters or arguments."}));
}

TEST_CASE("MODE accepts S, B and C; records travel in stream mode only") {
  CHECK(replies_to(crlf({"MODE S", "MODE B", "MODE C", "MODE Z"})) ==
        crlf({"200 Mode set to S.", "200 Mode set to B.", "200 Mode set to C.",
              "501 Syntax error in parameters or arguments."}));
  CHECK(replies_to(crlf({"STRU R", "MODE C", "MODE B", "STRU F", "MODE C", "STRU R"})) ==
        crlf({"200 Structure set to R.", "504 Command not implemented for that parameter.",
              "504 Command not implemented for that parameter.", "200 Structure set to F.", "200 Mode set to C.",
              "504 Command not implemented for that parameter."}));
}

TEST_CASE("a malformed PORT or EPRT gets 501") {
  Driver keep(false);
  const std::string out = run_both_ways([](Driver& d) {
    d.send(BobLogin + crlf({"PORT 10,0,0,2,156", "PORT 10,0,0,256,1,1", "PORT a,b,c,d,e,f", "PORT 10,0,0,2,0,0",
                            "EPRT |1|10.0.0.2|", "EPRT |2|::1|5000|", "EPRT |1|10.0.0.2|40000|"}));
  }, &keep);
  CHECK(out.substr(BobLoginReplies.size()) ==
        crlf({"501 Illegal PORT command.", "501 Illegal PORT command.", "501 Illegal PORT command.",
              "501 Illegal PORT command.", "501 Illegal EPRT command.", "522 Network protocol not supported, use (1)",
              "200 EPRT command successful."}));
  CHECK(of_kind(keep.events, EventKind::ProtocolError).front() ==
        "ftp: expected PORT h1,h2,h3,h4,p1,p2 with numbers 0-255 in state LoggedIn, got \"10,0,0,2,156\"");
}

// RFC 2577 3: a server that connects wherever PORT says can be made to attack a third host.
TEST_CASE("PORT and EPRT to a host other than the client get 504") {
  ServerConfig config;
  config.client_address = 0x0A000002;  // 10.0.0.2
  Driver d(false, config);
  d.send(BobLogin + crlf({"PORT 8,8,8,8,4,1", "EPRT |1|192.0.2.1|1025|", "PORT 10,0,0,2,156,64",
                          "EPRT |1|10.0.0.2|40001|"}));
  CHECK(d.output.substr(d.output.find(BobLoginReplies) + BobLoginReplies.size()) ==
        crlf({"504 Data connections go to the client's own address only (no FTP bounce, RFC 2577).",
              "504 Data connections go to the client's own address only (no FTP bounce, RFC 2577).",
              "200 PORT command successful.", "200 EPRT command successful."}));
}

TEST_CASE("PASV and EPSV hand out passive ports in turn") {
  Driver keep(false);
  const std::string out =
      run_both_ways([](Driver& d) { d.send(BobLogin + crlf({"PASV", "EPSV", "EPSV 2", "EPSV ALL"})); }, &keep);
  CHECK(out.substr(BobLoginReplies.size()) ==
        crlf({"227 Entering Passive Mode (10,0,0,1,195,80)", "229 Entering Extended Passive Mode (|||50001|)",
              "522 Network protocol not supported, use (1)", "200 EPSV ALL ok."}));
  // The EPSV's listener replaces the PASV's.
  CHECK(describe(keep.actions) == "listen 10.0.0.1:50000\nabort\nlisten 10.0.0.1:50001\n");
}

TEST_CASE("sessions sharing a port allocator never get the same passive port") {
  PassivePorts ports;
  ports.first = 60000;
  ports.last = 60001;
  ServerConfig config;
  config.shared_ports = &ports;
  Driver a(false, config), b(false, config);
  a.send(BobLogin + "PASV\r\n");
  b.send(BobLogin + "PASV\r\n");
  a.send("PASV\r\n");
  CHECK(describe(a.actions) == "listen 10.0.0.1:60000\nabort\nlisten 10.0.0.1:60000\n");
  CHECK(describe(b.actions) == "listen 10.0.0.1:60001\n");
}

TEST_CASE("REST accepts a number with 350 and refuses the rest") {
  CHECK(replies_to(crlf({"REST 100", "REST -1", "REST x", "REST 18446744073709551615", "REST 18446744073709551616",
                         "MODE B", "REST 5"})) ==
        crlf({"350 Restart position accepted (100).", "501 Syntax error in parameters or arguments.",
              "501 Syntax error in parameters or arguments.", "350 Restart position accepted (18446744073709551615).",
              "501 Syntax error in parameters or arguments.", "200 Mode set to B.",
              "504 Command not implemented for that parameter."}));
}

TEST_CASE("FEAT lists what is implemented in a multi-line reply") {
  CHECK(run_both_ways([](Driver& d) { d.send("FEAT\r\n"); }) ==
        Greeting + crlf({"211-Features:", " EPRT", " EPSV", " MDTM", " PASV", " REST STREAM", " SIZE", " TVFS",
                         "211 End"}));
}

TEST_CASE("HELP answers with a multi-line 214") {
  const std::string out = run_both_ways([](Driver& d) { d.send("HELP\r\n"); });
  CHECK(out.starts_with(Greeting + "214-The following commands are recognized.\r\n ABOR ACCT"));
  CHECK(out.ends_with("\r\n214 Help OK.\r\n"));
}

TEST_CASE("QUIT says goodbye and closes") {
  Driver keep(false);
  CHECK(replies_to(crlf({"QUIT", "NOOP"})) == "221 Goodbye.\r\n");
  Driver d(false);
  d.send("QUIT\r\n");
  CHECK(d.session.wants_close());
  CHECK(d.session.wake_at() == std::nullopt);
}

TEST_CASE("an idle session gets 421 and closes") {
  Driver d(false);
  CHECK(d.session.wake_at() == Time{} + seconds(300));
  d.session.on_timer(Time{} + seconds(299));
  CHECK(!d.session.wants_close());
  d.session.on_timer(Time{} + seconds(300));
  d.collect();
  CHECK(d.output == Greeting + "421 Timeout.\r\n");
  CHECK(d.session.wants_close());
}

TEST_CASE("Telnet IP and DM before ABOR are ignored") {
  CHECK(replies_to("\xff\xf4\xff\xf2" "ABOR\r\n") == "225 No transfer to abort.\r\n");
}

}  // namespace wiresim::ftp::test
