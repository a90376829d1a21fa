// .torrent files (BEP 3, "metainfo files") in single-file mode: making one from a file's bytes
// or from its length alone, writing the file and reading it back. Also the deterministic
// content of a named file, so every peer and test regenerates the same bytes. Left out:
// multi-file torrents ("files"), announce-list (BEP 12) and v2 torrents (BEP 52).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocols/bittorrent/types.hpp"
#include "sim/core/result.hpp"

namespace wiresim::bittorrent {

// The torrent of `content`: one SHA-1 per piece of `piece_length` bytes (the last piece may
// be shorter) and info_hash = SHA-1 of the bencoded info dictionary {length, name,
// piece length, pieces}. piece_length 0 is a caller error: the torrent then has no pieces.
TorrentInfo make_torrent(std::string name, std::string_view content, std::uint32_t piece_length,
                         std::string announce);

// The torrent of a file that is never materialized, for flow-level runs (a 15 Gbit file is
// 1.875 GB). A flow-level run counts the bytes of a piece without carrying them, so there is
// nothing to hash; each piece's hash is instead the SHA-1 of virtual_piece_descriptor(), which
// keeps the hashes distinct per piece and per file and the info_hash stable from run to run.
TorrentInfo make_virtual_torrent(std::string name, std::uint64_t length, std::uint32_t piece_length,
                                 std::string announce);
// "wiresim virtual piece <name> <index> <size>", e.g. "wiresim virtual piece movie.mp4 7 262144".
std::string virtual_piece_descriptor(std::string_view name, std::uint32_t index, std::uint32_t size);

// The bencoded info dictionary, the bytes the info_hash is the SHA-1 of.
std::string info_dictionary(const TorrentInfo& torrent);
// The .torrent file: {announce, info}.
std::string metainfo_file(const TorrentInfo& torrent);
// Reads a single-file .torrent. The info_hash is the SHA-1 of the info dictionary's exact
// bytes in `bytes`, as BEP 3 defines it, so unknown info keys (e.g. "private") still count.
Result<TorrentInfo> parse_metainfo(std::string_view bytes);

// `length` deterministic pseudo-random bytes for the file `name`: splitmix64 seeded with the
// FNV-1a hash of the name. A shorter file of the same name is a prefix of a longer one.
std::string file_content(std::string_view name, std::uint64_t length);

}  // namespace wiresim::bittorrent
