// What an SMTP client is asked to do (one message to one server) and what came of it: the
// outcome, each step's reply and each recipient's fate, so that an MTA can queue the
// temporary failures for a retry and bounce the permanent ones (RFC 5321 4.2.1, 4.5.4.1).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.hpp"

namespace wiresim::smtp {

enum class AuthMechanism { Plain, Login };  // RFC 4616; the LOGIN draft as Outlook and curl use it

struct Credentials {
  AuthMechanism mechanism = AuthMechanism::Plain;
  std::string user;
  std::string password;
};

// RFC 5321 4.5.3.2: how long the client waits for each reply. The data block timeout (3 min)
// is not modelled: the engine hands all the data over at once.
struct ClientTimeouts {
  Duration greeting = seconds(300);        // 4.5.3.2.1 initial 220
  Duration mail = seconds(300);            // 4.5.3.2.2 MAIL (also used for EHLO, AUTH, RSET, QUIT)
  Duration rcpt = seconds(300);            // 4.5.3.2.3
  Duration data_initiation = seconds(120); // 4.5.3.2.4 the 354
  Duration data_termination = seconds(600);// 4.5.3.2.6 the reply after "."
};

// One message's envelope and content: a mail transaction (RFC 5321 3.3).
struct ClientMessage {
  std::string mail_from;                  // "" sends the null reverse-path "<>" of a bounce
  std::vector<std::string> rcpts;         // To, Cc and Bcc alike
  std::string data;                       // the RFC 5322 message; the engine dot-stuffs it
};

struct ClientJob {
  std::string client_host = "crepes.fr";  // the name in HELO/EHLO
  bool use_ehlo = true;                   // EHLO, falling back to HELO on 500/502 (RFC 5321 3.2)
  std::optional<Credentials> auth;        // AUTH after EHLO, as a user agent does with its MSA
  std::string mail_from;                  // the first message: "" sends the null reverse-path "<>"
  std::vector<std::string> rcpts;         // To, Cc and Bcc alike
  std::string data;                       // the RFC 5322 message; the engine dot-stuffs it
  // Further messages for the same server, on the same connection: when one transaction ends
  // the next begins with its own MAIL FROM (RFC 5321 3.3: "the client then repeats this
  // process"), after an RSET if the one before failed (4.1.1.5), and QUIT comes after the
  // last. An MTA sends everything queued for a destination this way.
  std::vector<ClientMessage> more;
  // Called when data holds 8-bit bytes and the server does not offer 8BITMIME (RFC 6152 3);
  // returns a 7-bit version (quoted-printable or base64 parts). Unset: the job fails.
  std::function<std::string(std::string_view)> downgrade_8bit;
  bool use_pipelining = true;             // RFC 2920, when the server offers it
  // "MAIL FROM: <...>" with a space after the colon, as the textbook prints it. RFC 5321
  // 4.1.2 forbids the space, so it is off by default; servers accept it anyway.
  bool space_after_colon = false;
  ClientTimeouts timeouts;
};

enum class Outcome { Pending, Delivered, TemporaryFailure, PermanentFailure };
enum class RecipientStatus { Pending, Accepted, TemporaryFailure, PermanentFailure };

struct StepResult {
  std::string command;  // "MAIL FROM:<alice@crepes.fr>", "(greeting)", "(end of data)"
  int code = 0;
  std::string text;
};

struct RecipientResult {
  std::string mailbox;
  RecipientStatus status = RecipientStatus::Pending;
  int code = 0;  // the reply that decided it (the RCPT reply, or the DATA reply if that failed)
  std::string text;
};

struct ClientResult {
  Outcome outcome = Outcome::Pending;
  int code = 0;       // the reply that decided the outcome; 0 when none did (timeout, lost connection)
  std::string text;
  std::string error;  // why it failed, one readable line; "" when delivered
  std::vector<StepResult> steps;
  std::vector<RecipientResult> recipients;
};

std::string_view to_string(Outcome outcome);          // "delivered", "temporary-failure", ...
std::string_view to_string(RecipientStatus status);   // "accepted", ...

}  // namespace wiresim::smtp
