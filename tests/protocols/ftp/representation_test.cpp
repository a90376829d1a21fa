// TYPE conversions, block, compressed and page framing, address parsing and the file tree's paths and dates.
#include <doctest/doctest.h>

#include "protocols/ftp/command.hpp"
#include "protocols/ftp/representation.hpp"
#include "protocols/ftp/vfs.hpp"

namespace wiresim::ftp {

TEST_CASE("ASCII conversion adds CR before a bare LF only") {
  CHECK(to_wire("a\nb\r\nc", Type::Ascii) == "a\r\nb\r\nc");
  CHECK(from_wire("a\r\nb\rc\r\n", Type::Ascii) == "a\nb\rc\n");
  CHECK(wire_size("a\nb\r\nc\n", Type::Ascii) == 9);
}

TEST_CASE("the EBCDIC table is a bijection and round-trips every octet") {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  CHECK(from_wire(to_wire(all, Type::Ebcdic), Type::Ebcdic) == all);
  CHECK(ascii_to_ebcdic('A') == 0xC1);
  CHECK(ascii_to_ebcdic('0') == 0xF0);
  CHECK(ascii_to_ebcdic(' ') == 0x40);
  CHECK(ascii_to_ebcdic('\n') == 0x15);
}

TEST_CASE("block mode splits at 65535 octets and ends with an EOF block") {
  const std::string data(70000, 'x');
  const std::string framed = block_encode(data);
  CHECK(framed.size() == 70000 + 9);
  CHECK(framed.substr(0, 3) == std::string("\x00\xff\xff", 3));
  CHECK(framed.substr(framed.size() - 3) == std::string("\x40\x00\x00", 3));
  std::string why;
  CHECK(block_decode(framed, &why) == data);
  CHECK(block_encode("") == std::string("\x40\x00\x00", 3));
  CHECK(!block_decode(std::string("\x00\x00\x05hi", 5), &why));
  CHECK(why == "a block of 5 octets with only 2 left");
}

// RFC 959 3.4.3, byte by byte: a string of 1-127 octets after its count, a run of a repeated
// octet as 10nnnnnn and the octet, a run of filler (the TYPE's space, or zero) as 11nnnnnn alone.
TEST_CASE("compressed mode sends byte strings, replicated bytes and filler strings, then the EOF escape") {
  using namespace std::string_literals;
  CHECK(compressed_encode("ab", 0x20) == "\x02" "ab\x00\x40"s);
  CHECK(compressed_encode("xxxxx", 0x20) == "\x85x\x00\x40"s);
  CHECK(compressed_encode("a     b", 0x20) == "\x01" "a\xC5\x01" "b\x00\x40"s);
  CHECK(compressed_encode("xx", 0x20) == "\x02xx\x00\x40"s);  // a pair is cheaper as data
  CHECK(compressed_encode("a  b", 0x20) == "\x01" "a\xC2\x01" "b\x00\x40"s);  // two fillers: as long, compressed
  CHECK(compressed_encode("", 0x00) == "\x00\x40"s);
  // Runs longer than 63 and strings longer than 127 take several headers.
  const std::string zeros(100, '\0'), letters(130, 'q');
  CHECK(compressed_encode(zeros, 0x00) == "\xFF\xE5\x00\x40"s);
  CHECK(compressed_encode(zeros, 0x20) == "\xBF\x00\xA5\x00\x00\x40"s);
  std::string varied;
  for (int i = 0; i < 300; ++i) varied += static_cast<char>('a' + i % 2);
  const std::string framed = compressed_encode(varied, 0x20);
  CHECK(framed.size() == 300 + 3 + 2);  // 127 + 127 + 46, each after its count
  std::string why;
  for (const std::string& data : {zeros, letters, varied, std::string("a     b\n\n\n\nend")})
    for (unsigned char filler : {0x00, 0x20, 0x40}) CHECK(compressed_decode(compressed_encode(data, filler), filler, &why) == data);
  CHECK(!compressed_decode("\x05" "ab"s, 0x20, &why));
  CHECK(why == "a byte string of 5 octets with only 2 left");
  CHECK(!compressed_decode("\x02" "ab"s, 0x20, &why));
  CHECK(why == "no EOF escape (0x00 0x40) before the connection closed");
  CHECK(!compressed_decode("\x00\x40x"s, 0x20, &why));
  CHECK(why == "1 octets after the EOF escape");
  CHECK(!compressed_decode("\x80x\x00\x40"s, 0x20, &why));
  CHECK(why == "a replicated byte with a count of 0");
  // Bounded: one octet of filler string stands for 63, so the limit is on what it decodes to.
  const std::string bomb = std::string(1000, '\xFF') + "\x00\x40"s;
  CHECK(compressed_decode(bomb, 0x20, &why, 63'000)->size() == 63'000);
  CHECK(!compressed_decode(bomb, 0x20, &why, 62'999));
  CHECK(why == "more than 62999 octets of data");
}

// RFC 959 3.1.2.3 with octets as logical bytes: header length 4, page index, data length, type.
TEST_CASE("page structure sends pages of up to 255 octets after a 4-octet header, then a last page") {
  using namespace std::string_literals;
  CHECK(pages_encode("hello") == "\x04\x00\x05\x01hello\x04\x01\x00\x00"s);
  CHECK(pages_encode("") == "\x04\x00\x00\x00"s);
  const std::string data(600, 'p');
  const std::string paged = pages_encode(data);
  CHECK(paged.size() == 600 + 4 * 4);  // pages of 255, 255 and 90, and the last page
  CHECK(paged.substr(255 + 4, 4) == "\x04\x01\xFF\x01"s);
  std::string why;
  CHECK(pages_decode(paged, &why) == data);
  // A descriptor page is not part of the file; an access-controlled one has a fifth octet.
  CHECK(pages_decode("\x04\x00\x03\x02" "abc\x05\x00\x02\x03\x07hi\x04\x01\x00\x00"s, &why) == "hi");
  CHECK(!pages_decode("\x04\x00\x05\x01hello"s, &why));
  CHECK(why == "no last page (type 0) before the connection closed");
  CHECK(!pages_decode("\x04\x00\x00\x09"s, &why));
  CHECK(why.find("page type 9 at octet 0") == 0);
  CHECK(!pages_decode("\x04\x00\x09\x01" "ab"s, &why));
  CHECK(why == "a page runs past the end of the stream");
  // The header lengths RFC 959 3.1.2.3 sets: 4 for last and simple pages, 5 for access control.
  bool unknown = false;
  CHECK(!pages_decode("\x05\x00\x01\x01\x00z\x04\x01\x00\x00"s, &why, &unknown));
  CHECK(why == "a header of 5 octets for a page of type 1");
  CHECK(!pages_decode("\x04\x00\x01\x03z\x04\x01\x00\x00"s, &why, &unknown));
  CHECK(why == "a header of 4 octets for a page of type 3");
  CHECK(!pages_decode("\x04\x00\x01\x00z"s, &why, &unknown));
  CHECK(why == "a last page with 1 octets of data");
  CHECK(!unknown);
  CHECK(!pages_decode("\x04\x00\x00\x07"s, &why, &unknown));
  CHECK(unknown);
}

TEST_CASE("PORT numbers decode to an address and a port and back") {
  const std::optional<HostPort> hp = parse_host_port("192,168,1,2,7,138");
  REQUIRE(hp);
  CHECK(hp->address == 0xC0A80102u);
  CHECK(hp->port == 1930);
  CHECK(format_host_port(*hp) == "192,168,1,2,7,138");
  CHECK(!parse_host_port("1,2,3,4,5"));
  CHECK(!parse_host_port("1,2,3,4,5,6,7"));
  CHECK(parse_epsv_reply("229 Entering Extended Passive Mode (|||6446|)") == std::uint16_t{6446});
  bool supported = true;
  CHECK(parse_eprt("|1|132.235.1.2|6275|", &supported)->port == 6275);
  CHECK(!parse_eprt("|2|1080::8:800:200C:417A|5282|", &supported));
  CHECK(!supported);
}

TEST_CASE("paths resolve against the current directory and never climb above the root") {
  CHECK(resolve_path("/home/bob", "../alice/x") == "/home/alice/x");
  CHECK(resolve_path("/home/bob", "/pub/./a//b") == "/pub/a/b");
  CHECK(resolve_path("/", "../../..") == "/");
  CHECK(resolve_path("/home", "") == "/home");
}

TEST_CASE("MDTM and LIST dates count from 2024-01-01") {
  CHECK(format_mdtm(Time{}) == "20240101000000");
  CHECK(format_mdtm(Time{} + seconds(86400 * 60 + 3661)) == "20240301010101");  // 2024 is a leap year
  Vfs vfs;
  REQUIRE(vfs.add_file("/a.txt", "abc", "root").ok());
  CHECK(vfs.list_line("/a.txt", Time{} + seconds(60)) == "-rw-r--r--    1 root     root            3 Jan 01 00:00 a.txt");
  CHECK(vfs.list_line("/a.txt", Time{} + seconds(86400 * 200)) ==
        "-rw-r--r--    1 root     root            3 Jan 01  2024 a.txt");
}

TEST_CASE("the tree refuses set-up mistakes with a message") {
  Vfs vfs;
  const Result<bool> r = vfs.add_file("/no/such/dir.txt", "", "root");
  REQUIRE(!r.ok());
  CHECK(r.error() == "ftp vfs: the directory \"/no/such\" does not exist; add it first");
  CHECK(vfs.add_generated_file("/huge", MaxGeneratedSize + 1, "root").error().starts_with("ftp vfs: a generated"));
  CHECK(!vfs.add_account("anonymous", "x", "/").ok());
}


TEST_CASE("record structure ends each line with EOR and the last with EOR and EOF together") {
  using namespace std::string_literals;
  CHECK(records_encode("line one\nline two\n", Type::Image) == "line one\xFF\x01line two\xFF\x03"s);
  CHECK(records_encode("no end", Type::Image) == "no end\xFF\x03"s);
  CHECK(records_encode("", Type::Image) == "\xFF\x02"s);
  CHECK(records_encode("a\xFF" "b\n", Type::Image) == "a\xFF\xFF" "b\xFF\x03"s);  // a data 0xFF is doubled
}

TEST_CASE("record structure decodes back to lines, and rejects bad control codes") {
  using namespace std::string_literals;
  for (const std::string& text : {"line one\nline two\n"s, "a\xFF" "b\n"s, ""s}) {
    std::string why;
    const auto back = records_decode(records_encode(text, Type::Ebcdic), Type::Ebcdic, &why);
    REQUIRE_MESSAGE(back.has_value(), why);
    CHECK(*back == text);
  }
  std::string why;
  CHECK_FALSE(records_decode("abc\xFF\x01"s, Type::Image, &why).has_value());
  CHECK(why == "no EOF code (0xFF 0x02) at the end of the stream");
  CHECK_FALSE(records_decode("abc\xFF\x07"s, Type::Image, &why).has_value());
  CHECK(why == "control code 0xFF 7 is neither EOR (1) nor EOF (2)");
  CHECK_FALSE(records_decode("abc\xFF\x02x"s, Type::Image, &why).has_value());
  CHECK(why == "data after the EOF code");
}

}  // namespace wiresim::ftp
