// AUTH on the server (RFC 4954, RFC 4616 PLAIN, the LOGIN mechanism) and the MSA's rule that
// mail needs authentication first (RFC 6409 4.3).
#include <doctest/doctest.h>

#include "protocols/mime/transfer_encoding.hpp"
#include "tests/protocols/smtp/smtp_test_support.hpp"

using namespace wiresim;
using namespace wiresim::smtp;
using namespace wiresim::smtp::test;

namespace {

// AUTH sends base64 on one line (RFC 4954 4).
std::string base64_encode(std::string_view bytes) { return mime::base64_encode(bytes, 0); }

using Lines = std::vector<std::string>;

ServerConfig msa() {
  ServerConfig config;
  config.role = Role::Msa;
  config.domain = "mail.crepes.fr";
  config.authenticate = [](const std::string& user, const std::string& password) {
    return user == "alice" && password == "ketchup";
  };
  return config;
}

// The replies after the greeting and the EHLO reply.
Lines answers(const std::string& script, const ServerConfig& config = msa()) {
  Lines all = replies(config, "EHLO crepes.fr\r\n" + script);
  std::size_t skip = 1;
  while (skip < all.size() && all[skip].rfind("250-", 0) == 0) ++skip;
  return Lines(all.begin() + static_cast<std::ptrdiff_t>(skip + 1), all.end());
}

const std::string PlainGood = base64_encode(std::string("\0alice\0ketchup", 14));  // AGFsaWNlAGtldGNodXA=
const std::string PlainBad = base64_encode(std::string("\0alice\0mustard", 14));

}  // namespace

TEST_CASE("MSA offers AUTH PLAIN LOGIN in its EHLO reply") {
  CHECK(replies(msa(), "EHLO crepes.fr\r\n") == Lines{"220 mail.crepes.fr", "250-mail.crepes.fr", "250-SIZE 10240000",
                                                      "250-8BITMIME", "250-PIPELINING", "250-AUTH PLAIN LOGIN",
                                                      "250 HELP"});
}

TEST_CASE("MSA refuses MAIL before AUTH with 530") {
  CHECK(answers("MAIL FROM:<alice@crepes.fr>\r\n") == Lines{"530 5.7.0 Authentication required"});
}

TEST_CASE("AUTH PLAIN with an initial response succeeds and opens MAIL") {
  CHECK(PlainGood == "AGFsaWNlAGtldGNodXA=");
  const ServerRun run = run_server(msa(), "EHLO crepes.fr\r\nAUTH PLAIN " + PlainGood +
                                              "\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\n"
                                              "DATA\r\nhi\r\n.\r\n");
  const Lines out = lines(run.out);
  CHECK(Lines(out.end() - 5, out.end()) ==
        Lines{"235 2.7.0 Authentication successful", "250 alice@crepes.fr ... Sender ok",
              "250 bob@hamburger.edu ... Recipient ok", "354 Enter mail, end with \".\" on a line by itself",
              "250 Message accepted for delivery"});
  CHECK(texts_of(run.events, EventKind::AuthSucceeded) == Lines{"smtp: alice authenticated"});
  const Lines commands = texts_of(run.events, EventKind::Command);
  CHECK(commands[1] == "C: AUTH PLAIN AGFsaWNlAGtldGNodXA=");  // visible in the clear
  for (const Event& e : run.events) {
    if (e.kind != EventKind::MessageAccepted) continue;
    CHECK(e.data.rfind("Received: from crepes.fr by mail.crepes.fr with ESMTPA id 1;", 0) == 0);
    CHECK(e.envelope.auth_user == "alice");
  }
}

TEST_CASE("AUTH PLAIN without an initial response gets an empty 334 challenge") {
  CHECK(answers("AUTH PLAIN\r\n" + PlainGood + "\r\n") == Lines{"334 ", "235 2.7.0 Authentication successful"});
}

TEST_CASE("AUTH PLAIN with a wrong password gets 535 and MAIL stays closed") {
  const ServerRun run = run_server(msa(), "EHLO crepes.fr\r\nAUTH PLAIN " + PlainBad + "\r\nMAIL FROM:<alice@crepes.fr>\r\n");
  const Lines out = lines(run.out);
  CHECK(Lines(out.end() - 2, out.end()) ==
        Lines{"535 5.7.8 Authentication credentials invalid", "530 5.7.0 Authentication required"});
  CHECK(texts_of(run.events, EventKind::AuthFailed) == Lines{"smtp: wrong user name or password for alice"});
}

TEST_CASE("AUTH PLAIN refuses a response that is not authzid NUL user NUL password") {
  CHECK(answers("AUTH PLAIN " + base64_encode("alice ketchup") + "\r\n") ==
        Lines{"535 5.7.8 Authentication credentials invalid"});
  CHECK(answers("AUTH PLAIN " + base64_encode(std::string("bob\0alice\0ketchup", 17)) + "\r\n") ==
        Lines{"535 5.7.8 Authentication credentials invalid"});
  CHECK(answers("AUTH PLAIN " + base64_encode(std::string("alice\0alice\0ketchup", 19)) + "\r\n") ==
        Lines{"235 2.7.0 Authentication successful"});
}

TEST_CASE("AUTH LOGIN asks for user name and password in base64") {
  CHECK(answers("AUTH LOGIN\r\n" + base64_encode("alice") + "\r\n" + base64_encode("ketchup") + "\r\n") ==
        Lines{"334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", "235 2.7.0 Authentication successful"});
  CHECK(answers("AUTH LOGIN\r\n" + base64_encode("alice") + "\r\n" + base64_encode("mustard") + "\r\n") ==
        Lines{"334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", "535 5.7.8 Authentication credentials invalid"});
}

TEST_CASE("AUTH LOGIN takes the user name as an initial response, as smtplib sends it") {
  CHECK(answers("auth LOGIN " + base64_encode("alice") + "\r\n" + base64_encode("ketchup") + "\r\n") ==
        Lines{"334 UGFzc3dvcmQ6", "235 2.7.0 Authentication successful"});
}

TEST_CASE("a star cancels the AUTH exchange with 501") {
  const ServerRun run = run_server(msa(), "EHLO crepes.fr\r\nAUTH LOGIN\r\n*\r\nNOOP\r\n");
  const Lines out = lines(run.out);
  CHECK(Lines(out.end() - 3, out.end()) == Lines{"334 VXNlcm5hbWU6", "501 5.7.0 Authentication cancelled", "250 OK"});
  CHECK(texts_of(run.events, EventKind::AuthFailed) == Lines{"smtp: the client cancelled AUTH"});
}

TEST_CASE("AUTH rejects bad base64, unknown mechanisms and a missing mechanism") {
  CHECK(answers("AUTH PLAIN !!!!\r\nAUTH LOGIN\r\nnot base64\r\nAUTH CRAM-MD5\r\nAUTH\r\n") ==
        Lines{"501 5.5.2 Cannot decode response", "334 VXNlcm5hbWU6", "501 5.5.2 Cannot decode response",
              "504 5.5.4 Unrecognized authentication type", "501 Syntax error in parameters or arguments"});
}

TEST_CASE("AUTH is out of sequence after HELO, after success and inside a transaction") {
  CHECK(lines(run_server(msa(), "HELO crepes.fr\r\nAUTH PLAIN " + PlainGood + "\r\n").out).back() ==
        "503 5.5.1 Bad sequence of commands");
  CHECK(answers("AUTH PLAIN " + PlainGood + "\r\nAUTH PLAIN " + PlainGood + "\r\n") ==
        Lines{"235 2.7.0 Authentication successful", "503 5.5.1 Bad sequence of commands"});
  CHECK(answers("AUTH PLAIN " + PlainGood + "\r\nMAIL FROM:<a@crepes.fr>\r\nAUTH PLAIN " + PlainGood + "\r\n").back() ==
        "503 5.5.1 Bad sequence of commands");
}

TEST_CASE("MSA relays to any domain for the authenticated user") {
  CHECK(answers("AUTH PLAIN " + PlainGood + "\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\n") ==
        Lines{"235 2.7.0 Authentication successful", "250 alice@crepes.fr ... Sender ok",
              "250 bob@hamburger.edu ... Recipient ok"});
}

TEST_CASE("AUTH lines may be longer than 512 octets, up to 12288") {
  const std::string long_response = base64_encode(std::string(1000, 'a'));
  CHECK(answers("AUTH PLAIN " + long_response + "\r\n") == Lines{"535 5.7.8 Authentication credentials invalid"});
}

TEST_CASE("server without an authenticate callback fails every AUTH") {
  ServerConfig config = msa();
  config.authenticate = nullptr;
  CHECK(answers("AUTH PLAIN " + PlainGood + "\r\n", config) == Lines{"535 5.7.8 Authentication credentials invalid"});
}
