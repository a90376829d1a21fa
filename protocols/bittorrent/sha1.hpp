// SHA-1 as BitTorrent uses it (piece hashes, the info_hash), from OpenSSL's libcrypto.
#pragma once

#include <string>
#include <string_view>

#include "protocols/bittorrent/types.hpp"

namespace wiresim::bittorrent {

Sha1Digest sha1(std::string_view data);
std::string to_hex(const Sha1Digest& digest);  // 40 lower-case hex digits

}  // namespace wiresim::bittorrent
