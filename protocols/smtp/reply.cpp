#include "protocols/smtp/reply.hpp"

#include <cctype>

namespace wiresim::smtp {

std::string Reply::text() const {
  std::string out;
  for (const std::string& line : lines) {
    if (!out.empty()) out += " / ";
    out += line;
  }
  return out;
}

std::string standard_text(int code) {
  switch (code) {
    case 250: return "OK";
    case 251: return "User not local; will forward";
    case 252: return "Cannot VRFY user, but will accept message and attempt delivery";
    case 450: return "Requested mail action not taken: mailbox unavailable";
    case 451: return "Requested action aborted: local error in processing";
    case 452: return "Requested action not taken: insufficient system storage";
    case 500: return "Syntax error, command unrecognized";
    case 501: return "Syntax error in parameters or arguments";
    case 502: return "Command not implemented";
    case 503: return "5.5.1 Bad sequence of commands";
    case 504: return "Command parameter not implemented";
    case 550: return "Requested action not taken: mailbox unavailable";
    case 551: return "User not local";
    case 552: return "Requested mail action aborted: exceeded storage allocation";
    case 553: return "Requested action not taken: mailbox name not allowed";
    case 554: return "Transaction failed";
    case 555: return "MAIL FROM/RCPT TO parameters not recognized or not implemented";
    default: return "";
  }
}

std::vector<std::string> reply_lines(const Reply& reply) {
  const std::string code = std::to_string(reply.code);
  if (reply.lines.empty()) return {code};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < reply.lines.size(); ++i) {
    std::string line = code;
    line += i + 1 < reply.lines.size() ? '-' : ' ';
    line += reply.lines[i];
    out.push_back(std::move(line));
  }
  return out;
}

std::string format_reply(const Reply& reply) {
  std::string out;
  for (const std::string& line : reply_lines(reply)) {
    out += line;
    out += "\r\n";
  }
  return out;
}

ReplyReader::Output ReplyReader::push(char c) {
  Output out;
  std::optional<Line> complete = lines_.push(c);
  if (!complete) return out;
  const std::string& text = complete->text;
  out.line = text;
  auto fail = [&](std::string what) {
    partial_ = Reply{};
    out.error = std::move(what);
    return out;
  };
  if (complete->too_long) return fail("expected a reply line of at most 512 octets, got " + quote(text));
  // RFC 5321 4.2: Reply-line = *( Reply-code "-" [ textstring ] CRLF ) Reply-code [ SP textstring ] CRLF
  const bool digits = text.size() >= 3 && text[0] >= '2' && text[0] <= '5' &&
                      std::isdigit(static_cast<unsigned char>(text[1])) &&
                      std::isdigit(static_cast<unsigned char>(text[2]));
  if (!digits || (text.size() > 3 && text[3] != ' ' && text[3] != '-'))
    return fail("expected a reply such as \"250 OK\", got " + quote(text));
  const int code = std::stoi(text.substr(0, 3));
  if (!partial_.lines.empty() && code != partial_.code)
    return fail("expected reply code " + std::to_string(partial_.code) + " to continue the reply, got " + quote(text));
  if (partial_.lines.size() >= MaxLines) return fail("expected a reply of at most 100 lines");
  partial_.code = code;
  partial_.lines.push_back(text.size() > 4 ? text.substr(4) : std::string());
  if (text.size() > 3 && text[3] == '-') return out;
  out.reply = std::move(partial_);
  partial_ = Reply{};
  return out;
}

}  // namespace wiresim::smtp
