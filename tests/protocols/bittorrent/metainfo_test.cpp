// .torrent files: the info dictionary byte for byte, the info_hash, piece hashes, the round
// trip through the file, virtual torrents, deterministic content, and a fuzz loop.
#include <doctest/doctest.h>

#include <random>

#include "protocols/bittorrent/bencode.hpp"
#include "protocols/bittorrent/metainfo.hpp"
#include "protocols/bittorrent/sha1.hpp"

using namespace wiresim::bittorrent;

namespace {

std::string raw(const Sha1Digest& digest) { return {reinterpret_cast<const char*>(digest.data()), digest.size()}; }

// FIPS 180-2's test vector: SHA-1("abc").
constexpr std::string_view ShaAbc = "a9993e364706816aba3e25717850c26c9cd0d89d";
constexpr std::string_view ShaAb = "da23614e02469a0d7c7bd1bdab5c9c474b1904dc";

}  // namespace

TEST_CASE("make_torrent hashes each piece and the last piece is shorter") {
  const TorrentInfo torrent = make_torrent("test.bin", "abcabcab", 3, "http://10.0.0.1:6969/announce");
  CHECK(torrent.name == "test.bin");
  CHECK(torrent.length == 8);
  CHECK(torrent.piece_length == 3);
  REQUIRE(torrent.piece_count() == 3);
  CHECK(to_hex(torrent.piece_hashes[0]) == ShaAbc);
  CHECK(to_hex(torrent.piece_hashes[1]) == ShaAbc);
  CHECK(to_hex(torrent.piece_hashes[2]) == ShaAb);
  CHECK(torrent.piece_size(0) == 3);
  CHECK(torrent.piece_size(2) == 2);
}

TEST_CASE("the info_hash is the SHA-1 of the bencoded info dictionary with sorted keys") {
  const TorrentInfo torrent = make_torrent("test.bin", "abcabcab", 3, "http://10.0.0.1:6969/announce");
  const std::string pieces = raw(sha1("abc")) + raw(sha1("abc")) + raw(sha1("ab"));
  std::string info = "d6:lengthi8e4:name8:test.bin12:piece lengthi3e6:pieces60:";
  info += pieces;
  info += 'e';
  CHECK(info_dictionary(torrent) == info);
  // Computed independently with Python's hashlib over the same bytes.
  CHECK(to_hex(torrent.info_hash) == "f85701d6d8468d0e824d3f06ff381ba76c55d7ab");

  std::string file = "d8:announce29:http://10.0.0.1:6969/announce4:info";
  file += info;
  file += 'e';
  CHECK(metainfo_file(torrent) == file);
}

TEST_CASE("a torrent survives the round trip through its .torrent file") {
  const std::string content = file_content("round-trip.bin", 100000);
  const TorrentInfo torrent = make_torrent("round-trip.bin", content, 16384, "http://tracker.example:6969/announce");
  const auto parsed = parse_metainfo(metainfo_file(torrent));
  REQUIRE_MESSAGE(parsed.ok(), parsed.error());
  CHECK(parsed->name == torrent.name);
  CHECK(parsed->length == 100000);
  CHECK(parsed->piece_length == 16384);
  CHECK(parsed->announce == torrent.announce);
  CHECK(parsed->piece_count() == 7);  // 6 full pieces of 16384 and one of 1696
  CHECK(parsed->piece_size(6) == 100000 - 6 * 16384);
  CHECK(parsed->piece_hashes == torrent.piece_hashes);
  CHECK(parsed->info_hash == torrent.info_hash);
}

TEST_CASE("parse_metainfo hashes the info dictionary's exact bytes, unknown keys included") {
  const TorrentInfo torrent = make_torrent("x", "abc", 4, "u");
  std::string info = "d6:lengthi3e4:name1:x12:piece lengthi4e6:pieces20:";
  info += raw(sha1("abc"));
  info += "7:privatei1ee";
  std::string file = "d8:announce1:u7:comment5:hello4:info";
  file += info;
  file += 'e';
  const auto parsed = parse_metainfo(file);
  REQUIRE_MESSAGE(parsed.ok(), parsed.error());
  CHECK(parsed->info_hash == sha1(info));
  CHECK(parsed->info_hash != torrent.info_hash);  // "private" is part of what is hashed
  CHECK(parsed->piece_hashes == torrent.piece_hashes);
}

TEST_CASE("flipping one byte of the content changes exactly that piece's hash") {
  std::string content = file_content("flip.bin", 10 * 16384 + 100);
  const TorrentInfo before = make_torrent("flip.bin", content, 16384, "u");
  content[3 * 16384 + 7] ^= 0x01;
  const TorrentInfo after = make_torrent("flip.bin", content, 16384, "u");
  REQUIRE(before.piece_count() == 11);
  REQUIRE(after.piece_count() == 11);
  for (std::uint32_t i = 0; i < 11; ++i) CHECK((before.piece_hashes[i] != after.piece_hashes[i]) == (i == 3));
  CHECK(before.info_hash != after.info_hash);
  CHECK(before.piece_size(10) == 100);
}

TEST_CASE("content that fills whole pieces has no short piece, and empty content has none") {
  const TorrentInfo whole = make_torrent("w", std::string(8, 'z'), 4, "u");
  CHECK(whole.piece_count() == 2);
  CHECK(whole.piece_size(1) == 4);
  const TorrentInfo empty = make_torrent("e", "", 4, "u");
  CHECK(empty.piece_count() == 0);
  const auto parsed = parse_metainfo(metainfo_file(empty));
  REQUIRE_MESSAGE(parsed.ok(), parsed.error());
  CHECK(parsed->info_hash == empty.info_hash);
  CHECK(make_torrent("zero", "abc", 0, "u").piece_count() == 0);  // caller error, no crash
}

TEST_CASE("a virtual torrent of the textbook's 15 Gbit file hashes piece descriptors") {
  const TorrentInfo torrent = make_virtual_torrent("movie", 1875000000, 262144, "http://10.0.0.1:6969/announce");
  // 1 875 000 000 = 7152 * 262144 + 146112.
  REQUIRE(torrent.piece_count() == 7153);
  CHECK(torrent.piece_size(7152) == 146112);
  CHECK(virtual_piece_descriptor("movie", 7152, 146112) == "wiresim virtual piece movie 7152 146112");
  CHECK(to_hex(torrent.piece_hashes[7152]) == "0ca372427823311eabce7b5d112b3bc900e65e59");  // Python's hashlib
  CHECK(torrent.piece_hashes[0] == sha1("wiresim virtual piece movie 0 262144"));
  CHECK(torrent.piece_hashes[0] != torrent.piece_hashes[1]);
  CHECK(torrent.info_hash == sha1(info_dictionary(torrent)));
  CHECK(make_virtual_torrent("movie", 1875000000, 262144, "u").info_hash == torrent.info_hash);
  CHECK(make_virtual_torrent("other", 1875000000, 262144, "u").info_hash != torrent.info_hash);

  const auto parsed = parse_metainfo(metainfo_file(torrent));
  REQUIRE_MESSAGE(parsed.ok(), parsed.error());
  CHECK(parsed->info_hash == torrent.info_hash);
}

TEST_CASE("file_content is deterministic splitmix64 seeded by the name") {
  // Reference bytes from a Python transcription of FNV-1a 64 and splitmix64.
  const std::string first = file_content("movie.bin", 12);
  CHECK(first == "\xf3\x76\xba\x1e\x4a\x29\xcd\xf2\xfe\x9c\x09\x15");
  CHECK(file_content("movie.bin", 12) == first);
  const std::string longer = file_content("movie.bin", 16 * 1024 * 1024);
  CHECK(longer.size() == 16u * 1024 * 1024);
  CHECK(longer.starts_with(first));
  CHECK(file_content("movie2.bin", 12) != first);
  CHECK(file_content("movie.bin", 0).empty());
}

TEST_CASE("parse_metainfo explains what is wrong") {
  const auto error_of = [](std::string_view bytes) {
    const auto parsed = parse_metainfo(bytes);
    return parsed.ok() ? std::string("(accepted)") : parsed.error();
  };
  CHECK(error_of("i3e") == "metainfo: the file is not a dictionary");
  CHECK(error_of("d4:infodee") == "metainfo: no 'announce' string (trackerless torrents are not supported)");
  CHECK(error_of("d8:announce1:ue") == "metainfo: no 'info' dictionary");
  CHECK(error_of("d8:announce1:u4:infod5:filesleee") == "metainfo: multi-file torrents ('files') are not supported");
  CHECK(error_of("d8:announce1:u4:infod6:lengthi3e12:piece lengthi4e6:pieces0:ee") ==
        "metainfo: info has no 'name' string");
  CHECK(error_of("d8:announce1:u4:infod6:lengthi-1e4:name1:x12:piece lengthi4e6:pieces0:ee") ==
        "metainfo: info has no 'length' integer of 0 or more");
  CHECK(error_of("d8:announce1:u4:infod6:lengthi0e4:name1:x12:piece lengthi0e6:pieces0:ee") ==
        "metainfo: info has no 'piece length' integer from 1 to 4294967295");
  CHECK(error_of("d8:announce1:u4:infod6:lengthi0e4:name1:x12:piece lengthi4294967296e6:pieces0:ee") ==
        "metainfo: info has no 'piece length' integer from 1 to 4294967295");
  CHECK(error_of("d8:announce1:u4:infod6:lengthi0e4:name1:x12:piece lengthi4e6:pieces3:abcee") ==
        "metainfo: info has no 'pieces' string of 20-byte SHA-1 hashes");
  CHECK(error_of("d8:announce1:u4:infod6:lengthi9e4:name1:x12:piece lengthi4e6:pieces20:01234567890123456789ee") ==
        "metainfo: 'pieces' holds 1 hashes but 'length' and 'piece length' make 3 pieces");
  CHECK(error_of("d8:announce1:u4:infod6:lengthi3e4:name1:x12:piece lengthi4e6:pieces20:01234567890123456789ee") ==
        "(accepted)");
  CHECK(error_of("d8:announce1:u4:infodee5") ==
        "metainfo: bencode: unexpected bytes after the value at byte 23: \"5\"");
}

TEST_CASE("parse_metainfo survives random and mutated files") {
  std::mt19937 random(7);
  const std::string sample = metainfo_file(make_torrent("fuzz.bin", file_content("fuzz.bin", 100), 32, "http://t/a"));
  int accepted = 0;
  for (int round = 0; round < 5000; ++round) {
    std::string input = sample;
    for (int edits = 1 + static_cast<int>(random() % 4); edits > 0 && !input.empty(); --edits) {
      const std::size_t at = random() % input.size();
      switch (random() % 4) {
        case 0: input[at] = static_cast<char>(random() & 0xff); break;
        case 1: input[at] = "ilde0123456789:"[random() % 15]; break;
        case 2: input.erase(at, 1 + random() % 8); break;
        default: input.resize(at); break;
      }
    }
    const auto parsed = parse_metainfo(input);
    if (parsed.ok()) {
      ++accepted;
      CHECK(parsed->piece_count() == (parsed->length + parsed->piece_length - 1) / parsed->piece_length);
      CHECK(parsed->info_hash == sha1(*raw_dict_value(input, "info")));
    } else {
      CHECK(parsed.error().starts_with("metainfo: "));
    }
  }
  CHECK(accepted > 10);  // e.g. a changed byte inside a hash or the name
  CHECK(accepted < 5000);
}
