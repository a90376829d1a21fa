// The MIME entity tree: nested multiparts with exact offsets, section numbers, digest defaults,
// message/rfc822 nesting, and malformed input that must degrade without crashing.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "protocols/mime/entity.hpp"

using namespace wiresim;
using namespace wiresim::mime;

namespace {

const std::string Nested =
    "From: a@example.com\r\n"
    "Subject: nested\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "This is the preamble.\r\n"
    "--outer\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n"
    "Content-ID: <p1@example.com>\r\n"
    "Content-Description: first part\r\n"
    "\r\n"
    "Part one.\r\n"
    "--outer\r\n"
    "Content-Type: multipart/alternative; boundary=inner\r\n"
    "\r\n"
    "--inner\r\n"
    "\r\n"
    "plain text\r\n"
    "--inner\r\n"
    "Content-Type: text/html\r\n"
    "Content-Transfer-Encoding: Quoted-Printable\r\n"
    "\r\n"
    "<p>caf=C3=A9</p>\r\n"
    "--inner--\r\n"
    "\r\n"
    "--outer\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "Subject: inner message\r\n"
    "Content-Type: multipart/mixed; boundary=x\r\n"
    "\r\n"
    "--x\r\n"
    "Content-Type: application/octet-stream\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment; filename=\"a.bin\"\r\n"
    "\r\n"
    "AAEC\r\n"
    "--x--\r\n"
    "--outer--\r\n"
    "epilogue\r\n";

std::size_t at(const std::string& text, const std::string& what, std::size_t from = 0) {
  const std::size_t pos = text.find(what, from);
  REQUIRE(pos != std::string::npos);
  return pos;
}

// Every entity lies inside its parent's body and its offsets are ordered.
void check_invariants(const Entity& e, std::string_view message, std::size_t lo, std::size_t hi) {
  REQUIRE(lo <= e.header_offset);
  REQUIRE(e.header_offset <= e.body_offset);
  REQUIRE(e.body_offset <= e.end_offset);
  REQUIRE(e.end_offset <= hi);
  REQUIRE(e.end_offset <= message.size());
  if (e.is_multipart()) REQUIRE(!e.parts.empty());
  if (e.is_message()) REQUIRE(e.parts.size() == 1);
  std::size_t previous = e.body_offset;
  for (const Entity& child : e.parts) {
    REQUIRE(child.header_offset >= previous);
    check_invariants(child, message, e.body_offset, e.end_offset);
    previous = child.end_offset;
  }
}

}  // namespace

TEST_CASE("mime parse splits nested multiparts at their boundaries with exact offsets") {
  const Entity root = parse(Nested);
  CHECK(root.content_type.mime_type() == "multipart/mixed");
  CHECK(root.header_offset == 0);
  CHECK(root.body_offset == at(Nested, "This is the preamble."));
  CHECK(root.end_offset == Nested.size());
  REQUIRE(root.parts.size() == 3);

  const Entity& one = root.parts[0];
  CHECK(one.header_offset == at(Nested, "Content-Type: text/plain"));
  CHECK(one.body_offset == at(Nested, "Part one."));
  CHECK(one.end_offset == at(Nested, "Part one.") + 9);  // the CRLF before "--outer" is the delimiter's
  CHECK(one.body(Nested) == "Part one.");
  CHECK(one.body_lines == 1);
  CHECK(one.id == "<p1@example.com>");
  CHECK(one.description == "first part");
  CHECK(one.header_bytes(Nested) ==
        "Content-Type: text/plain; charset=us-ascii\r\nContent-ID: <p1@example.com>\r\n"
        "Content-Description: first part\r\n\r\n");

  const Entity& two = root.parts[1];
  CHECK(two.content_type.mime_type() == "multipart/alternative");
  CHECK(two.content_type.param("boundary") == "inner");
  CHECK(two.body(Nested) == "--inner\r\n\r\nplain text\r\n--inner\r\nContent-Type: text/html\r\n"
                            "Content-Transfer-Encoding: Quoted-Printable\r\n\r\n<p>caf=C3=A9</p>\r\n--inner--\r\n");
  REQUIRE(two.parts.size() == 2);
  CHECK(two.parts[0].headers.empty());
  CHECK(two.parts[0].header_bytes(Nested) == "\r\n");
  CHECK(two.parts[0].content_type == default_content_type());
  CHECK(two.parts[0].body(Nested) == "plain text");
  CHECK(two.parts[1].transfer_encoding == "quoted-printable");
  CHECK(decoded_body(two.parts[1], Nested) == "<p>caf\xC3\xA9</p>");

  const Entity& three = root.parts[2];
  CHECK(three.is_message());
  CHECK(three.body_offset == at(Nested, "Subject: inner message"));
  CHECK(three.end_offset == at(Nested, "--x--") + 5);
  REQUIRE(three.parts.size() == 1);
  const Entity& inner = three.parts[0];
  CHECK(inner.header_offset == three.body_offset);
  CHECK(mail::header_value(inner.headers, "Subject") == std::optional<std::string>("inner message"));
  REQUIRE(inner.parts.size() == 1);
  CHECK(inner.parts[0].disposition == "attachment");
  CHECK(inner.parts[0].disposition_param("FILENAME") == "a.bin");
  CHECK(decoded_body(inner.parts[0], Nested) == std::string("\0\1\2", 3));
  check_invariants(root, Nested, 0, Nested.size());
}

TEST_CASE("mime part finds IMAP section numbers through multiparts and messages") {
  const Entity root = parse(Nested);
  CHECK(part(root, "") == &root);
  CHECK(part(root, "1") == &root.parts[0]);
  CHECK(part(root, "2") == &root.parts[1]);
  CHECK(part(root, "2.1") == &root.parts[1].parts[0]);
  CHECK(part(root, "2.2") == &root.parts[1].parts[1]);
  CHECK(part(root, "3") == &root.parts[2]);
  CHECK(part(root, "3.1") == &root.parts[2].parts[0].parts[0]);  // inside the encapsulated message
  CHECK(part(root, "4") == nullptr);
  CHECK(part(root, "2.3") == nullptr);
  CHECK(part(root, "1.1") == nullptr);
  CHECK(part(root, "3.2") == nullptr);
  CHECK(part(root, "3.1.1") == nullptr);
  CHECK(part(root, "0") == nullptr);
  CHECK(part(root, "01") == nullptr);
  CHECK(part(root, "1.") == nullptr);
  CHECK(part(root, ".1") == nullptr);
  CHECK(part(root, "x") == nullptr);
  CHECK(part(root, "99999999999999999999") == nullptr);
}

TEST_CASE("mime part 1 of a non-multipart message is its body") {
  const std::string m = "Subject: plain\r\n\r\nHello\r\nworld\r\n";
  const Entity root = parse(m);
  CHECK(root.parts.empty());
  CHECK(root.body(m) == "Hello\r\nworld\r\n");
  CHECK(root.body_lines == 2);
  CHECK(part(root, "1") == &root);
  CHECK(part(root, "2") == nullptr);
  CHECK(part(root, "1.1") == nullptr);
}

TEST_CASE("mime part numbers inside a message/rfc822 without multipart reach its body") {
  const std::string m =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n"
      "Subject: fwd\r\n\r\nforwarded text\r\n--b--\r\n";
  const Entity root = parse(m);
  const Entity* fwd = part(root, "1.1");
  REQUIRE(fwd != nullptr);
  CHECK(fwd == &root.parts[0].parts[0]);
  CHECK(fwd->body(m) == "forwarded text");
  CHECK(part(root, "1.2") == nullptr);
}

TEST_CASE("mime digest parts default to message/rfc822") {
  const std::string m =
      "Content-Type: multipart/digest; boundary=d\r\n\r\n"
      "--d\r\n\r\nSubject: first\r\n\r\nOne.\r\n"
      "--d\r\nContent-Type: text/plain\r\n\r\nA note.\r\n"
      "--d--\r\n";
  const Entity root = parse(m);
  REQUIRE(root.parts.size() == 2);
  CHECK(root.parts[0].content_type.mime_type() == "message/rfc822");
  REQUIRE(root.parts[0].parts.size() == 1);
  CHECK(mail::header_value(root.parts[0].parts[0].headers, "Subject") == std::optional<std::string>("first"));
  CHECK(root.parts[0].parts[0].body(m) == "One.");
  CHECK(root.parts[1].content_type.mime_type() == "text/plain");
  // Not inherited further down: the encapsulated message's own default is text/plain.
  CHECK(root.parts[0].parts[0].content_type.mime_type() == "text/plain");
}

TEST_CASE("mime boundary lines must match the whole boundary at a line start") {
  const std::string m =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
      "--b  \r\n\r\nx --b\r\n--bb\r\n--b-- not close\r\n"
      "--b--\t\r\n";
  const Entity root = parse(m);
  REQUIRE(root.parts.size() == 1);
  CHECK(root.parts[0].body(m) == "x --b\r\n--bb\r\n--b-- not close");
}

TEST_CASE("mime empty parts and bare LF line ends are split correctly") {
  const std::string m = "Content-Type: multipart/mixed; boundary=b\n\n--b\n--b\n\nbody\n--b--\n";
  const Entity root = parse(m);
  REQUIRE(root.parts.size() == 2);
  CHECK(root.parts[0].body(m) == "");
  CHECK(root.parts[1].body(m) == "body");
}

TEST_CASE("mime multipart without a close delimiter runs its last part to the end") {
  const std::string m = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n";
  const Entity root = parse(m);
  REQUIRE(root.parts.size() == 2);
  CHECK(root.parts[1].body(m) == "two\r\n");
  // Cut off right after a delimiter: no empty part is invented.
  const std::string cut = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b\r\n";
  CHECK(parse(cut).parts.size() == 1);
}

TEST_CASE("mime multipart without boundary or delimiters becomes opaque bytes") {
  const std::string none = "Content-Type: multipart/mixed\r\n\r\nno boundary\r\n";
  const Entity a = parse(none);
  CHECK(a.content_type.mime_type() == "application/octet-stream");
  CHECK(a.parts.empty());
  const std::string missing = "Content-Type: multipart/mixed; boundary=zz\r\n\r\nnothing here\r\n";
  CHECK(parse(missing).content_type.mime_type() == "application/octet-stream");
  CHECK(part(parse(missing), "1") != nullptr);
}

TEST_CASE("mime message/rfc822 in base64 is not parsed as a message") {
  const std::string m = "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\nU3ViamVjdDogeA0KDQp5\r\n";
  const Entity root = parse(m);
  CHECK(root.content_type.mime_type() == "application/octet-stream");
  CHECK(root.parts.empty());
}

TEST_CASE("mime invalid Content-Type means text/plain in us-ascii") {
  const Entity e = parse("Content-Type: garbage\r\nContent-Transfer-Encoding: 8BIT (really)\r\n\r\nx");
  CHECK(e.content_type == default_content_type());
  CHECK(e.transfer_encoding == "8bit");
}

TEST_CASE("mime message without an empty line has headers only") {
  const std::string m = "Subject: no body\r\nContent-Type: text/plain";
  const Entity e = parse(m);
  CHECK(e.body_offset == m.size());
  CHECK(e.body(m).empty());
  CHECK(e.header_bytes(m) == m);
  CHECK(e.body_lines == 0);
  const Entity empty = parse("");
  CHECK(empty.body_offset == 0);
  CHECK(empty.end_offset == 0);
}

TEST_CASE("mime truncated base64 decodes what it holds") {
  const std::string m = "Content-Transfer-Encoding: base64\r\n\r\nZm9vYmFyYm\r\n";
  CHECK(decoded_body(parse(m), m) == "foobarb");
}

TEST_CASE("mime nesting is bounded in depth") {
  std::string m;
  for (int i = 0; i < 200; ++i) m += "Content-Type: message/rfc822\r\n\r\n";
  m += "Subject: bottom\r\n\r\nbody\r\n";
  const Entity root = parse(m);
  std::size_t depth = 0;
  const Entity* e = &root;
  while (!e->parts.empty()) {
    e = &e->parts.front();
    ++depth;
  }
  CHECK(depth == MaxDepth);
  CHECK(e->content_type.mime_type() == "application/octet-stream");
  check_invariants(root, m, 0, m.size());

  std::string multi;
  for (int i = 0; i < 200; ++i) {
    multi += "Content-Type: multipart/mixed; boundary=b";
    multi += std::to_string(i);
    multi += "\r\n\r\n--b";
    multi += std::to_string(i);
    multi += "\r\n";
  }
  const Entity deep = parse(multi);
  check_invariants(deep, multi, 0, multi.size());
}

TEST_CASE("mime number of entities is bounded") {
  std::string m = "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
  for (int i = 0; i < 11000; ++i) m += "--b\r\n\r\nx\r\n";
  m += "--b--\r\n";
  const Entity root = parse(m);
  CHECK(root.parts.size() == MaxEntities - 1);
  CHECK(root.parts.back().end_offset == m.size() - std::string("\r\n--b--\r\n").size());
  check_invariants(root, m, 0, m.size());
}

TEST_CASE("mime parse never breaks its invariants on mutated messages") {
  std::uint64_t state = 0x1234567;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const std::string alphabet = "-\r\n:;=\" b\tx";
  for (int round = 0; round < 600; ++round) {
    std::string m = Nested;
    const int edits = 1 + static_cast<int>(next() % 8);
    for (int k = 0; k < edits; ++k) {
      const std::size_t pos = next() % m.size();
      switch (next() % 3) {
        case 0: m.erase(pos, 1 + next() % 20); break;
        case 1: {
          // Built by hand: GCC 12 gives a false -Wrestrict on std::string::insert here.
          std::string longer = m.substr(0, pos);
          longer += alphabet[next() % alphabet.size()];
          longer += m.substr(pos);
          m = std::move(longer);
          break;
        }
        default: m[pos] = static_cast<char>(next() & 0xFF); break;
      }
      if (m.empty()) m.push_back('x');
    }
    m.resize(next() % (m.size() + 1));  // truncated too
    const Entity root = parse(m);
    check_invariants(root, m, 0, m.size());
    for (const char* section : {"1", "2", "2.1", "2.2", "3", "3.1", "3.1.1"})
      if (const Entity* p = part(root, section)) (void)decoded_body(*p, m);
  }
}
