// The machine-readable trace: one JSON object per event per line (schema in docs/trace-format.md).
#pragma once

#include <memory>
#include <string>

#include "sim/core/result.hpp"
#include "sim/core/simulator.hpp"

namespace wiresim {

std::string trace_record_json(const TraceRecord& r);

class JsonlWriter {
 public:
  static Result<std::unique_ptr<JsonlWriter>> open(Simulator& sim, const std::string& path);
  ~JsonlWriter();
  void flush();

 private:
  explicit JsonlWriter(std::FILE* f) : file_(f) {}
  std::FILE* file_;
  std::string buffer_;
};

}  // namespace wiresim
