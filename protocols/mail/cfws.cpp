#include "protocols/mail/cfws.hpp"

namespace wiresim::mail {

std::size_t skip_cfws(std::string_view text, std::size_t pos) {
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++pos;
    } else if (c == '(') {
      int level = 0;
      while (pos < text.size()) {
        if (text[pos] == '\\') {
          pos += 2;  // RFC 5322 3.2.1 quoted-pair
          continue;
        }
        if (text[pos] == '(') ++level;
        if (text[pos] == ')' && --level == 0) break;
        ++pos;
      }
      if (pos < text.size()) ++pos;
    } else {
      break;
    }
  }
  return pos < text.size() ? pos : text.size();
}

}  // namespace wiresim::mail
