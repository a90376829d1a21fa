#include "sim/trace/jsonl_writer.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

namespace wiresim {

std::string trace_record_json(const TraceRecord& r) {
  nlohmann::ordered_json j;
  j["t_ns"] = r.time.ns;
  j["kind"] = r.kind;
  if (!r.node.empty()) j["node"] = r.node;
  j["layer"] = r.layer;
  j["text"] = r.text;
  for (const auto& f : r.fields) std::visit([&](const auto& v) { j[f.key] = v; }, f.value);
  // Application bytes need not be UTF-8: replace what is not, never throw.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::unique_ptr<JsonlWriter>> JsonlWriter::open(Simulator& sim, const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Error{"cannot write " + path + ": " + std::strerror(errno)};
  std::unique_ptr<JsonlWriter> w(new JsonlWriter(f));
  JsonlWriter* raw = w.get();
  sim.trace().subscribe_all([raw](const TraceRecord& r) {
    raw->buffer_ += trace_record_json(r);
    raw->buffer_ += '\n';
    if (raw->buffer_.size() > (1u << 20)) raw->flush();
  });
  return w;
}

JsonlWriter::~JsonlWriter() {
  flush();
  std::fclose(file_);
}

void JsonlWriter::flush() {
  std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
  buffer_.clear();
  std::fflush(file_);
}

}  // namespace wiresim
