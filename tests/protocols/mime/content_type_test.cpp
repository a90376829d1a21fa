// RFC 2045 5.1 Content-Type and RFC 2183 Content-Disposition values: parameters, quoting, case,
// comments, defaults.
#include <doctest/doctest.h>

#include "protocols/mime/content_type.hpp"

using namespace wiresim::mime;

TEST_CASE("mime content type lower-cases type, subtype and parameter names but not values") {
  const auto ct = parse_content_type("Text/HTML; Charset=UTF-8; Name=\"My File.html\"");
  REQUIRE(ct);
  CHECK(ct->type == "text");
  CHECK(ct->subtype == "html");
  CHECK(ct->params == Params{{"charset", "UTF-8"}, {"name", "My File.html"}});
  CHECK(ct->param("CHARSET") == "UTF-8");
  CHECK(ct->param("format") == "");
}

TEST_CASE("mime content type tolerates comments, whitespace and folding between tokens") {
  const auto ct = parse_content_type("multipart/mixed (a comment (nested)) ;\r\n boundary = \"simple boundary\" (x)");
  REQUIRE(ct);
  CHECK(ct->mime_type() == "multipart/mixed");
  CHECK(ct->param("boundary") == "simple boundary");
  // RFC 2045 5.1's own example: comments anywhere.
  const auto ex = parse_content_type("text/plain; charset=us-ascii (Plain text)");
  REQUIRE(ex);
  CHECK(ex->param("charset") == "us-ascii");
}

TEST_CASE("mime content type unescapes quoted pairs in values") {
  const auto ct = parse_content_type("application/x-test; title=\"a \\\"quoted\\\" \\\\ word\"");
  REQUIRE(ct);
  CHECK(ct->param("title") == "a \"quoted\" \\ word");
}

TEST_CASE("mime content type skips malformed parameters and keeps the rest") {
  const auto ct = parse_content_type("text/plain; junk; =x; charset=utf-8;; format=flowed; broken=");
  REQUIRE(ct);
  CHECK(ct->params == Params{{"charset", "utf-8"}, {"format", "flowed"}});
}

TEST_CASE("mime content type without a subtype is invalid") {
  CHECK(!parse_content_type(""));
  CHECK(!parse_content_type("text"));
  CHECK(!parse_content_type("text/"));
  CHECK(!parse_content_type("/plain"));
  CHECK(!parse_content_type("\"text\"/plain"));
}

TEST_CASE("mime content type writes values as tokens or quoted strings") {
  ContentType ct{"multipart", "mixed", {{"boundary", "=_wiresim_1"}}};
  CHECK(ct.to_string() == "multipart/mixed; boundary=\"=_wiresim_1\"");
  ct.set_param("Boundary", "plain");
  ct.set_param("x", "a \"b\"");
  CHECK(ct.to_string() == "multipart/mixed; boundary=plain; x=\"a \\\"b\\\"\"");
  CHECK(quote_value("") == "\"\"");
  // Writing then parsing gives the same.
  const auto back = parse_content_type(ct.to_string());
  REQUIRE(back);
  CHECK(*back == ct);
}

TEST_CASE("mime default content type is text/plain in us-ascii") {
  CHECK(default_content_type().to_string() == "text/plain; charset=us-ascii");
}

TEST_CASE("mime content disposition reads its type and filename") {
  const auto d = parse_disposition("Attachment; filename=\"genome.jpeg\";\r\n modification-date=\"Wed, 12 Feb 1997 16:29:51 -0500\"");
  REQUIRE(d);
  CHECK(d->type == "attachment");
  CHECK(d->params == Params{{"filename", "genome.jpeg"}, {"modification-date", "Wed, 12 Feb 1997 16:29:51 -0500"}});
  CHECK(!parse_disposition("  ; filename=x"));
}

TEST_CASE("mime simple_token strips comments and case") {
  CHECK(simple_token(" Base64 (encoded)") == "base64");
  CHECK(simple_token("(c) 8BIT") == "8bit");
  CHECK(simple_token("") == "");
}
