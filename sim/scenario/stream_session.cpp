#include "sim/scenario/stream_session.hpp"

#include "sim/core/escape.hpp"

namespace wiresim {
namespace {

// The length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629 4), 0 if none.
std::size_t utf8_sequence(std::string_view s) {
  const auto c = static_cast<unsigned char>(s[0]);
  const std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0 || s.size() < n) return 0;
  const auto second = static_cast<unsigned char>(s[1]);
  if ((c == 0xE0 && second < 0xA0) || (c == 0xED && second > 0x9F) || (c == 0xF0 && second < 0x90) ||
      (c == 0xF4 && second > 0x8F))
    return 0;  // overlong, a surrogate, or past U+10FFFF
  for (std::size_t i = 1; i < n; ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 0;
  return n;
}

// A line as the transcript shows it: control octets and bytes that are not UTF-8 (a tracker's
// compact peer list, a PNG's header) as \xNN, so that the transcript stays text that grep and a
// terminal take as such. UTF-8 text (a non-ASCII subject sent 8bit) stays as it is.
std::string printable(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size();) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c >= 0x80) {
      if (const std::size_t n = utf8_sequence(line.substr(i))) {
        out += line.substr(i, n);
        i += n;
        continue;
      }
    } else if ((c >= 0x20 && c != 0x7f) || c == '\t') {
      out += line[i++];
      continue;
    }
    append_hex_escape(out, c);
    ++i;
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
