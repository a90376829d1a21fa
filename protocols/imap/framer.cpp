// Framing: a line is complete at LF (a CR before it is dropped; bare LF accepted leniently). A
// line ending in "{n}" or "{n+}" continues with n octets of literal data and then more line.
#include "protocols/imap/framer.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace wiresim::imap {
namespace {

struct LiteralMark {
  std::uint64_t size = 0;
  bool synchronizing = true;
};

// RFC 3501 9: literal = "{" number "}" CRLF; LITERAL+ (RFC 7888) adds "{" number "+}".
std::optional<LiteralMark> literal_at_end(std::string_view line) {
  if (line.empty() || line.back() != '}') return std::nullopt;
  const std::size_t open = line.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view digits = line.substr(open + 1, line.size() - open - 2);
  LiteralMark mark;
  if (!digits.empty() && digits.back() == '+') {
    mark.synchronizing = false;
    digits.remove_suffix(1);
  }
  if (digits.empty() || digits.size() > 19) return std::nullopt;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), mark.size);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  return mark;
}

}  // namespace

void Framer::compact() {
  if (pos_ >= buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  } else if (pos_ > 4096) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
}

std::optional<Frame> Framer::next() {
  while (true) {
    const std::size_t available = buffer_.size() - pos_;
    if (discard_left_ > 0) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(discard_left_, available));
      pos_ += n;
      discard_left_ -= n;
      compact();
      if (discard_left_ > 0) return std::nullopt;
      discarding_line_ = true;  // the rest of the refused command goes too
      continue;
    }
    if (literal_left_ > 0) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(literal_left_, available));
      assembled_.append(buffer_, pos_, n);
      pos_ += n;
      literal_left_ -= n;
      compact();
      if (literal_left_ > 0) return std::nullopt;
      continue;
    }
    const std::size_t lf = buffer_.find('\n', pos_);
    if (lf == std::string::npos) {
      if (discarding_line_) {
        pos_ = buffer_.size();
        compact();
        return std::nullopt;
      }
      if (available > max_line_) {
        Frame frame{Frame::Kind::LineTooLong, assembled_ + buffer_.substr(pos_, 80), 0};
        assembled_.clear();
        discarding_line_ = true;
        pos_ = buffer_.size();
        compact();
        return frame;
      }
      return std::nullopt;
    }
    std::string line = buffer_.substr(pos_, lf - pos_);
    pos_ = lf + 1;
    compact();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (discarding_line_) {
      discarding_line_ = false;
      continue;
    }
    if (line.size() > max_line_) {
      Frame frame{Frame::Kind::LineTooLong, assembled_ + line.substr(0, 80), 0};
      assembled_.clear();
      return frame;
    }
    if (const auto mark = literal_at_end(line)) {
      if (mark->size > max_literal_) {
        Frame frame{Frame::Kind::LiteralTooLarge, assembled_ + line, mark->size};
        assembled_.clear();
        if (!mark->synchronizing) discard_left_ = mark->size;
        return frame;
      }
      assembled_ += line;
      assembled_ += "\r\n";
      literal_left_ = mark->size;
      if (mark->synchronizing && continuation_requests_)
        return Frame{Frame::Kind::NeedContinuation, assembled_, mark->size};
      continue;
    }
    assembled_ += line;
    Frame frame{Frame::Kind::Complete, std::move(assembled_), 0};
    assembled_.clear();
    return frame;
  }
}

std::string split_literals(std::string_view text, std::vector<std::string>* literals) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t crlf = text.find("\r\n", pos);
    out += text.substr(pos, crlf == std::string_view::npos ? text.npos : crlf - pos);
    if (crlf == std::string_view::npos) break;
    const std::size_t open = text.rfind('{', crlf);
    std::uint64_t n = 0;
    for (std::size_t i = open + 1; i < crlf && text[i] >= '0' && text[i] <= '9'; ++i) n = n * 10 + (text[i] - '0');
    const auto size = static_cast<std::size_t>(std::min<std::uint64_t>(n, text.size() - crlf - 2));
    if (literals) literals->emplace_back(text.substr(crlf + 2, size));
    pos = crlf + 2 + size;
  }
  return out;
}

}  // namespace wiresim::imap
