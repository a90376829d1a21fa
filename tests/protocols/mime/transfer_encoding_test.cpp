// RFC 2045 6.7 quoted-printable and 6.8 base64: exact output for the rules, tolerant decoding,
// the strict base64 decoder SASL needs (RFC 4648 4), exact round trips on random inputs.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "protocols/mime/transfer_encoding.hpp"

using namespace wiresim::mime;

namespace {

// A small deterministic generator (xorshift), so every run tests the same inputs.
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

std::string random_bytes(Rng& rng, std::size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng.next() & 0xFF);
  return s;
}

// Text-like data: letters, spaces and tabs (often at line ends), CRLFs, "=", some 8-bit bytes,
// long lines, lone CR and LF.
std::string random_text(Rng& rng, std::size_t n) {
  static const std::string pieces[] = {"a", "Z", " ", "\t", "\r\n", "=", "\xC3\xA9", ".", "From ", "\r", "\n", "  \r\n"};
  std::string s;
  while (s.size() < n) {
    const std::size_t k = rng.below(40);
    if (k < 12) s += pieces[k];
    else s += static_cast<char>('a' + k % 26);
  }
  return s;
}

}  // namespace

TEST_CASE("mime base64 encodes the RFC 4648 test vectors") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("mime base64 breaks lines at 76 characters with CRLF and none after the last") {
  const std::string out = base64_encode(std::string(114, 'x'));  // 152 characters
  std::string line;
  for (int i = 0; i < 19; ++i) line += "eHh4";
  CHECK(out == line + "\r\n" + line);
  CHECK(base64_encode(std::string(57, 'x')).size() == 76);
  CHECK(base64_encode(std::string(300, 'x'), 0).find('\r') == std::string::npos);
}

TEST_CASE("mime strict base64 decoder, as AUTH uses it, round-trips and rejects malformed text") {
  CHECK(base64_encode("Username:", 0) == "VXNlcm5hbWU6");
  CHECK(base64_decode_strict("") == std::optional<std::string>(""));
  CHECK(base64_decode_strict("UGFzc3dvcmQ6") == std::optional<std::string>("Password:"));
  CHECK(base64_decode_strict("YWI=") == std::optional<std::string>("ab"));
  CHECK(base64_decode_strict("YQ==") == std::optional<std::string>("a"));
  CHECK(base64_decode_strict("YWI") == std::nullopt);
  CHECK(base64_decode_strict("Y=I=") == std::nullopt);
  CHECK(base64_decode_strict("====") == std::nullopt);
  CHECK(base64_decode_strict("YW I") == std::nullopt);
  CHECK(base64_decode_strict("YQ==YQ==") == std::nullopt);
}

TEST_CASE("mime base64 decoder ignores line breaks and junk and stops at padding") {
  CHECK(base64_decode("Zm9v\r\nYmFy") == "foobar");
  CHECK(base64_decode(" Z m 9 v !*YmFy\n") == "foobar");
  CHECK(base64_decode("Zm8=ignored") == "fo");
  CHECK(base64_decode("Zm9vYg") == "foob");  // missing padding
  CHECK(base64_decode("Zm9vY") == "foo");    // a lone final character carries nothing
  CHECK(base64_decode("") == "");
}

TEST_CASE("mime base64 round-trips random binary data exactly") {
  Rng rng{0x9E3779B97F4A7C15ull};
  for (int i = 0; i < 1000; ++i) {
    const std::string data = random_bytes(rng, rng.below(400));
    REQUIRE(base64_decode(base64_encode(data)) == data);
    REQUIRE(base64_decode(base64_encode(data, 0)) == data);
  }
}

TEST_CASE("mime quoted-printable leaves plain text alone and encodes = and 8-bit octets") {
  CHECK(qp_encode("Hello, world!\r\n") == "Hello, world!\r\n");
  CHECK(qp_encode("a=b") == "a=3Db");
  CHECK(qp_encode("caf\xC3\xA9") == "caf=C3=A9");
  CHECK(qp_encode("tab\there") == "tab\there");
}

TEST_CASE("mime quoted-printable encodes whitespace that would end a line (rule 3)") {
  CHECK(qp_encode("trailing space \r\nnext") == "trailing space=20\r\nnext");
  CHECK(qp_encode("tab\t\r\n") == "tab=09\r\n");
  CHECK(qp_encode("end ") == "end=20");
  CHECK(qp_encode("two  \r\n") == "two =20\r\n");
}

TEST_CASE("mime quoted-printable breaks long lines with soft breaks at 76 characters (rule 5)") {
  CHECK(qp_encode(std::string(76, 'x')) == std::string(76, 'x'));
  CHECK(qp_encode(std::string(77, 'x')) == std::string(75, 'x') + "=\r\n" + "xx");
  CHECK(qp_encode(std::string(100, 'x') + "\r\ny") == std::string(75, 'x') + "=\r\n" + std::string(25, 'x') + "\r\ny");
  // An "=XX" is never split across a soft break.
  CHECK(qp_encode(std::string(74, 'x') + "\xFF" + "y") == std::string(74, 'x') + "=\r\n=FFy");
  // Every encoded line is at most 76 characters.
  Rng rng{42};
  for (int i = 0; i < 300; ++i) {
    const std::string out = qp_encode(random_text(rng, 500));
    std::size_t start = 0;
    while (start <= out.size()) {
      std::size_t end = out.find("\r\n", start);
      if (end == std::string::npos) end = out.size();
      REQUIRE(end - start <= 76);
      start = end + 2;
    }
  }
}

TEST_CASE("mime quoted-printable encodes lone CR and LF in text and every CR and LF in binary") {
  CHECK(qp_encode("a\nb\rc\r\n") == "a=0Ab=0Dc\r\n");
  CHECK(qp_encode("a\r\nb", false) == "a=0D=0Ab");
}

TEST_CASE("mime quoted-printable decoder follows soft breaks and tolerates bad input") {
  CHECK(qp_decode("Now's the time =\r\nfor all folk to come=\r\n to the aid of their country.") ==
        "Now's the time for all folk to come to the aid of their country.");
  CHECK(qp_decode("caf=c3=a9") == "caf\xC3\xA9");       // lowercase hex
  CHECK(qp_decode("a=ZZb=4") == "a=ZZb=4");              // bad sequences kept
  CHECK(qp_decode("padded   \r\nline\t\r\n") == "padded\r\nline\r\n");  // rule 3: transport padding
  CHECK(qp_decode("soft= \r\nbreak") == "softbreak");
  CHECK(qp_decode("bare\nlf\n") == "bare\r\nlf\r\n");
  CHECK(qp_decode("=") == "");
  CHECK(qp_decode("") == "");
}

TEST_CASE("mime quoted-printable round-trips random text and binary exactly") {
  Rng rng{0xC0FFEE};
  for (int i = 0; i < 1000; ++i) {
    const std::string text = random_text(rng, rng.below(300));
    REQUIRE(qp_decode(qp_encode(text)) == text);
    const std::string data = random_bytes(rng, rng.below(200));
    REQUIRE(qp_decode(qp_encode(data, false)) == data);
    REQUIRE(qp_decode(qp_encode(data, true)) == data);
  }
}

TEST_CASE("mime decode picks the decoder by encoding name") {
  CHECK(decode("Zm9v", "BASE64") == "foo");
  CHECK(decode("a=3Db", "Quoted-Printable") == "a=b");
  CHECK(decode("a=3Db", "8bit") == "a=3Db");
}

TEST_CASE("mime line data is CRLF lines of at most 998 octets without NUL") {
  CHECK(is_line_data("a\r\nb"));
  CHECK(!is_line_data("a\nb"));
  CHECK(!is_line_data("a\rb"));
  CHECK(!is_line_data(std::string("a\0b", 3)));
  CHECK(is_line_data(std::string(998, 'x')));
  CHECK(!is_line_data(std::string(999, 'x')));
  CHECK(has_8bit("\x80"));
  CHECK(!has_8bit("plain"));
}
