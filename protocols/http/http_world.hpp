// HTTP state kept once per world: every fetch an http-get action made (connections opened, head
// and body octets, start and end), for the note, the JSON report and the http-fetch expectation.
#pragma once

#include <string>
#include <vector>

#include "sim/core/time.hpp"
#include "sim/scenario/world.hpp"

namespace wiresim::http {

// One http-get action, as the client saw it.
struct FetchRecord {
  std::string host, server;  // node names
  bool persistent = true, pipelined = false;
  std::vector<std::string> paths;
  std::vector<int> statuses;        // per path; 0: no response
  std::uint64_t files = 0;          // paths answered with a 2xx status
  std::uint64_t connections = 0;    // TCP connections opened (SYNs sent)
  std::uint64_t head_bytes = 0;     // request and response heads, both directions
  std::uint64_t body_bytes = 0;     // response bodies received, on the wire
  Time start{}, end{};              // the first SYN; the last response's last octet
  bool finished = false;            // every path answered or given up on
};

// "5 files, 1 connection, 1290 header bytes, 209920 body bytes, 0.245 s (persistent)"
std::string summary(const FetchRecord& r);

class HttpWorld : public WorldService {
 public:
  explicit HttpWorld(World&) {}
  // A new record, kept until the world ends (the action fills it in as it goes).
  FetchRecord& add_fetch(FetchRecord r);
  const std::vector<FetchRecord*>& fetches() const { return fetch_view_; }
  void report(nlohmann::ordered_json& out) const override;

 private:
  std::vector<std::unique_ptr<FetchRecord>> fetches_;  // stable addresses for the running actions
  std::vector<FetchRecord*> fetch_view_;
};

}  // namespace wiresim::http
