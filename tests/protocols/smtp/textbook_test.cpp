// The textbook's "Alice sends a message to Bob" dialogue (Kurose & Ross 2.3.1), line by line:
// the defaults of both engines must reproduce it exactly.
#include <doctest/doctest.h>

#include "tests/protocols/smtp/smtp_test_support.hpp"

using namespace wiresim;
using namespace wiresim::smtp;
using namespace wiresim::smtp::test;

namespace {

const std::vector<std::string> Textbook = {
    "S: 220 hamburger.edu",
    "C: HELO crepes.fr",
    "S: 250 Hello crepes.fr, pleased to meet you",
    "C: MAIL FROM: <alice@crepes.fr>",
    "S: 250 alice@crepes.fr ... Sender ok",
    "C: RCPT TO: <bob@hamburger.edu>",
    "S: 250 bob@hamburger.edu ... Recipient ok",
    "C: DATA",
    "S: 354 Enter mail, end with \".\" on a line by itself",
    "C: Do you like ketchup?",
    "C: How about pickles?",
    "C: .",
    "S: 250 Message accepted for delivery",
    "C: QUIT",
    "S: 221 hamburger.edu closing connection",
};

ClientJob textbook_job() {
  ClientJob job;
  job.client_host = "crepes.fr";
  job.use_ehlo = false;
  job.space_after_colon = true;
  job.mail_from = "alice@crepes.fr";
  job.rcpts = {"bob@hamburger.edu"};
  job.data = "Do you like ketchup?\r\nHow about pickles?\r\n";
  return job;
}

}  // namespace

TEST_CASE("server fed the textbook client lines answers with the textbook replies") {
  std::string script;
  for (const std::string& line : Textbook)
    if (line.rfind("C: ", 0) == 0) script += line.substr(3) + "\r\n";
  const ServerRun run = run_server(ServerConfig{}, script);
  CHECK(transcript(run.events) == Textbook);
  CHECK(run.closed);
}

TEST_CASE("client and server engines replay the textbook dialogue exactly") {
  for (bool byte_at_a_time : {false, true}) {
    const PairRun run = run_pair(ServerConfig{}, textbook_job(), byte_at_a_time);
    CHECK(transcript(run.server_events) == Textbook);
    CHECK(transcript(run.client_events) == Textbook);
    CHECK(run.result.outcome == Outcome::Delivered);
    CHECK(run.result.code == 250);
  }
}

TEST_CASE("textbook message arrives with a Received header on top") {
  const PairRun run = run_pair(ServerConfig{}, textbook_job());
  const std::vector<std::string> accepted = texts_of(run.server_events, EventKind::MessageAccepted);
  REQUIRE(accepted.size() == 1);
  CHECK(accepted[0] == "smtp: accepted message 1 from <alice@crepes.fr> for 1 recipient(s), 133 octets");
  for (const Event& e : run.server_events) {
    if (e.kind != EventKind::MessageAccepted) continue;
    CHECK(e.data ==
          "Received: from crepes.fr by hamburger.edu with SMTP id 1; Mon, 01 Jan 2024 09:00:01 +0000\r\n"
          "Do you like ketchup?\r\nHow about pickles?\r\n");
    CHECK(e.envelope.mail_from == "alice@crepes.fr");
    CHECK(e.envelope.rcpts == std::vector<std::string>{"bob@hamburger.edu"});
    CHECK(e.envelope.helo == "crepes.fr");
  }
}

TEST_CASE("client result lists every step of the textbook dialogue") {
  const PairRun run = run_pair(ServerConfig{}, textbook_job());
  std::vector<std::string> steps;
  for (const StepResult& s : run.result.steps) steps.push_back(s.command + " -> " + std::to_string(s.code));
  CHECK(steps == std::vector<std::string>{"(greeting) -> 220", "HELO crepes.fr -> 250",
                                          "MAIL FROM: <alice@crepes.fr> -> 250", "RCPT TO: <bob@hamburger.edu> -> 250",
                                          "DATA -> 354", "(end of data) -> 250", "QUIT -> 221"});
  REQUIRE(run.result.recipients.size() == 1);
  CHECK(run.result.recipients[0].status == RecipientStatus::Accepted);
  CHECK(run.result.recipients[0].text == "bob@hamburger.edu ... Recipient ok");
}
