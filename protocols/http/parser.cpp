#include "protocols/http/parser.hpp"

#include <algorithm>
#include <cstdio>

namespace wiresim::http {

std::string quote(std::string_view text) {
  constexpr std::size_t Max = 60;
  std::string out = "\"";
  std::size_t shown = 0;
  for (const char c : text) {
    if (shown == Max) {
      out += "...";
      break;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7F || c == '"' || c == '\\') {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
      out += escaped;
    } else {
      out += c;
    }
    ++shown;
  }
  out += '"';
  return out;
}

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 9112 2.3: HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive.
bool is_http_version(std::string_view v) {
  return v.size() == 8 && v.substr(0, 5) == "HTTP/" && is_digit(v[5]) && v[6] == '.' && is_digit(v[7]);
}

// RFC 9110 5.5: a field value holds no CR, LF or NUL; other controls but HTAB are rejected too.
bool is_field_value(std::string_view value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7F;
  });
}

// RFC 9110 8.6: Content-Length = 1*DIGIT; a list of equal values is accepted as one value.
std::optional<std::size_t> content_length(const std::vector<std::string_view>& lines, ParseError& error) {
  std::optional<std::size_t> length;
  for (const std::string_view line : lines) {
    const std::vector<std::string_view> values = split_list(line);
    if (values.empty()) {
      error = {400, "http: expected a number in Content-Length, got " + quote(line)};
      return std::nullopt;
    }
    for (const std::string_view value : values) {
      if (value.size() > 15 || !std::all_of(value.begin(), value.end(), is_digit)) {
        error = {400, "http: expected a number of at most 15 digits in Content-Length, got " + quote(value)};
        return std::nullopt;
      }
      std::size_t n = 0;
      for (const char c : value) n = n * 10 + static_cast<std::size_t>(c - '0');
      if (length && *length != n) {
        // RFC 9112 6.3 item 5: differing lengths make the framing unreliable.
        std::string text = "http: conflicting Content-Length values ";
        text += std::to_string(*length);
        text += " and ";
        text += std::to_string(n);
        error = {400, std::move(text)};
        return std::nullopt;
      }
      length = n;
    }
  }
  return length;
}

}  // namespace

std::optional<RequestLine> parse_request_line(std::string_view line, ParseError& error) {
  // RFC 9112 3: request-line = method SP request-target SP HTTP-version
  const std::size_t first = line.find(' ');
  const std::size_t last = line.rfind(' ');
  const auto bad = [&](std::string_view what) {
    std::string text = "http: expected ";
    text += what;
    text += " in the request line, got ";
    text += quote(line);
    error = {400, std::move(text)};
    return std::nullopt;
  };
  if (first == std::string_view::npos || first == last) return bad("\"METHOD target HTTP/1.1\"");
  RequestLine out{std::string(line.substr(0, first)), std::string(line.substr(first + 1, last - first - 1)),
                  std::string(line.substr(last + 1))};
  if (!is_token(out.method)) return bad("a method made of token characters");
  const bool target_ok = !out.target.empty() && std::none_of(out.target.begin(), out.target.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7F;
  });
  if (!target_ok) return bad("a request target without spaces or controls");
  if (!is_http_version(out.version)) return bad("a version such as HTTP/1.1");
  if (out.version[5] != '1') {
    // RFC 9110 15.6.6: 505 for a major version the server does not support.
    error = {505, "http: version " + quote(out.version) + " is not supported, expected HTTP/1.x"};
    return std::nullopt;
  }
  return out;
}

namespace {
struct StatusLine {
  std::string version;
  int status = 0;
  std::string reason;
};

// RFC 9112 4: status-line = HTTP-version SP status-code SP [ reason-phrase ]. The SP before an
// empty reason is often missing in practice, so it is optional here.
std::optional<StatusLine> parse_status_line(std::string_view line, ParseError& error) {
  const std::string_view version = line.substr(0, line.find(' '));
  const std::string_view code = line.size() > version.size() ? line.substr(version.size() + 1, 3) : "";
  const std::string_view rest = line.substr(std::min(line.size(), version.size() + 1 + 3));
  if (!is_http_version(version) || version[5] != '1' || code.size() != 3 ||
      !std::all_of(code.begin(), code.end(), is_digit) || code[0] == '0' || (!rest.empty() && rest.front() != ' ')) {
    error = {400, "http: expected a status line \"HTTP/1.1 200 OK\", got " + quote(line)};
    return std::nullopt;
  }
  StatusLine out{std::string(version), (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0'),
                 std::string(rest.empty() ? rest : rest.substr(1))};
  return out;
}

// The start line and the rules that make a message carry no body whatever its fields say.
std::optional<ParseError> check_request_head(const std::string& start_line, const Headers& headers) {
  ParseError error;
  const std::optional<RequestLine> line = parse_request_line(start_line, error);
  if (!line) return error;
  // RFC 9112 6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
  if (line->version == "HTTP/1.0" && headers.has("Transfer-Encoding"))
    return ParseError{400, "http: Transfer-Encoding is not defined for HTTP/1.0 requests"};
  return std::nullopt;
}

std::optional<ParseError> check_response_head(const std::string& start_line, std::deque<std::string>& methods,
                                              bool& no_body) {
  ParseError error;
  const std::optional<StatusLine> line = parse_status_line(start_line, error);
  if (!line) return error;
  if (is_informational(line->status)) {
    no_body = true;  // an interim response: the final one for the same request follows
    return std::nullopt;
  }
  std::string method = "GET";
  if (!methods.empty()) {
    method = std::move(methods.front());
    methods.pop_front();
  }
  // RFC 9110 9.3.2 and 6.4.1: HEAD, 204 and 304 responses never carry content.
  no_body = method == "HEAD" || has_no_content(line->status);
  return std::nullopt;
}

}  // namespace

namespace detail {

void MessageReader::feed(std::string_view data) {
  if (stage_ == Stage::Failed) return;
  if (pos_ > 0 && pos_ * 2 >= buffer_.size()) {
    buffer_.erase(0, pos_);
    scanned_ = scanned_ > pos_ ? scanned_ - pos_ : 0;
    pos_ = 0;
  }
  buffer_.append(data);
  run();
}

void MessageReader::fail(int status, std::string text) {
  error_ = ParseError{status, std::move(text)};
  stage_ = Stage::Failed;
  buffer_.clear();
  pos_ = scanned_ = 0;
}

bool MessageReader::mid_message() const {
  if (stage_ == Stage::Failed) return false;
  if (stage_ != Stage::StartLine) return true;
  return pos_ < buffer_.size();
}

MessageReader::LineStatus MessageReader::read_line(std::string_view& line, std::size_t limit) {
  const std::size_t newline = buffer_.find('\n', std::max(scanned_, pos_));
  if (newline == std::string::npos) {
    scanned_ = buffer_.size();
    // One more octet may be the CR of the line's CRLF.
    return buffer_.size() - pos_ > limit + 1 ? LineStatus::TooLong : LineStatus::More;
  }
  std::size_t end = newline;
  // RFC 9112 2.2: a recipient may take a bare LF as the line terminator.
  if (end > pos_ && buffer_[end - 1] == '\r') --end;
  if (end - pos_ > limit) return LineStatus::TooLong;
  line = std::string_view(buffer_).substr(pos_, end - pos_);
  consumed_ += newline + 1 - pos_;
  pos_ = newline + 1;
  return LineStatus::Line;
}

bool MessageReader::field_line(std::string_view line, Headers& into) {
  const std::string_view section = stage_ == Stage::Trailers ? "trailer section" : "field section";
  if (line.front() == ' ' || line.front() == '\t') {
    // RFC 9112 5.2: obs-fold. A server rejects it with 400; a user agent replaces it with SP.
    if (role_ == Role::Request || into.empty()) {
      fail(400, "http: obs-fold (a field line starting with whitespace) is not allowed in the " + std::string(section) +
                    ", got " + quote(line));
      return false;
    }
    Field& last = into.back();
    last.value += ' ';
    last.value += trim_whitespace(line);
    return true;
  }
  const std::size_t colon = line.find(':');
  const std::string_view name = line.substr(0, colon);
  // RFC 9112 5.1: no whitespace is allowed between the field name and the colon.
  if (colon == std::string_view::npos || !is_token(name)) {
    fail(400, "http: expected a field line \"name: value\" in the " + std::string(section) + ", got " + quote(line));
    return false;
  }
  const std::string_view value = trim_whitespace(line.substr(colon + 1));
  if (!is_field_value(value)) {
    fail(400, "http: control characters in the value of field " + quote(name) + ", got " + quote(value));
    return false;
  }
  if (++field_count_ > limits_.max_fields) {
    fail(431, "http: the " + std::string(section) + " has more than " + std::to_string(limits_.max_fields) + " fields");
    return false;
  }
  into.add(std::string(name), std::string(value));
  return true;
}

void MessageReader::head_complete() {
  current_.wire.head = consumed_;
  bool no_body = false;
  std::optional<ParseError> e = role_ == Role::Request ? check_request_head(current_.start_line, current_.headers)
                                                       : check_response_head(current_.start_line, methods_, no_body);
  if (e) return fail(e->status, std::move(e->text));
  if (no_body) {
    message_complete();
    return;
  }
  const std::vector<std::string_view> te_lines = current_.headers.get_all("Transfer-Encoding");
  const std::vector<std::string_view> cl_lines = current_.headers.get_all("Content-Length");
  if (!te_lines.empty()) {
    std::vector<std::string_view> codings;
    for (const std::string_view line : te_lines)
      for (const std::string_view coding : split_list(line)) codings.push_back(coding);
    const bool chunked_last = !codings.empty() && iequals(codings.back(), "chunked");
    if (role_ == Role::Request) {
      // RFC 9112 6.1: a request with both may be an attempt at request smuggling.
      if (!cl_lines.empty()) return fail(400, "http: a request must not carry both Transfer-Encoding and Content-Length");
      // RFC 9112 6.3 item 4: without chunked last the length of a request cannot be known.
      if (!chunked_last)
        return fail(400, "http: expected \"chunked\" as the last transfer coding, got " + quote(te_lines.back()));
      for (std::size_t i = 0; i + 1 < codings.size(); ++i)
        if (!iequals(codings[i], "chunked"))
          return fail(501, "http: transfer coding " + quote(codings[i]) + " is not implemented");
    }
    // RFC 9112 6.3 item 3: Transfer-Encoding overrides Content-Length in a response.
    stage_ = chunked_last ? Stage::ChunkSize : Stage::UntilClose;
    return;
  }
  if (!cl_lines.empty()) {
    ParseError error;
    const std::optional<std::size_t> length = content_length(cl_lines, error);
    if (!length) return fail(error.status, std::move(error.text));
    if (*length > limits_.max_body) {
      std::string text = "http: the body of ";
      text += std::to_string(*length);
      text += " octets exceeds the limit of ";
      text += std::to_string(limits_.max_body);
      return fail(413, std::move(text));
    }
    remaining_ = *length;
    if (remaining_ == 0) return message_complete();
    current_.body.reserve(remaining_);
    stage_ = Stage::Body;
    return;
  }
  // RFC 9112 6.3 items 7 and 8: a request without either has no body; a response runs to the close.
  if (role_ == Role::Request) return message_complete();
  stage_ = Stage::UntilClose;
}

void MessageReader::message_complete() {
  current_.wire.body = consumed_ - current_.wire.head;
  done_.push_back(std::move(current_));
  current_ = Message{};
  field_bytes_ = field_count_ = remaining_ = consumed_ = 0;
  stage_ = Stage::StartLine;
}

void MessageReader::run() {
  while (stage_ != Stage::Failed) {
    std::string_view line;
    switch (stage_) {
      case Stage::StartLine: {
        const LineStatus status = read_line(line, limits_.max_start_line);
        if (status == LineStatus::More) return;
        if (status == LineStatus::TooLong) {
          if (role_ == Role::Request)
            return fail(414, "http: the request line is longer than " + std::to_string(limits_.max_start_line) + " octets");
          return fail(400, "http: the status line is longer than " + std::to_string(limits_.max_start_line) + " octets");
        }
        // RFC 9112 2.2: empty lines before the request line are ignored (robustness).
        if (line.empty()) continue;
        current_.start_line = std::string(line);
        stage_ = Stage::Fields;
        break;
      }
      case Stage::Fields:
      case Stage::Trailers: {
        const std::size_t budget = limits_.max_field_section - std::min(field_bytes_, limits_.max_field_section);
        const std::size_t before = consumed_;
        const LineStatus status = read_line(line, budget);
        if (status == LineStatus::More) return;
        if (status == LineStatus::TooLong)
          return fail(431, "http: the " + std::string(stage_ == Stage::Fields ? "field" : "trailer") +
                               " section is longer than " + std::to_string(limits_.max_field_section) + " octets");
        field_bytes_ += consumed_ - before;
        if (line.empty()) {
          if (stage_ == Stage::Fields) {
            head_complete();
          } else {
            message_complete();
          }
          break;
        }
        if (!field_line(line, stage_ == Stage::Fields ? current_.headers : current_.trailers)) return;
        break;
      }
      case Stage::Body:
      case Stage::ChunkData: {
        const std::size_t n = std::min(remaining_, buffer_.size() - pos_);
        current_.body.append(buffer_, pos_, n);
        pos_ += n;
        consumed_ += n;
        remaining_ -= n;
        if (remaining_ > 0) return;
        if (stage_ == Stage::Body) {
          message_complete();
        } else {
          stage_ = Stage::ChunkDataEnd;
        }
        break;
      }
      case Stage::ChunkSize: {
        const LineStatus status = read_line(line, limits_.max_start_line);
        if (status == LineStatus::More) return;
        if (status == LineStatus::TooLong)
          return fail(400, "http: a chunk size line is longer than " + std::to_string(limits_.max_start_line) + " octets");
        // RFC 9112 7.1: chunk-size [ chunk-ext ] CRLF; extensions are ignored (7.1.1).
        std::size_t digits = 0;
        std::size_t size = 0;
        while (digits < line.size() && hex_value(line[digits]) >= 0) {
          size = size * 16 + static_cast<std::size_t>(hex_value(line[digits]));
          ++digits;
          if (digits > 15) return fail(400, "http: the chunk size is too large, got " + quote(line));
        }
        const std::string_view rest = trim_whitespace(line.substr(digits));
        if (digits == 0 || (!rest.empty() && rest.front() != ';'))
          return fail(400, "http: expected a chunk size in hex (with optional ;extensions), got " + quote(line));
        if (size == 0) {
          stage_ = Stage::Trailers;
          break;
        }
        if (current_.body.size() + size > limits_.max_body)
          return fail(413, "http: the chunked body exceeds the limit of " + std::to_string(limits_.max_body) + " octets");
        remaining_ = size;
        stage_ = Stage::ChunkData;
        break;
      }
      case Stage::ChunkDataEnd: {
        // RFC 9112 7.1: chunk-data CRLF. The octets are checked one by one (not read as a line)
        // so the error names the same octet whatever the split.
        if (pos_ == buffer_.size()) return;
        std::size_t end = pos_;
        if (buffer_[end] == '\r') {
          if (++end == buffer_.size()) return;
        }
        if (buffer_[end] != '\n')
          return fail(400, "http: expected CRLF after the chunk data, got " +
                               quote(std::string_view(buffer_).substr(pos_, end - pos_ + 1)));
        consumed_ += end + 1 - pos_;
        pos_ = end + 1;
        stage_ = Stage::ChunkSize;
        break;
      }
      case Stage::UntilClose: {
        const std::size_t n = buffer_.size() - pos_;
        if (current_.body.size() + n > limits_.max_body)
          return fail(413, "http: the body read until close exceeds the limit of " + std::to_string(limits_.max_body) +
                               " octets");
        current_.body.append(buffer_, pos_, n);
        pos_ += n;
        consumed_ += n;
        return;
      }
      case Stage::Failed: return;
    }
  }
}

void MessageReader::finish() {
  switch (stage_) {
    case Stage::Failed: return;
    case Stage::UntilClose:
      current_.delimited_by_close = true;
      message_complete();
      return;
    case Stage::StartLine:
      if (pos_ == buffer_.size()) return;
      return fail(400, "http: the connection closed in the middle of the start line " +
                           quote(std::string_view(buffer_).substr(pos_)));
    case Stage::Fields:
    case Stage::Trailers:
      return fail(400, "http: the connection closed in the middle of the " +
                           std::string(stage_ == Stage::Fields ? "field" : "trailer") + " section");
    case Stage::Body: {
      std::string text = "http: the connection closed with ";
      text += std::to_string(remaining_);
      text += " octets of the body missing";
      return fail(400, std::move(text));
    }
    case Stage::ChunkSize:
    case Stage::ChunkData:
    case Stage::ChunkDataEnd: return fail(400, "http: the connection closed in the middle of a chunked body");
  }
}

std::optional<MessageReader::Message> MessageReader::next() {
  if (done_.empty()) return std::nullopt;
  Message m = std::move(done_.front());
  done_.pop_front();
  return m;
}

}  // namespace detail

RequestParser::RequestParser(Limits limits) : reader_(detail::MessageReader::Role::Request, limits) {}

std::optional<ParsedRequest> RequestParser::next() {
  std::optional<detail::MessageReader::Message> m = reader_.next();
  if (!m) return std::nullopt;
  ParseError unused;
  RequestLine line = *parse_request_line(m->start_line, unused);
  ParsedRequest out;
  out.request.method = std::move(line.method);
  out.request.target = std::move(line.target);
  out.request.version = std::move(line.version);
  out.request.headers = std::move(m->headers);
  out.request.trailers = std::move(m->trailers);
  out.request.body = std::move(m->body);
  out.wire = m->wire;
  return out;
}

bool RequestParser::awaiting_body_with_continue() const {
  using Stage = detail::MessageReader::Stage;
  const Stage stage = reader_.stage();
  if (stage != Stage::Body && stage != Stage::ChunkSize) return false;
  const detail::MessageReader::Message& m = reader_.current();
  return m.body.empty() && m.headers.has_token("Expect", "100-continue") &&
         m.start_line.ends_with("HTTP/1.1");
}

ResponseParser::ResponseParser(Limits limits) : reader_(detail::MessageReader::Role::Response, limits) {}

std::optional<ParsedResponse> ResponseParser::next() {
  std::optional<detail::MessageReader::Message> m = reader_.next();
  if (!m) return std::nullopt;
  ParseError unused;
  StatusLine line = *parse_status_line(m->start_line, unused);
  ParsedResponse out;
  out.response.version = std::move(line.version);
  out.response.status = line.status;
  out.response.reason = std::move(line.reason);
  out.response.headers = std::move(m->headers);
  out.response.trailers = std::move(m->trailers);
  out.response.body = std::move(m->body);
  out.wire = m->wire;
  out.delimited_by_close = m->delimited_by_close;
  return out;
}

}  // namespace wiresim::http
