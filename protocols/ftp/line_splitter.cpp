#include "protocols/ftp/line_splitter.hpp"

namespace wiresim::ftp {
namespace {
// Enough of a bad line to recognise it in a message: one octet more than quote() shows.
constexpr std::size_t QuoteLength = 61;
constexpr unsigned char Iac = 255;
}  // namespace

void LineSplitter::append(std::string_view data) {
  // RFC 854: IAC IAC is a data 255; IAC WILL/WONT/DO/DONT (251-254) take an option octet;
  // any other IAC x (IP 244, DM 242, ...) is a two-octet command. A state counter keeps this
  // right when the octets arrive one at a time.
  for (const char c : data) {
    const auto octet = static_cast<unsigned char>(c);
    if (telnet_ == 1) {  // the octet after IAC
      if (octet == Iac) {
        buffer_ += c;
        telnet_ = 0;
      } else {
        telnet_ = octet >= 251 ? 2 : 0;
      }
    } else if (telnet_ == 2) {  // the option octet
      telnet_ = 0;
    } else if (octet == Iac) {
      telnet_ = 1;
    } else {
      buffer_ += c;
    }
  }
}

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

}  // namespace wiresim::ftp
