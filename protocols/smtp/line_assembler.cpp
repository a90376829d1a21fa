#include "protocols/smtp/line_assembler.hpp"

#include "sim/core/escape.hpp"

namespace wiresim::smtp {

std::optional<Line> LineAssembler::push(char c) {
  ++length_;
  if (c == '\n') {
    Line line;
    line.too_long = length_ > limit_;
    line.length = length_;
    if (!text_.empty() && text_.back() == '\r') text_.pop_back();
    line.text = std::move(text_);
    clear();
    return line;
  }
  // Keep what the limit allows (plus the CR that may come next), count the rest.
  if (text_.size() < limit_) text_ += c;
  return std::nullopt;
}

void LineAssembler::clear() {
  text_.clear();
  length_ = 0;
}

std::string quote(std::string_view text, std::size_t max) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < max; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      append_hex_escape(out, c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > max) out += "...";
  out += '"';
  return out;
}

}  // namespace wiresim::smtp
