#include "sim/scenario/stream_session.hpp"

namespace wiresim {
namespace {

// A line as the transcript shows it: control octets (a tracker's compact peer list, say) as
// \xNN, so that the transcript stays text that grep and a terminal take as such.
std::string printable(std::string_view line) {
  static constexpr char Hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(line.size());
  for (const char ch : line) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      out += "\\x";
      out += Hex[c >> 4];
      out += Hex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace

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
    if (lines.size() < max_lines) lines.push_back(printable(bytes.substr(start, stop - start)));
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
