// RFC 2047 encoded words: the section 8 examples, charsets, joining adjacent words, and encoding
// that round-trips.
#include <doctest/doctest.h>

#include <string>

#include "protocols/mime/encoded_word.hpp"

using namespace wiresim::mime;

TEST_CASE("mime encoded words decode the RFC 2047 section 8 header examples") {
  CHECK(decode_words("=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>") == "Keith Moore <moore@cs.utk.edu>");
  CHECK(decode_words("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>") ==
        "Keld J\xC3\xB8rn Simonsen <keld@dkuug.dk>");
  CHECK(decode_words("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>") ==
        "Andr\xC3\xA9 Pirard <PIRARD@vm1.ulg.ac.be>");
  CHECK(decode_words("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
                     "    =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=") ==
        "If you can read this you understand the example.");
}

TEST_CASE("mime encoded words follow the RFC 2047 section 8 whitespace table") {
  CHECK(decode_words("(=?ISO-8859-1?Q?a?=)") == "(a)");
  CHECK(decode_words("(=?ISO-8859-1?Q?a?= b)") == "(a b)");
  CHECK(decode_words("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)") == "(ab)");
  CHECK(decode_words("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)") == "(ab)");
  CHECK(decode_words("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)") == "(ab)");
  CHECK(decode_words("(=?ISO-8859-1?Q?a_b?=)") == "(a b)");
  CHECK(decode_words("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)") == "(a b)");
}

TEST_CASE("mime encoded words in UTF-8, windows-1252 and lowercase encodings decode") {
  CHECK(decode_words("=?utf-8?b?Q2Fmw6k=?=") == "Caf\xC3\xA9");
  CHECK(decode_words("=?UTF-8*en?Q?Caf=C3=A9?=") == "Caf\xC3\xA9");
  CHECK(decode_words("=?windows-1252?Q?=80_5?=") == "\xE2\x82\xAC 5");
}

TEST_CASE("mime encoded words in unknown charsets or malformed stay as they were") {
  CHECK(decode_words("=?koi8-r?Q?=F0=D2?=") == "=?koi8-r?Q?=F0=D2?=");
  CHECK(decode_words("=?utf-8?X?abc?=") == "=?utf-8?X?abc?=");
  CHECK(decode_words("=?utf-8?Q?no end") == "=?utf-8?Q?no end");
  CHECK(decode_words("=??Q?a?=") == "=??Q?a?=");
  CHECK(decode_words("=?utf-8?Q?a b?=") == "=?utf-8?Q?a b?=");
  CHECK(decode_words("2 + 2 =? 4") == "2 + 2 =? 4");
  CHECK(decode_words("=?=?utf-8?Q?x?=") == "=?x");
  // A word that fails to decode does not let the whitespace before the next one vanish.
  CHECK(decode_words("=?koi8-r?Q?=F0?= =?utf-8?Q?x?=") == "=?koi8-r?Q?=F0?= x");
}

TEST_CASE("mime encode_words leaves printable ASCII alone") {
  CHECK(encode_words("Lunch at noon?") == "Lunch at noon?");
  CHECK(encode_words("") == "");
}

TEST_CASE("mime encode_words encodes only the words that need it, choosing the shorter encoding") {
  CHECK(encode_words("Caf\xC3\xA9 au lait") == "=?utf-8?B?Q2Fmw6k=?= au lait");
  CHECK(encode_words("Re: r\xC3\xA9sum\xC3\xA9 attached") == "Re: =?utf-8?B?csOpc3Vtw6k=?= attached");
  CHECK(encode_words("Zo\xC3\xAB") == "=?utf-8?Q?Zo=C3=AB?=");  // a tie goes to Q, easier to read
  CHECK(encode_words("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E") == "=?utf-8?B?5pel5pys6Kqe?=");
  // Something that looks like an encoded word is encoded so it reads back as written.
  CHECK(decode_words(encode_words("=?x?Q?y?=")) == "=?x?Q?y?=");
}

TEST_CASE("mime encode_words splits long text into words of at most 75 characters") {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "\xC3\xA9t\xC3\xA9 ";
  const std::string out = encode_words(text);
  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t end = out.find(' ', start);
    if (end == std::string::npos) end = out.size();
    CHECK(end - start <= 75);
    start = end + 1;
  }
  CHECK(decode_words(out) == text);
}

TEST_CASE("mime encode_words never splits a character between words") {
  std::string text;
  for (int i = 0; i < 30; ++i) text += "\xF0\x9F\x93\xA7";  // U+1F4E7, four octets
  const std::string out = encode_words(text);
  CHECK(out.find(' ') != std::string::npos);
  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t end = out.find(' ', start);
    if (end == std::string::npos) end = out.size();
    const std::string one = decode_words(out.substr(start, end - start));
    CHECK(one.size() % 4 == 0);
    CHECK(is_valid_utf8(one));
    start = end + 1;
  }
  CHECK(decode_words(out) == text);
}

TEST_CASE("mime encode_words round-trips spacing around encoded runs") {
  const std::string cases[] = {"\xC3\xA9  \xC3\xA0", " lead \xC3\xA9", "a \xC3\xA9 b \xC3\xA0 c", "\xC3\xA9 ", "x\ty \xC3\xA9"};
  for (const std::string& text : cases) CHECK(decode_words(encode_words(text)) == text);
}

TEST_CASE("mime encode_phrase quotes or encodes display names") {
  CHECK(encode_phrase("Alice Smith") == "Alice Smith");
  CHECK(encode_phrase("Smith, Alice") == "\"Smith, Alice\"");
  CHECK(encode_phrase("Zo\xC3\xAB (Admin)") == "=?utf-8?B?Wm/DqyAoQWRtaW4p?=");
  CHECK(encode_address_list("Zo\xC3\xAB <zoe@example.com>, bob@example.com") ==
        "=?utf-8?Q?Zo=C3=AB?= <zoe@example.com>, bob@example.com");
}

TEST_CASE("mime charset helpers convert Latin-1 and check UTF-8") {
  CHECK(latin1_to_utf8("\xE9t\xE9") == "\xC3\xA9t\xC3\xA9");
  CHECK(is_valid_utf8("\xC3\xA9"));
  CHECK(!is_valid_utf8("\xE9t\xE9"));
  CHECK(!is_valid_utf8("\xC0\x80"));          // overlong
  CHECK(!is_valid_utf8("\xED\xA0\x80"));      // a surrogate
  CHECK(!is_valid_utf8("\xF0\x9F\x93"));      // truncated
}
