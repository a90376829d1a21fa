// to_7bit: re-encoding 8-bit content for a server without 8BITMIME, keeping everything else.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "protocols/mime/builder.hpp"
#include "protocols/mime/downgrade.hpp"
#include "protocols/mime/entity.hpp"
#include "protocols/mime/transfer_encoding.hpp"

using namespace wiresim;
using namespace wiresim::mime;

TEST_CASE("mime to_7bit leaves a 7-bit message unchanged") {
  const std::string m = "Subject: plain\r\n\r\nHello.\r\n";
  CHECK(!needs_7bit_downgrade(m));
  CHECK(to_7bit(m) == m);
}

TEST_CASE("mime to_7bit makes a non-MIME 8-bit message quoted-printable UTF-8 text") {
  const std::string m = "Subject: x\r\n\r\nCaf\xC3\xA9\r\n";
  CHECK(needs_7bit_downgrade(m));
  CHECK(to_7bit(m) ==
        "Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\nCaf=C3=A9\r\n");
  CHECK(to_7bit("Subject: x\r\n\r\nCaf\xE9\r\n").find("charset=unknown-8bit") != std::string::npos);
}

TEST_CASE("mime to_7bit re-encodes 8bit and binary leaves and relabels their parents") {
  using namespace std::string_literals;  // the binary part holds a NUL
  const std::string m =
      "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
      "preamble\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
      "d\xC3\xA9j\xC3\xA0 vu \r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n"
      "\x00\xFF\r\x01\r\n--b\r\nContent-Type: text/plain\r\n\r\nalready 7bit\r\n--b--\r\nepilogue\r\n"s;
  const std::string out = to_7bit(m);
  CHECK(out ==
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
        "preamble\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        "d=C3=A9j=C3=A0 vu=20\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        "AP8NAQ==\r\n--b\r\nContent-Type: text/plain\r\n\r\nalready 7bit\r\n--b--\r\nepilogue\r\n");
  CHECK(!needs_7bit_downgrade(out));
  const Entity before = parse(m), after = parse(out);
  for (const char* section : {"1", "2", "3"})
    CHECK(decoded_body(*part(before, section), m) == decoded_body(*part(after, section), out));
}

TEST_CASE("mime to_7bit reaches into an encapsulated message") {
  const Part body = multipart("mixed", {text_part("Forwarded:\n"), message_part("Subject: in\r\n\r\nna\xC3\xAFve\r\n")});
  const std::string eight = write_part(body, BuildOptions{true});
  CHECK(needs_7bit_downgrade(eight));
  const std::string seven = to_7bit(eight);
  CHECK(!has_8bit(seven));
  const Entity after = parse(seven);
  const Entity* inner = part(after, "2.1");
  REQUIRE(inner != nullptr);
  CHECK(decoded_body(*inner, seven) == "na\xC3\xAFve\r\n");
  CHECK(part(after, "2")->transfer_encoding == "7bit");
}

TEST_CASE("mime to_7bit round-trips random 8-bit text and binary parts") {
  std::uint64_t state = 99;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (int round = 0; round < 200; ++round) {
    std::string text, binary;
    const std::size_t n = next() % 300;
    for (std::size_t i = 0; i < n; ++i) {
      const auto k = next() % 10;
      text += k == 0 ? std::string("\r\n") : k == 1 ? std::string(" ") : k == 2 ? std::string("\xC3\xA9") : std::string(1, static_cast<char>('a' + k));
      binary += static_cast<char>(next() & 0xFF);
    }
    Part t = text_part(text);
    t.transfer_encoding = "8bit";
    Part b = attachment("x.bin", binary);
    b.transfer_encoding = "binary";
    const std::string m = write_part(multipart("mixed", {t, b}));
    const std::string out = to_7bit(m);
    REQUIRE(!has_8bit(out));
    const Entity after = parse(out);
    REQUIRE(after.parts.size() == 2);
    REQUIRE(decoded_body(after.parts[0], out) == text);
    REQUIRE(decoded_body(after.parts[1], out) == binary);
  }
}
