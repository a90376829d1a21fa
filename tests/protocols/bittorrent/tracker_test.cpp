// The HTTP tracker protocol: the announce query both ways, compact and dictionary peer lists,
// failure reasons, errors, and fuzz loops over both parsers.
#include <doctest/doctest.h>

#include <random>

#include "protocols/bittorrent/tracker.hpp"

using namespace wiresim::bittorrent;

namespace {

using namespace std::string_literals;

constexpr std::uint32_t ip(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

// The info_hash of the classic tracker-protocol example, 12 34 56 78 9a bc de f1 23 45 ...
AnnounceRequest sample_request() {
  AnnounceRequest r;
  const std::uint8_t hash[20] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf1, 0x23, 0x45,
                                 0x67, 0x89, 0xab, 0xcd, 0xef, 0x12, 0x34, 0x56, 0x78, 0x9a};
  for (std::size_t i = 0; i < 20; ++i) r.info_hash[i] = hash[i];
  const std::string id = "-WS0001-000000000001";
  for (std::size_t i = 0; i < 20; ++i) r.peer_id[i] = static_cast<std::uint8_t>(id[i]);
  r.port = 6881;
  r.left = 1875000000;
  r.event = AnnounceEvent::Started;
  return r;
}

constexpr std::string_view SampleHash = "%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9A";
constexpr std::string_view SampleId = "-WS0001-000000000001";

std::string query_error(std::string_view query) {
  const auto parsed = parse_announce_query(query);
  return parsed.ok() ? std::string("(accepted)") : parsed.error();
}

std::string response_error(std::string_view bytes) {
  const auto parsed = parse_announce_response(bytes);
  return parsed.ok() ? std::string("(accepted)") : parsed.error();
}

}  // namespace

TEST_CASE("percent_encode keeps BEP 3's unreserved bytes and writes upper-case %XX for the rest") {
  CHECK(percent_encode("az09AZ.-_~") == "az09AZ.-_~");
  CHECK(percent_encode(" /?&=+%") == "%20%2F%3F%26%3D%2B%25");
  CHECK(percent_encode("\x00\xff"s) == "%00%FF");
}

TEST_CASE("announce_query encodes every parameter in order") {
  std::string expected = "info_hash=";
  expected += SampleHash;
  expected += "&peer_id=";
  expected += SampleId;
  expected += "&port=6881&uploaded=0&downloaded=0&left=1875000000&compact=1&event=started&numwant=50";
  CHECK(announce_query(sample_request()) == expected);

  AnnounceRequest regular = sample_request();
  regular.event = AnnounceEvent::None;  // BEP 3: a regular announce carries no event
  regular.compact = false;
  regular.uploaded = 16384;
  CHECK(announce_query(regular).ends_with("&port=6881&uploaded=16384&downloaded=0&left=1875000000&compact=0&numwant=50"));
}

TEST_CASE("parse_announce_query reads back what announce_query wrote") {
  for (AnnounceEvent event : {AnnounceEvent::None, AnnounceEvent::Started, AnnounceEvent::Completed, AnnounceEvent::Stopped}) {
    AnnounceRequest request = sample_request();
    request.event = event;
    request.uploaded = 123;
    request.downloaded = 18446744073709551615ull;
    request.numwant = 0;
    const auto parsed = parse_announce_query(announce_query(request));
    REQUIRE_MESSAGE(parsed.ok(), parsed.error());
    CHECK(*parsed == request);
  }
}

TEST_CASE("parse_announce_query decodes '+', lower-case escapes, defaults and unknown keys") {
  std::string query = "info_hash=";
  query += "%12%34%56%78%9a%bc%de%f1%23%45%67%89%ab%cd%ef%12%34%56%78%9a";
  query += "&peer_id=-WS0001-00000000000+&port=51413&uploaded=1&downloaded=2&left=3&key=abc&no_peer_id=1&&event=";
  const auto parsed = parse_announce_query(query);
  REQUIRE_MESSAGE(parsed.ok(), parsed.error());
  CHECK(parsed->info_hash == sample_request().info_hash);
  CHECK(parsed->peer_id[19] == ' ');
  CHECK(parsed->port == 51413);
  CHECK(parsed->uploaded == 1);
  CHECK(parsed->downloaded == 2);
  CHECK(parsed->left == 3);
  CHECK(parsed->event == AnnounceEvent::None);
  CHECK(parsed->numwant == 50);
  CHECK(!parsed->compact);  // not asked for
}

TEST_CASE("parse_announce_query explains what is wrong") {
  std::string base = "info_hash=";
  base += SampleHash;
  base += "&peer_id=";
  base += SampleId;
  base += "&uploaded=0&downloaded=0&left=0";
  CHECK(query_error(base + "&port=6881") == "(accepted)");
  CHECK(query_error(base) == "tracker: the announce query has no port");
  CHECK(query_error("port=1") == "tracker: the announce query has no info_hash");
  CHECK(query_error(base + "&port=65536") == "tracker: expected port to be a port number from 0 to 65535, got \"65536\"");
  CHECK(query_error(base + "&port=-1") == "tracker: expected port to be a port number from 0 to 65535, got \"-1\"");
  CHECK(query_error(base + "&port=1&port=2") == "tracker: repeated parameter port");
  CHECK(query_error(base + "&port=1&event=paused") ==
        "tracker: expected event to be started, completed, stopped or empty, got \"paused\"");
  CHECK(query_error(base + "&port=1&compact=yes") == "tracker: expected compact to be 0 or 1, got \"yes\"");
  CHECK(query_error(base + "&port=1&left=18446744073709551616") ==
        "tracker: repeated parameter left");
  CHECK(query_error("info_hash=abc&peer_id=x&port=1&uploaded=0&downloaded=0&left=0") ==
        "tracker: expected info_hash to be 20 bytes, got \"abc\"");
  CHECK(query_error(base + "&port=1&numwant=%G0") == "tracker: bad %-escape in \"numwant=%G0\"");
  CHECK(query_error(base + "&port=1&numwant=%2") == "tracker: bad %-escape in \"numwant=%2\"");
  std::string big = "info_hash=";
  big += SampleHash;
  big += "&peer_id=";
  big += SampleId;
  big += "&port=1&uploaded=0&downloaded=0&left=18446744073709551616";
  CHECK(query_error(big) == "tracker: expected left to be a byte count, got \"18446744073709551616\"");
}

TEST_CASE("compact peers are 6 bytes each: IPv4 then port, big-endian") {
  CHECK(encode_compact_peers({{ip(10, 0, 0, 2), 6881}}) == "\x0a\x00\x00\x02\x1a\xe1"s);
  CHECK(encode_compact_peers({{ip(192, 168, 1, 255), 80}, {ip(1, 2, 3, 4), 65535}}) ==
        "\xc0\xa8\x01\xff\x00\x50\x01\x02\x03\x04\xff\xff"s);
  CHECK(encode_compact_peers({}).empty());
}

TEST_CASE("an announce response is a bencoded dictionary with compact peers, and reads back") {
  AnnounceResponse response;
  response.interval = 1800;
  response.complete = 1;
  response.incomplete = 2;
  response.peers = {{ip(10, 0, 0, 2), 6881}};
  const std::string bytes = encode_announce_response(response);
  CHECK(bytes == "d8:completei1e10:incompletei2e8:intervali1800e5:peers6:\x0a\x00\x00\x02\x1a\xe1" "e"s);
  const auto parsed = parse_announce_response(bytes);
  REQUIRE_MESSAGE(parsed.ok(), parsed.error());
  CHECK(std::get<AnnounceResponse>(*parsed) == response);

  response.peers.clear();
  for (std::uint32_t i = 0; i < 50; ++i) response.peers.push_back({ip(10, 0, 1, i), static_cast<std::uint16_t>(6881 + i)});
  const auto many = parse_announce_response(encode_announce_response(response));
  REQUIRE(many.ok());
  CHECK(std::get<AnnounceResponse>(*many) == response);
}

TEST_CASE("parse_announce_response accepts BEP 3's dictionary peer list") {
  const std::string bytes =
      "d8:intervali900e5:peersld2:ip8:10.0.0.37:peer id20:-WS0001-0000000000034:porti6882eed2:ip11:192.168.1.24:porti80eeee";
  const auto parsed = parse_announce_response(bytes);
  REQUIRE_MESSAGE(parsed.ok(), parsed.error());
  const auto& response = std::get<AnnounceResponse>(*parsed);
  CHECK(response.interval == 900);
  CHECK(response.complete == 0);
  CHECK(response.incomplete == 0);
  CHECK(response.peers == std::vector<PeerAddress>{{ip(10, 0, 0, 3), 6882}, {ip(192, 168, 1, 2), 80}});
}

TEST_CASE("a tracker failure is a dictionary with only a failure reason") {
  CHECK(encode_tracker_failure("unregistered torrent") == "d14:failure reason20:unregistered torrente");
  const auto parsed = parse_announce_response("d14:failure reason20:unregistered torrente");
  REQUIRE(parsed.ok());
  CHECK(std::get<TrackerFailure>(*parsed).reason == "unregistered torrent");
}

TEST_CASE("parse_announce_response explains what is wrong") {
  CHECK(response_error("le") == "tracker: the response is not a dictionary");
  CHECK(response_error("d14:failure reasoni1ee") == "tracker: 'failure reason' is not a string");
  CHECK(response_error("d5:peers0:e") == "tracker: expected 'interval' to be an integer from 0 to 4294967295");
  CHECK(response_error("d8:intervali-1e5:peers0:e") == "tracker: expected 'interval' to be an integer from 0 to 4294967295");
  CHECK(response_error("d8:completei-1e8:intervali1e5:peers0:e") ==
        "tracker: expected 'complete' to be an integer from 0 to 4294967295");
  CHECK(response_error("d8:intervali1ee") == "tracker: expected 'peers' to be a compact string or a list of dictionaries");
  CHECK(response_error("d8:intervali1e5:peers7:abcdefge") == "tracker: compact 'peers' is 7 bytes, not a multiple of 6");
  CHECK(response_error("d8:intervali1e5:peersld4:porti1eeee") == "tracker: a peer dictionary has no 'ip' string");
  CHECK(response_error("d8:intervali1e5:peersld2:ip3:::14:porti1eeee") ==
        "tracker: peer ip \"::1\" is not a dotted IPv4 address");
  CHECK(response_error("d8:intervali1e5:peersld2:ip8:10.0.0.14:porti65536eeee") ==
        "tracker: a peer dictionary has no 'port' integer from 0 to 65535");
  for (std::string_view bad : {"1.2.3", "1.2.3.4.5", "01.2.3.4", "256.0.0.1", "1..2.3", "a.b.c.d", ""}) {
    std::string bytes = "d8:intervali1e5:peersld2:ip";
    bytes += std::to_string(bad.size());
    bytes += ':';
    bytes += bad;
    bytes += "4:porti1eeee";
    CHECK_MESSAGE(!parse_announce_response(bytes).ok(), bad);
  }
  CHECK(response_error("d8:intervali1e") == "tracker: bencode: dictionary has no closing 'e' at byte 0: \"d8:intervali1e\"");
}

TEST_CASE("the tracker parsers survive random and mutated input") {
  std::mt19937 random(99);
  const std::vector<std::string> queries = {announce_query(sample_request())};
  AnnounceResponse response;
  response.peers = {{ip(10, 0, 0, 2), 6881}, {ip(10, 0, 0, 3), 6882}};
  const std::vector<std::string> responses = {
      encode_announce_response(response), encode_tracker_failure("no"),
      "d8:intervali900e5:peersld2:ip8:10.0.0.37:peer id20:-WS0001-0000000000034:porti6882eeee"};
  const auto mutate = [&](std::string input, std::string_view alphabet) {
    for (int edits = 1 + static_cast<int>(random() % 4); edits > 0 && !input.empty(); --edits) {
      const std::size_t at = random() % input.size();
      switch (random() % 4) {
        case 0: input[at] = static_cast<char>(random() & 0xff); break;
        case 1: input[at] = alphabet[random() % alphabet.size()]; break;
        case 2: input.erase(at, 1 + random() % 6); break;
        default: input.resize(at); break;
      }
    }
    return input;
  };
  int queries_accepted = 0, responses_accepted = 0;
  for (int round = 0; round < 5000; ++round) {
    const std::string query = mutate(queries[0], "%&=+0123456789ABCDEFabcdef");
    const auto q = parse_announce_query(query);
    if (q.ok()) {
      ++queries_accepted;
      CHECK(parse_announce_query(announce_query(*q)).ok());
    } else {
      CHECK(q.error().starts_with("tracker: "));
    }
    const std::string bytes = mutate(responses[random() % responses.size()], "ilde0123456789:.");
    const auto r = parse_announce_response(bytes);
    if (!r.ok()) CHECK(r.error().starts_with("tracker: "));
    responses_accepted += r.ok();
  }
  // Both parsers see inputs they accept and inputs they refuse.
  CHECK(queries_accepted > 100);
  CHECK(queries_accepted < 4900);
  CHECK(responses_accepted > 100);
  CHECK(responses_accepted < 4900);
}
