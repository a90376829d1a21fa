// How an SMTP server session behaves: its name and role (an MTA on port 25 or an MSA on port
// 587), the extensions its EHLO reply offers, its limits, and the callbacks through which the
// adapter answers questions about the world (is this a user? is this a list?).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/smtp/envelope.hpp"
#include "sim/core/time.hpp"

namespace wiresim::smtp {

// RFC 6409: an MSA takes mail from user agents and insists on AUTH; an MTA relays between
// domains (RFC 5321 2.3.10) and takes mail only for its own domains unless the client
// authenticated.
enum class Role { Mta, Msa };

// A callback's answer; an empty `text` gets the engine's standard wording for the code.
struct RcptVerdict {
  int code = 250;  // 250, 251, 450 busy, 451, 452, 550 unknown user, 551 not local, 553, ...
  std::string text;
};

struct AcceptVerdict {
  int code = 250;  // 250 queued, 451 try again later, 552 no room, 554 rejected
  std::string text;
};

struct VerifyVerdict {
  int code = 252;  // 250 found (text: "Bob <bob@hamburger.edu>"), 252 will try, 550 no such user, 553 ambiguous
  std::string text;
};

struct ServerConfig {
  std::string domain = "hamburger.edu";       // in the greeting, the EHLO reply, Received:, 221
  std::string greeting_text;                  // after "220 hamburger.edu", if any
  Role role = Role::Mta;
  std::vector<std::string> local_domains;     // mail for these is "ours"; empty means {domain}
  bool relay_for_anyone = false;              // an open relay, as in the 1990s: accepts every recipient

  // RFC 1870 SIZE, and the bound on the data held (552 beyond it, RFC 5321 4.5.3.1.10).
  std::size_t max_message_size = 10'240'000;
  // RFC 5321 4.5.3.1.8: at least 100 must be accepted; more get 452.
  std::size_t max_recipients = 100;

  // What the EHLO reply offers (RFC 5321 4.1.1.1). An MSA offers AUTH whatever offer_auth says.
  bool offer_size = true;
  bool offer_8bitmime = true;              // RFC 6152
  bool offer_pipelining = true;            // RFC 2920
  bool offer_auth = false;                 // RFC 4954: AUTH PLAIN LOGIN
  bool offer_help = true;
  bool enhanced_status_codes = false;      // RFC 2034/3463: "250 2.1.0 ..." on every reply

  // EXPN when expand_list is not set: 502 (not implemented) or 252 (RFC 5321 3.5.3, 7.3).
  int expn_refusal_code = 502;
  // "Destination MTA down": 421 on connect, then close (RFC 5321 3.1).
  bool service_unavailable = false;
  // For the Received: header's TCP-info (RFC 5321 4.4): "[192.0.2.7]" or "mail.crepes.fr [192.0.2.7]".
  std::string client_address;
  // RFC 5321 4.5.3.2.7: the server waits at least 5 minutes for the next command.
  Duration command_timeout = seconds(300);
  // One DataLine event per line of message text; turn off for bulk transfers.
  bool report_data_lines = true;

  // Pure functions over the model, set by the adapter. Unset: every local recipient is
  // accepted, VRFY answers 252, EXPN gets expn_refusal_code, AUTH always fails, messages are
  // accepted, the date is mail::format_date (simulated time 0 is 2024-01-01 09:00 UTC), queue
  // ids count 1, 2, 3 per session.
  std::function<RcptVerdict(const std::string& mailbox)> check_recipient;
  std::function<std::optional<std::vector<std::string>>(const std::string& list)> expand_list;
  std::function<VerifyVerdict(const std::string& who)> verify;
  std::function<bool(const std::string& user, const std::string& password)> authenticate;
  std::function<std::string(Time)> timestamp;
  std::function<std::string()> queue_id;
  std::function<AcceptVerdict(const Envelope&, std::string_view data)> accept_message;
};

}  // namespace wiresim::smtp
