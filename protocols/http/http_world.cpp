#include "protocols/http/http_world.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "sim/core/units.hpp"

namespace wiresim::http {

std::string summary(const FetchRecord& r) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f s", (r.end - r.start).seconds());
  std::string text = counted(r.files, "file");
  if (r.files != r.paths.size()) text += " of " + std::to_string(r.paths.size());
  text += ", " + counted(r.connections, "connection") + ", " + std::to_string(r.head_bytes) + " header bytes, " +
          std::to_string(r.body_bytes) + " body bytes, " + seconds;
  text += r.persistent ? (r.pipelined ? " (persistent, pipelined)" : " (persistent)") : " (non-persistent)";
  return text;
}

FetchRecord& HttpWorld::add_fetch(FetchRecord r) {
  fetches_.push_back(std::make_unique<FetchRecord>(std::move(r)));
  fetch_view_.push_back(fetches_.back().get());
  return *fetches_.back();
}

void HttpWorld::report(nlohmann::ordered_json& out) const {
  if (fetches_.empty()) return;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& r : fetches_)
    list.push_back({{"host", r->host}, {"server", r->server}, {"persistent", r->persistent},
                    {"pipelined", r->pipelined}, {"paths", r->paths}, {"statuses", r->statuses},
                    {"files", r->files}, {"connections", r->connections}, {"header_bytes", r->head_bytes},
                    {"body_bytes", r->body_bytes}, {"start_s", r->start.seconds()}, {"end_s", r->end.seconds()},
                    {"seconds", (r->end - r->start).seconds()}, {"finished", r->finished}, {"summary", summary(*r)}});
  out["http_fetches"] = list;
}

}  // namespace wiresim::http
