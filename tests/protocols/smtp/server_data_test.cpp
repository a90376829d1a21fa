// The server's DATA phase: dot-unstuffing, the Received: header, the message size limit (552),
// the accept_message verdicts, and pipelined commands (RFC 5321 4.1.1.4, 4.4, 4.5.2; RFC 2920).
#include <doctest/doctest.h>

#include "tests/protocols/smtp/smtp_test_support.hpp"

using namespace wiresim;
using namespace wiresim::smtp;
using namespace wiresim::smtp::test;

namespace {

using Lines = std::vector<std::string>;

const std::string UpToData = "EHLO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\n";

std::vector<Event> accepted(const std::vector<Event>& events) {
  std::vector<Event> out;
  for (const Event& e : events)
    if (e.kind == EventKind::MessageAccepted) out.push_back(e);
  return out;
}

}  // namespace

TEST_CASE("server removes the extra dot of dot-stuffed lines") {
  const ServerRun run = run_server({}, UpToData + "..leading dot\r\n.\r\n...\r\n.x\r\n.\r\n");
  const std::vector<Event> messages = accepted(run.events);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].data.substr(messages[0].data.find("\r\n") + 2) == ".leading dot\r\n");
  // The first "." alone ended the data; the rest are commands now.
  CHECK(lines(run.out).back() == "500 Syntax error, command unrecognized");
}

// RFC 5321 4.1.1.4: only <CRLF>.<CRLF> ends the data. A "." line with a bare LF on either side
// is data: a server that ends there lets a client smuggle a second message past a filter
// ("SMTP smuggling", 2023), and here it left the real end to be read as two unknown commands.
TEST_CASE("server ends the data only at CRLF . CRLF, not at a bare LF") {
  const ServerRun run = run_server({}, UpToData + "Subject: lf\n\nhello\n.\nmore\r\n.\nstill\r\n.\r\n");
  const std::vector<Event> messages = accepted(run.events);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].data.find("more") != std::string::npos);
  CHECK(messages[0].data.find("still") != std::string::npos);
  for (const std::string& line : lines(run.out)) CHECK(line.rfind("500", 0) != 0);
  CHECK(lines(run.out).back().rfind("250", 0) == 0);
}

TEST_CASE("server reports message lines as they crossed the wire") {
  const ServerRun run = run_server({}, UpToData + "..leading dot\r\nplain\r\n.\r\n");
  CHECK(texts_of(run.events, EventKind::DataLine) == Lines{"C: ..leading dot", "C: plain", "C: ."});
}

TEST_CASE("server writes the Received header with the client address, protocol and id") {
  ServerConfig config;
  config.client_address = "[192.0.2.7]";
  config.queue_id = [] { return std::string("A1B2"); };
  config.timestamp = [](Time) { return std::string("Mon, 9 Sep 2024 10:00:00 +0000"); };
  const ServerRun run = run_server(config, UpToData + "Hi\r\n.\r\n");
  REQUIRE(accepted(run.events).size() == 1);
  CHECK(accepted(run.events)[0].data ==
        "Received: from crepes.fr ([192.0.2.7]) by hamburger.edu with ESMTP id A1B2; Mon, 9 Sep 2024 10:00:00 +0000\r\n"
        "Hi\r\n");
}

TEST_CASE("server numbers the messages of one session") {
  const ServerRun run = run_server({}, UpToData + "one\r\n.\r\n" + UpToData.substr(16) + "two\r\n.\r\n");
  const std::vector<Event> messages = accepted(run.events);
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].data.find(" id 1; ") != std::string::npos);
  CHECK(messages[1].data.find(" id 2; ") != std::string::npos);
}

TEST_CASE("server accepts an empty message") {
  const ServerRun run = run_server({}, UpToData + ".\r\n");
  CHECK(lines(run.out).back() == "250 Message accepted for delivery");
  REQUIRE(accepted(run.events).size() == 1);
}

TEST_CASE("server reads an oversized message to its end, then answers 552") {
  ServerConfig config;
  config.max_message_size = 20;
  const ServerRun run = run_server(config, UpToData + "0123456789\r\n0123456789\r\nabc\r\n.\r\nNOOP\r\n");
  const Lines out = lines(run.out);
  CHECK(Lines(out.end() - 2, out.end()) == Lines{"552 Message size exceeds fixed maximum message size", "250 OK"});
  CHECK(accepted(run.events).empty());
}

TEST_CASE("server takes a message of exactly the size limit") {
  ServerConfig config;
  config.max_message_size = 12;
  const ServerRun run = run_server(config, UpToData + "0123456789\r\n.\r\n");
  CHECK(lines(run.out).back() == "250 Message accepted for delivery");
}

TEST_CASE("server bounds a message that never ends its first line") {
  ServerConfig config;
  config.max_message_size = 1000;
  const ServerRun run = run_server(config, UpToData + std::string(50000, 'x') + "\r\n.\r\n");
  CHECK(lines(run.out).back() == "552 Message size exceeds fixed maximum message size");
  CHECK(texts_of(run.events, EventKind::DataLine).front().size() == 3 + 1000 + 3);
}

TEST_CASE("server answers what accept_message decides") {
  ServerConfig config;
  int calls = 0;
  config.accept_message = [&calls](const smtp::Envelope& envelope, std::string_view data) {
    ++calls;
    if (data.find("spam") != std::string_view::npos) return AcceptVerdict{554, "Message rejected as spam"};
    if (envelope.rcpts.size() > 1) return AcceptVerdict{451, ""};
    return AcceptVerdict{250, "OK queued as 42"};
  };
  CHECK(lines(run_server(config, UpToData + "hello\r\n.\r\n").out).back() == "250 OK queued as 42");
  CHECK(lines(run_server(config, UpToData + "buy spam\r\n.\r\n").out).back() == "554 Message rejected as spam");
  const ServerRun two = run_server(config, "EHLO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<a@hamburger.edu>\r\n"
                                           "RCPT TO:<b@hamburger.edu>\r\nDATA\r\nhi\r\n.\r\n");
  CHECK(lines(two.out).back() == "451 Requested action aborted: local error in processing");
  CHECK(accepted(two.events).empty());
}

TEST_CASE("DATA clears the transaction whatever the outcome") {
  CHECK(lines(run_server({}, UpToData + "hi\r\n.\r\nRCPT TO:<bob@hamburger.edu>\r\n").out).back() ==
        "503 5.5.1 Bad sequence of commands");
}

TEST_CASE("server answers pipelined commands in order, the message included") {
  const std::string batch = "EHLO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\n"
                            "RCPT TO:<carol@fries.org>\r\nDATA\r\nHello\r\n.\r\nQUIT\r\n";
  const ServerRun run = run_server({}, batch);
  CHECK(lines(run.out) == Lines{"220 hamburger.edu", "250-hamburger.edu", "250-SIZE 10240000", "250-8BITMIME",
                                "250-PIPELINING", "250 HELP", "250 alice@crepes.fr ... Sender ok",
                                "250 bob@hamburger.edu ... Recipient ok", "550 5.7.1 carol@fries.org ... Relaying denied",
                                "354 Enter mail, end with \".\" on a line by itself",
                                "250 Message accepted for delivery", "221 hamburger.edu closing connection"});
  REQUIRE(accepted(run.events).size() == 1);
  CHECK(accepted(run.events)[0].envelope.rcpts == Lines{"bob@hamburger.edu"});
}

TEST_CASE("server marks 8BITMIME bodies in the envelope") {
  const ServerRun run = run_server({}, "EHLO crepes.fr\r\nMAIL FROM:<alice@crepes.fr> BODY=8BITMIME\r\n"
                                       "RCPT TO:<bob@hamburger.edu>\r\nDATA\r\nCaf\xc3\xa9\r\n.\r\n");
  REQUIRE(accepted(run.events).size() == 1);
  CHECK(accepted(run.events)[0].envelope.body_8bitmime);
  CHECK(accepted(run.events)[0].data.find("Caf\xc3\xa9\r\n") != std::string::npos);
}

TEST_CASE("DATA with an argument gets 501") {
  CHECK(lines(run_server({}, UpToData.substr(0, UpToData.size() - 6) + "DATA now\r\n").out).back() ==
        "501 Syntax error in parameters or arguments");
}
