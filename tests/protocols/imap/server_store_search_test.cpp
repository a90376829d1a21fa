// ServerSession: STORE, COPY, EXPUNGE, CLOSE, SEARCH, and RFC 3501 section 8's sample dialogue.
#include <doctest/doctest.h>

#include "tests/protocols/imap/imap_fixture.hpp"

using namespace imap_test;

TEST_CASE("server STORE adds, removes and replaces flags, silently on request") {
  CHECK(selected("t1 STORE 2 +FLAGS (\\Flagged \\deleted)\r\nt2 STORE 1:2 -FLAGS.SILENT \\Seen\r\n"
                 "t3 UID STORE 3 FLAGS ($Important)\r\nt4 FETCH 1:* FLAGS\r\n") ==
        "* 2 FETCH (FLAGS (\\Deleted \\Flagged))\r\nt1 OK STORE completed\r\n"
        "t2 OK STORE completed\r\n"
        "* 3 FETCH (UID 3 FLAGS ($Important \\Recent))\r\nt3 OK UID STORE completed\r\n"
        "* 1 FETCH (FLAGS ())\r\n* 2 FETCH (FLAGS (\\Deleted \\Flagged))\r\n* 3 FETCH (FLAGS ($Important \\Recent))\r\n"
        "t4 OK FETCH completed\r\n");
}

TEST_CASE("server STORE refuses \\Recent and unknown system flags") {
  CHECK(selected("t1 STORE 1 FLAGS (\\Recent)\r\nt2 STORE 1 FLAGZ (\\Seen)\r\n") ==
        "t1 BAD STORE expected one of \\Seen \\Answered \\Flagged \\Deleted \\Draft or a keyword, got \"\\Recent)\"\r\n"
        "t2 BAD STORE expects FLAGS, +FLAGS or -FLAGS (optionally .SILENT), got \"FLAGZ (\\Seen)\"\r\n");
}

TEST_CASE("server EXPUNGE reports each removed message with its current number") {
  CHECK(selected("e1 STORE 1:2 +FLAGS.SILENT (\\Deleted)\r\ne2 EXPUNGE\r\ne3 FETCH * (UID)\r\n") ==
        "e1 OK STORE completed\r\n* 1 EXPUNGE\r\n* 1 EXPUNGE\r\ne2 OK EXPUNGE completed\r\n"
        "* 1 FETCH (UID 3)\r\ne3 OK FETCH completed\r\n");
}

TEST_CASE("server CLOSE expunges silently and returns to the authenticated state") {
  CHECK(selected("e1 STORE 2 +FLAGS.SILENT (\\Deleted)\r\ne2 CLOSE\r\ne3 STATUS INBOX (MESSAGES)\r\n") ==
        "e1 OK STORE completed\r\ne2 OK CLOSE completed\r\n* STATUS \"INBOX\" (MESSAGES 2)\r\ne3 OK STATUS completed\r\n");
}

TEST_CASE("server COPY keeps flags, marks the copies recent and asks to create a missing mailbox") {
  CHECK(selected("c1 COPY 1:2 Work\r\nc2 COPY 1 Nope\r\nc3 STATUS Work (MESSAGES RECENT UNSEEN)\r\nc4 UID COPY 3 INBOX\r\n") ==
        "c1 OK COPY completed\r\nc2 NO [TRYCREATE] COPY failed: no mailbox \"Nope\"\r\n"
        "* STATUS \"Work\" (MESSAGES 2 RECENT 2 UNSEEN 1)\r\nc3 OK STATUS completed\r\n"
        "* 4 EXISTS\r\n* 2 RECENT\r\nc4 OK UID COPY completed\r\n");
}

TEST_CASE("server SEARCH combines keys, OR, NOT, dates, sizes and sequence sets") {
  CHECK(selected("s1 SEARCH ALL\r\ns2 SEARCH FROM alice\r\ns3 SEARCH UNSEEN\r\ns4 SEARCH OR SEEN FLAGGED\r\n"
                 "s5 SEARCH NOT FROM ALICE SINCE 3-Jan-2024\r\ns6 SEARCH (SUBJECT lunch) BEFORE \"4-Jan-2024\"\r\n"
                 "s7 SEARCH LARGER 200 BODY numbers\r\ns8 UID SEARCH 2:* RECENT\r\ns9 SEARCH HEADER Message-ID example\r\n"
                 "s10 SEARCH TEXT \"cafe\" NEW\r\ns11 SEARCH SENTON 3-Jan-2024\r\ns12 SEARCH 1,3 UID 3\r\n"
                 "s13 SEARCH CC team ON 3-Jan-2024 SMALLER 1000\r\ns14 SEARCH TO dave\r\n") ==
        "* SEARCH 1 2 3\r\ns1 OK SEARCH completed\r\n* SEARCH 1 3\r\ns2 OK SEARCH completed\r\n"
        "* SEARCH 2 3\r\ns3 OK SEARCH completed\r\n* SEARCH 1\r\ns4 OK SEARCH completed\r\n"
        "* SEARCH 2\r\ns5 OK SEARCH completed\r\n* SEARCH 1\r\ns6 OK SEARCH completed\r\n"
        "* SEARCH 2\r\ns7 OK SEARCH completed\r\n* SEARCH 3\r\ns8 OK UID SEARCH completed\r\n"
        "* SEARCH 1\r\ns9 OK SEARCH completed\r\n* SEARCH 3\r\ns10 OK SEARCH completed\r\n"
        "* SEARCH 2\r\ns11 OK SEARCH completed\r\n* SEARCH 3\r\ns12 OK SEARCH completed\r\n"
        "* SEARCH 2\r\ns13 OK SEARCH completed\r\n* SEARCH 2\r\ns14 OK SEARCH completed\r\n");
}

TEST_CASE("server SEARCH rejects unknown keys and charsets") {
  CHECK(selected("s1 SEARCH CHARSET KOI8-R ALL\r\ns2 SEARCH FOO\r\ns3 SEARCH SINCE yesterday\r\n") ==
        "s1 NO [BADCHARSET (US-ASCII UTF-8)] SEARCH supports US-ASCII and UTF-8 only\r\n"
        "s2 BAD SEARCH expected a search key such as ALL, UNSEEN, FROM \"x\", SINCE 1-Feb-2024 or a sequence set, got \"FOO\"\r\n"
        "s3 BAD SEARCH expected a date such as 1-Feb-2024, got \"yesterday\"\r\n");
}

// RFC 3501 8, adapted: the store's UIDs and sizes, our capability list and response texts.
TEST_CASE("server plays the RFC 3501 section 8 sample dialogue") {
  CHECK(converse("a001 login bob secret\r\na002 select inbox\r\na003 fetch 3 full\r\n"
                 "a004 fetch 3 body[header]\r\na005 store 3 +flags \\deleted\r\na006 logout\r\n") ==
        "a001 OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] LOGIN completed\r\n" +
            SelectOk.substr(0, SelectOk.size() - std::string("a2 OK [READ-WRITE] SELECT completed\r\n").size()) +
            "a002 OK [READ-WRITE] SELECT completed\r\n"
            "* 3 FETCH (FLAGS (\\Recent) INTERNALDATE \" 4-Jan-2024 12:00:00 +0000\" RFC822.SIZE 154 ENVELOPE "
            "(\"Thu, 4 Jan 2024 12:00:00 +0000\" \"Re: Lunch\" ((\"Alice Smith\" NIL \"alice\" \"example.org\")) "
            "((\"Alice Smith\" NIL \"alice\" \"example.org\")) ((\"Alice Smith\" NIL \"alice\" \"example.org\")) "
            "((NIL NIL \"bob\" \"example.org\")) NIL NIL NIL NIL) BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") "
            "NIL NIL \"7BIT\" 34 1))\r\n"
            "a003 OK FETCH completed\r\n"
            "* 3 FETCH (BODY[HEADER] {120}\r\n" +
            Reply.substr(0, 120) + " FLAGS (\\Recent \\Seen))\r\na004 OK FETCH completed\r\n"
            "* 3 FETCH (FLAGS (\\Deleted \\Recent \\Seen))\r\na005 OK STORE completed\r\n"
            "* BYE IMAP4rev1 Server logging out\r\na006 OK LOGOUT completed\r\n");
}
