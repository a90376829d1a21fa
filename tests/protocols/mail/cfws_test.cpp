// CFWS (RFC 5322 3.2.2): whitespace and nested comments between tokens, quoted-pairs in comments.
#include <doctest/doctest.h>

#include "protocols/mail/cfws.hpp"
#include "protocols/mail/date.hpp"

using namespace wiresim::mail;

TEST_CASE("mail skip_cfws passes whitespace and nested comments") {
  CHECK(skip_cfws(" \t\r\n (a (nested) comment) x", 0) == 26);
  CHECK(skip_cfws("x (y)", 0) == 0);
  CHECK(skip_cfws("x (y) z", 1) == 6);
}

TEST_CASE("mail skip_cfws skips quoted-pairs inside a comment") {
  CHECK(skip_cfws(R"((a \) b) x)", 0) == 9);
  CHECK(skip_cfws(R"((a \( b) x)", 0) == 9);
}

TEST_CASE("mail skip_cfws runs an unterminated comment to the end") {
  CHECK(skip_cfws("(open", 0) == 5);
  CHECK(skip_cfws("(ends in \\", 0) == 10);
}

TEST_CASE("mail parse_day reads a date with a quoted-pair in a comment") {
  CHECK(parse_day(R"(Mon, 01 Jan 2024 (a \) b) 09:00:00 +0000)") == 19723);
}
