#include "protocols/http/server_session.hpp"

#include <utility>

namespace wiresim::http {

ServerSession::ServerSession(ServerConfig config) : config_(std::move(config)), parser_(config_.limits) {}

void ServerSession::on_connected(Time now) {
  connected_ = true;
  last_activity_ = now;
}

void ServerSession::on_bytes(std::string_view data, Time now) {
  if (closing_ || peer_closed_) return;  // after deciding to close, further requests are not read
  last_activity_ = now;
  parser_.feed(data);
  serve(now);
}

void ServerSession::on_closed(Time) {
  if (peer_closed_) return;
  peer_closed_ = true;
  if (closing_) return;
  closing_ = true;
  emit({.kind = EventKind::Closed,
        .text = parser_.mid_message() ? "client closed the connection in the middle of a request"
                                      : "client closed the connection"});
}

void ServerSession::on_timer(Time now) {
  const std::optional<Time> deadline = wake_at();
  if (!deadline || now < *deadline) return;
  std::string text = "idle for ";
  text += format_duration(config_.idle_timeout);
  if (parser_.mid_message()) {
    // RFC 9110 15.5.9: 408 tells a slow client why its half-sent request goes unanswered.
    text += " in the middle of a request";
    reject(408, "http: " + text, now);
    return;
  }
  text += ", server closes the connection";
  close(std::move(text));
}

std::string ServerSession::take_outgoing() { return std::exchange(outgoing_, {}); }
std::vector<Event> ServerSession::take_events() { return std::exchange(events_, {}); }

std::optional<Time> ServerSession::wake_at() const {
  if (!connected_ || closing_ || peer_closed_ || config_.idle_timeout <= Duration{}) return std::nullopt;
  return last_activity_ + config_.idle_timeout;
}

void ServerSession::close(std::string text) {
  closing_ = true;
  emit({.kind = EventKind::Closed, .text = std::move(text)});
}

void ServerSession::serve(Time now) {
  // RFC 9112 9.3.2: pipelined requests are answered in the order they came.
  while (!closing_) {
    std::optional<ParsedRequest> parsed = parser_.next();
    if (!parsed) break;
    answer(*parsed, now);
  }
  if (closing_) return;
  if (parser_.error()) {
    reject(parser_.error()->status, parser_.error()->text, now);
  } else if (parser_.awaiting_body_with_continue() && !continue_sent_) {
    // RFC 9110 10.1.1: the client waits for 100 before sending a body it announced.
    const std::string interim = "HTTP/1.1 100 Continue\r\n\r\n";
    outgoing_ += interim;
    counters_.head_bytes_sent += interim.size();
    continue_sent_ = true;
  }
}

void ServerSession::answer(const ParsedRequest& parsed, Time now) {
  const Request& request = parsed.request;
  continue_sent_ = false;
  emit({.kind = EventKind::Request,
        .text = request_line(request),
        .method = request.method,
        .target = request.target,
        .request_index = counters_.requests,
        .head_bytes = parsed.wire.head,
        .body_bytes = parsed.wire.body});
  ++counters_.requests;
  counters_.head_bytes_received += parsed.wire.head;
  counters_.body_bytes_received += parsed.wire.body;

  const bool http10 = request.version == "HTTP/1.0";
  // RFC 9112 3.2: an HTTP/1.1 request without exactly one Host field gets 400.
  const std::size_t hosts = request.headers.get_all("Host").size();
  if (!http10 && hosts != 1) {
    reject(400, hosts == 0 ? "http: expected a Host field in an HTTP/1.1 request, got none"
                           : "http: expected one Host field, got " + std::to_string(hosts),
           now);
    return;
  }

  // RFC 9112 9.3: HTTP/1.1 persists unless "close" is sent; HTTP/1.0 closes unless "keep-alive".
  std::string_view close_reason;
  if (request.headers.has_token("Connection", "close")) {
    close_reason = "the client asked to close";
  } else if (http10 && !request.headers.has_token("Connection", "keep-alive")) {
    close_reason = "an HTTP/1.0 client without keep-alive";
  } else if (config_.max_requests && counters_.requests >= *config_.max_requests) {
    close_reason = "the limit of requests per connection was reached";
  }
  Response response = config_.handler ? config_.handler(request, now) : Response{.status = 404, .body = "Not Found\n"};
  if (close_reason.empty() && response.headers.has_token("Connection", "close")) close_reason = "the handler asked to close";
  send(request.method, request.version, std::move(response), !close_reason.empty(), close_reason, now);
}

void ServerSession::send(std::string_view method, std::string_view request_version, Response response, bool close,
                         std::string_view close_reason, Time now) {
  Response out;
  out.status = response.status;
  out.reason = std::move(response.reason);
  if (config_.date) out.headers.add("Date", config_.date(now));
  if (!config_.server_name.empty()) out.headers.add("Server", config_.server_name);
  const bool wants_chunked = response.headers.has_token("Transfer-Encoding", "chunked");
  for (const Field& field : response.headers) {
    if (iequals(field.name, "Content-Length") || iequals(field.name, "Transfer-Encoding") ||
        iequals(field.name, "Connection") || iequals(field.name, "Date") || iequals(field.name, "Server"))
      continue;
    out.headers.add(field.name, field.value);
  }
  const bool http10 = request_version == "HTTP/1.0";
  std::string body;
  if (!has_no_content(out.status)) {
    // RFC 9112 6.1: chunked is never sent to an HTTP/1.0 recipient.
    if (wants_chunked && !http10) {
      out.headers.add("Transfer-Encoding", "chunked");
      body = encode_chunked(response.body, config_.chunk_size, response.trailers);
    } else {
      out.headers.add("Content-Length", std::to_string(response.body.size()));
      body = std::move(response.body);
    }
  }
  // RFC 9110 9.3.2: a HEAD response has the fields a GET would get, without the content.
  if (method == "HEAD") body.clear();
  if (close) {
    out.headers.add("Connection", "close");  // RFC 9112 9.6
  } else if (http10) {
    out.headers.add("Connection", "keep-alive");
  }
  const std::string head = serialize_head(out);
  outgoing_ += head;
  outgoing_ += body;
  ++counters_.responses;
  counters_.head_bytes_sent += head.size();
  counters_.body_bytes_sent += body.size();
  emit({.kind = EventKind::Response,
        .text = status_line(out),
        .status = out.status,
        .request_index = counters_.responses - 1,
        .head_bytes = head.size(),
        .body_bytes = body.size()});
  if (close) {
    std::string text = "server closes the connection after the response (";
    text += close_reason;
    text += ")";
    this->close(std::move(text));
  }
}

void ServerSession::reject(int status, const std::string& text, Time now) {
  emit({.kind = EventKind::ProtocolError, .text = text, .status = status});
  Response response{.status = status, .headers = {{"Content-Type", "text/plain"}}};
  response.body = std::string(reason_phrase(status)) + ": " + text + "\n";
  // RFC 9112 9.6 / 11.2: after a framing error the rest of the stream cannot be trusted.
  send("GET", "HTTP/1.1", std::move(response), true, "after an error", now);
}

}  // namespace wiresim::http
