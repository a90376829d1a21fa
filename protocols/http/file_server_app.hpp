// The http-server scenario app: a few files from the scenario served on port 80 by one
// ServerSession per TCP connection. GET and HEAD only; no directories, no index pages, no
// conditional or range requests.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "protocols/http/server_session.hpp"
#include "sim/scenario/app.hpp"
#include "sim/core/generated_content.hpp"
#include "sim/scenario/stream_session.hpp"
#include "sim/scenario/world.hpp"

namespace wiresim::http {

// The deterministic content of a file given by its size (sim/core/generated_content.hpp),
// the same bytes as ftp-server's generated files.
using wiresim::generated_content;

class FileServerApp : public App {
 public:
  explicit FileServerApp(AppContext& c);
  void start() override;
  void stop() override;
  void report(nlohmann::ordered_json& out) const override;

  // What a request gets: 200 with the file, 404, 405 (with Allow) or 501.
  Response answer(const Request& request);

 private:
  void accept(TcpConnection& conn);

  World& world_;
  NodeId node_;
  std::uint16_t port_ = Port;
  std::map<std::string, std::string> files_;  // absolute path -> content
  std::vector<std::unique_ptr<StreamSession<ServerSession>>> sessions_;
  std::uint64_t connections_ = 0, requests_ = 0;
  std::map<int, std::uint64_t> statuses_;
  bool listening_ = false;
};

}  // namespace wiresim::http
