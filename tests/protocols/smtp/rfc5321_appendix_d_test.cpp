// The scenarios of RFC 5321 appendix D, adapted to the server's own reply texts: D.1 a typical
// transaction, D.2 an aborted one, D.3 a relayed message, D.4 verifying and sending.
#include <doctest/doctest.h>

#include "tests/protocols/smtp/smtp_test_support.hpp"

using namespace wiresim;
using namespace wiresim::smtp;
using namespace wiresim::smtp::test;

namespace {

using Lines = std::vector<std::string>;

ServerConfig foo_com() {
  ServerConfig config;
  config.domain = "foo.com";
  config.greeting_text = "Simple Mail Transfer Service Ready";
  config.check_recipient = [](const std::string& mailbox) {
    return mailbox == "Green@foo.com" ? RcptVerdict{550, "No such user here"} : RcptVerdict{250, "OK"};
  };
  return config;
}

}  // namespace

TEST_CASE("RFC 5321 D.1: a typical transaction with one unknown recipient") {
  const ServerRun run = run_server(foo_com(),
                                   "EHLO bar.com\r\nMAIL FROM:<Smith@bar.com>\r\nRCPT TO:<Jones@foo.com>\r\n"
                                   "RCPT TO:<Green@foo.com>\r\nRCPT TO:<Brown@foo.com>\r\nDATA\r\nBlah blah blah...\r\n"
                                   "...etc. etc. etc.\r\n.\r\nQUIT\r\n");
  CHECK(transcript(run.events) ==
        Lines{"S: 220 foo.com Simple Mail Transfer Service Ready", "C: EHLO bar.com", "S: 250-foo.com",
              "S: 250-SIZE 10240000", "S: 250-8BITMIME", "S: 250-PIPELINING", "S: 250 HELP",
              "C: MAIL FROM:<Smith@bar.com>", "S: 250 Smith@bar.com ... Sender ok", "C: RCPT TO:<Jones@foo.com>",
              "S: 250 OK", "C: RCPT TO:<Green@foo.com>", "S: 550 No such user here", "C: RCPT TO:<Brown@foo.com>",
              "S: 250 OK", "C: DATA", "S: 354 Enter mail, end with \".\" on a line by itself",
              "C: Blah blah blah...", "C: ...etc. etc. etc.", "C: .", "S: 250 Message accepted for delivery",
              "C: QUIT", "S: 221 foo.com closing connection"});
  for (const Event& e : run.events) {
    if (e.kind != EventKind::MessageAccepted) continue;
    CHECK(e.envelope.rcpts == Lines{"Jones@foo.com", "Brown@foo.com"});
    CHECK(e.data.substr(e.data.find("\r\n") + 2) == "Blah blah blah...\r\n..etc. etc. etc.\r\n");
  }
}

TEST_CASE("RFC 5321 D.1: the client engine gets the same results from that server") {
  ClientJob job;
  job.client_host = "bar.com";
  job.mail_from = "Smith@bar.com";
  job.rcpts = {"Jones@foo.com", "Green@foo.com", "Brown@foo.com"};
  job.data = "Blah blah blah...\r\n...etc. etc. etc.\r\n";
  job.use_pipelining = false;
  const PairRun run = run_pair(foo_com(), job);
  CHECK(run.result.outcome == Outcome::Delivered);
  REQUIRE(run.result.recipients.size() == 3);
  CHECK(run.result.recipients[0].status == RecipientStatus::Accepted);
  CHECK(run.result.recipients[1].status == RecipientStatus::PermanentFailure);
  CHECK(run.result.recipients[1].code == 550);
  CHECK(run.result.recipients[1].text == "No such user here");
  CHECK(run.result.recipients[2].status == RecipientStatus::Accepted);
  CHECK(texts_of(run.client_events, EventKind::DataLine) == Lines{"C: Blah blah blah...", "C: ....etc. etc. etc.", "C: ."});
}

TEST_CASE("RFC 5321 D.2: an aborted transaction leaves no message") {
  const ServerRun run = run_server(foo_com(), "HELO bar.com\r\nMAIL FROM:<Smith@bar.com>\r\nRCPT TO:<Jones@foo.com>\r\n"
                                              "RCPT TO:<Green@foo.com>\r\nRSET\r\nQUIT\r\n");
  CHECK(lines(run.out) == Lines{"220 foo.com Simple Mail Transfer Service Ready", "250 Hello bar.com, pleased to meet you",
                                "250 Smith@bar.com ... Sender ok", "250 OK", "550 No such user here", "250 OK",
                                "221 foo.com closing connection"});
  CHECK(texts_of(run.events, EventKind::MessageAccepted).empty());
}

TEST_CASE("RFC 5321 D.3: a relayed message gathers one Received header per hop") {
  // Hop 1: bar.com hands the message to the relay foo.com, which takes mail for xyz.com.
  ServerConfig relay = foo_com();
  relay.local_domains = {"foo.com", "xyz.com"};
  relay.client_address = "[192.0.2.10]";
  ClientJob first;
  first.client_host = "bar.com";
  first.mail_from = "JQP@bar.com";
  first.rcpts = {"Jones@XYZ.COM"};
  first.data = "Subject: relayed\r\n\r\nHello\r\n";
  const PairRun hop1 = run_pair(relay, first);
  REQUIRE(hop1.result.outcome == Outcome::Delivered);
  Event relayed;
  for (const Event& e : hop1.server_events)
    if (e.kind == EventKind::MessageAccepted) relayed = e;
  REQUIRE(relayed.kind == EventKind::MessageAccepted);

  // Hop 2: foo.com, now a client, passes it on to XYZ.COM with the same envelope.
  ServerConfig xyz;
  xyz.domain = "xyz.com";
  xyz.client_address = "[192.0.2.20]";
  ClientJob second;
  second.client_host = "foo.com";
  second.mail_from = relayed.envelope.mail_from;
  second.rcpts = relayed.envelope.rcpts;
  second.data = relayed.data;
  const PairRun hop2 = run_pair(xyz, second);
  REQUIRE(hop2.result.outcome == Outcome::Delivered);
  for (const Event& e : hop2.server_events) {
    if (e.kind != EventKind::MessageAccepted) continue;
    CHECK(e.envelope.mail_from == "JQP@bar.com");
    CHECK(e.data == "Received: from foo.com ([192.0.2.20]) by xyz.com with ESMTP id 1; Mon, 01 Jan 2024 09:00:01 +0000\r\n"
                    "Received: from bar.com ([192.0.2.10]) by foo.com with ESMTP id 1; Mon, 01 Jan 2024 09:00:01 +0000\r\n"
                    "Subject: relayed\r\n\r\nHello\r\n");
  }
}

TEST_CASE("RFC 5321 D.3: a source-routed RCPT is accepted with its route ignored") {
  ServerConfig relay = foo_com();
  relay.local_domains = {"foo.com", "xyz.com"};
  CHECK(lines(run_server(relay, "HELO bar.com\r\nMAIL FROM:<JQP@bar.com>\r\nRCPT TO:<@foo.com:Jones@XYZ.COM>\r\n").out)
            .back() == "250 OK");
}

TEST_CASE("RFC 5321 D.4: verifying a user, then sending to the address VRFY gave") {
  ServerConfig config = foo_com();
  config.verify = [](const std::string& who) {
    return who == "Crispin" ? VerifyVerdict{250, "Mark Crispin <Admin.MRC@foo.com>"} : VerifyVerdict{550, ""};
  };
  const ServerRun run = run_server(config, "HELO bar.com\r\nVRFY Crispin\r\nMAIL FROM:<EAK@bar.com>\r\n"
                                           "RCPT TO:<Admin.MRC@foo.com>\r\nDATA\r\nBlah blah blah...\r\n.\r\nQUIT\r\n");
  CHECK(lines(run.out) == Lines{"220 foo.com Simple Mail Transfer Service Ready", "250 Hello bar.com, pleased to meet you",
                                "250 Mark Crispin <Admin.MRC@foo.com>", "250 EAK@bar.com ... Sender ok", "250 OK",
                                "354 Enter mail, end with \".\" on a line by itself",
                                "250 Message accepted for delivery", "221 foo.com closing connection"});
}
