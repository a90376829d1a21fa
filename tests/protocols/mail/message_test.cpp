// RFC 5322 messages: header parsing with unfolding, folding on write, the header/body split,
// field replacement and writing a simple message.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "protocols/mail/message.hpp"

using namespace wiresim;
using namespace wiresim::mail;

TEST_CASE("mail header parsing unfolds continuation lines and keeps their whitespace") {
  const auto fields = parse_header("Subject: This is a test\r\n  of folding\r\nTo: a@example.com\r\n\r\n");
  REQUIRE(fields.size() == 2);
  CHECK(fields[0] == HeaderField{"Subject", "This is a test  of folding"});
  CHECK(fields[1] == HeaderField{"To", "a@example.com"});
}

TEST_CASE("mail header parsing keeps encoded words and removes only the whitespace after the colon") {
  const auto fields = parse_header("Subject:\t =?utf-8?Q?Caf=C3=A9?=  \r\n");
  REQUIRE(fields.size() == 1);
  CHECK(fields[0].value == "=?utf-8?Q?Caf=C3=A9?=  ");
}

TEST_CASE("mail header parsing skips lines without a colon and continuations before any field") {
  const auto fields = parse_header(" stray continuation\r\nFrom nobody Mon Jan  1\r\nX-Good: yes\r\n bad name: no\r\n");
  REQUIRE(fields.size() == 1);
  CHECK(fields[0] == HeaderField{"X-Good", "yes bad name: no"});
  CHECK(parse_header("Bad Name: x\r\n\x80" "Bin: y\r\n: empty\r\n").empty());
}

TEST_CASE("mail header parsing accepts bare LF line ends and whitespace before the colon") {
  const auto fields = parse_header("Subject : hello\n\tworld\nTo: b@example.com");
  REQUIRE(fields.size() == 2);
  CHECK(fields[0] == HeaderField{"Subject", "hello\tworld"});
  CHECK(fields[1] == HeaderField{"To", "b@example.com"});
}

TEST_CASE("mail header value with nothing on the first line starts at the continuation text") {
  const auto fields = parse_header("Subject:\r\n  folded at once\r\n");
  REQUIRE(fields.size() == 1);
  CHECK(fields[0].value == "folded at once");
}

TEST_CASE("mail message splits at the first empty line") {
  const std::string m = "From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n\r\nmore\r\n";
  const ParsedMessage parsed = parse_message(m);
  CHECK(parsed.body_offset == m.find("body"));
  CHECK(parsed.headers.size() == 2);
  CHECK(header_value(parsed.headers, "SUBJECT") == std::optional<std::string>("hi"));
  CHECK(!header_value(parsed.headers, "Cc"));
}

TEST_CASE("mail message without an empty line is all header") {
  const std::string m = "From: a@example.com\r\nSubject: hi";
  const ParsedMessage parsed = parse_message(m);
  CHECK(parsed.body_offset == m.size());
  CHECK(parsed.headers.size() == 2);
  CHECK(parse_message("").body_offset == 0);
  CHECK(parse_message("\r\nbody").body_offset == 2);
  CHECK(parse_message("\nbody").body_offset == 1);
}

TEST_CASE("mail header_values returns every field with the name in order") {
  const auto fields = parse_header("Received: one\r\nreceived: two\r\nTo: x@y\r\n");
  CHECK(header_values(fields, "Received") == std::vector<std::string>{"one", "two"});
}

TEST_CASE("mail write_field leaves a short field on one line") {
  CHECK(write_field({"Subject", "Hello"}) == "Subject: Hello\r\n");
}

TEST_CASE("mail write_field folds a long field at whitespace within 78 characters") {
  const std::string value =
      "alice@example.com, bob@example.com, carol@example.com, dave@example.com, erin@example.com, "
      "frank@example.com";
  const std::string out = write_field({"To", value});
  CHECK(out ==
        "To: alice@example.com, bob@example.com, carol@example.com, dave@example.com,\r\n"
        " erin@example.com, frank@example.com\r\n");
  const auto parsed = parse_header(out);
  REQUIRE(parsed.size() == 1);
  CHECK(parsed[0].value == value);
}

TEST_CASE("mail write_field keeps a long word that has no whitespace unfolded") {
  const std::string word(120, 'x');
  CHECK(write_field({"X-Long", word}) == "X-Long: " + word + "\r\n");
  const std::string out = write_field({"X-Long", word + " tail"});
  CHECK(out == "X-Long: " + word + "\r\n tail\r\n");
}

TEST_CASE("mail folding then unfolding gives every value back exactly") {
  // Deterministic variety: words of varying length separated by one or more spaces and tabs.
  std::uint32_t seed = 12345;
  auto next = [&seed] {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7FFF;
  };
  for (int round = 0; round < 300; ++round) {
    std::string value;
    const int words = 1 + static_cast<int>(next() % 40);
    for (int w = 0; w < words; ++w) {
      if (w > 0) value += (next() % 5 == 0) ? "  " : (next() % 7 == 0 ? "\t" : " ");
      value += std::string(1 + next() % 20, static_cast<char>('a' + next() % 26));
    }
    const std::string out = write_field({"Subject", value});
    const auto parsed = parse_header(out);
    REQUIRE(parsed.size() == 1);
    CHECK(parsed[0].value == value);
    // Every line within 78 characters unless a single word is longer.
    std::size_t start = 0;
    while (start < out.size()) {
      const std::size_t end = out.find("\r\n", start);
      const std::string line = out.substr(start, end - start);
      if (line.size() > 78) CHECK(line.find(' ', 1) == std::string::npos);
      start = end + 2;
    }
  }
}

TEST_CASE("mail replace_field removes every copy with its continuation lines and appends the new one") {
  const std::string header =
      "From: a@example.com\r\nContent-Transfer-Encoding:\r\n 8bit\r\nSubject: s\r\ncontent-transfer-encoding: x\r\n\r\n";
  CHECK(replace_field(header, "Content-Transfer-Encoding", "base64") ==
        "From: a@example.com\r\nSubject: s\r\nContent-Transfer-Encoding: base64\r\n\r\n");
  CHECK(replace_field("", "MIME-Version", "1.0") == "MIME-Version: 1.0\r\n\r\n");
  CHECK(replace_field("To: x@y", "MIME-Version", "1.0") == "To: x@y\r\nMIME-Version: 1.0\r\n\r\n");
}

TEST_CASE("mail to_crlf turns bare LF and bare CR into CRLF") {
  CHECK(to_crlf("a\nb\r\nc\rd") == "a\r\nb\r\nc\r\nd");
  CHECK(to_crlf("\r\r\n\n") == "\r\n\r\n\r\n");
}

TEST_CASE("mail message IDs come from the counter, the time and the domain") {
  CHECK(make_message_id(7, Time{} + seconds(90) + milliseconds(5), "example.com") == "<7.90005@example.com>");
  CHECK(make_message_id(1, Time{}, "mail.example.org") == "<1.0@mail.example.org>");
}

TEST_CASE("mail write_message writes the standard fields without Bcc and a CRLF body") {
  MessageHeader h;
  h.from = "Alice <alice@example.com>";
  h.to = {"bob@example.com", "Carol <carol@example.org>"};
  h.cc = {"dave@example.net"};
  h.bcc = {"secret@example.com"};
  h.subject = "Lunch";
  h.date = "Mon, 01 Jan 2024 09:00:00 +0000";
  h.message_id = "<1.0@example.com>";
  h.extra = {{"X-Mailer", "wiresim"}};
  CHECK(write_message(h, "Hi Bob,\nnoon?\n") ==
        "Date: Mon, 01 Jan 2024 09:00:00 +0000\r\n"
        "From: Alice <alice@example.com>\r\n"
        "To: bob@example.com, Carol <carol@example.org>\r\n"
        "Cc: dave@example.net\r\n"
        "Subject: Lunch\r\n"
        "Message-ID: <1.0@example.com>\r\n"
        "X-Mailer: wiresim\r\n"
        "\r\n"
        "Hi Bob,\r\nnoon?\r\n");
  CHECK(write_message(std::vector<HeaderField>{{"Subject", "x"}}, "no newline") == "Subject: x\r\n\r\nno newline\r\n");
}
