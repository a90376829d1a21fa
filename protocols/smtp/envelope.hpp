// The SMTP envelope (RFC 5321 2.3.1): who the message is from and to whom it goes, as MAIL
// FROM and RCPT TO gave them, apart from the From:/To:/Cc: headers inside the message.
#pragma once

#include <string>
#include <vector>

namespace wiresim::smtp {

struct Envelope {
  std::string mail_from;           // the reverse-path; "" for the null path "<>" of a bounce
  std::vector<std::string> rcpts;  // accepted forward-paths, in order (To, Cc and Bcc alike)
  std::string helo;                // the name the client gave in HELO/EHLO
  std::string auth_user;           // who authenticated (RFC 4954), "" when nobody did
  bool body_8bitmime = false;      // MAIL ... BODY=8BITMIME (RFC 6152)
};

}  // namespace wiresim::smtp
