// The client session: the dialogue it drives, pipelining, SIZE, 8BITMIME and the downgrade,
// AUTH, the outcomes an MTA queues or bounces on, and the RFC 5321 4.5.3.2 timeouts.
#include <doctest/doctest.h>

#include "tests/protocols/smtp/smtp_test_support.hpp"

using namespace wiresim;
using namespace wiresim::smtp;
using namespace wiresim::smtp::test;

namespace {

using Lines = std::vector<std::string>;

ClientJob job_to_bob() {
  ClientJob job;
  job.mail_from = "alice@crepes.fr";
  job.rcpts = {"bob@hamburger.edu"};
  job.data = "Subject: hi\r\n\r\nDo you like ketchup?\r\n";
  return job;
}

// A client talking to a scripted server: each reply is fed, the commands it causes returned.
struct Scripted {
  ClientSession client;
  explicit Scripted(ClientJob job) : client(std::move(job)) { client.on_connected(at(0)); }
  std::string reply(std::string_view bytes, Time now = at(1)) {
    client.on_bytes(bytes, now);
    return client.take_outgoing();
  }
};

ServerConfig hamburger_with(std::function<RcptVerdict(const std::string&)> check) {
  ServerConfig config;
  config.check_recipient = std::move(check);
  return config;
}

}  // namespace

TEST_CASE("client pipelines MAIL, RCPT and DATA in one chunk when the server offers PIPELINING") {
  ClientJob job = job_to_bob();
  job.rcpts.push_back("carol@hamburger.edu");
  const PairRun run = run_pair({}, job);
  CHECK(run.result.outcome == Outcome::Delivered);
  CHECK(run.client_to_server[1] == "MAIL FROM:<alice@crepes.fr> SIZE=37\r\nRCPT TO:<bob@hamburger.edu>\r\n"
                                   "RCPT TO:<carol@hamburger.edu>\r\nDATA\r\n");
}

TEST_CASE("client sends one command at a time without PIPELINING") {
  ClientJob job = job_to_bob();
  job.use_pipelining = false;
  const PairRun run = run_pair({}, job);
  CHECK(run.result.outcome == Outcome::Delivered);
  CHECK(run.client_to_server[1] == "MAIL FROM:<alice@crepes.fr> SIZE=37\r\n");
  CHECK(run.client_to_server[2] == "RCPT TO:<bob@hamburger.edu>\r\n");
}

TEST_CASE("client gives the same results fed whole or one byte at a time") {
  for (bool pipelining : {false, true}) {
    ClientJob job = job_to_bob();
    job.use_pipelining = pipelining;
    job.rcpts.push_back("carol@fries.org");
    const PairRun whole = run_pair({}, job, false);
    const PairRun bytes = run_pair({}, job, true);
    CHECK(texts(whole.client_events) == texts(bytes.client_events));
    CHECK(texts(whole.server_events) == texts(bytes.server_events));
    CHECK(whole.result.outcome == Outcome::Delivered);
    CHECK(whole.result.recipients[1].status == RecipientStatus::PermanentFailure);
  }
}

TEST_CASE("client dot-stuffs a body line that starts with a dot") {
  ClientJob job = job_to_bob();
  job.data = ".hidden\r\n.\r\nend";
  const PairRun run = run_pair({}, job);
  CHECK(texts_of(run.client_events, EventKind::DataLine) == Lines{"C: ..hidden", "C: ..", "C: end", "C: ."});
  for (const Event& e : run.server_events)
    if (e.kind == EventKind::MessageAccepted) CHECK(e.data.substr(e.data.find("\r\n") + 2) == ".hidden\r\n.\r\nend\r\n");
}

TEST_CASE("client treats a 421 greeting as a temporary failure and closes without QUIT") {
  ServerConfig config;
  config.service_unavailable = true;
  const PairRun run = run_pair(config, job_to_bob());
  CHECK(run.result.outcome == Outcome::TemporaryFailure);
  CHECK(run.result.code == 421);
  CHECK(run.result.error == "the greeting got 421 hamburger.edu Service not available, closing transmission channel");
  CHECK(run.client_to_server.empty());
  CHECK(run.result.recipients[0].status == RecipientStatus::TemporaryFailure);
  CHECK(texts_of(run.client_events, EventKind::Finished) ==
        Lines{"smtp: closing: temporary-failure (the greeting got 421 hamburger.edu Service not available, closing "
              "transmission channel)"});
}

TEST_CASE("client reports 450 on RCPT as temporary and sends no DATA") {
  ClientJob job = job_to_bob();
  job.use_pipelining = false;
  const PairRun run = run_pair(hamburger_with([](const std::string&) { return RcptVerdict{450, ""}; }), job);
  CHECK(run.result.outcome == Outcome::TemporaryFailure);
  CHECK(run.result.error == "no recipient was accepted");
  CHECK(run.result.recipients[0].status == RecipientStatus::TemporaryFailure);
  CHECK(run.result.recipients[0].code == 450);
  CHECK(run.client_to_server.back() == "QUIT\r\n");
  CHECK(texts_of(run.client_events, EventKind::DataLine).empty());
}

TEST_CASE("client reports 550 on RCPT as permanent") {
  const PairRun run = run_pair(hamburger_with([](const std::string&) { return RcptVerdict{550, ""}; }), job_to_bob());
  CHECK(run.result.outcome == Outcome::PermanentFailure);
  CHECK(run.result.code == 550);
  CHECK(run.result.text == "bob@hamburger.edu ... User unknown");
  CHECK(run.result.recipients[0].status == RecipientStatus::PermanentFailure);
  // Pipelined: DATA was already sent and got 503; no message text follows.
  CHECK(texts_of(run.client_events, EventKind::DataLine).empty());
}

TEST_CASE("client keeps the temporary and permanent recipients apart") {
  ClientJob job = job_to_bob();
  job.rcpts = {"busy@hamburger.edu", "gone@hamburger.edu"};
  const PairRun run = run_pair(hamburger_with([](const std::string& m) {
                                 return m == "busy@hamburger.edu" ? RcptVerdict{450, ""} : RcptVerdict{550, ""};
                               }),
                               job);
  CHECK(run.result.outcome == Outcome::TemporaryFailure);
  CHECK(run.result.recipients[0].status == RecipientStatus::TemporaryFailure);
  CHECK(run.result.recipients[1].status == RecipientStatus::PermanentFailure);
}

TEST_CASE("client fails the accepted recipients when the end of data is refused") {
  ServerConfig config;
  config.accept_message = [](const smtp::Envelope&, std::string_view) { return AcceptVerdict{451, ""}; };
  const PairRun run = run_pair(config, job_to_bob());
  CHECK(run.result.outcome == Outcome::TemporaryFailure);
  CHECK(run.result.recipients[0].status == RecipientStatus::TemporaryFailure);
  CHECK(run.result.recipients[0].code == 451);
}

TEST_CASE("client sends BODY=8BITMIME for 8-bit data when the server offers 8BITMIME") {
  ClientJob job = job_to_bob();
  job.data = "Caf\xc3\xa9\r\n";
  job.downgrade_8bit = [](std::string_view) -> std::string { FAIL("no downgrade expected"); return ""; };
  const PairRun run = run_pair({}, job);
  CHECK(run.result.outcome == Outcome::Delivered);
  CHECK(run.client_to_server[1].rfind("MAIL FROM:<alice@crepes.fr> SIZE=7 BODY=8BITMIME\r\n", 0) == 0);
}

TEST_CASE("client downgrades 8-bit data for a server without 8BITMIME") {
  ServerConfig config;
  config.offer_8bitmime = false;
  ClientJob job = job_to_bob();
  job.data = "Caf\xc3\xa9\r\n";
  int calls = 0;
  job.downgrade_8bit = [&calls](std::string_view data) {
    ++calls;
    CHECK(data == "Caf\xc3\xa9\r\n");
    return std::string("Caf=C3=A9\r\n");
  };
  const PairRun run = run_pair(config, job);
  CHECK(calls == 1);
  CHECK(run.result.outcome == Outcome::Delivered);
  CHECK(texts_of(run.client_events, EventKind::DataLine) == Lines{"C: Caf=C3=A9", "C: ."});
}

TEST_CASE("client fails 8-bit data for a server without 8BITMIME when it cannot downgrade") {
  ServerConfig config;
  config.offer_8bitmime = false;
  ClientJob job = job_to_bob();
  job.data = "Caf\xc3\xa9\r\n";
  const PairRun run = run_pair(config, job);
  CHECK(run.result.outcome == Outcome::PermanentFailure);
  CHECK(run.result.error ==
        "the message holds 8-bit data, the server does not offer 8BITMIME and no downgrade was given");
  CHECK(run.client_to_server.back() == "QUIT\r\n");
}

TEST_CASE("client does not send a message larger than the server's SIZE") {
  ServerConfig config;
  config.max_message_size = 10;
  const PairRun run = run_pair(config, job_to_bob());
  CHECK(run.result.outcome == Outcome::PermanentFailure);
  CHECK(run.result.error == "the message (37 octets) is larger than the server's SIZE limit (10)");
}

TEST_CASE("client falls back to HELO when EHLO gets 502") {
  Scripted s(job_to_bob());
  CHECK(s.reply("220 old.example\r\n") == "EHLO crepes.fr\r\n");
  CHECK(s.reply("502 Command not implemented\r\n") == "HELO crepes.fr\r\n");
  CHECK(s.reply("250 old.example\r\n") == "MAIL FROM:<alice@crepes.fr>\r\n");
  CHECK(s.reply("250 OK\r\n") == "RCPT TO:<bob@hamburger.edu>\r\n");
  CHECK(s.reply("250 OK\r\n") == "DATA\r\n");
  CHECK(s.reply("354 go ahead\r\n") == "Subject: hi\r\n\r\nDo you like ketchup?\r\n.\r\n");
  CHECK(s.reply("250 OK\r\n") == "QUIT\r\n");
  CHECK(s.reply("221 bye\r\n").empty());
  CHECK(s.client.result().outcome == Outcome::Delivered);
  CHECK(s.client.wants_close());
}

TEST_CASE("client falls back to HELO when EHLO gets 500, and fails on other EHLO errors") {
  Scripted s(job_to_bob());
  s.reply("220 old.example\r\n");
  CHECK(s.reply("500 what?\r\n") == "HELO crepes.fr\r\n");
  Scripted t(job_to_bob());
  t.reply("220 old.example\r\n");
  CHECK(t.reply("554 go away\r\n") == "QUIT\r\n");
  CHECK(t.client.result().outcome == Outcome::PermanentFailure);
}

TEST_CASE("client authenticates with AUTH PLAIN and AUTH LOGIN at an MSA") {
  ServerConfig msa;
  msa.role = Role::Msa;
  msa.domain = "mail.crepes.fr";
  msa.authenticate = [](const std::string& u, const std::string& p) { return u == "alice" && p == "ketchup"; };
  for (AuthMechanism mechanism : {AuthMechanism::Plain, AuthMechanism::Login}) {
    ClientJob job = job_to_bob();
    job.auth = Credentials{mechanism, "alice", "ketchup"};
    const PairRun good = run_pair(msa, job);
    CHECK(good.result.outcome == Outcome::Delivered);
    CHECK(texts_of(good.server_events, EventKind::AuthSucceeded) == Lines{"smtp: alice authenticated"});
    job.auth->password = "mustard";
    const PairRun bad = run_pair(msa, job);
    CHECK(bad.result.outcome == Outcome::PermanentFailure);
    CHECK(bad.result.code == 535);
  }
  ClientJob login = job_to_bob();
  login.auth = Credentials{AuthMechanism::Login, "alice", "ketchup"};
  const Lines commands = texts_of(run_pair(msa, login).client_events, EventKind::Command);
  CHECK(Lines(commands.begin() + 1, commands.begin() + 4) == Lines{"C: AUTH LOGIN", "C: YWxpY2U=", "C: a2V0Y2h1cA=="});
}

TEST_CASE("client without credentials gets 530 from an MSA, a permanent failure") {
  ServerConfig msa;
  msa.role = Role::Msa;
  const PairRun run = run_pair(msa, job_to_bob());
  CHECK(run.result.outcome == Outcome::PermanentFailure);
  CHECK(run.result.code == 530);
}

TEST_CASE("client fails when the server does not offer the AUTH mechanism") {
  ClientJob job = job_to_bob();
  job.auth = Credentials{AuthMechanism::Plain, "alice", "ketchup"};
  const PairRun run = run_pair({}, job);
  CHECK(run.result.outcome == Outcome::PermanentFailure);
  CHECK(run.result.error == "the server does not offer AUTH PLAIN");
}

TEST_CASE("client sends the null reverse-path for a bounce") {
  ClientJob job = job_to_bob();
  job.mail_from = "";
  const PairRun run = run_pair({}, job);
  CHECK(run.result.outcome == Outcome::Delivered);
  CHECK(run.client_to_server[1].rfind("MAIL FROM:<> SIZE=37\r\n", 0) == 0);
}

TEST_CASE("client times out after 5 minutes without a greeting") {
  Scripted s(job_to_bob());
  CHECK(s.client.wake_at() == at(300));
  s.client.on_timer(at(299));
  CHECK_FALSE(s.client.finished());
  s.client.on_timer(at(300));
  CHECK(s.client.finished());
  CHECK(s.client.result().outcome == Outcome::TemporaryFailure);
  CHECK(s.client.result().error == "no reply to (greeting) in time");
  CHECK(s.client.wake_at() == std::nullopt);
}

TEST_CASE("client waits 2 minutes for the 354 and 10 minutes after the final dot") {
  ClientJob job = job_to_bob();
  job.use_pipelining = false;
  Scripted s(job);
  s.reply("220 x\r\n");
  s.reply("250 x\r\n");
  s.reply("250 OK\r\n", at(10));
  CHECK(s.client.wake_at() == at(310));  // RCPT: 5 minutes
  s.reply("250 OK\r\n", at(20));
  CHECK(s.client.wake_at() == at(140));  // DATA initiation: 2 minutes
  s.reply("354 go\r\n", at(30));
  CHECK(s.client.wake_at() == at(630));  // DATA termination: 10 minutes
  s.client.on_timer(at(630));
  CHECK(s.client.result().outcome == Outcome::TemporaryFailure);
  CHECK(s.client.result().error == "no reply to (end of data) in time");
}

TEST_CASE("client counts a connection lost before the final 250 as a temporary failure") {
  Scripted s(job_to_bob());
  s.reply("220 x\r\n");
  s.reply("250 x\r\n");
  s.reply("250 OK\r\n250 OK\r\n354 go\r\n");
  s.client.on_closed(at(2));
  CHECK(s.client.result().outcome == Outcome::TemporaryFailure);
  CHECK(s.client.result().error == "the connection was lost while waiting for the reply to (end of data)");
  CHECK(s.client.result().recipients[0].status == RecipientStatus::TemporaryFailure);
}

TEST_CASE("client stays delivered when the connection drops after the final 250") {
  Scripted s(job_to_bob());
  s.reply("220 x\r\n");
  s.reply("250 x\r\n");
  s.reply("250 OK\r\n250 OK\r\n354 go\r\n");
  CHECK(s.reply("250 queued\r\n") == "QUIT\r\n");
  s.client.on_closed(at(2));
  CHECK(s.client.result().outcome == Outcome::Delivered);
  CHECK(s.client.finished());
}

TEST_CASE("client reads multi-line replies and rejects malformed ones") {
  Scripted s(job_to_bob());
  s.reply("220-first\r\n220 second\r\n");
  CHECK(s.client.result().steps.back().text == "first / second");
  Scripted t(job_to_bob());
  t.reply("hello there\r\n");
  CHECK(t.client.result().outcome == Outcome::TemporaryFailure);
  CHECK(texts_of(t.client.take_events(), EventKind::ProtocolError) ==
        Lines{"smtp: expected a reply such as \"250 OK\", got \"hello there\""});
  Scripted u(job_to_bob());
  u.reply("220-first\r\n250 second\r\n");
  CHECK(u.client.result().outcome == Outcome::TemporaryFailure);
}

// RFC 5321 3.3: "the client then repeats this process" on the same connection. An MTA with
// several messages for one destination sends them all before QUIT; a refused one is reset.
TEST_CASE("client sends several messages on one connection, one transaction each, then QUIT") {
  for (bool pipelining : {false, true}) {
    CAPTURE(pipelining);
    ClientJob job = job_to_bob();
    job.use_pipelining = pipelining;
    job.more.push_back({"alice@crepes.fr", {"carol@hamburger.edu"}, "Subject: two\r\n\r\nSecond.\r\n"});
    job.more.push_back({"", {"bob@hamburger.edu"}, "Subject: three\r\n\r\nA bounce.\r\n"});
    const PairRun run = run_pair({}, job);
    REQUIRE(run.results.size() == 3);
    for (const ClientResult& r : run.results) CHECK(r.outcome == Outcome::Delivered);
    const Lines commands = texts_of(run.client_events, EventKind::Command);
    CHECK(std::count(commands.begin(), commands.end(), "C: EHLO crepes.fr") == 1);
    CHECK(std::count(commands.begin(), commands.end(), "C: DATA") == 3);
    CHECK(std::count(commands.begin(), commands.end(), "C: QUIT") == 1);
    CHECK(std::find(commands.begin(), commands.end(), "C: RSET") == commands.end());  // none failed
    CHECK(std::find(commands.begin(), commands.end(), "C: MAIL FROM:<> SIZE=29") != commands.end());
    CHECK(commands.back() == "C: QUIT");
    int accepted = 0;
    for (const Event& e : run.server_events) accepted += e.kind == EventKind::MessageAccepted;
    CHECK(accepted == 3);
    const std::vector<Event> finished = [&] {
      std::vector<Event> out;
      for (const Event& e : run.client_events)
        if (e.kind == EventKind::Finished) out.push_back(e);
      return out;
    }();
    REQUIRE(finished.size() == 1);
    CHECK(finished[0].text == "smtp: done: 3 messages: delivered to 1 of 1 recipient(s); delivered to 1 of 1 "
                              "recipient(s); delivered to 1 of 1 recipient(s)");
  }
}

TEST_CASE("client resets a refused message and goes on with the next on the same connection") {
  for (bool pipelining : {false, true}) {
    CAPTURE(pipelining);
    ClientJob job = job_to_bob();
    job.use_pipelining = pipelining;
    job.rcpts = {"nobody@hamburger.edu"};  // refused: the first transaction fails
    job.more.push_back({"alice@crepes.fr", {"bob@hamburger.edu"}, "Subject: two\r\n\r\nSecond.\r\n"});
    const PairRun run = run_pair(hamburger_with([](const std::string& rcpt) {
                                   return rcpt == "nobody@hamburger.edu" ? RcptVerdict{550, ""} : RcptVerdict{};
                                 }),
                                 job);
    REQUIRE(run.results.size() == 2);
    CHECK(run.results[0].outcome == Outcome::PermanentFailure);
    CHECK(run.results[0].recipients[0].status == RecipientStatus::PermanentFailure);
    CHECK(run.results[1].outcome == Outcome::Delivered);
    const Lines commands = texts_of(run.client_events, EventKind::Command);
    const auto rset = std::find(commands.begin(), commands.end(), "C: RSET");
    REQUIRE(rset != commands.end());
    CHECK(std::find(rset, commands.end(), "C: MAIL FROM:<alice@crepes.fr> SIZE=25") != commands.end());
    CHECK(commands.back() == "C: QUIT");
  }
}

TEST_CASE("a lost connection fails the message under way and every one after it") {
  ClientJob job = job_to_bob();
  job.more.push_back({"alice@crepes.fr", {"carol@hamburger.edu"}, "Subject: two\r\n\r\nSecond.\r\n"});
  Scripted s(job);
  s.reply("220 hamburger.edu\r\n");
  s.reply("250 hamburger.edu\r\n");
  s.reply("250 ok\r\n");
  s.reply("250 ok\r\n");
  s.reply("354 go\r\n");
  s.reply("250 accepted\r\n");  // the first is delivered; the second's MAIL goes out
  s.client.on_closed(at(2));
  REQUIRE(s.client.results().size() == 2);
  CHECK(s.client.results()[0].outcome == Outcome::Delivered);
  CHECK(s.client.results()[1].outcome == Outcome::TemporaryFailure);
  CHECK(s.client.finished());
}

