// Base64 (RFC 4648 4) for the SASL exchanges of AUTH PLAIN and AUTH LOGIN (RFC 4954 4). Kept
// here rather than using mime's because AUTH needs a strict decoder: RFC 4954 4 answers 501 to
// malformed base64, where mime's body decoder skips what it does not know. No line wrapping.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wiresim::smtp {

std::string base64_encode(std::string_view bytes);
// nullopt unless `text` is well-formed base64 with padding (RFC 4954 4: the server answers 501).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace wiresim::smtp
