// ServerSession: SELECT / EXAMINE, folder hierarchy (CREATE, RENAME, DELETE, LIST, LSUB),
// SUBSCRIBE, STATUS and APPEND.
#include <doctest/doctest.h>

#include "protocols/imap/list_pattern.hpp"
#include "tests/protocols/imap/imap_fixture.hpp"

using namespace imap_test;

TEST_CASE("server SELECT reports EXISTS, RECENT, UNSEEN, UIDVALIDITY, UIDNEXT, FLAGS and PERMANENTFLAGS") {
  CHECK(converse(Login + SelectInbox) == LoginOk + SelectOk);
}

TEST_CASE("server EXAMINE opens read-only and refuses STORE and EXPUNGE") {
  CHECK(converse(Login + "a2 EXAMINE Work\r\na3 STORE 1 +FLAGS \\Seen\r\na4 EXPUNGE\r\n") ==
        LoginOk +
            "* 0 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 3] UIDs valid\r\n* OK [UIDNEXT 1] Predicted next UID\r\n"
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
            "* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n"
            "a2 OK [READ-ONLY] EXAMINE completed\r\n"
            "a3 BAD STORE names message 1 but the mailbox has 0 messages\r\n"
            "a4 NO EXPUNGE failed: the mailbox is read-only (EXAMINE)\r\n");
}

TEST_CASE("server leaves the selected state when SELECT names no mailbox") {
  CHECK(converse(Login + SelectInbox + "a3 SELECT Nope\r\na4 FETCH 1 FLAGS\r\n") ==
        LoginOk + SelectOk +
            "a3 NO SELECT failed: no mailbox \"Nope\"\r\n"
            "a4 BAD FETCH is not valid in state Authenticated: SELECT a mailbox first\r\n");
}

TEST_CASE("server LIST handles the delimiter query and the * and % wildcards") {
  CHECK(converse(Login + "l1 LIST \"\" \"\"\r\nl2 LIST \"\" *\r\nl3 LIST \"\" %\r\nl4 LIST Work/ %\r\nl5 list \"\" inbox\r\n") ==
        LoginOk +
            "* LIST (\\Noselect) \"/\" \"\"\r\nl1 OK LIST completed\r\n"
            "* LIST () \"/\" \"INBOX\"\r\n* LIST () \"/\" \"Archive\"\r\n* LIST () \"/\" \"Work\"\r\n"
            "* LIST () \"/\" \"Work/Projects\"\r\nl2 OK LIST completed\r\n"
            "* LIST () \"/\" \"INBOX\"\r\n* LIST () \"/\" \"Archive\"\r\n* LIST () \"/\" \"Work\"\r\nl3 OK LIST completed\r\n"
            "* LIST () \"/\" \"Work/Projects\"\r\nl4 OK LIST completed\r\n"
            "* LIST () \"/\" \"INBOX\"\r\nl5 OK LIST completed\r\n");
}

// A LIST pattern is matched against every mailbox name: its cost must stay one pass over the
// name per pattern character, whatever the wildcards (a run of them counts as one), and names
// stay short. The pathological pattern below took tens of seconds, freezing `wiresim serve`.
TEST_CASE("LIST patterns match in time linear in the pattern, and mailbox names are at most 255 octets") {
  CHECK(wiresim::imap::matches_pattern("W*%P%s", "Work/Projects", '/'));
  CHECK_FALSE(wiresim::imap::matches_pattern("W%s", "Work/Projects", '/'));
  CHECK(wiresim::imap::matches_pattern("%/%", "Work/Projects", '/'));
  CHECK(wiresim::imap::matches_pattern("%%%/%%", "Work/Projects", '/'));
  CHECK(wiresim::imap::matches_pattern("*%*", "a/b/c", '/'));
  CHECK_FALSE(wiresim::imap::matches_pattern("%%%", "a/b", '/'));
  CHECK(wiresim::imap::matches_pattern("In%", "INBOX", '/'));
  std::string deep;
  for (int i = 0; i < 2000; ++i) deep += "a/";
  deep += "z";
  CHECK_FALSE(wiresim::imap::matches_pattern(std::string(4000, '*') + "q", deep, '/'));
  std::string alternating;
  for (int i = 0; i < 2000; ++i) alternating += "*a";
  CHECK(wiresim::imap::matches_pattern(alternating + "*z", deep, '/'));
  CHECK(converse(Login + "c1 CREATE " + std::string(256, 'x') + "\r\nc2 CREATE " + std::string(255, 'y') + "\r\n") ==
        LoginOk + "c1 NO CREATE failed: a folder name may be at most 255 octets long\r\nc2 OK CREATE completed\r\n");
}

TEST_CASE("server LSUB lists subscribed mailboxes and follows SUBSCRIBE") {
  CHECK(converse(Login + "l1 LSUB \"\" *\r\nl2 SUBSCRIBE Archive\r\nl3 LSUB \"\" A*\r\nl4 UNSUBSCRIBE Nope\r\n") ==
        LoginOk +
            "* LSUB () \"/\" \"INBOX\"\r\n* LSUB () \"/\" \"Work\"\r\n* LSUB () \"/\" \"Work/Projects\"\r\nl1 OK LSUB completed\r\n"
            "l2 OK SUBSCRIBE completed\r\n"
            "* LSUB () \"/\" \"Archive\"\r\nl3 OK LSUB completed\r\n"
            "l4 NO UNSUBSCRIBE failed: no mailbox \"Nope\"\r\n");
}

TEST_CASE("server creates, renames and deletes a folder hierarchy") {
  CHECK(converse(Login +
                 "c1 CREATE Lists/Jobs/\r\nc2 LIST \"\" %\r\nc3 RENAME Work Job\r\nc4 LIST \"\" *\r\n"
                 "c5 DELETE Job\r\nc6 DELETE Job/Projects\r\nc7 DELETE Job\r\nc8 CREATE inbox\r\nc9 DELETE Nope\r\n") ==
        LoginOk +
            "c1 OK CREATE completed\r\n"
            "* LIST () \"/\" \"INBOX\"\r\n* LIST () \"/\" \"Archive\"\r\n* LIST (\\Noselect) \"/\" \"Lists\"\r\n"
            "* LIST () \"/\" \"Work\"\r\nc2 OK LIST completed\r\n"
            "c3 OK RENAME completed\r\n"
            "* LIST () \"/\" \"INBOX\"\r\n* LIST () \"/\" \"Archive\"\r\n* LIST () \"/\" \"Job\"\r\n"
            "* LIST () \"/\" \"Job/Projects\"\r\n* LIST (\\Noselect) \"/\" \"Lists\"\r\n* LIST () \"/\" \"Lists/Jobs\"\r\n"
            "c4 OK LIST completed\r\n"
            "c5 NO DELETE failed: folder \"Job\" has subfolders; delete them first\r\n"
            "c6 OK DELETE completed\r\nc7 OK DELETE completed\r\n"
            "c8 NO CREATE failed: folder \"INBOX\" exists already\r\n"
            "c9 NO DELETE failed: no folder \"Nope\"\r\n");
}

TEST_CASE("server RENAME of INBOX moves its messages and leaves INBOX empty") {
  CHECK(converse(Login + "r1 RENAME INBOX Old\r\nr2 STATUS Old (MESSAGES UNSEEN)\r\nr3 STATUS INBOX (MESSAGES UIDNEXT)\r\n") ==
        LoginOk +
            "r1 OK RENAME completed\r\n"
            "* STATUS \"Old\" (MESSAGES 3 UNSEEN 2)\r\nr2 OK STATUS completed\r\n"
            "* STATUS \"INBOX\" (MESSAGES 0 UIDNEXT 4)\r\nr3 OK STATUS completed\r\n");
}

TEST_CASE("server STATUS answers the items asked for, in order") {
  CHECK(converse(Login + "s1 STATUS inbox (UIDNEXT MESSAGES RECENT UIDVALIDITY UNSEEN)\r\ns2 STATUS Nope (MESSAGES)\r\n"
                         "s3 STATUS INBOX (SIZE)\r\n") ==
        LoginOk +
            "* STATUS \"INBOX\" (UIDNEXT 4 MESSAGES 3 RECENT 1 UIDVALIDITY 1 UNSEEN 2)\r\ns1 OK STATUS completed\r\n"
            "s2 NO STATUS failed: no mailbox \"Nope\"\r\n"
            "s3 BAD Unknown STATUS item SIZE\r\n");
}

TEST_CASE("server APPENDs a literal with flags and a date, and asks to create a missing mailbox") {
  const std::string message = "Subject: draft\r\n\r\nhi\r\n";
  CHECK(converse(Login + "p1 APPEND Work (\\Seen \\draft) \"05-Jan-2024 08:30:00 +0100\" {22}\r\n" + message +
                 "\r\np2 FETCH 1 x\r\np3 SELECT Work\r\np4 FETCH 1 (FLAGS INTERNALDATE BODY[])\r\n"
                 "p5 APPEND Nope {2}\r\nhi\r\n") ==
        LoginOk +
            "+ Ready for literal data\r\np1 OK APPEND completed\r\n"
            "p2 BAD FETCH is not valid in state Authenticated: SELECT a mailbox first\r\n"
            "* 1 EXISTS\r\n* 1 RECENT\r\n* OK [UIDVALIDITY 3] UIDs valid\r\n* OK [UIDNEXT 2] Predicted next UID\r\n"
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted\r\n"
            "p3 OK [READ-WRITE] SELECT completed\r\n"
            "* 1 FETCH (FLAGS (\\Draft \\Recent \\Seen) INTERNALDATE \" 5-Jan-2024 07:30:00 +0000\" BODY[] {22}\r\n" +
            message + ")\r\np4 OK FETCH completed\r\n"
            "+ Ready for literal data\r\np5 NO [TRYCREATE] APPEND failed: no mailbox \"Nope\"\r\n");
}

TEST_CASE("server rejects APPEND with a malformed date") {
  CHECK(converse(Login + "p1 APPEND Work \"5 Jan 2024\" {2}\r\nhi\r\n") ==
        LoginOk + "+ Ready for literal data\r\n"
                  "p1 BAD APPEND expects a date-time such as \"17-Jul-1996 02:44:25 -0700\": got \"5 Jan 2024\"\r\n");
}
