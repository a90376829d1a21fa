// RequestParser and ResponseParser: framing by Content-Length, chunked and close, the limits
// and the malformed inputs of RFC 9112, each fed whole and one byte at a time.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "protocols/http/parser.hpp"

using namespace wiresim;
using namespace wiresim::http;

namespace {

struct RequestRun {
  std::vector<ParsedRequest> requests;
  std::optional<ParseError> error;
};

RequestRun parse_requests_once(std::string_view input, bool one_byte, Limits limits) {
  RequestParser parser(limits);
  RequestRun run;
  const auto drain = [&] {
    while (std::optional<ParsedRequest> r = parser.next()) run.requests.push_back(std::move(*r));
  };
  if (one_byte) {
    for (const char c : input) {
      parser.feed(std::string_view(&c, 1));
      drain();
    }
  } else {
    parser.feed(input);
    drain();
  }
  run.error = parser.error();
  return run;
}

// Parses whole and one byte at a time and checks both give the same requests and error.
RequestRun parse_requests(std::string_view input, Limits limits = {}) {
  const RequestRun whole = parse_requests_once(input, false, limits);
  const RequestRun bytes = parse_requests_once(input, true, limits);
  REQUIRE(whole.requests.size() == bytes.requests.size());
  for (std::size_t i = 0; i < whole.requests.size(); ++i) {
    CHECK(whole.requests[i].request == bytes.requests[i].request);
    CHECK(whole.requests[i].wire.head == bytes.requests[i].wire.head);
    CHECK(whole.requests[i].wire.body == bytes.requests[i].wire.body);
  }
  CHECK(whole.error.has_value() == bytes.error.has_value());
  if (whole.error && bytes.error) {
    CHECK(whole.error->status == bytes.error->status);
    CHECK(whole.error->text == bytes.error->text);
  }
  return whole;
}

struct ResponseRun {
  std::vector<ParsedResponse> responses;
  std::optional<ParseError> error;
};

ResponseRun parse_responses_once(std::string_view input, const std::vector<std::string>& methods, bool close,
                                 bool one_byte) {
  ResponseParser parser;
  for (const std::string& m : methods) parser.expect(m);
  ResponseRun run;
  const auto drain = [&] {
    while (std::optional<ParsedResponse> r = parser.next()) run.responses.push_back(std::move(*r));
  };
  if (one_byte) {
    for (const char c : input) {
      parser.feed(std::string_view(&c, 1));
      drain();
    }
  } else {
    parser.feed(input);
    drain();
  }
  if (close) {
    parser.finish();
    drain();
  }
  run.error = parser.error();
  return run;
}

ResponseRun parse_responses(std::string_view input, const std::vector<std::string>& methods = {}, bool close = false) {
  const ResponseRun whole = parse_responses_once(input, methods, close, false);
  const ResponseRun bytes = parse_responses_once(input, methods, close, true);
  REQUIRE(whole.responses.size() == bytes.responses.size());
  for (std::size_t i = 0; i < whole.responses.size(); ++i) {
    CHECK(whole.responses[i].response == bytes.responses[i].response);
    CHECK(whole.responses[i].wire.body == bytes.responses[i].wire.body);
  }
  CHECK(whole.error.has_value() == bytes.error.has_value());
  if (whole.error && bytes.error) CHECK(whole.error->text == bytes.error->text);
  return whole;
}

}  // namespace

TEST_CASE("a GET request without a body parses into method, target, version and fields") {
  const RequestRun run = parse_requests("GET /inbox HTTP/1.1\r\nHost: mail.example.com\r\nAccept: */*\r\n\r\n");
  REQUIRE(run.requests.size() == 1);
  const Request& r = run.requests[0].request;
  CHECK(r.method == "GET");
  CHECK(r.target == "/inbox");
  CHECK(r.version == "HTTP/1.1");
  CHECK(r.headers.get("host") == "mail.example.com");
  CHECK(r.headers.get("ACCEPT") == "*/*");
  CHECK(r.body.empty());
  CHECK(run.requests[0].wire.head == 60);
  CHECK(run.requests[0].wire.body == 0);
  CHECK(!run.error);
}

TEST_CASE("a request body is read by Content-Length") {
  const RequestRun run = parse_requests(
      "POST /send HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Content-Length: 11\r\n\r\nto=bob&x=1y");
  REQUIRE(run.requests.size() == 1);
  CHECK(run.requests[0].request.body == "to=bob&x=1y");
  CHECK(run.requests[0].wire.body == 11);
}

TEST_CASE("a chunked request body is decoded with extensions ignored and trailers kept") {
  const std::string input =
      "POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n"
      "6 ; ext\r\n world\r\n"
      "0\r\nChecksum: abc\r\nX-Done: yes\r\n\r\n";
  const RequestRun run = parse_requests(input);
  REQUIRE(run.requests.size() == 1);
  const ParsedRequest& p = run.requests[0];
  CHECK(p.request.body == "hello world");
  CHECK(p.request.trailers == Headers{{"Checksum", "abc"}, {"X-Done", "yes"}});
  CHECK(p.wire.head + p.wire.body == input.size());
}

TEST_CASE("pipelined requests in one chunk come out in order") {
  const RequestRun run = parse_requests(
      "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
      "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
      "GET /c HTTP/1.1\r\nHost: h\r\n\r\n");
  REQUIRE(run.requests.size() == 3);
  CHECK(run.requests[0].request.target == "/a");
  CHECK(run.requests[1].request.body == "abc");
  CHECK(run.requests[2].request.target == "/c");
}

TEST_CASE("bare LF line endings and empty lines before a request are accepted") {
  const RequestRun run = parse_requests("\r\n\nGET / HTTP/1.0\nHost: h\n\n");
  REQUIRE(run.requests.size() == 1);
  CHECK(run.requests[0].request.version == "HTTP/1.0");
  CHECK(!run.error);
}

TEST_CASE("a malformed request line is 400 with the line quoted") {
  const RequestRun run = parse_requests("GARBAGE\r\n\r\n");
  REQUIRE(run.error);
  CHECK(run.error->status == 400);
  CHECK(run.error->text == "http: expected \"METHOD target HTTP/1.1\" in the request line, got \"GARBAGE\"");
}

TEST_CASE("a malformed version is 400 and another major version is 505") {
  RequestRun run = parse_requests("GET / HTTP/1\r\n\r\n");
  REQUIRE(run.error);
  CHECK(run.error->status == 400);
  CHECK(run.error->text == "http: expected a version such as HTTP/1.1 in the request line, got \"GET / HTTP/1\"");
  run = parse_requests("PRI * HTTP/2.0\r\n\r\n");
  REQUIRE(run.error);
  CHECK(run.error->status == 505);
  CHECK(run.error->text == "http: version \"HTTP/2.0\" is not supported, expected HTTP/1.x");
}

TEST_CASE("a request target with a space is 400") {
  const RequestRun run = parse_requests("GET /a b HTTP/1.1\r\n\r\n");
  REQUIRE(run.error);
  CHECK(run.error->text ==
        "http: expected a request target without spaces or controls in the request line, got \"GET /a b HTTP/1.1\"");
}

TEST_CASE("a request line over 8 KiB is 414") {
  const std::string input = "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n";
  const RequestRun run = parse_requests(input);
  REQUIRE(run.error);
  CHECK(run.error->status == 414);
  CHECK(run.error->text == "http: the request line is longer than 8192 octets");
}

TEST_CASE("a request line of exactly 8 KiB is accepted") {
  const std::string line = "GET /" + std::string(8192 - 14, 'a') + " HTTP/1.1";
  REQUIRE(line.size() == 8192);
  const RequestRun run = parse_requests(line + "\r\nHost: h\r\n\r\n");
  CHECK(run.requests.size() == 1);
  CHECK(!run.error);
}

TEST_CASE("a field section over 64 KiB is 431") {
  std::string input = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 70; ++i) input += "X-Filler-" + std::to_string(i) + ": " + std::string(1000, 'x') + "\r\n";
  input += "\r\n";
  const RequestRun run = parse_requests(input);
  REQUIRE(run.error);
  CHECK(run.error->status == 431);
  CHECK(run.error->text == "http: the field section is longer than 65536 octets");
}

TEST_CASE("more than 100 fields is 431") {
  std::string input = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 101; ++i) input += "X-" + std::to_string(i) + ": 1\r\n";
  input += "\r\n";
  const RequestRun run = parse_requests(input);
  REQUIRE(run.error);
  CHECK(run.error->status == 431);
  CHECK(run.error->text == "http: the field section has more than 100 fields");
}

TEST_CASE("a Content-Length over the body limit is 413 before the body arrives") {
  Limits limits;
  limits.max_body = 1000;
  const RequestRun run = parse_requests("POST / HTTP/1.1\r\nContent-Length: 1001\r\n\r\n", limits);
  REQUIRE(run.error);
  CHECK(run.error->status == 413);
  CHECK(run.error->text == "http: the body of 1001 octets exceeds the limit of 1000");
}

TEST_CASE("a chunked body over the body limit is 413") {
  Limits limits;
  limits.max_body = 8;
  const RequestRun run =
      parse_requests("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", limits);
  REQUIRE(run.error);
  CHECK(run.error->status == 413);
  CHECK(run.error->text == "http: the chunked body exceeds the limit of 8 octets");
}

TEST_CASE("a field name with whitespace before the colon is 400") {
  const RequestRun run = parse_requests("GET / HTTP/1.1\r\nHost : h\r\n\r\n");
  REQUIRE(run.error);
  CHECK(run.error->status == 400);
  CHECK(run.error->text == "http: expected a field line \"name: value\" in the field section, got \"Host : h\"");
}

TEST_CASE("a field line without a colon is 400") {
  const RequestRun run = parse_requests("GET / HTTP/1.1\r\nNoColonHere\r\n\r\n");
  REQUIRE(run.error);
  CHECK(run.error->text == "http: expected a field line \"name: value\" in the field section, got \"NoColonHere\"");
}

TEST_CASE("obs-fold in a request is 400") {
  const RequestRun run = parse_requests("GET / HTTP/1.1\r\nX-Long: one\r\n  two\r\n\r\n");
  REQUIRE(run.error);
  CHECK(run.error->status == 400);
  CHECK(run.error->text ==
        "http: obs-fold (a field line starting with whitespace) is not allowed in the field section, got \"  two\"");
}

TEST_CASE("conflicting Content-Length values are 400 and equal repeated ones are accepted") {
  RequestRun run = parse_requests("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
  REQUIRE(run.error);
  CHECK(run.error->status == 400);
  CHECK(run.error->text == "http: conflicting Content-Length values 5 and 6");
  run = parse_requests("POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\nhello");
  REQUIRE(run.requests.size() == 1);
  CHECK(run.requests[0].request.body == "hello");
}

TEST_CASE("a Content-Length that is not a number is 400") {
  const RequestRun run = parse_requests("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n");
  REQUIRE(run.error);
  CHECK(run.error->text == "http: expected a number of at most 15 digits in Content-Length, got \"-1\"");
}

TEST_CASE("a request with both Transfer-Encoding and Content-Length is 400") {
  const RequestRun run =
      parse_requests("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  REQUIRE(run.error);
  CHECK(run.error->text == "http: a request must not carry both Transfer-Encoding and Content-Length");
}

TEST_CASE("an unknown transfer coding is 501 and chunked not last is 400") {
  RequestRun run = parse_requests("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
  REQUIRE(run.error);
  CHECK(run.error->status == 501);
  CHECK(run.error->text == "http: transfer coding \"gzip\" is not implemented");
  run = parse_requests("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n");
  REQUIRE(run.error);
  CHECK(run.error->status == 400);
  CHECK(run.error->text == "http: expected \"chunked\" as the last transfer coding, got \"chunked, gzip\"");
}

TEST_CASE("a bad chunk size is 400") {
  const RequestRun run = parse_requests("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
  REQUIRE(run.error);
  CHECK(run.error->text == "http: expected a chunk size in hex (with optional ;extensions), got \"zz\"");
}

TEST_CASE("chunk data not followed by CRLF is 400") {
  const RequestRun run = parse_requests("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n");
  REQUIRE(run.error);
  CHECK(run.error->text == "http: expected CRLF after the chunk data, got \"d\"");
}

TEST_CASE("control characters in a field value are 400") {
  const RequestRun run = parse_requests(std::string("GET / HTTP/1.1\r\nX-A: a\0b\r\n\r\n", 28));
  REQUIRE(run.error);
  CHECK(run.error->text == "http: control characters in the value of field \"X-A\", got \"a\\x00b\"");
}

TEST_CASE("requests before an error still come out") {
  const RequestRun run = parse_requests("GET /ok HTTP/1.1\r\nHost: h\r\n\r\nBAD\r\n\r\n");
  REQUIRE(run.requests.size() == 1);
  CHECK(run.requests[0].request.target == "/ok");
  REQUIRE(run.error);
}

TEST_CASE("a response body is read by Content-Length") {
  const ResponseRun run = parse_responses("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
  REQUIRE(run.responses.size() == 1);
  CHECK(run.responses[0].response.status == 200);
  CHECK(run.responses[0].response.reason == "OK");
  CHECK(run.responses[0].response.body == "hello");
  CHECK(run.responses[0].wire.head == 38);
  CHECK(run.responses[0].wire.body == 5);
}

TEST_CASE("a chunked response is decoded with its trailers") {
  const std::string input =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\nA;x=y\r\npedia in c\r\n0\r\nExpires: never\r\n\r\n";
  const ResponseRun run = parse_responses(input);
  REQUIRE(run.responses.size() == 1);
  CHECK(run.responses[0].response.body == "Wikipedia in c");
  CHECK(run.responses[0].response.trailers.get("Expires") == "never");
  CHECK(run.responses[0].wire.head + run.responses[0].wire.body == input.size());
}

TEST_CASE("a response without a length runs until the connection closes") {
  const ResponseRun run = parse_responses("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it\r\nto the end", {},
                                          true);
  REQUIRE(run.responses.size() == 1);
  CHECK(run.responses[0].response.body == "all of it\r\nto the end");
  CHECK(run.responses[0].delimited_by_close);
  CHECK(!run.error);
}

TEST_CASE("responses to HEAD, 204 and 304 have no body whatever their fields say") {
  const ResponseRun run = parse_responses(
      "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"
      "HTTP/1.1 204 No Content\r\n\r\n"
      "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
      {"HEAD", "DELETE", "GET", "GET"});
  REQUIRE(run.responses.size() == 4);
  CHECK(run.responses[0].response.body.empty());
  CHECK(run.responses[1].response.status == 204);
  CHECK(run.responses[2].response.status == 304);
  CHECK(run.responses[3].response.body == "ok");
}

TEST_CASE("an interim 100 Continue response comes before the final one") {
  const ResponseRun run =
      parse_responses("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", {"POST"});
  REQUIRE(run.responses.size() == 2);
  CHECK(run.responses[0].response.status == 100);
  CHECK(run.responses[1].response.status == 201);
}

TEST_CASE("obs-fold in a response is replaced by a space") {
  const ResponseRun run = parse_responses("HTTP/1.1 200 OK\r\nX-Long: one\r\n\ttwo\r\nContent-Length: 0\r\n\r\n");
  REQUIRE(run.responses.size() == 1);
  CHECK(run.responses[0].response.headers.get("X-Long") == "one two");
}

TEST_CASE("a status line without a reason phrase is accepted") {
  const ResponseRun run = parse_responses("HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n");
  REQUIRE(run.responses.size() == 1);
  CHECK(run.responses[0].response.status == 404);
  CHECK(run.responses[0].response.reason.empty());
}

TEST_CASE("a malformed status line is an error") {
  const ResponseRun run = parse_responses("HTTP/1.1 OK\r\n\r\n");
  REQUIRE(run.error);
  CHECK(run.error->text == "http: expected a status line \"HTTP/1.1 200 OK\", got \"HTTP/1.1 OK\"");
}

TEST_CASE("a response cut short by the close is an error") {
  const ResponseRun run = parse_responses("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", {}, true);
  CHECK(run.responses.empty());
  REQUIRE(run.error);
  CHECK(run.error->text == "http: the connection closed with 5 octets of the body missing");
}
