// Building MIME messages: the exact bytes of a simple message, encoding choices, nested
// multiparts that parse back to their content, deterministic boundaries, digests.
#include <doctest/doctest.h>

#include <string>

#include "protocols/mime/builder.hpp"
#include "protocols/mime/entity.hpp"
#include "protocols/mime/media_types.hpp"
#include "protocols/mime/transfer_encoding.hpp"

using namespace wiresim;
using namespace wiresim::mime;

namespace {

mail::MessageHeader header() {
  mail::MessageHeader h;
  h.from = "Alice <alice@example.com>";
  h.to = {"bob@example.com"};
  h.subject = "Hello";
  h.date = "Mon, 01 Jan 2024 09:00:00 +0000";
  h.message_id = "<1.0@example.com>";
  return h;
}

}  // namespace

TEST_CASE("mime builder writes a plain ASCII message as 7bit") {
  CHECK(build_message(header(), text_part("Hi Bob.\n")) ==
        "Date: Mon, 01 Jan 2024 09:00:00 +0000\r\n"
        "From: Alice <alice@example.com>\r\n"
        "To: bob@example.com\r\n"
        "Subject: Hello\r\n"
        "Message-ID: <1.0@example.com>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 7bit\r\n"
        "\r\n"
        "Hi Bob.\r\n");
}

TEST_CASE("mime builder encodes non-ASCII header text as encoded words") {
  mail::MessageHeader h = header();
  h.from = "Zo\xC3\xAB <zoe@example.com>";
  h.to = {"Bob <bob@example.com>", "Ren\xC3\xA9 <rene@example.org>"};
  h.subject = "Caf\xC3\xA9 menu";
  h.extra = {{"X-Note", "d\xC3\xA9j\xC3\xA0"}};
  const std::string m = build_message(h, text_part("x"));
  CHECK(m.find("From: =?utf-8?Q?Zo=C3=AB?= <zoe@example.com>\r\n") != std::string::npos);
  CHECK(m.find("To: Bob <bob@example.com>, =?utf-8?B?UmVuw6k=?= <rene@example.org>\r\n") != std::string::npos);
  CHECK(m.find("Subject: =?utf-8?B?Q2Fmw6k=?= menu\r\n") != std::string::npos);
  CHECK(m.find("X-Note: =?utf-8?B?ZMOpasOg?=\r\n") != std::string::npos);
  CHECK(!has_8bit(m.substr(0, m.find("\r\n\r\n"))));
}

TEST_CASE("mime builder chooses quoted-printable or 8bit for non-ASCII text") {
  const Part text = text_part("Caf\xC3\xA9\n");
  CHECK(write_part(text) ==
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=C3=A9\r\n");
  CHECK(write_part(text, BuildOptions{true}) ==
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nCaf\xC3\xA9\r\n");
  // A line over 998 octets is not 8bit data even when 8bit is allowed.
  const std::string long_line(1200, 'a');
  CHECK(write_part(text_part(long_line), BuildOptions{true}).find("quoted-printable") != std::string::npos);
}

TEST_CASE("mime builder nests multiparts with deterministic boundaries and parses back") {
  const Part body = multipart(
      "mixed", {multipart("alternative", {text_part("Caf\xC3\xA9\n"), text_part("<p>Caf\xC3\xA9</p>\n", "html")}),
                attachment("menu.pdf", std::string("%PDF\0\1\2", 7))});
  const std::string m = build_message(header(), body);
  CHECK(m == build_message(header(), body));  // same input, same bytes
  CHECK(m.find("Content-Type: multipart/mixed; boundary=\"=_wiresim_1\"\r\n") != std::string::npos);
  CHECK(m.find("Content-Type: multipart/alternative; boundary=\"=_wiresim_2\"\r\n") != std::string::npos);
  CHECK(m.find("Content-Type: application/pdf; name=menu.pdf\r\nContent-Transfer-Encoding: base64\r\n"
               "Content-Disposition: attachment; filename=menu.pdf\r\n\r\nJVBERgABAg==\r\n--=_wiresim_1--\r\n") !=
        std::string::npos);

  const Entity root = parse(m);
  REQUIRE(root.parts.size() == 2);
  REQUIRE(root.parts[0].parts.size() == 2);
  CHECK(decoded_body(*part(root, "1.1"), m) == "Caf\xC3\xA9\r\n");
  CHECK(part(root, "1.2")->content_type.mime_type() == "text/html");
  CHECK(decoded_body(*part(root, "1.2"), m) == "<p>Caf\xC3\xA9</p>\r\n");
  CHECK(part(root, "2")->disposition_param("filename") == "menu.pdf");
  CHECK(decoded_body(*part(root, "2"), m) == std::string("%PDF\0\1\2", 7));
}

TEST_CASE("mime builder picks another boundary when the content holds one") {
  const Part body = multipart("mixed", {text_part("--=_wiresim_1 in the text\n"), text_part("and =_wiresim_2\n")});
  const std::string m = write_part(body);
  CHECK(m.find("boundary=\"=_wiresim_3\"") != std::string::npos);
  const Entity root = parse(m);
  REQUIRE(root.parts.size() == 2);
  CHECK(root.parts[0].body(m) == "--=_wiresim_1 in the text\r\n");
}

TEST_CASE("mime builder writes attachments of any bytes in base64 with a guessed type") {
  std::string data;
  for (int i = 0; i < 256; ++i) data += static_cast<char>(i);
  const Part a = attachment("Photo.PNG", data);
  CHECK(a.content_type.mime_type() == "image/png");
  const std::string m = write_part(a);
  const Entity e = parse(m);
  CHECK(e.transfer_encoding == "base64");
  CHECK(decoded_body(e, m) == data);
  CHECK(media_type_for("a.jpeg") == "image/jpeg");
  CHECK(media_type_for("a.jpg") == "image/jpeg");
  CHECK(media_type_for("a.gif") == "image/gif");
  CHECK(media_type_for("a.pdf") == "application/pdf");
  CHECK(media_type_for("notes.txt") == "text/plain");
  CHECK(media_type_for("index.htm") == "text/html");
  CHECK(media_type_for("a.zip") == "application/zip");
  CHECK(media_type_for("a.bin") == "application/octet-stream");
  CHECK(media_type_for("README") == "application/octet-stream");
  // The notes' table: one of each type, and the server's and the mail's types are one table.
  CHECK(media_type_for("talk.PS") == "application/postscript");
  CHECK(media_type_for("voice.au") == "audio/basic");
  CHECK(media_type_for("clip.mpeg") == "video/mpeg");
  CHECK(media_type_for("song.mp3") == "audio/mpeg");
  CHECK(media_type_for("film.webm") == "video/webm");
  CHECK(media_type_for("style.css") == "text/css");
  CHECK(media_type_for("archive.tar.gz") == "application/octet-stream");
  CHECK(media_type_for("trailing.") == "application/octet-stream");
  CHECK(attachment("slides.ps", "%!PS").content_type.mime_type() == "application/postscript");
  CHECK(attachment("x.dat", "", "Text/CSV").content_type.mime_type() == "text/csv");
}

TEST_CASE("mime builder encodes a non-ASCII filename as encoded words") {
  const Part a = attachment("r\xC3\xA9sum\xC3\xA9.pdf", "x");
  const std::string m = write_part(a);
  CHECK(m.find("filename=\"=?utf-8?B?csOpc3Vtw6kucGRm?=\"") != std::string::npos);
}

TEST_CASE("mime builder writes a digest whose entries need no Content-Type") {
  const std::string first = mail::write_message(std::vector<mail::HeaderField>{{"Subject", "one"}}, "First.\n");
  const std::string second = mail::write_message(std::vector<mail::HeaderField>{{"Subject", "two"}}, "Second.\n");
  const std::string m = write_part(multipart("digest", {message_part(first), message_part(second)}));
  CHECK(m ==
        "Content-Type: multipart/digest; boundary=\"=_wiresim_1\"\r\n\r\n"
        "--=_wiresim_1\r\n\r\nSubject: one\r\n\r\nFirst.\r\n\r\n"
        "--=_wiresim_1\r\n\r\nSubject: two\r\n\r\nSecond.\r\n\r\n"
        "--=_wiresim_1--\r\n");
  const Entity root = parse(m);
  REQUIRE(root.parts.size() == 2);
  CHECK(root.parts[1].is_message());
  CHECK(mail::header_value(part(root, "2")->parts[0].headers, "Subject") == std::optional<std::string>("two"));
}

TEST_CASE("mime builder writes parallel parts and a forwarded message") {
  const std::string inner = mail::write_message(std::vector<mail::HeaderField>{{"Subject", "fwd"}}, "Inner.\n");
  const Part body = multipart("mixed", {text_part("See below.\n"), message_part(inner),
                                        multipart("parallel", {attachment("a.gif", "GIF89a"), attachment("b.txt", "hi")})});
  const std::string m = write_part(body);
  const Entity root = parse(m);
  REQUIRE(root.parts.size() == 3);
  CHECK(root.parts[1].content_type.mime_type() == "message/rfc822");
  CHECK(part(root, "2.1")->body(m) == "Inner.\r\n");
  CHECK(part(root, "3")->content_type.mime_type() == "multipart/parallel");
  CHECK(decoded_body(*part(root, "3.2"), m) == "hi");
}

TEST_CASE("mime builder makes an 8-bit forwarded message 7-bit unless 8bit is allowed") {
  const std::string inner = "Subject: x\r\n\r\nCaf\xC3\xA9\r\n";
  const std::string seven = write_part(message_part(inner));
  CHECK(seven.find('\xC3') == std::string::npos);
  CHECK(seven.substr(0, seven.find("\r\n\r\n")) == "Content-Type: message/rfc822");  // 7bit is the default
  CHECK(seven.find("Content-Transfer-Encoding: quoted-printable") != std::string::npos);  // inside
  const std::string eight = write_part(message_part(inner), BuildOptions{true});
  CHECK(eight == "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + inner);
}
