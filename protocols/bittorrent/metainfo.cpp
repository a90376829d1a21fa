#include "protocols/bittorrent/metainfo.hpp"

#include "protocols/bittorrent/bencode.hpp"
#include "protocols/bittorrent/sha1.hpp"

namespace wiresim::bittorrent {

namespace {

// The parts of a torrent known before its piece hashes; the hashes come from `hash_piece`.
template <class HashPiece>
TorrentInfo make(std::string name, std::uint64_t length, std::uint32_t piece_length, std::string announce,
                 HashPiece hash_piece) {
  TorrentInfo torrent;
  torrent.name = std::move(name);
  torrent.length = length;
  torrent.piece_length = piece_length;
  torrent.announce = std::move(announce);
  if (piece_length != 0) {
    const std::uint64_t pieces = length / piece_length + (length % piece_length != 0);
    torrent.piece_hashes.reserve(pieces);
    for (std::uint64_t index = 0; index < pieces; ++index) {
      const std::uint64_t start = index * piece_length;
      const std::uint64_t size = std::min<std::uint64_t>(piece_length, length - start);
      torrent.piece_hashes.push_back(hash_piece(static_cast<std::uint32_t>(index), start, static_cast<std::uint32_t>(size)));
    }
  }
  torrent.info_hash = sha1(info_dictionary(torrent));
  return torrent;
}

Error error(std::string_view what) {
  std::string message = "metainfo: ";
  message += what;
  return Error{std::move(message)};
}

std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

// Steele, Lea and Flood's splitmix64: one multiply-xorshift step per 8 bytes, fast enough for
// tens of MiB per test.
std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

TorrentInfo make_torrent(std::string name, std::string_view content, std::uint32_t piece_length,
                         std::string announce) {
  return make(std::move(name), content.size(), piece_length, std::move(announce),
              [&](std::uint32_t, std::uint64_t start, std::uint32_t size) { return sha1(content.substr(start, size)); });
}

TorrentInfo make_virtual_torrent(std::string name, std::uint64_t length, std::uint32_t piece_length,
                                 std::string announce) {
  const std::string file = name;
  return make(std::move(name), length, piece_length, std::move(announce),
              [&](std::uint32_t index, std::uint64_t, std::uint32_t size) {
                return sha1(virtual_piece_descriptor(file, index, size));
              });
}

std::string virtual_piece_descriptor(std::string_view name, std::uint32_t index, std::uint32_t size) {
  std::string out = "wiresim virtual piece ";
  out += name;
  out += ' ';
  out += std::to_string(index);
  out += ' ';
  out += std::to_string(size);
  return out;
}

std::string info_dictionary(const TorrentInfo& torrent) {
  std::string pieces;
  pieces.reserve(torrent.piece_hashes.size() * 20);
  for (const Sha1Digest& hash : torrent.piece_hashes) pieces.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  // BEP 3, "info dictionary" in single-file mode; the map writes the keys in sorted order.
  BencodeDict info;
  info.emplace("length", static_cast<std::int64_t>(torrent.length));
  info.emplace("name", torrent.name);
  info.emplace("piece length", torrent.piece_length);
  info.emplace("pieces", std::move(pieces));
  return bencode(BencodeValue(std::move(info)));
}

std::string metainfo_file(const TorrentInfo& torrent) {
  // Written by hand rather than re-decoding the info dictionary: "announce" < "info".
  std::string out = "d8:announce";
  out += std::to_string(torrent.announce.size());
  out += ':';
  out += torrent.announce;
  out += "4:info";
  out += info_dictionary(torrent);
  out += 'e';
  return out;
}

Result<TorrentInfo> parse_metainfo(std::string_view bytes) {
  const DecodedBencode decoded = decode_bencode(bytes);
  if (!decoded.ok()) return error(decoded.error->message);
  const BencodeValue* root = &decoded.value;
  if (!as_dict(root)) return error("the file is not a dictionary");
  const std::string* announce = as_string(find(root, "announce"));
  if (!announce) return error("no 'announce' string (trackerless torrents are not supported)");
  const BencodeValue* info = find(root, "info");
  if (!as_dict(info)) return error("no 'info' dictionary");
  if (find(info, "files")) return error("multi-file torrents ('files') are not supported");

  const std::string* name = as_string(find(info, "name"));
  const std::optional<std::int64_t> length = as_int(find(info, "length"));
  const std::optional<std::int64_t> piece_length = as_int(find(info, "piece length"));
  const std::string* pieces = as_string(find(info, "pieces"));
  if (!name) return error("info has no 'name' string");
  if (!length || *length < 0) return error("info has no 'length' integer of 0 or more");
  if (!piece_length || *piece_length <= 0 || *piece_length > 0xffffffffLL)
    return error("info has no 'piece length' integer from 1 to 4294967295");
  if (!pieces || pieces->size() % 20 != 0) return error("info has no 'pieces' string of 20-byte SHA-1 hashes");
  const std::uint64_t expected = (static_cast<std::uint64_t>(*length) + static_cast<std::uint64_t>(*piece_length) - 1) /
                                 static_cast<std::uint64_t>(*piece_length);
  if (pieces->size() / 20 != expected) {
    std::string what = "'pieces' holds ";
    what += std::to_string(pieces->size() / 20);
    what += " hashes but 'length' and 'piece length' make ";
    what += std::to_string(expected);
    what += " pieces";
    return error(what);
  }

  TorrentInfo torrent;
  torrent.name = *name;
  torrent.length = static_cast<std::uint64_t>(*length);
  torrent.piece_length = static_cast<std::uint32_t>(*piece_length);
  torrent.announce = *announce;
  torrent.piece_hashes.resize(pieces->size() / 20);
  for (std::size_t i = 0; i < torrent.piece_hashes.size(); ++i)
    for (std::size_t b = 0; b < 20; ++b) torrent.piece_hashes[i][b] = static_cast<std::uint8_t>((*pieces)[i * 20 + b]);
  // The decode above succeeded, so the root is a valid dictionary holding "info".
  torrent.info_hash = sha1(raw_dict_value(bytes, "info").value_or(std::string_view{}));
  return torrent;
}

std::string file_content(std::string_view name, std::uint64_t length) {
  std::string out(length, '\0');
  std::uint64_t state = fnv1a(name);
  std::uint64_t i = 0;
  for (; i + 8 <= length; i += 8) {
    const std::uint64_t word = splitmix64(state);
    for (int b = 0; b < 8; ++b) out[i + b] = static_cast<char>(word >> (8 * b));  // little-endian, on any host
  }
  if (i < length) {
    const std::uint64_t word = splitmix64(state);
    for (int b = 0; i < length; ++b, ++i) out[i] = static_cast<char>(word >> (8 * b));
  }
  return out;
}

}  // namespace wiresim::bittorrent
