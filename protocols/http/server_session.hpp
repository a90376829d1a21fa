// The server side of one HTTP/1.1 connection (RFC 9112 9): requests parsed in order, each
// handed to a handler, responses framed with Content-Length or chunked, the connection kept
// open or closed as RFC 9112 9.3 says, and an idle timeout. No TLS, no HTTP/2 upgrade.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/http/events.hpp"
#include "protocols/http/message.hpp"
#include "protocols/http/parser.hpp"
#include "sim/core/time.hpp"

namespace wiresim::http {

struct ServerConfig {
  std::string server_name = "wiresim";  // the Server field; empty: none is sent
  // Answers one request. The engine adds Date, Server, Content-Length and Connection, drops the
  // body of a HEAD response and of 1xx/204/304. A response with "Transfer-Encoding: chunked"
  // is sent chunked (to HTTP/1.1 clients; HTTP/1.0 ones get Content-Length). A handler that
  // does not know the method returns 501 itself. No handler: every request gets 404.
  std::function<Response(const Request&, Time now)> handler;
  // The Date field's value (RFC 9110 6.6.1), e.g. imf_fixdate of simulated time; none: no Date.
  std::function<std::string(Time now)> date;
  Duration idle_timeout = seconds(15);          // zero: never time out
  std::optional<std::size_t> max_requests;      // per connection; none: unlimited
  std::size_t chunk_size = 4096;                // octets per chunk when sending chunked
  Limits limits;
};

class ServerSession {
 public:
  explicit ServerSession(ServerConfig config);

  void on_connected(Time now);
  void on_bytes(std::string_view data, Time now);
  void on_closed(Time now);
  void on_timer(Time now);
  std::string take_outgoing();
  std::vector<Event> take_events();
  std::optional<Time> wake_at() const;
  bool wants_close() const { return closing_ || peer_closed_; }

  const Counters& counters() const { return counters_; }

 private:
  void serve(Time now);
  void answer(const ParsedRequest& parsed, Time now);
  // Frames and writes `response` to a request with this method and version.
  void send(std::string_view method, std::string_view request_version, Response response, bool close,
            std::string_view close_reason, Time now);
  void reject(int status, const std::string& text, Time now);
  void close(std::string text);
  void emit(Event event) { events_.push_back(std::move(event)); }

  ServerConfig config_;
  RequestParser parser_;
  std::string outgoing_;
  std::vector<Event> events_;
  Counters counters_;
  Time last_activity_{};
  bool connected_ = false;
  bool closing_ = false;      // we decided to close once the outgoing bytes are written
  bool peer_closed_ = false;
  bool continue_sent_ = false;  // 100 Continue already sent for the request being read
};

}  // namespace wiresim::http
