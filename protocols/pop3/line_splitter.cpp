#include "protocols/pop3/line_splitter.hpp"

namespace wiresim::pop3 {
namespace {
// Enough of a bad line to recognise it in a message: one octet more than quote() shows, so the
// quote ends in "..." and says the line went on.
constexpr std::size_t QuoteLength = 61;
}  // namespace

std::optional<Line> LineSplitter::next() {
  const std::size_t lf = buffer_.find('\n');
  if (discarding_) {
    if (lf == std::string::npos) {
      buffer_.clear();
      return std::nullopt;
    }
    buffer_.erase(0, lf + 1);
    discarding_ = false;
    return Line{std::move(head_), true};
  }
  if (lf == std::string::npos) {
    // Without its LF the line already holds max_octets_ octets: with the LF it would be over.
    if (buffer_.size() >= max_octets_) {
      head_ = buffer_.substr(0, QuoteLength);
      buffer_.clear();
      discarding_ = true;
    }
    return std::nullopt;
  }
  if (lf + 1 > max_octets_) {
    Line line{buffer_.substr(0, QuoteLength), true};
    buffer_.erase(0, lf + 1);
    return line;
  }
  std::string text = buffer_.substr(0, lf);
  if (!text.empty() && text.back() == '\r') text.pop_back();
  buffer_.erase(0, lf + 1);
  return Line{std::move(text), false};
}

std::string LineSplitter::take_rest() {
  std::string rest = std::move(buffer_);
  buffer_.clear();
  return rest;
}

}  // namespace wiresim::pop3
