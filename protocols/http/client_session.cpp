#include "protocols/http/client_session.hpp"

#include <utility>

namespace wiresim::http {

ClientSession::ClientSession(ClientConfig config) : config_(std::move(config)), parser_(config_.limits) {}

std::size_t ClientSession::request(Request request) {
  entries_.push_back({std::move(request)});
  send_ready();
  return entries_.size() - 1;
}

void ClientSession::close() {
  if (closing_ || closed_) return;
  closing_ = true;
  if (next_to_answer_ < entries_.size()) report_unanswered("the client closed");
  emit({.kind = EventKind::Closed, .text = "client closes the connection"});
}

void ClientSession::on_connected(Time) {
  connected_ = true;
  send_ready();
}

void ClientSession::send_ready() {
  if (!connected_ || closing_ || closed_) return;
  while (next_to_send_ < entries_.size()) {
    // Without pipelining the next request waits for the previous response (RFC 9112 9.3.2);
    // a non-persistent connection carries a single request.
    if (!config_.pipelining && next_to_send_ != next_to_answer_) return;
    if (!config_.persistent && next_to_send_ > 0) return;
    Entry& entry = entries_[next_to_send_];
    Request request = entry.request;  // the queued one stays as given, for a caller that resends it
    Headers headers;
    if (!request.headers.has("Host") && !config_.host.empty()) headers.add("Host", config_.host);
    if (!request.headers.has("User-Agent") && !config_.user_agent.empty()) headers.add("User-Agent", config_.user_agent);
    for (const Field& field : request.headers)
      if (!iequals(field.name, "Content-Length")) headers.add(field.name, field.value);
    // RFC 9110 8.6: a request with content, or a method that expects some, states its length.
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH")
      headers.add("Content-Length", std::to_string(request.body.size()));
    if (!request.headers.has("Connection")) {
      // RFC 9112 9.6: a client that will not send another request says so.
      if (!config_.persistent) {
        headers.add("Connection", "close");
      } else if (request.version == "HTTP/1.0") {
        headers.add("Connection", "keep-alive");
      }
    }
    request.headers = std::move(headers);
    const std::string head = serialize_head(request);
    outgoing_ += head;
    outgoing_ += request.body;
    parser_.expect(request.method);
    entry.sent = true;
    ++counters_.requests;
    counters_.head_bytes_sent += head.size();
    counters_.body_bytes_sent += request.body.size();
    emit({.kind = EventKind::Request,
          .text = request_line(request),
          .method = request.method,
          .target = request.target,
          .request_index = next_to_send_,
          .head_bytes = head.size(),
          .body_bytes = request.body.size()});
    ++next_to_send_;
  }
}

void ClientSession::on_bytes(std::string_view data, Time) {
  if (closed_) return;
  parser_.feed(data);
  take_responses();
}

void ClientSession::on_closed(Time) {
  if (closed_) return;
  parser_.finish();  // a body delimited by the close is complete now
  take_responses();
  closed_ = true;
  if (closing_) return;
  if (next_to_answer_ < entries_.size()) report_unanswered("the server closed the connection");
  emit({.kind = EventKind::Closed, .text = "server closed the connection"});
}

void ClientSession::take_responses() {
  while (!closing_) {
    std::optional<ParsedResponse> parsed = parser_.next();
    if (!parsed) break;
    on_response(std::move(*parsed));
  }
  if (parser_.error() && !closing_) on_parse_error();
}

void ClientSession::on_response(ParsedResponse parsed) {
  Response& response = parsed.response;
  counters_.head_bytes_received += parsed.wire.head;
  counters_.body_bytes_received += parsed.wire.body;
  // RFC 9110 15.2: interim responses precede the final one; the client just goes on.
  if (is_informational(response.status)) return;
  if (next_to_answer_ >= next_to_send_) {
    emit({.kind = EventKind::ProtocolError,
          .text = "http: expected no response with no request outstanding, got " + quote(status_line(response)),
          .status = response.status});
    finish("client closes the connection after an unexpected response");
    return;
  }
  const std::size_t index = next_to_answer_++;
  entries_[index].answered = true;
  ++counters_.responses;
  const Request& request = entries_[index].request;
  const bool server_closes = response.headers.has_token("Connection", "close") || parsed.delimited_by_close ||
                             (response.version == "HTTP/1.0" && !response.headers.has_token("Connection", "keep-alive"));
  emit({.kind = EventKind::Response,
        .text = status_line(response),
        .method = request.method,
        .target = request.target,
        .status = response.status,
        .request_index = index,
        .headers = std::move(response.headers),
        .body = std::move(response.body),
        .head_bytes = parsed.wire.head,
        .body_bytes = parsed.wire.body});
  if (closed_) return;
  if (server_closes && config_.persistent) {
    if (next_to_answer_ < entries_.size()) report_unanswered("the server closes the connection");
    finish("client closes the connection: the server said it closes");
    return;
  }
  if (!config_.persistent) {
    if (next_to_answer_ < entries_.size()) report_unanswered("a non-persistent connection carries one request");
    finish("client closes the connection after one request (non-persistent)");
    return;
  }
  send_ready();
  if (config_.close_when_done && next_to_answer_ == entries_.size() && !closing_) {
    std::string text = "client closes the connection: all ";
    text += std::to_string(entries_.size());
    text += entries_.size() == 1 ? " request answered" : " requests answered";
    finish(std::move(text));
  }
}

void ClientSession::on_parse_error() {
  emit({.kind = EventKind::ProtocolError, .text = parser_.error()->text});
  if (next_to_answer_ < entries_.size()) report_unanswered("the response could not be parsed");
  finish("client closes the connection after a malformed response");
}

void ClientSession::finish(std::string text) {
  if (closing_) return;
  closing_ = true;
  emit({.kind = EventKind::Closed, .text = std::move(text)});
}

void ClientSession::report_unanswered(std::string_view why) {
  if (reported_) return;
  reported_ = true;
  const std::vector<std::size_t> missing = unanswered();
  const std::size_t sent = missing.size() - unsent().size();
  std::string text = "http: ";
  text += std::to_string(missing.size());
  text += missing.size() == 1 ? " request" : " requests";
  text += " unanswered (";
  text += std::to_string(sent);
  text += " sent, ";
  text += std::to_string(missing.size() - sent);
  text += " never sent): ";
  text += why;
  emit({.kind = EventKind::Error, .text = std::move(text), .request_index = missing.front()});
}

std::vector<std::size_t> ClientSession::unanswered() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < entries_.size(); ++i)
    if (!entries_[i].answered) out.push_back(i);
  return out;
}

std::vector<std::size_t> ClientSession::unsent() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < entries_.size(); ++i)
    if (!entries_[i].sent) out.push_back(i);
  return out;
}

std::string ClientSession::take_outgoing() { return std::exchange(outgoing_, {}); }
std::vector<Event> ClientSession::take_events() { return std::exchange(events_, {}); }

}  // namespace wiresim::http
