// HTTP/1.1 requests and responses (RFC 9110, RFC 9112): the two message types, their wire form
// with CRLF line endings, reason phrases and the chunked coding. Parsing is in parser.hpp.
// Not modelled: HTTP/2, TLS, caching, conditional and range requests, authentication.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocols/http/headers.hpp"

namespace wiresim::http {

constexpr std::uint16_t Port = 80;

struct Request {
  std::string method{};   // "GET"
  std::string target{};   // "/inbox?page=2": origin-form, or absolute-form, "*" or host:port
  std::string version = "HTTP/1.1";
  Headers headers{};
  std::string body{};   // the content, after any chunked coding was removed
  Headers trailers{};     // RFC 9112 7.1.2: fields sent after a chunked body

  friend bool operator==(const Request&, const Request&) = default;
};

struct Response {
  int status = 200;
  std::string reason{};   // empty: reason_phrase(status) is sent
  std::string version = "HTTP/1.1";
  Headers headers{};
  std::string body{};
  Headers trailers{};

  friend bool operator==(const Response&, const Response&) = default;
};

// RFC 9110 15: "OK", "Not Found", ...; "" for a code it does not list.
std::string_view reason_phrase(int status);

// "GET /inbox HTTP/1.1" and "HTTP/1.1 200 OK": the start lines, without CRLF, as a transcript
// shows them after "C: " and "S: ".
std::string request_line(const Request& request);
std::string status_line(const Response& response);

// The start line, the fields and the empty line, each ending in CRLF (RFC 9112 2.1).
std::string serialize_head(const Request& request);
std::string serialize_head(const Response& response);
// Head and body exactly as the struct holds them: no field is added, the body is not coded.
// The session engines add Host, Content-Length, Connection and the rest before calling these.
std::string serialize(const Request& request);
std::string serialize(const Response& response);

// RFC 9112 7.1: the body in chunks of at most `chunk_size` octets (sizes in hex), the last
// chunk "0", the trailer fields and the final CRLF.
std::string encode_chunked(std::string_view body, std::size_t chunk_size = 4096, const Headers& trailers = {});

// RFC 9110 6.6.1 / 5.6.7: "Sun, 06 Nov 1994 08:49:37 GMT" for seconds since 1970-01-01 UTC.
// The server's Date callback can turn simulated time into this, so output stays deterministic.
std::string imf_fixdate(std::int64_t unix_seconds);

// The status classes of RFC 9110 15 and the responses that never carry content (RFC 9110 6.4.1).
bool is_informational(int status);
bool has_no_content(int status);  // 1xx, 204 and 304

}  // namespace wiresim::http
