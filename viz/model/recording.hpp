// A whole run, recorded once when the view opens a scenario: the topology, every packet's
// journey hop by hop, drops, dialogue lines and every trace record. The view draws any instant
// of the run from it, backwards as well as forwards, without touching the simulation again.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sim/core/result.hpp"
#include "sim/core/time.hpp"
#include "sim/net/ipv4_address.hpp"
#include "sim/net/node.hpp"
#include "sim/net/packet.hpp"
#include "sim/trace/recorder.hpp"

namespace wiresim {
class World;
struct PacketTransmitted;
}

namespace wiresim::viz {

// What a node is for, as the canvas draws it: from the scenario's `icon`, else from its apps.
enum class Role { Host, Laptop, Router, MailServer, DnsRoot, DnsTld, DnsAuthoritative, DnsResolver, FtpServer,
                  WebServer, Tracker, Peer, Attacker };
const char* role_name(Role role);  // "mail server", "DNS root", ...

struct NodeInfo {
  std::string name;
  NodeKind kind = NodeKind::Host;
  Role role = Role::Host;
  std::vector<std::string> addresses;            // one per interface
  std::vector<std::string> apps;                 // app types running there
  std::optional<std::array<int, 2>> position;    // from the scenario
};

struct LinkInfo {
  std::string name;
  NodeId ends[2]{};
  double rate_bps = 0;
  Duration delay{};
};

// One packet crossing one link: the unit of animation. Times: waits in the link's queue from
// `queued`, is serialised from `start` to `tx_end`, propagates until `arrival` (when it is
// delivered, or lost on the wire).
struct Hop {
  std::uint64_t uid = 0;
  LinkId link = 0;
  int from_side = 0;
  NodeId from = 0, to = 0;
  Time queued, start, tx_end, arrival;
  bool lost = false;
  std::uint32_t size = 0;
  std::uint32_t connection = 0;  // index into Recording::connections (0 = none)
  std::string protocol;          // "SMTP", "DNS", ... (the dissector's)
  std::string label;             // "MAIL FROM:<alice@crepes.fr>", "A? mail.hamburger.edu"
  std::size_t record = 0;        // index of its packet.tx record
  std::uint8_t ttl_decrements = 0;  // routers it has crossed: its bytes are Recording::bytes_of
};

// A packet end to end, from the host that sent it to the last node it reached.
struct Journey {
  std::uint64_t uid = 0;
  NodeId source = 0, reached = 0;
  Time sent, arrived;
  bool delivered = false;  // reached the node that owns its destination address
  std::size_t first_hop = 0, last_hop = 0;
};

// A packet that never made it, and where.
struct Drop {
  Time time;
  NodeId node = 0;
  std::optional<LinkId> link;
  std::string reason;
  std::uint64_t uid = 0;
  std::size_t record = 0;
  std::string protocol;  // the dropped packet's, as the dissector names it
};

// A conversation between two endpoints (a TCP connection or a UDP exchange), named as tshark's
// "Conversations" would, so the dialogue view can pick one.
struct Conversation {
  std::string transport;  // "TCP" or "UDP"
  std::string client, server;  // "193.51.24.10:49152", "193.51.24.25:587"
  std::string protocol;   // the application's, when known
  Time first, last;
};

// A line of an application dialogue (C:/S:) or note, with the conversation it belongs to.
struct DialogueLine {
  Time time;
  std::uint32_t conversation = 0;  // index into Recording::conversations (0 = none known)
  std::string node, protocol, speaker, text;
  std::size_t record = 0;
};

class Recording {
 public:
  // Runs the loaded world to its end with a recorder attached. The world is used up.
  static Result<std::unique_ptr<Recording>> record(World& world);

  const std::vector<NodeInfo>& nodes() const { return nodes_; }
  const std::vector<LinkInfo>& links() const { return links_; }
  const std::vector<Hop>& hops() const { return hops_; }  // by start time
  const std::vector<Drop>& drops() const { return drops_; }
  const std::vector<Journey>& journeys() const { return journeys_; }  // by send time
  const std::vector<Conversation>& conversations() const { return conversations_; }  // [0] is "none"
  const std::vector<DialogueLine>& dialogue() const { return dialogue_; }
  const std::vector<TraceRecord>& records() const { return recorder_->records(); }
  // A packet's bytes as first sent, and as on a given hop (after the routers' TTL decrements).
  PacketPtr packet(std::uint64_t uid) const { return recorder_->packet(static_cast<std::int64_t>(uid)); }
  Bytes bytes_of(const Hop& hop) const;
  Time end() const { return end_; }
  std::string scenario_name() const { return scenario_name_; }

  // The conversation between two endpoints (either order), 0 when they never exchanged a packet.
  std::uint32_t find_conversation(const std::string& transport, Endpoint a, Endpoint b) const;
  // Hops on the wire or waiting in a queue at `t` (queued <= t < arrival), in start order.
  std::vector<const Hop*> hops_at(Time t) const;
  // Records [0, index) have happened by `t`.
  std::size_t records_until(Time t) const { return recorder_->index_after(t); }
  // The hop transmitted by packet.tx record `record`, if it is one.
  const Hop* hop_of_record(std::size_t record) const;
  const Drop* drop_of_record(std::size_t record) const;
  // The time of the first event after `t` (for "step"), or nullopt at the end.
  std::optional<Time> next_event_after(Time t) const;
  std::optional<Time> previous_event_before(Time t) const;

 private:
  Recording() = default;
  void add_hop(const PacketTransmitted& tx, std::size_t record);
  std::uint32_t conversation_of(const std::string& transport, Endpoint from, Endpoint to, const std::string& protocol,
                                Time now);
  void describe_topology(const World& world);
  void build_journeys(const World& world);

  std::unique_ptr<Recorder> recorder_;
  std::vector<NodeInfo> nodes_;
  std::vector<LinkInfo> links_;
  std::vector<Hop> hops_;
  Duration longest_hop_{};  // from queued to arrival, bounds the search in hops_at
  std::vector<Drop> drops_;
  std::vector<Journey> journeys_;
  std::vector<Conversation> conversations_;
  std::vector<DialogueLine> dialogue_;
  std::vector<std::size_t> hop_by_record_;  // sorted record indices, parallel to hop order
  std::map<std::string, std::uint32_t> conversation_index_;
  Time end_;
  std::string scenario_name_;
};

}  // namespace wiresim::viz
