#include "protocols/pop3/apop.hpp"

#include <openssl/evp.h>

namespace wiresim::pop3 {

std::string apop_digest(std::string_view timestamp, std::string_view secret) {
  std::string input(timestamp);
  input += secret;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_md5(), nullptr) != 1) return {};
  static constexpr char Hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += Hex[digest[i] >> 4];
    out += Hex[digest[i] & 0x0f];
  }
  return out;
}

std::optional<std::string> find_apop_timestamp(std::string_view greeting) {
  // RFC 1939 7: "msg-id" syntax, as in RFC 822: '<', no '>' inside, '>'.
  const std::size_t open = greeting.find('<');
  if (open == std::string_view::npos) return std::nullopt;
  const std::size_t close = greeting.find('>', open);
  if (close == std::string_view::npos) return std::nullopt;
  return std::string(greeting.substr(open, close - open + 1));
}

}  // namespace wiresim::pop3
