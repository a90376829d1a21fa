#include "sim/scenario/stream_session.hpp"

namespace wiresim {

std::vector<std::string> dialogue_lines(std::string_view bytes, std::size_t max_lines) {
  std::vector<std::string> lines;
  std::size_t total = 0;
  for (std::size_t start = 0; start < bytes.size();) {
    std::size_t end = bytes.find('\n', start);
    const std::size_t next = end == std::string_view::npos ? bytes.size() : end + 1;
    if (end == std::string_view::npos) end = bytes.size();
    std::size_t stop = end;
    if (stop > start && bytes[stop - 1] == '\r') --stop;
    ++total;
    if (lines.size() < max_lines) lines.emplace_back(bytes.substr(start, stop - start));
    start = next;
  }
  if (max_lines > 0 && total > max_lines) {
    lines.resize(max_lines - 1);
    const std::size_t hidden = total - lines.size();
    lines.push_back("... (" + std::to_string(hidden) + " more lines)");
  }
  return lines;
}

}  // namespace wiresim
