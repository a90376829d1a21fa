// Percent-encoding, query strings and form bodies, and the message helpers of message.hpp.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "protocols/http/message.hpp"
#include "protocols/http/url.hpp"

using namespace wiresim;
using namespace wiresim::http;

TEST_CASE("20 random binary octets survive a percent-encoding round trip") {
  std::mt19937 random(20240101);
  for (int round = 0; round < 50; ++round) {
    std::string info_hash;
    for (int i = 0; i < 20; ++i) info_hash += static_cast<char>(random() & 0xFF);
    const std::string encoded = percent_encode(info_hash);
    CHECK(encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%") ==
          std::string::npos);
    const Result<std::string> decoded = percent_decode(encoded);
    REQUIRE(decoded.ok());
    CHECK(*decoded == info_hash);
  }
}

TEST_CASE("percent-encoding keeps unreserved characters and writes upper-case hex") {
  CHECK(percent_encode(std::string("a-b_c.d~e f/\x00\xFF", 14)) == "a-b_c.d~e%20f%2F%00%FF");
}

TEST_CASE("a percent sign without two hex digits is an error") {
  const Result<std::string> decoded = percent_decode("abc%4");
  REQUIRE(!decoded.ok());
  CHECK(decoded.error() == "http: expected two hex digits after \"%\", got \"%4\" in \"abc%4\"");
  CHECK(!percent_decode("%zz").ok());
}

TEST_CASE("a tracker query parses into ordered pairs with binary values") {
  const Result<QueryPairs> pairs =
      parse_query("info_hash=%12%34%56%78%9A%BC%DE%F1%23%45%67%89%AB%CD%EF%12%34%56%78%9A&peer_id=-WS0001-abc&port=6881&compact");
  REQUIRE(pairs.ok());
  REQUIRE(pairs->size() == 4);
  CHECK((*pairs)[0].first == "info_hash");
  CHECK((*pairs)[0].second.size() == 20);
  CHECK((*pairs)[0].second[0] == '\x12');
  CHECK((*pairs)[1] == std::pair<std::string, std::string>{"peer_id", "-WS0001-abc"});
  CHECK((*pairs)[3] == std::pair<std::string, std::string>{"compact", ""});
  REQUIRE(find_value(*pairs, "port") != nullptr);
  CHECK(*find_value(*pairs, "port") == "6881");
  CHECK(find_value(*pairs, "left") == nullptr);
}

TEST_CASE("a query keeps plus signs and a form turns them into spaces") {
  CHECK(parse_query("q=a+b")->at(0).second == "a+b");
  const Result<QueryPairs> form = parse_form("to=bob%40example.com&subject=Hello+there&body=line1%0D%0Aline2&&empty=");
  REQUIRE(form.ok());
  REQUIRE(form->size() == 4);
  CHECK(form->at(0).second == "bob@example.com");
  CHECK(form->at(1).second == "Hello there");
  CHECK(form->at(2).second == "line1\r\nline2");
  CHECK(form->at(3) == std::pair<std::string, std::string>{"empty", ""});
}

TEST_CASE("built queries and forms parse back to the same pairs") {
  const QueryPairs pairs{{"subject", "Hi & bye = ok"}, {"to", "a@b.c"}, {"binary", std::string("\x00\x01+", 3)}};
  CHECK(build_form(pairs) == "subject=Hi+%26+bye+%3D+ok&to=a%40b.c&binary=%00%01%2B");
  CHECK(*parse_form(build_form(pairs)) == pairs);
  CHECK(build_query(pairs) == "subject=Hi%20%26%20bye%20%3D%20ok&to=a%40b.c&binary=%00%01%2B");
  CHECK(*parse_query(build_query(pairs)) == pairs);
}

TEST_CASE("a target splits into path and query without the fragment") {
  const Target t = split_target("/announce?info_hash=%01&port=1#frag");
  CHECK(t.path == "/announce");
  CHECK(t.query == "info_hash=%01&port=1");
  CHECK(split_target("/inbox").query.empty());
}

TEST_CASE("requests and responses serialize with CRLF and standard reason phrases") {
  Request request{.method = "GET", .target = "/inbox", .headers = {{"Host", "mail.example.com"}}};
  CHECK(serialize(request) == "GET /inbox HTTP/1.1\r\nHost: mail.example.com\r\n\r\n");
  Response response{.status = 404, .headers = {{"Content-Length", "0"}}};
  CHECK(serialize(response) == "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  CHECK(reason_phrase(413) == "Content Too Large");
  CHECK(reason_phrase(431) == "Request Header Fields Too Large");
  CHECK(reason_phrase(799).empty());
}

TEST_CASE("a chunked encoding has hex sizes, the last chunk and trailers") {
  CHECK(encode_chunked("hello world!", 5, {{"X-Sum", "1"}}) == "5\r\nhello\r\n5\r\n worl\r\n2\r\nd!\r\n0\r\nX-Sum: 1\r\n\r\n");
  CHECK(encode_chunked("") == "0\r\n\r\n");
  CHECK(encode_chunked(std::string(26, 'x'), 26).substr(0, 4) == "1a\r\n");
}

TEST_CASE("dates are written in IMF-fixdate") {
  CHECK(imf_fixdate(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK(imf_fixdate(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(imf_fixdate(951782400) == "Tue, 29 Feb 2000 00:00:00 GMT");
}

TEST_CASE("header lookup ignores case and list fields are searched for tokens") {
  Headers h{{"Connection", "keep-alive, Upgrade"}, {"connection", "CLOSE"}, {"Host", "x"}};
  CHECK(h.get("HOST") == "x");
  CHECK(h.get_all("Connection").size() == 2);
  CHECK(h.has_token("connection", "close"));
  CHECK(h.has_token("Connection", "upgrade"));
  CHECK(!h.has_token("Connection", "keep"));
  CHECK(h.remove("CONNECTION") == 2);
  h.set("host", "y");
  CHECK(h.fields() == std::vector<Field>{{"host", "y"}});
}
