// Mixes of peer classes: how they are written, what a mix must be, and how N peers split.
#include <doctest/doctest.h>

#include "protocols/bittorrent/peer_mix.hpp"

using namespace wiresim::bittorrent;

namespace {

PeerMix mix_of(std::initializer_list<const char*> texts) {
  PeerMix mix;
  for (const char* t : texts) {
    auto c = parse_peer_class(t);
    REQUIRE_MESSAGE(c, c.error());
    mix.push_back(*c);
  }
  return mix;
}

std::vector<std::uint64_t> counts(const PeerMix& mix, std::uint64_t n) {
  std::vector<std::uint64_t> out;
  for (const PeerGroup& g : peer_groups(mix, n)) out.push_back(g.count);
  return out;
}

}  // namespace

TEST_CASE("a peer class is WHO:UPLOAD/DOWNLOAD") {
  auto c = parse_peer_class("20%:300kbps/2Mbps");
  REQUIRE(c);
  CHECK(c->size == PeerClass::Size::Percent);
  CHECK(c->amount == 20);
  CHECK(c->upload == 300e3);
  CHECK(c->download == 2e6);
  c = parse_peer_class(" 1 : 300kbps / 500kbps ");
  REQUIRE(c);
  CHECK(c->size == PeerClass::Size::Count);
  CHECK(c->amount == 1);
  CHECK(c->download == 500e3);
  c = parse_peer_class("rest:2Mbps/10Mbps");
  REQUIRE(c);
  CHECK(c->size == PeerClass::Size::Rest);
  CHECK(parse_peer_class("12.5%:1Mbps/2Mbps")->amount == 12.5);
}

TEST_CASE("a peer class that cannot be read says what it expected") {
  CHECK(parse_peer_class("300kbps/2Mbps").error() ==
        "peer class \"300kbps/2Mbps\": expected WHO:UPLOAD/DOWNLOAD, such as \"1:300kbps/500kbps\", "
        "\"20%:1Mbps/8Mbps\" or \"rest:2Mbps/10Mbps\"");
  CHECK(parse_peer_class("some:1Mbps/2Mbps").error().find("a number of peers (1 to 100000), a percentage such as "
                                                          "\"20%\", or \"rest\"; got \"some\"") != std::string::npos);
  CHECK(parse_peer_class("0:1Mbps/2Mbps").error().find("got \"0\"") != std::string::npos);
  CHECK(parse_peer_class("120%:1Mbps/2Mbps").error().find("\"120%\" is not a percentage") != std::string::npos);
  CHECK(parse_peer_class("0%:1Mbps/2Mbps").error().find("\"0%\" is not a percentage") != std::string::npos);
  CHECK(parse_peer_class("1:1Mbit/2Mbps").error().find("upload: ") != std::string::npos);
  CHECK(parse_peer_class("1:1Mbit/2Mbps").error().find("did you mean \"1Mbps\"?") != std::string::npos);
  CHECK(parse_peer_class("1:1Mbps/0bps").error().find("download: rate \"0bps\" is out of range") != std::string::npos);
}

TEST_CASE("a mix has at most one rest, and without one must account for every peer") {
  CHECK(!check_mix(mix_of({"rest:1Mbps/2Mbps"})));
  CHECK(!check_mix(mix_of({"1:1Mbps/2Mbps", "20%:1Mbps/2Mbps", "rest:1Mbps/2Mbps"})));
  CHECK(!check_mix(mix_of({"30%:1Mbps/2Mbps", "70%:1Mbps/2Mbps"})));
  CHECK(!check_mix(mix_of({"3:1Mbps/2Mbps", "7:1Mbps/2Mbps"})));
  CHECK(check_mix({}) == "no peer class: give at least one, such as \"rest:2Mbps/10Mbps\"");
  CHECK(check_mix(mix_of({"rest:1Mbps/2Mbps", "rest:1Mbps/2Mbps"})) == "only one class can be \"rest\"");
  CHECK(check_mix(mix_of({"30%:1Mbps/2Mbps", "60%:1Mbps/2Mbps"})) ==
        "the classes' percentages add up to 90%; make them 100%, or add a \"rest\" class");
  CHECK(check_mix(mix_of({"60%:1Mbps/2Mbps", "60%:1Mbps/2Mbps", "rest:1Mbps/2Mbps"})) ==
        "the classes' percentages add up to 120%, over 100%");
  CHECK(check_mix(mix_of({"1:1Mbps/2Mbps", "99%:1Mbps/2Mbps"})) ==
        "numbers of peers and percentages together need a \"rest\" class for the peers they leave");
}

TEST_CASE("N peers split into the classes in order, percentages rounded down, rest last") {
  const PeerMix one_slow = mix_of({"1:300kbps/500kbps", "rest:2Mbps/10Mbps"});
  CHECK(counts(one_slow, 1) == std::vector<std::uint64_t>{1});  // no peer is left for the rest: it is left out
  CHECK(counts(one_slow, 10) == std::vector<std::uint64_t>{1, 9});
  const auto groups = peer_groups(one_slow, 10);
  CHECK(groups[0].class_index == 0);
  CHECK(groups[0].download == 500e3);
  CHECK(groups[1].class_index == 1);
  CHECK(groups[1].upload == 2e6);
  const PeerMix fifth = mix_of({"20%:300kbps/2Mbps", "rest:2Mbps/10Mbps"});
  CHECK(counts(fifth, 10) == std::vector<std::uint64_t>{2, 8});
  CHECK(counts(fifth, 4) == std::vector<std::uint64_t>{4});  // 20% of 4 rounds down to none
  CHECK(peer_groups(fifth, 4).front().class_index == 1);
  CHECK(counts(fifth, 1000) == std::vector<std::uint64_t>{200, 800});
  // Without rest, the largest remainders fill the mix up to N (the first class wins a tie).
  const PeerMix thirds = mix_of({"33.3%:1Mbps/2Mbps", "33.3%:1Mbps/2Mbps", "33.4%:1Mbps/2Mbps"});
  CHECK(counts(thirds, 10) == std::vector<std::uint64_t>{3, 3, 4});
  CHECK(counts(thirds, 2) == std::vector<std::uint64_t>{1, 1});
  const PeerMix halves = mix_of({"50%:1Mbps/2Mbps", "50%:3Mbps/4Mbps"});
  CHECK(counts(halves, 7) == std::vector<std::uint64_t>{4, 3});
}

TEST_CASE("a mix fits N peers when its numbers leave room") {
  const PeerMix mix = mix_of({"5:1Mbps/2Mbps", "50%:1Mbps/2Mbps", "rest:1Mbps/2Mbps"});
  CHECK(!check_mix_fits(mix, 10));
  CHECK(!check_mix_fits(mix, 9));  // 5 + 4 (50% of 9, rounded down), and none left for rest
  CHECK(check_mix_fits(mix, 8) == "the peer classes need 9 peers before \"rest\", but N = 8");
  const PeerMix exact = mix_of({"3:1Mbps/2Mbps", "7:1Mbps/2Mbps"});
  CHECK(!check_mix_fits(exact, 10));
  CHECK(check_mix_fits(exact, 11) == "the peer classes need 10 peers in all, but N = 11");
  CHECK(!check_mix_fits(mix_of({"30%:1Mbps/2Mbps", "70%:1Mbps/2Mbps"}), 1));
}

TEST_CASE("a mix is labelled as it was written; a uniform one by its u") {
  CHECK(mix_label(uniform_peers(300e3, 2e6)) == "u = 300 kbps");
  CHECK(is_uniform(uniform_peers(300e3, 2e6)));
  const PeerMix mix = mix_of({"1:300kbps/500kbps", "12.5%:1Mbps/8Mbps", "rest:2Mbps/10Mbps"});
  CHECK(!is_uniform(mix));
  CHECK(mix_label(mix) == "1 at 300 kbps/500 kbps + 12.5% at 1 Mbps/8 Mbps + rest at 2 Mbps/10 Mbps");
  CHECK(class_who(mix[1]) == "12.5%");
}
