// Incremental HTTP/1.1 parsers (RFC 9112): bytes arrive in any split, complete messages come
// out in order. They frame bodies by Content-Length, the chunked coding (extensions ignored,
// trailers kept) or, for responses, the closing of the connection. Errors are values that
// carry the status a server answers with; nothing throws. No transfer codings but chunked.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "protocols/http/message.hpp"

namespace wiresim::http {

struct Limits {
  std::size_t max_start_line = 8 * 1024;       // longer request line: 414 (RFC 9112 3)
  std::size_t max_field_section = 64 * 1024;   // all field lines together: 431 (RFC 6585 5)
  std::size_t max_fields = 100;                // 431
  std::size_t max_body = 16 * 1024 * 1024;     // 413 (RFC 9110 15.5.14)
};

struct ParseError {
  int status = 400;  // what a server answers: 400, 413, 414, 431, 501 or 505
  std::string text;  // "http: expected ... in the request line, got \"...\""
};

// Octets a message took on the wire: the head (start line, fields, empty line) and the body
// with its chunk framing and trailers. The FTP-vs-HTTP report counts these.
struct WireSize {
  std::size_t head = 0;
  std::size_t body = 0;
};

struct ParsedRequest {
  Request request;
  WireSize wire;
};

struct ParsedResponse {
  Response response;
  WireSize wire;
  bool delimited_by_close = false;  // RFC 9112 6.3 item 8: the body ran until the peer closed
};

namespace detail {
// The framing both parsers share. `Role` decides what a missing length means and which
// errors apply; the wrappers below turn finished messages into Requests and Responses.
class MessageReader {
 public:
  enum class Role { Request, Response };
  enum class Stage { StartLine, Fields, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, UntilClose, Failed };

  struct Message {
    std::string start_line;
    Headers headers, trailers;
    std::string body;
    WireSize wire;
    bool delimited_by_close = false;
  };

  MessageReader(Role role, Limits limits) : role_(role), limits_(limits) {}

  // Parses as far as the bytes go; `on_head` is asked once the head of each message is in.
  void feed(std::string_view data);
  void finish();  // the peer closed: ends an until-close body, or reports a cut message
  std::optional<Message> next();
  const std::optional<ParseError>& error() const { return error_; }
  Stage stage() const { return stage_; }
  bool mid_message() const;  // some octets of an unfinished message arrived
  const Message& current() const { return current_; }

  // Responses: the methods of the requests still unanswered, oldest first (HEAD's answer has no body).
  std::deque<std::string>& expected_methods() { return methods_; }

 private:
  void run();
  enum class LineStatus { Line, More, TooLong };
  LineStatus read_line(std::string_view& line, std::size_t limit);
  void fail(int status, std::string text);
  bool field_line(std::string_view line, Headers& into);
  void head_complete();
  void message_complete();

  Role role_;
  Limits limits_;
  std::string buffer_;
  std::size_t pos_ = 0;
  std::size_t scanned_ = 0;          // no '\n' in buffer_[pos_, scanned_)
  bool line_too_long_ = false;
  Stage stage_ = Stage::StartLine;
  Message current_;
  std::size_t field_bytes_ = 0;
  std::size_t field_count_ = 0;
  std::size_t remaining_ = 0;         // of the Content-Length body or of the current chunk
  std::size_t consumed_ = 0;          // octets of the current message so far
  std::deque<Message> done_;
  std::optional<ParseError> error_;
  std::deque<std::string> methods_;
};
}  // namespace detail

class RequestParser {
 public:
  explicit RequestParser(Limits limits = {});
  void feed(std::string_view data) { reader_.feed(data); }
  std::optional<ParsedRequest> next();  // the next complete request, in arrival order
  // Set once the input broke the protocol; stays set. Requests before it still come out of next().
  const std::optional<ParseError>& error() const { return reader_.error(); }
  bool mid_message() const { return reader_.mid_message(); }
  // The head of a request whose body is still arriving, with "Expect: 100-continue"
  // (RFC 9110 10.1.1): the server may send 100 Continue.
  bool awaiting_body_with_continue() const;

 private:
  detail::MessageReader reader_;
};

class ResponseParser {
 public:
  explicit ResponseParser(Limits limits = {});
  // The method of the request each response answers, in order: HEAD's response has no body.
  // A response that arrives with none expected is read as the answer to a GET.
  void expect(std::string method) { reader_.expected_methods().push_back(std::move(method)); }
  void feed(std::string_view data) { reader_.feed(data); }
  void finish() { reader_.finish(); }  // the server closed the connection
  std::optional<ParsedResponse> next();
  const std::optional<ParseError>& error() const { return reader_.error(); }
  bool mid_message() const { return reader_.mid_message(); }

 private:
  detail::MessageReader reader_;
};

// "GET /inbox HTTP/1.1" into its three parts, as RFC 9112 3 has them; 400 or 505 otherwise.
struct RequestLine {
  std::string method, target, version;
};
std::optional<RequestLine> parse_request_line(std::string_view line, ParseError& error);

// A peer's text for a message: at most 60 characters, controls and non-ASCII octets as \xNN.
std::string quote(std::string_view text);

}  // namespace wiresim::http
