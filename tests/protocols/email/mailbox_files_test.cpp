// A folder as Maildir and mbox files (mailbox_files.hpp): names, flags, From lines and quoting.
#include <doctest/doctest.h>

#include "protocols/email/mailbox_files.hpp"
#include "protocols/mail/date.hpp"

using namespace wiresim;

namespace {

mail::Folder folder_of(const std::string& name) {
  mail::Folder f;
  f.name = name;
  mail::StoredMessage seen;
  seen.uid = 1;
  seen.bytes = "Return-Path: <alice@crepes.fr>\r\nSubject: Lunch\r\n\r\nFrom the kitchen:\r\n>From Bob\r\nok\r\n";
  seen.flags = {"\\Seen", "\\Answered"};
  seen.internal_date = Time{} + seconds(1);
  mail::StoredMessage fresh;
  fresh.uid = 2;
  fresh.bytes = "Return-Path: <>\r\nSubject: Undelivered\r\n\r\nsorry\r\n";
  fresh.flags = {mail::Recent};
  fresh.internal_date = Time{} + seconds(86400 * 40 + 3600);  // 10 February, 10:00
  f.messages = {seen, fresh};
  return f;
}

}  // namespace

TEST_CASE("Maildir: seen messages in cur/ with their flags after :2, in ASCII order, new ones in new/") {
  CHECK(email::maildir_listing(folder_of("INBOX"), "bob", "hamburger.edu", mail::DefaultEpoch) ==
        "$ ls /home/bob/Maildir/cur /home/bob/Maildir/new\n"
        "/home/bob/Maildir/cur:\n"
        "1704099601.1.hamburger.edu,S=84:2,RS\n"
        "\n"
        "/home/bob/Maildir/new:\n"
        "1707559200.2.hamburger.edu,S=48\n");
  // Maildir++: a folder is a dot directory, its hierarchy separator a dot.
  CHECK(email::maildir_listing(folder_of("Work/Projects"), "bob", "h", mail::DefaultEpoch)
            .starts_with("$ ls /home/bob/Maildir/.Work.Projects/cur /home/bob/Maildir/.Work.Projects/new\n"));
}

TEST_CASE("mbox: a From line per message, LF line ends, From-quoting, a blank line after each") {
  CHECK(email::mbox_file(folder_of("INBOX"), mail::DefaultEpoch) ==
        "From alice@crepes.fr Mon Jan  1 09:00:01 2024\n"
        "Return-Path: <alice@crepes.fr>\nSubject: Lunch\n\n>From the kitchen:\n>>From Bob\nok\n\n"
        "From MAILER-DAEMON Sat Feb 10 10:00:00 2024\n"
        "Return-Path: <>\nSubject: Undelivered\n\nsorry\n\n");
  CHECK(email::mbox_listing(folder_of("INBOX"), "bob", mail::DefaultEpoch) ==
        "$ ls -l /var/mail/bob\n"
        "-rw------- 1 bob mail 216 Feb 10 10:00 /var/mail/bob\n"
        "$ grep -n \"^From \" /var/mail/bob\n"
        "1:From alice@crepes.fr Mon Jan  1 09:00:01 2024\n"
        "9:From MAILER-DAEMON Sat Feb 10 10:00:00 2024\n");
}
