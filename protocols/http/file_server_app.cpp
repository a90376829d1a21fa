// The http-server app: reads `files` and `port`, listens, and answers GET and HEAD from the
// files it holds. The HTTP itself (framing, persistence, errors) is the ServerSession's.
#include "protocols/http/file_server_app.hpp"

#include <nlohmann/json.hpp>

#include "protocols/http/url.hpp"
#include "protocols/mime/media_types.hpp"
#include "sim/core/units.hpp"
#include "sim/scenario/table_reader.hpp"
#include "sim/trace/app_events.hpp"

namespace wiresim::http {
namespace {

// Generated files are built in memory when the app loads; this bounds them.
constexpr std::uint64_t MaxGeneratedSize = 64ull * 1024 * 1024;
// 2024-01-01T00:00:00Z, the epoch of simulated time for Date fields (as FTP's and mail's dates).
constexpr std::int64_t Epoch = 1704067200;

// A size is written with a unit ending in B ("200KB", "1500B", "64KiB"); anything else is text.
std::optional<std::uint64_t> size_of(const std::string& text) {
  if (text.empty() || text.back() != 'B') return std::nullopt;
  auto size = parse_bytes(text);
  if (!size) return std::nullopt;
  return *size;
}

std::string html_page(int status, const std::string& detail) {
  const std::string title = std::to_string(status) + " " + std::string(reason_phrase(status));
  return "<html><head><title>" + title + "</title></head><body><h1>" + title + "</h1><p>" + detail +
         "</p></body></html>\n";
}

}  // namespace

FileServerApp::FileServerApp(AppContext& c) : world_(c.world), node_(c.node) {
  TableReader& t = c.table;
  // Files: "/index.html:<html>...</html>" (its text) or "/big.bin:200KB" (a size: generated
  // content), as ftp-server writes them; "/empty.txt" is an empty file.
  const std::vector<std::string> files = t.string_list_or("files", {});
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string& f = files[i];
    const auto colon = f.find(':');
    const std::string path = f.substr(0, colon);
    if (path.empty() || path[0] != '/' || path.back() == '/')
      t.fail_element("files", i, "a file starts with its absolute path, as in \"/index.html:<h1>Hi</h1>\" or \"/big.bin:200KB\"; got \"" + f + "\"");
    if (files_.count(path)) t.fail_element("files", i, "'" + path + "' is listed twice");
    const std::string rest = colon == std::string::npos ? "" : f.substr(colon + 1);
    const std::optional<std::uint64_t> size = size_of(rest);
    if (size && *size > MaxGeneratedSize)
      t.fail_element("files", i, "a generated file is at most " + format_bytes(MaxGeneratedSize) + "; got " + rest);
    files_[path] = size ? generated_content(*size, path) : rest;
  }
  port_ = static_cast<std::uint16_t>(t.integer_or("port", 1, 65535, Port));
  if (auto clash = world_.claim_port(node_, "TCP", port_); !clash.empty()) t.fail("port", clash);
}

Response FileServerApp::answer(const Request& request) {
  Response response;
  const bool known_method = request.method == "GET" || request.method == "HEAD";
  // RFC 9110 9.1: methods a server knows but this resource does not allow get 405 with Allow;
  // ones it does not know at all, 501.
  static const std::string_view Standard[] = {"POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};
  if (!known_method) {
    const bool standard = std::find(std::begin(Standard), std::end(Standard), request.method) != std::end(Standard);
    response.status = standard ? 405 : 501;
    if (standard) response.headers.add("Allow", "GET, HEAD");
    response.headers.add("Content-Type", "text/html");
    response.body = html_page(response.status, "This server only serves files, with GET and HEAD.");
    return response;
  }
  auto decoded = percent_decode(split_target(request.target).path);
  auto found = decoded ? files_.find(*decoded) : files_.end();
  if (found == files_.end()) {
    response.status = 404;
    response.headers.add("Content-Type", "text/html");
    response.body = html_page(404, "No file here.");
    return response;
  }
  response.headers.add("Content-Type", std::string(mime::media_type_for(found->first)));
  response.body = found->second;  // the engine drops it again for HEAD, keeping Content-Length
  return response;
}

void FileServerApp::start() {
  (void)world_.stack(node_).tcp.listen(port_, [this](TcpConnection& conn) { accept(conn); });
  listening_ = true;
}

void FileServerApp::stop() {
  if (listening_) world_.stack(node_).tcp.stop_listening(port_);
  listening_ = false;
}

void FileServerApp::accept(TcpConnection& conn) {
  ++connections_;
  // Finished sessions go when the next one comes: never from inside their own callbacks.
  std::erase_if(sessions_, [](const auto& s) { return s->finished(); });
  ServerConfig config;
  config.server_name = "wiresim-httpd";
  config.date = [](Time now) { return imf_fixdate(Epoch + now.ns / 1'000'000'000); };
  config.handler = [this](const Request& request, Time) { return answer(request); };
  const std::string name = world_.net.node(node_).name();
  // The transcript shows each response's head and its first body line, not the whole file.
  StreamSessionOptions options{name, "http", "S", 9};
  auto session = std::make_unique<StreamSession<ServerSession>>(
      world_.sim, conn, options,
      [this, name](const Event& e) {
        if (e.kind == EventKind::Request) ++requests_;
        if (e.kind == EventKind::Response) ++statuses_[e.status];
        if (e.kind == EventKind::ProtocolError)
          world_.sim.trace().publish(AppMessage{name, "http", "", "error: " + e.text});
      },
      nullptr, std::move(config));
  session->start_connected();
  sessions_.push_back(std::move(session));
}

void FileServerApp::report(nlohmann::ordered_json& out) const {
  out["app"] = "http-server";
  out["host"] = world_.net.node(node_).name();
  out["port"] = port_;
  out["files"] = files_.size();
  out["connections"] = connections_;
  out["requests"] = requests_;
  nlohmann::ordered_json statuses = nlohmann::ordered_json::object();
  for (const auto& [status, n] : statuses_) statuses[std::to_string(status)] = n;
  out["responses"] = statuses;
}

}  // namespace wiresim::http
