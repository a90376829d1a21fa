#include "protocols/mail/dot_stuffing.hpp"

#include <utility>

namespace wiresim::mail {

std::string dot_stuff(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 40 + 8);
  bool line_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (line_start && c == '.') out += '.';
    if (c == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += c;
    line_start = c == '\n';
  }
  if (!text.empty() && !line_start) out += "\r\n";
  out += ".\r\n";
  return out;
}

TextLine split_line_end(std::string_view line) {
  const bool crlf = line.size() >= 2 && line[line.size() - 2] == '\r';
  return {line.substr(0, line.size() - (crlf ? 2 : 1)), crlf};
}

bool ends_text(const TextLine& line, bool after_crlf) { return line.content == "." && line.crlf && after_crlf; }

std::size_t DotUnstuffer::feed(std::string_view data) {
  std::size_t used = 0;
  while (used < data.size() && !done_) {
    const char c = data[used++];
    line_ += c;
    if (c != '\n') continue;
    // A complete line. RFC 5321 4.5.2: drop the first "." of a line; the last ends the text.
    std::string_view line = line_;
    const TextLine read = split_line_end(line);
    if (ends_text(read, std::exchange(after_crlf_, read.crlf))) {
      done_ = true;
    } else {
      if (!line.empty() && line.front() == '.') line.remove_prefix(1);
      text_.append(line);
    }
    line_.clear();
  }
  return used;
}

std::string DotUnstuffer::take_text() {
  std::string out = std::move(text_);
  text_.clear();
  return out;
}

void DotUnstuffer::reset() {
  text_.clear();
  line_.clear();
  done_ = false;
  after_crlf_ = true;
}

}  // namespace wiresim::mail
