// The server's answer to every command, with good and bad syntax, and to commands out of
// sequence (RFC 5321 4.1.1, 4.1.4, 4.2, 4.3.2).
#include <doctest/doctest.h>

#include "tests/protocols/smtp/smtp_test_support.hpp"

using namespace wiresim;
using namespace wiresim::smtp;
using namespace wiresim::smtp::test;

namespace {

using Lines = std::vector<std::string>;

// The replies after the greeting.
Lines answers(std::string_view script, const ServerConfig& config = {}) {
  Lines all = replies(config, script);
  if (!all.empty()) all.erase(all.begin());
  return all;
}

std::string last_error(std::string_view script, const ServerConfig& config = {}) {
  const Lines errors = texts_of(run_server(config, script).events, EventKind::ProtocolError);
  return errors.empty() ? std::string() : errors.back();
}

}  // namespace

TEST_CASE("server greets with 220 and its domain") {
  CHECK(replies({}, "") == Lines{"220 hamburger.edu"});
  ServerConfig config;
  config.domain = "mail.example.com";
  config.greeting_text = "ESMTP wiresim";
  CHECK(replies(config, "") == Lines{"220 mail.example.com ESMTP wiresim"});
}

TEST_CASE("server answers EHLO with its extensions on a multi-line 250") {
  CHECK(answers("EHLO crepes.fr\r\n") ==
        Lines{"250-hamburger.edu", "250-SIZE 10240000", "250-8BITMIME", "250-PIPELINING", "250 HELP"});
  ServerConfig config;
  config.offer_auth = true;
  config.enhanced_status_codes = true;
  config.offer_pipelining = false;
  config.max_message_size = 1000;
  CHECK(answers("ehlo crepes.fr\r\n", config) == Lines{"250-hamburger.edu", "250-SIZE 1000", "250-8BITMIME",
                                                       "250-AUTH PLAIN LOGIN", "250-ENHANCEDSTATUSCODES", "250 HELP"});
}

TEST_CASE("server with no extensions answers EHLO on one line") {
  ServerConfig config;
  config.offer_size = config.offer_8bitmime = config.offer_pipelining = config.offer_help = false;
  CHECK(answers("EHLO crepes.fr\r\n", config) == Lines{"250 hamburger.edu"});
}

TEST_CASE("server takes address literals and underscores in HELO but rejects a missing or doubled name") {
  CHECK(answers("HELO [192.0.2.1]\r\nHELO my_host.local\r\n") ==
        Lines{"250 Hello [192.0.2.1], pleased to meet you", "250 Hello my_host.local, pleased to meet you"});
  CHECK(answers("HELO\r\nEHLO a b\r\nHELO bad!name\r\n") ==
        Lines{"501 Syntax error in parameters or arguments", "501 Syntax error in parameters or arguments",
              "501 Syntax error in parameters or arguments"});
  CHECK(last_error("HELO\r\n") ==
        "smtp: expected HELO followed by one domain name or address literal in state Connected, got \"HELO\"");
}

TEST_CASE("server answers an unknown command with 500 and goes on") {
  CHECK(answers("FOO bar\r\n\r\nHELO crepes.fr\r\n") ==
        Lines{"500 Syntax error, command unrecognized", "500 Syntax error, command unrecognized",
              "250 Hello crepes.fr, pleased to meet you"});
  CHECK(last_error("FOO bar\r\n") == "smtp: expected an SMTP command in state Connected, got \"FOO bar\"");
}

TEST_CASE("server answers commands it does not implement with 502") {
  CHECK(answers("STARTTLS\r\nTURN\r\nAUTH PLAIN AGFsaWNlAHB3\r\n") ==
        Lines{"502 Command not implemented", "502 Command not implemented", "502 Command not implemented"});
}

TEST_CASE("server rejects MAIL before HELO with 503") {
  CHECK(answers("MAIL FROM:<alice@crepes.fr>\r\n") == Lines{"503 5.5.1 Bad sequence of commands"});
  CHECK(last_error("MAIL FROM:<alice@crepes.fr>\r\n") ==
        "smtp: expected HELO or EHLO before MAIL in state Connected, got \"MAIL FROM:<alice@crepes.fr>\"");
}

TEST_CASE("server rejects RCPT before MAIL with 503") {
  CHECK(answers("HELO crepes.fr\r\nRCPT TO:<bob@hamburger.edu>\r\n").back() == "503 5.5.1 Bad sequence of commands");
  CHECK(last_error("HELO crepes.fr\r\nRCPT TO:<bob@hamburger.edu>\r\n") ==
        "smtp: expected MAIL FROM before RCPT in state Ready, got \"RCPT TO:<bob@hamburger.edu>\"");
}

TEST_CASE("server rejects DATA before MAIL and before an accepted RCPT with 503") {
  CHECK(answers("HELO crepes.fr\r\nDATA\r\nMAIL FROM:<alice@crepes.fr>\r\nDATA\r\n") ==
        Lines{"250 Hello crepes.fr, pleased to meet you", "503 5.5.1 Bad sequence of commands",
              "250 alice@crepes.fr ... Sender ok", "503 5.5.1 Bad sequence of commands"});
  CHECK(last_error("HELO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nDATA\r\n") ==
        "smtp: expected an accepted RCPT TO before DATA in state Mail, got \"DATA\"");
}

TEST_CASE("server rejects a second MAIL inside a transaction with 503") {
  CHECK(answers("HELO crepes.fr\r\nMAIL FROM:<a@crepes.fr>\r\nMAIL FROM:<b@crepes.fr>\r\n").back() ==
        "503 5.5.1 Bad sequence of commands");
}

TEST_CASE("server accepts MAIL with or without a space after the colon and in any case") {
  CHECK(answers("HELO crepes.fr\r\nmail from:<alice@crepes.fr>\r\nRSET\r\nMAIL FROM: <alice@crepes.fr>\r\n") ==
        Lines{"250 Hello crepes.fr, pleased to meet you", "250 alice@crepes.fr ... Sender ok", "250 OK",
              "250 alice@crepes.fr ... Sender ok"});
}

TEST_CASE("server accepts the null reverse-path for bounces") {
  CHECK(answers("HELO crepes.fr\r\nMAIL FROM:<>\r\n").back() == "250 <> ... Sender ok");
}

TEST_CASE("server rejects bad MAIL and RCPT addresses with 501") {
  const std::string hello = "HELO crepes.fr\r\n";
  for (const char* bad : {"MAIL FROM:alice@crepes.fr", "MAIL FROM:<alice@crepes.fr", "MAIL FROM:<alice>",
                          "MAIL FROM:<@crepes.fr>", "MAIL FROM:<alice@@crepes.fr>", "MAIL FROM:<alice@-crepes.fr>",
                          "MAIL FROM:<a..b@crepes.fr>", "MAIL TO:<alice@crepes.fr>", "MAIL", "MAIL FROM:<Postmaster>"}) {
    CAPTURE(bad);
    CHECK(answers(hello + bad + "\r\n").back() == "501 Syntax error in parameters or arguments");
  }
  const std::string in_mail = hello + "MAIL FROM:<alice@crepes.fr>\r\n";
  for (const char* bad : {"RCPT TO:bob@hamburger.edu", "RCPT TO:<>", "RCPT FROM:<bob@hamburger.edu>", "RCPT",
                          "RCPT TO:<bob@hamburger.edu>junk"}) {
    CAPTURE(bad);
    CHECK(answers(in_mail + bad + "\r\n").back() == "501 Syntax error in parameters or arguments");
  }
  CHECK(last_error(hello + "MAIL FROM:alice@crepes.fr\r\n") ==
        "smtp: expected MAIL FROM:<reverse-path> (expected \"<\" before the address) in state Ready, got "
        "\"MAIL FROM:alice@crepes.fr\"");
}

TEST_CASE("server accepts quoted local parts, address literals and source routes") {
  CHECK(answers("HELO crepes.fr\r\nMAIL FROM:<\"alice smith\"@crepes.fr>\r\nRSET\r\n"
                "MAIL FROM:<alice@[192.0.2.1]>\r\nRCPT TO:<@relay.crepes.fr,@x.org:bob@hamburger.edu>\r\n") ==
        Lines{"250 Hello crepes.fr, pleased to meet you", "250 \"alice smith\"@crepes.fr ... Sender ok", "250 OK",
              "250 alice@[192.0.2.1] ... Sender ok", "250 bob@hamburger.edu ... Recipient ok"});
}

TEST_CASE("server delivers RCPT TO Postmaster without a domain to its own postmaster") {
  CHECK(answers("HELO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<Postmaster>\r\n").back() ==
        "250 postmaster@hamburger.edu ... Recipient ok");
}

TEST_CASE("server refuses ESMTP parameters after HELO and unknown ones after EHLO with 555") {
  CHECK(answers("HELO crepes.fr\r\nMAIL FROM:<alice@crepes.fr> SIZE=100\r\n").back() ==
        "555 MAIL FROM/RCPT TO parameters not recognized or not implemented");
  CHECK(answers("EHLO crepes.fr\r\nMAIL FROM:<alice@crepes.fr> SMTPUTF8\r\n").back() ==
        "555 MAIL FROM/RCPT TO parameters not recognized or not implemented");
  CHECK(answers("EHLO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu> NOTIFY=NEVER\r\n").back() ==
        "555 MAIL FROM/RCPT TO parameters not recognized or not implemented");
}

TEST_CASE("server checks the SIZE parameter against its limit at MAIL time") {
  ServerConfig config;
  config.max_message_size = 1000;
  CHECK(answers("EHLO crepes.fr\r\nMAIL FROM:<alice@crepes.fr> size=1000\r\nRSET\r\n"
                "MAIL FROM:<alice@crepes.fr> SIZE=1001\r\nMAIL FROM:<alice@crepes.fr> SIZE=ten\r\n"
                "MAIL FROM:<alice@crepes.fr> SIZE=\r\n",
                config) == Lines{"250-hamburger.edu", "250-SIZE 1000", "250-8BITMIME", "250-PIPELINING", "250 HELP",
                                 "250 alice@crepes.fr ... Sender ok", "250 OK",
                                 "552 Message size exceeds fixed maximum message size",
                                 "501 Syntax error in parameters or arguments",
                                 "501 Syntax error in parameters or arguments"});
}

TEST_CASE("server answers 552 to a SIZE of 19 or 20 digits and 501 to a longer one") {
  // RFC 1870 4: size-value ::= 1*20DIGIT, so 20 digits are a size, a huge one unless zeros lead.
  const Lines got = answers("EHLO crepes.fr\r\nMAIL FROM:<a@crepes.fr> SIZE=18446744073709551615\r\n"
                            "MAIL FROM:<a@crepes.fr> SIZE=9999999999999999999\r\n"
                            "MAIL FROM:<a@crepes.fr> SIZE=000000000000000000001\r\n"
                            "MAIL FROM:<a@crepes.fr> SIZE=00000000000000000001\r\n");
  CHECK(Lines(got.end() - 4, got.end()) == Lines{"552 Message size exceeds fixed maximum message size",
                                                 "552 Message size exceeds fixed maximum message size",
                                                 "501 Syntax error in parameters or arguments",
                                                 "250 a@crepes.fr ... Sender ok"});
}

TEST_CASE("server accepts BODY=8BITMIME and BODY=7BIT when it offers 8BITMIME") {
  const Lines got = answers("EHLO crepes.fr\r\nMAIL FROM:<a@crepes.fr> BODY=8BITMIME\r\nRSET\r\n"
                            "MAIL FROM:<a@crepes.fr> BODY=7BIT\r\nRSET\r\nMAIL FROM:<a@crepes.fr> BODY=9BIT\r\n");
  CHECK(Lines(got.end() - 5, got.end()) == Lines{"250 a@crepes.fr ... Sender ok", "250 OK", "250 a@crepes.fr ... Sender ok",
                                                 "250 OK", "501 Syntax error in parameters or arguments"});
}

TEST_CASE("server answers 550 for an unknown user and keeps the transaction") {
  ServerConfig config;
  config.check_recipient = [](const std::string& mailbox) {
    return mailbox == "bob@hamburger.edu" ? RcptVerdict{} : RcptVerdict{550, ""};
  };
  CHECK(answers("HELO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<carol@hamburger.edu>\r\n"
                "RCPT TO:<bob@hamburger.edu>\r\n",
                config) == Lines{"250 Hello crepes.fr, pleased to meet you", "250 alice@crepes.fr ... Sender ok",
                                 "550 carol@hamburger.edu ... User unknown", "250 bob@hamburger.edu ... Recipient ok"});
}

TEST_CASE("server passes the recipient callback's other verdicts through") {
  ServerConfig config;
  config.check_recipient = [](const std::string& mailbox) {
    if (mailbox == "busy@hamburger.edu") return RcptVerdict{450, ""};
    if (mailbox == "moved@hamburger.edu") return RcptVerdict{551, "User not local; please try <moved@fries.org>"};
    if (mailbox == "full@hamburger.edu") return RcptVerdict{452, ""};
    return RcptVerdict{451, ""};
  };
  CHECK(answers("HELO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<busy@hamburger.edu>\r\n"
                "RCPT TO:<moved@hamburger.edu>\r\nRCPT TO:<full@hamburger.edu>\r\nRCPT TO:<x@hamburger.edu>\r\n",
                config) == Lines{"250 Hello crepes.fr, pleased to meet you", "250 alice@crepes.fr ... Sender ok",
                                 "450 Requested mail action not taken: mailbox unavailable",
                                 "551 User not local; please try <moved@fries.org>",
                                 "452 Requested action not taken: insufficient system storage",
                                 "451 Requested action aborted: local error in processing"});
}

TEST_CASE("MTA refuses to relay for a stranger but relays for anyone when told to") {
  const std::string script = "HELO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<carol@fries.org>\r\n";
  CHECK(answers(script).back() == "550 5.7.1 carol@fries.org ... Relaying denied");
  ServerConfig open;
  open.relay_for_anyone = true;
  CHECK(answers(script, open).back() == "250 carol@fries.org ... Recipient ok");
  ServerConfig several;
  several.local_domains = {"hamburger.edu", "Fries.org"};
  CHECK(answers(script, several).back() == "250 carol@fries.org ... Recipient ok");
}

TEST_CASE("server answers 452 past the recipient limit") {
  ServerConfig config;
  config.max_recipients = 2;
  CHECK(answers("HELO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<a@hamburger.edu>\r\n"
                "RCPT TO:<b@hamburger.edu>\r\nRCPT TO:<c@hamburger.edu>\r\n",
                config)
            .back() == "452 Too many recipients");
}

TEST_CASE("RSET clears the transaction but keeps the greeting") {
  CHECK(answers("HELO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nRSET\r\n"
                "DATA\r\nMAIL FROM:<alice@crepes.fr>\r\nRSET x\r\n") ==
        Lines{"250 Hello crepes.fr, pleased to meet you", "250 alice@crepes.fr ... Sender ok",
              "250 bob@hamburger.edu ... Recipient ok", "250 OK", "503 5.5.1 Bad sequence of commands",
              "250 alice@crepes.fr ... Sender ok", "501 Syntax error in parameters or arguments"});
}

TEST_CASE("NOOP answers 250 in any state, with or without an argument") {
  CHECK(answers("NOOP\r\nHELO crepes.fr\r\nNOOP hello\r\n") ==
        Lines{"250 OK", "250 Hello crepes.fr, pleased to meet you", "250 OK"});
}

TEST_CASE("QUIT answers 221, closes, and ignores what follows") {
  const ServerRun run = run_server({}, "QUIT\r\nNOOP\r\n");
  CHECK(lines(run.out) == Lines{"220 hamburger.edu", "221 hamburger.edu closing connection"});
  CHECK(run.closed);
  CHECK(texts_of(run.events, EventKind::SessionEnded) == Lines{"smtp: the client said QUIT"});
  CHECK(answers("QUIT now\r\n") == Lines{"501 Syntax error in parameters or arguments"});
}

TEST_CASE("VRFY answers 252 by default and what the verify callback says otherwise") {
  CHECK(answers("VRFY bob\r\n") == Lines{"252 Cannot VRFY user, but will accept message and attempt delivery"});
  CHECK(answers("VRFY\r\n") == Lines{"501 Syntax error in parameters or arguments"});
  ServerConfig config;
  config.verify = [](const std::string& who) {
    if (who == "bob" || who == "bob@hamburger.edu") return VerifyVerdict{250, "Bob Smith <bob@hamburger.edu>"};
    if (who == "smith") return VerifyVerdict{553, ""};
    return VerifyVerdict{550, ""};
  };
  CHECK(answers("VRFY bob\r\nVRFY <bob@hamburger.edu>\r\nVRFY smith\r\nVRFY carol\r\n", config) ==
        Lines{"250 Bob Smith <bob@hamburger.edu>", "250 Bob Smith <bob@hamburger.edu>", "553 User ambiguous",
              "550 String does not match anything."});
}

TEST_CASE("EXPN lists a mailing list's members on a multi-line 250") {
  ServerConfig config;
  config.expand_list = [](const std::string& list) -> std::optional<std::vector<std::string>> {
    if (list == "staff") return std::vector<std::string>{"bob@hamburger.edu", "Carol <carol@hamburger.edu>"};
    if (list == "empty") return std::vector<std::string>{};
    return std::nullopt;
  };
  CHECK(answers("EXPN staff\r\nEXPN bob\r\nEXPN empty\r\nEXPN\r\n", config) ==
        Lines{"250-<bob@hamburger.edu>", "250 Carol <carol@hamburger.edu>", "550 That is not a mailing list",
              "250 The list is empty", "501 Syntax error in parameters or arguments"});
}

TEST_CASE("EXPN without a list callback answers 502 or 252 as configured") {
  CHECK(answers("EXPN staff\r\n") == Lines{"502 Command not implemented"});
  ServerConfig config;
  config.expn_refusal_code = 252;
  CHECK(answers("EXPN staff\r\n", config) ==
        Lines{"252 Cannot EXPN list, but will accept message and attempt delivery"});
}

TEST_CASE("HELP lists the commands on a 214 reply") {
  CHECK(answers("HELP\r\nHELP MAIL\r\n") ==
        Lines{"214-Commands supported:", "214 HELO EHLO MAIL RCPT DATA RSET NOOP QUIT VRFY EXPN HELP",
              "214-Commands supported:", "214 HELO EHLO MAIL RCPT DATA RSET NOOP QUIT VRFY EXPN HELP"});
}

TEST_CASE("server answers 500 to a command line over 512 octets and goes on") {
  const std::string long_line = "NOOP " + std::string(600, 'x') + "\r\n";
  CHECK(answers(long_line + "NOOP\r\n") == Lines{"500 Line too long", "250 OK"});
  CHECK(last_error(long_line) ==
        "smtp: expected a command line of at most 512 octets in state Connected, got \"NOOP "
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\"");
  // 510 characters plus CRLF is exactly the limit.
  CHECK(answers("NOOP " + std::string(505, 'x') + "\r\n") == Lines{"250 OK"});
  CHECK(answers("NOOP " + std::string(506, 'x') + "\r\n") == Lines{"500 Line too long"});
}

TEST_CASE("server survives a flood with no line end") {
  const ServerRun run = run_server({}, std::string(100000, 'x'));
  CHECK(lines(run.out) == Lines{"220 hamburger.edu"});
}

TEST_CASE("server accepts bare LF line ends leniently") {
  CHECK(answers("HELO crepes.fr\nNOOP\n") == Lines{"250 Hello crepes.fr, pleased to meet you", "250 OK"});
}

TEST_CASE("enhanced status codes go in front of every reply text when enabled") {
  ServerConfig config;
  config.enhanced_status_codes = true;
  CHECK(answers("EHLO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nRCPT TO:<x@fries.org>\r\n"
                "FOO\r\nDATA\r\nhi\r\n.\r\nQUIT\r\n",
                config) == Lines{"250-hamburger.edu", "250-SIZE 10240000", "250-8BITMIME", "250-PIPELINING",
                                 "250-ENHANCEDSTATUSCODES", "250 HELP", "250 2.1.0 alice@crepes.fr ... Sender ok",
                                 "250 2.1.5 bob@hamburger.edu ... Recipient ok",
                                 "550 5.7.1 x@fries.org ... Relaying denied",
                                 "500 5.5.2 Syntax error, command unrecognized",
                                 "354 Enter mail, end with \".\" on a line by itself",
                                 "250 2.0.0 Message accepted for delivery",
                                 "221 2.0.0 hamburger.edu closing connection"});
}

TEST_CASE("server in temporary-failure mode answers 421 on connect and closes") {
  ServerConfig config;
  config.service_unavailable = true;
  const ServerRun run = run_server(config, "HELO crepes.fr\r\n");
  CHECK(lines(run.out) == Lines{"421 hamburger.edu Service not available, closing transmission channel"});
  CHECK(run.closed);
}

TEST_CASE("server closes with 421 after five minutes without a command") {
  ServerSession server({});
  server.on_connected(at(0));
  server.on_bytes("HELO crepes.fr\r\n", at(10));
  REQUIRE(server.wake_at() == at(310));
  server.on_timer(at(309));
  CHECK_FALSE(server.wants_close());
  server.on_timer(at(310));
  CHECK(lines(server.take_outgoing()) ==
        Lines{"220 hamburger.edu", "250 Hello crepes.fr, pleased to meet you",
              "421 hamburger.edu Timeout waiting for the client, closing transmission channel"});
  CHECK(server.wants_close());
  CHECK(server.wake_at() == std::nullopt);
}

TEST_CASE("server reports a connection lost in the middle of DATA") {
  ServerSession server({});
  server.on_connected(at(0));
  server.on_bytes("HELO crepes.fr\r\nMAIL FROM:<a@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\nhalf", at(1));
  server.on_closed(at(2));
  CHECK(texts_of(server.take_events(), EventKind::SessionEnded) ==
        Lines{"smtp: the client closed the connection in state Data, message discarded"});
  CHECK(server.wants_close());
}
