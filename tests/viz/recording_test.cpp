// The desktop view's model: the recorded run (hops, queues, journeys, conversations, dialogue),
// the layout and the replayed world. No graphics here.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "sim/scenario/loader.hpp"
#include "viz/model/layout.hpp"
#include "viz/model/recording.hpp"
#include "viz/model/replay.hpp"

#ifndef WIRESIM_SOURCE_DIR
#define WIRESIM_SOURCE_DIR "/work/main"
#endif

using namespace wiresim;
using namespace wiresim::viz;

namespace {

// alice -- r -- bob; the r-bob link is slow so that a bulk transfer queues at r.
const char* Scenario = R"(
[scenario]
name = "view test"
seed = 3
duration = "3s"

[[host]]
name = "alice"
position = [100, 200]
icon = "laptop"
[[host]]
name = "bob"
[[router]]
name = "r"

[[link]]
between = ["alice", "r"]
rate = "10Mbps"
delay = "5ms"
[[link]]
between = ["r", "bob"]
rate = "1Mbps"
delay = "20ms"

[[app]]
type = "echo-server"
host = "bob"
protocol = "tcp"
[[app]]
type = "echo-client"
host = "alice"
to = "bob:7"
protocol = "tcp"
message = "hello"
count = 2
interval = "200ms"
start = "100ms"
[[app]]
type = "bulk-sink"
host = "bob"
port = 5001
[[app]]
type = "bulk-send"
host = "alice"
to = "bob:5001"
bytes = "60KB"
start = "1s"
)";

std::unique_ptr<Recording> record_text(const char* text) {
  auto world = load_scenario_text(text, "view.toml");
  REQUIRE(world);
  auto rec = Recording::record(**world);
  REQUIRE(rec);
  return std::move(*rec);
}

}  // namespace

TEST_CASE("a recording has one hop per packet.tx record, with consistent times") {
  auto rec = record_text(Scenario);
  const auto& records = rec->records();
  const auto tx = std::count_if(records.begin(), records.end(), [](const TraceRecord& r) { return r.kind == "packet.tx"; });
  REQUIRE(tx > 50);
  CHECK(rec->hops().size() == static_cast<std::size_t>(tx));
  for (const Hop& h : rec->hops()) {
    CHECK(records[h.record].kind == "packet.tx");
    CHECK(rec->hop_of_record(h.record) == &h);
    CHECK(h.queued <= h.start);
    CHECK(h.start < h.tx_end);
    const LinkInfo& link = rec->links()[h.link];
    CHECK(h.arrival - h.tx_end == link.delay);
    CHECK(link.ends[h.from_side] == h.from);
    const Bytes bytes = rec->bytes_of(h);
    CHECK(bytes.size() == h.size);
    // A router's copy: the TTL it decremented, with a valid checksum.
    auto ip = parse_ipv4(bytes);
    REQUIRE(ip);
    CHECK(ip->ttl == 64 - (h.from == 2 ? 1 : 0));
    CHECK(checksums_valid(bytes));
  }
  // The bulk transfer queues behind the 1 Mbit/s link at r, first in, first out.
  const NodeId r = 2;
  std::vector<const Hop*> at_r;
  for (const Hop& h : rec->hops())
    if (h.from == r && h.to == 1) at_r.push_back(&h);
  CHECK(std::any_of(at_r.begin(), at_r.end(), [](const Hop* h) { return h->queued < h->start; }));
  for (std::size_t i = 1; i < at_r.size(); ++i) {
    CHECK(at_r[i - 1]->queued <= at_r[i]->queued);
    CHECK(at_r[i - 1]->tx_end <= at_r[i]->start);
  }
  CHECK(rec->hop_of_record(0) == nullptr);  // the first record is the routes' computation
}

TEST_CASE("hops_at returns exactly the hops queued or on the wire at an instant") {
  auto rec = record_text(Scenario);
  for (std::int64_t ms = 0; ms <= 3000; ms += 7) {
    const Time t = Time{} + milliseconds(ms) + microseconds(333);
    std::vector<const Hop*> expected;
    for (const Hop& h : rec->hops())
      if (h.queued <= t && t < h.arrival) expected.push_back(&h);
    CHECK(rec->hops_at(t) == expected);
  }
}

TEST_CASE("journeys, conversations and dialogue lines tie packets to their exchange") {
  auto rec = record_text(Scenario);
  // One journey per packet uid; all delivered (no loss in this network).
  std::vector<std::uint64_t> uids;
  for (const Hop& h : rec->hops()) uids.push_back(h.uid);
  std::sort(uids.begin(), uids.end());
  uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
  CHECK(rec->journeys().size() == uids.size());
  for (const Journey& j : rec->journeys()) {
    CHECK(j.delivered);
    CHECK(rec->hops()[j.first_hop].from == j.source);
    CHECK(rec->hops()[j.last_hop].to == j.reached);
    CHECK((j.source == 0 || j.source == 1));
  }
  // Two TCP conversations (echo, bulk), client (alice's ephemeral port) first.
  REQUIRE(rec->conversations().size() == 3);
  const Conversation& echo = rec->conversations()[1];
  CHECK(echo.transport == "TCP");
  CHECK(echo.server.ends_with(":7"));
  CHECK(echo.protocol == "ECHO");
  CHECK(rec->conversations()[2].server.ends_with(":5001"));
  // The echo dialogue's lines belong to the echo conversation.
  std::size_t echo_lines = 0;
  for (const DialogueLine& line : rec->dialogue())
    if (line.conversation == 1) ++echo_lines;
  CHECK(echo_lines >= 2);
  // find_conversation works from either end.
  const Hop& first = rec->hops()[rec->journeys().front().first_hop];
  const Bytes first_bytes = rec->bytes_of(first);
  auto p = parse_packet(first_bytes);
  REQUIRE(p);
  CHECK(rec->find_conversation("TCP", {p->ip.destination, p->tcp->destination_port},
                               {p->ip.source, p->tcp->source_port}) == first.connection);
}

TEST_CASE("stepping goes from event to event, both ways") {
  auto rec = record_text(Scenario);
  const auto& records = rec->records();
  Time t{};
  std::size_t steps = 0;
  while (auto next = rec->next_event_after(t)) {
    CHECK(*next > t);
    t = *next;
    ++steps;
  }
  CHECK(t == records.back().time);
  CHECK(steps > 20);
  auto back = rec->previous_event_before(t);
  REQUIRE(back);
  CHECK(*back < t);
  CHECK(!rec->previous_event_before(records.front().time));
}

TEST_CASE("nodes get roles from their apps, and the scenario's position and icon") {
  auto rec = record_text(Scenario);
  CHECK(rec->nodes()[0].role == Role::Laptop);
  CHECK(rec->nodes()[2].role == Role::Router);
  REQUIRE(rec->nodes()[0].position);
  const auto positions = layout_nodes(rec->nodes(), rec->links());
  CHECK(positions[0].x == 100);
  CHECK(positions[0].y == 200);
  for (const Point& p : positions) {
    CHECK(p.x >= 0);
    CHECK(p.x <= LayoutWidth);
    CHECK(p.y >= 0);
    CHECK(p.y <= LayoutHeight);
  }
  auto world = load_scenario_file(WIRESIM_SOURCE_DIR "/scenarios/email/alice-to-bob.toml");
  REQUIRE(world);
  auto mail = Recording::record(**world);
  REQUIRE(mail);
  std::map<std::string, Role> roles;
  for (const NodeInfo& n : (*mail)->nodes()) roles[n.name] = n.role;
  CHECK(roles["a-root"] == Role::DnsRoot);
  CHECK(roles["edu-tld"] == Role::DnsTld);
  CHECK(roles["hamburger-dns"] == Role::DnsAuthoritative);
  CHECK(roles["crepes-dns"] == Role::DnsResolver);
  CHECK(roles["crepes-mail"] == Role::MailServer);
  CHECK(roles["alice-pc"] == Role::Host);
}

TEST_CASE("the layout is deterministic, ends on symmetric graphs, and separates nodes") {
  // A star of 12 leaves around one router (Kamada-Kawai's tolerance alone never ends on it).
  std::vector<NodeInfo> nodes(13);
  std::vector<LinkInfo> links;
  for (NodeId i = 1; i < 13; ++i) links.push_back({"l", {0, i}, 1e6, {}});
  // And a second, disconnected pair.
  nodes.resize(15);
  links.push_back({"m", {13, 14}, 1e6, {}});
  const auto a = layout_nodes(nodes, links);
  const auto b = layout_nodes(nodes, links);
  REQUIRE(a.size() == 15);
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].x == b[i].x);
    CHECK(a[i].y == b[i].y);
    for (std::size_t j = 0; j < i; ++j) CHECK(std::hypot(a[i].x - a[j].x, a[i].y - a[j].y) > 10);
  }
}

TEST_CASE("the replayed world shows the same state whether reached forwards or backwards") {
  const std::string path = WIRESIM_SOURCE_DIR "/scenarios/email/alice-to-bob.toml";
  auto state_at = [](Replay& replay, Time t) {
    REQUIRE(replay.seek(t));
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    const World& w = *replay.world();
    for (const auto& app : w.apps) {
      nlohmann::ordered_json j;
      app->inspect(j);
      all.push_back(j);
    }
    return all.dump();
  };
  Replay back(path, {});
  const std::string late = state_at(back, Time{} + seconds(6));
  const std::string early_after_late = state_at(back, Time{} + milliseconds(1500));
  CHECK(back.reloads() == 1);
  CHECK(back.now() == Time{} + milliseconds(1500));
  Replay fresh(path, {});
  CHECK(state_at(fresh, Time{} + milliseconds(1500)) == early_after_late);
  CHECK(fresh.reloads() == 0);
  CHECK(late != early_after_late);  // the message reached Bob's mailbox in between
  // Forward again without reloading.
  CHECK(state_at(back, Time{} + seconds(6)) == late);
  CHECK(back.reloads() == 1);
}

TEST_CASE("an experiment is not recorded: it has its plot instead") {
  auto world = load_scenario_file(WIRESIM_SOURCE_DIR "/scenarios/p2p/sweep-n.toml");
  REQUIRE(world);
  auto rec = Recording::record(**world);
  CHECK(!rec);
}
