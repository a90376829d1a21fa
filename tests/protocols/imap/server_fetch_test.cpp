// ServerSession: FETCH data items, body sections, partial fetches and the \Seen side effect.
#include <doctest/doctest.h>

#include "tests/protocols/imap/imap_fixture.hpp"

using namespace imap_test;

TEST_CASE("server fetches flags, UID, size and internal date") {
  CHECK(selected("a3 FETCH 1:* (FLAGS UID RFC822.SIZE INTERNALDATE)\r\n") ==
        "* 1 FETCH (FLAGS (\\Seen) UID 1 RFC822.SIZE 169 INTERNALDATE \" 2-Jan-2024 09:00:00 +0000\")\r\n"
        "* 2 FETCH (FLAGS () UID 2 RFC822.SIZE 469 INTERNALDATE \" 3-Jan-2024 10:00:00 +0000\")\r\n"
        "* 3 FETCH (FLAGS (\\Recent) UID 3 RFC822.SIZE 154 INTERNALDATE \" 4-Jan-2024 12:00:00 +0000\")\r\n"
        "a3 OK FETCH completed\r\n");
}

TEST_CASE("server fetches the envelope with sender and reply-to defaulting to from") {
  CHECK(selected("a3 FETCH 1 ENVELOPE\r\n") ==
        "* 1 FETCH (ENVELOPE (\"Tue, 2 Jan 2024 09:00:00 +0000\" \"Lunch\" ((\"Alice Smith\" NIL \"alice\" "
        "\"example.org\")) ((\"Alice Smith\" NIL \"alice\" \"example.org\")) ((\"Alice Smith\" NIL \"alice\" "
        "\"example.org\")) ((NIL NIL \"bob\" \"example.org\")) NIL NIL NIL \"<1@example.org>\"))\r\n"
        "a3 OK FETCH completed\r\n");
}

TEST_CASE("server fetches BODYSTRUCTURE with extension data and BODY without") {
  CHECK(selected("a3 FETCH 2 BODYSTRUCTURE\r\na4 FETCH 2 BODY\r\n") ==
        "* 2 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 17 1 NIL NIL NIL "
        "NIL)(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"q1.bin\") NIL NIL \"BASE64\" 8 NIL (\"ATTACHMENT\" "
        "(\"FILENAME\" \"q1.bin\")) NIL NIL) \"MIXED\" (\"BOUNDARY\" \"xyz\") NIL NIL NIL))\r\n"
        "a3 OK FETCH completed\r\n"
        "* 2 FETCH (BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 17 1)(\"APPLICATION\" "
        "\"OCTET-STREAM\" (\"NAME\" \"q1.bin\") NIL NIL \"BASE64\" 8) \"MIXED\"))\r\n"
        "a4 OK FETCH completed\r\n");
}

TEST_CASE("server fetches header fields and a partial body without setting \\Seen when peeking") {
  CHECK(selected("a3 FETCH 2 (BODY.PEEK[HEADER.FIELDS (From Subject)] BODY.PEEK[TEXT]<2.5>)\r\n") ==
        "* 2 FETCH (BODY[HEADER.FIELDS (FROM SUBJECT)] {54}\r\n"
        "From: carol@example.net\r\nSubject: Quarterly report\r\n\r\n"
        " BODY[TEXT]<2> {5}\r\nxyz\r\n)\r\n"
        "a3 OK FETCH completed\r\n");
}

TEST_CASE("server sets \\Seen on BODY[] and reports the new flags with the data") {
  CHECK(selected("a3 FETCH 2 BODY[1]\r\na4 FETCH 2 FLAGS\r\n") ==
        "* 2 FETCH (BODY[1] {17}\r\nNumbers attached. FLAGS (\\Seen))\r\n"
        "a3 OK FETCH completed\r\n"
        "* 2 FETCH (FLAGS (\\Seen))\r\n"
        "a4 OK FETCH completed\r\n");
}

TEST_CASE("server fetches part headers, missing parts as NIL and an origin past the end as empty") {
  CHECK(selected("a3 FETCH 2 (BODY.PEEK[2.MIME] BODY.PEEK[3] BODY.PEEK[]<9999.5>)\r\n") ==
        "* 2 FETCH (BODY[2.MIME] {140}\r\n"
        "Content-Type: application/octet-stream; name=q1.bin\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename=q1.bin\r\n\r\n"
        " BODY[3] NIL BODY[]<9999> {0}\r\n)\r\n"
        "a3 OK FETCH completed\r\n");
}

TEST_CASE("server fetches the header first and then the body in pieces, as over a slow link") {
  const std::string out = selected(
      "a3 UID FETCH 3 (BODY.PEEK[HEADER])\r\n"
      "a4 UID FETCH 3 BODY.PEEK[TEXT]<0.10>\r\n"
      "a5 UID FETCH 3 BODY.PEEK[TEXT]<10.100>\r\n");
  CHECK(out ==
        "* 3 FETCH (UID 3 BODY[HEADER] {120}\r\n" + Reply.substr(0, 120) + ")\r\n"
        "a3 OK UID FETCH completed\r\n"
        "* 3 FETCH (UID 3 BODY[TEXT]<0> {10}\r\nNoon it is)\r\n"
        "a4 OK UID FETCH completed\r\n"
        "* 3 FETCH (UID 3 BODY[TEXT]<10> {24}\r\n. See you at the cafe.\r\n)\r\n"
        "a5 OK UID FETCH completed\r\n");
}

TEST_CASE("server answers RFC822, RFC822.HEADER and RFC822.TEXT") {
  CHECK(selected("a3 FETCH 3 (RFC822.HEADER RFC822.TEXT)\r\n") ==
        "* 3 FETCH (RFC822.HEADER {120}\r\n" + Reply.substr(0, 120) + " RFC822.TEXT {34}\r\n" + Reply.substr(120) +
            " FLAGS (\\Recent \\Seen))\r\n"
            "a3 OK FETCH completed\r\n");
  CHECK(selected("a3 FETCH 1 RFC822\r\n") == "* 1 FETCH (RFC822 {169}\r\n" + Lunch + ")\r\na3 OK FETCH completed\r\n");
}

TEST_CASE("server expands the FAST macro") {
  CHECK(selected("a3 FETCH 1 FAST\r\n") ==
        "* 1 FETCH (FLAGS (\\Seen) INTERNALDATE \" 2-Jan-2024 09:00:00 +0000\" RFC822.SIZE 169)\r\n"
        "a3 OK FETCH completed\r\n");
}

TEST_CASE("server rejects bad FETCH arguments") {
  CHECK(selected("a3 FETCH 4 FLAGS\r\n") == "a3 BAD FETCH names message 4 but the mailbox has 3 messages\r\n");
  CHECK(selected("a3 FETCH 1 (FLAGS BOGUS)\r\n") ==
        "a3 BAD FETCH expected a fetch item such as FLAGS, UID, ENVELOPE, BODY[...] or BODY.PEEK[...], got \"BOGUS)\"\r\n");
  CHECK(selected("a3 FETCH x FLAGS\r\n") == "a3 BAD FETCH expected a sequence set such as 1:* or 2,4:7, got \"x FLAGS\"\r\n");
  CHECK(selected("a3 FETCH 1 BODY[1]<5.0>\r\n") ==
        "a3 BAD FETCH expected a non-zero octet count in <start.count>, got \">\"\r\n");
}

TEST_CASE("server ignores UIDs that do not exist and includes the last message for n:*") {
  CHECK(selected("a3 UID FETCH 2,7:9 FLAGS\r\na4 UID FETCH 100:* UID\r\n") ==
        "* 2 FETCH (UID 2 FLAGS ())\r\na3 OK UID FETCH completed\r\n"
        "* 3 FETCH (UID 3)\r\na4 OK UID FETCH completed\r\n");
}
