#include "protocols/email/mailbox_files.hpp"

#include <cstdio>

#include "protocols/mail/date.hpp"
#include "protocols/mail/message.hpp"

namespace wiresim::email {
namespace {

constexpr const char* Weekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // 1970-01-01 was a Thursday
constexpr const char* Months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::int64_t arrival(const mail::StoredMessage& m, std::int64_t epoch) { return mail::unix_seconds(m.internal_date, epoch); }

// "Mon Jan  1 09:00:01 2024", as ctime() writes it (the mbox "From " line's date).
std::string ctime_text(std::int64_t unix) {
  const std::int64_t days = unix >= 0 ? unix / 86400 : (unix - 86399) / 86400;
  const std::int64_t second_of_day = unix - days * 86400;
  const mail::CivilDate d = mail::civil_from_days(days);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s %s %2u %02d:%02d:%02d %lld", Weekdays[((days % 7) + 7) % 7], Months[d.month - 1], d.day,
                static_cast<int>(second_of_day / 3600), static_cast<int>(second_of_day / 60 % 60),
                static_cast<int>(second_of_day % 60), static_cast<long long>(d.year));
  return buf;
}

// RFC 5321 4.4: the MDA's Return-Path holds the envelope sender; "MAILER-DAEMON" for a bounce.
std::string envelope_sender(const std::string& message) {
  const mail::ParsedMessage parsed = mail::parse_message(message);
  std::string path = mail::header_value(parsed.headers, "Return-Path").value_or("");
  if (const std::size_t open = path.find('<'), close = path.rfind('>'); open != std::string::npos && close > open)
    path = path.substr(open + 1, close - open - 1);
  return path.empty() ? "MAILER-DAEMON" : path;
}

// Maildir's info flags, in ASCII order (the Maildir specification asks for it).
std::string maildir_flags(const mail::Flags& flags) {
  std::string out;
  for (const auto& [flag, letter] : {std::pair{"\\Draft", 'D'}, {"\\Flagged", 'F'}, {"\\Answered", 'R'}, {"\\Seen", 'S'},
                                     {"\\Deleted", 'T'}})
    if (flags.count(flag)) out += letter;
  return out;
}

}  // namespace

std::string maildir_listing(const mail::Folder& folder, const std::string& user, const std::string& host,
                            std::int64_t epoch) {
  std::string dir = "/home/" + user + "/Maildir";
  if (folder.name != "INBOX") {
    std::string dotted = folder.name;
    for (char& c : dotted)
      if (c == '/') c = '.';
    dir += "/." + dotted;
  }
  std::string fresh, seen;
  for (const mail::StoredMessage& m : folder.messages) {
    const std::string name = std::to_string(arrival(m, epoch)) + "." + std::to_string(m.uid) + "." + host +
                             ",S=" + std::to_string(m.bytes.size());
    if (m.flags.count(mail::Recent)) fresh += name + "\n";
    else seen += name + ":2," + maildir_flags(m.flags) + "\n";
  }
  // ls lists its operands in name order: cur before new.
  return "$ ls " + dir + "/cur " + dir + "/new\n" + dir + "/cur:\n" + seen + "\n" + dir + "/new:\n" + fresh;
}

std::string mbox_file(const mail::Folder& folder, std::int64_t epoch) {
  std::string out;
  for (const mail::StoredMessage& m : folder.messages) {
    out += "From " + envelope_sender(m.bytes) + " " + ctime_text(arrival(m, epoch)) + "\n";
    std::string_view text = m.bytes;
    while (!text.empty()) {
      const std::size_t end = text.find("\r\n");
      std::string_view line = text.substr(0, end);
      text.remove_prefix(end == std::string_view::npos ? text.size() : end + 2);
      // mboxrd: ">*From " gets one more ">", so that reading strips exactly one.
      const std::size_t quotes = line.find_first_not_of('>');
      if (quotes != std::string_view::npos && line.substr(quotes).starts_with("From ")) out += '>';
      out += line;
      out += '\n';
    }
    out += '\n';  // a blank line ends each message
  }
  return out;
}

std::string mbox_listing(const mail::Folder& folder, const std::string& user, std::int64_t epoch) {
  const std::string file = mbox_file(folder, epoch);
  const std::string path = folder.name == "INBOX" ? "/var/mail/" + user : "/home/" + user + "/mail/" + folder.name;
  std::string when = "Jan  1 00:00";
  if (!folder.messages.empty()) when = ctime_text(arrival(folder.messages.back(), epoch)).substr(4, 12);
  std::string out = "$ ls -l " + path + "\n-rw------- 1 " + user + " mail " + std::to_string(file.size()) + " " + when +
                    " " + path + "\n$ grep -n \"^From \" " + path + "\n";
  std::size_t line = 1, at = 0;
  while (at < file.size()) {
    const std::size_t end = file.find('\n', at);
    if (file.compare(at, 5, "From ") == 0) out += std::to_string(line) + ":" + file.substr(at, end - at) + "\n";
    at = end + 1;
    ++line;
  }
  return out;
}

}  // namespace wiresim::email
