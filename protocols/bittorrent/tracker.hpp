// The HTTP tracker protocol of BEP 3 ("trackers"), with BEP 23's compact peer lists: the
// announce query a peer puts in its GET, the tracker's bencoded answer, and a parser for each.
// The HTTP exchange itself belongs to the adapters. Left out: scrape, IPv6 peers ("peers6",
// BEP 7) and UDP trackers (BEP 15).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocols/bittorrent/types.hpp"
#include "sim/core/result.hpp"

namespace wiresim::bittorrent {

// BEP 3: "event ... If not specified, then this request is one performed at regular intervals."
enum class AnnounceEvent { None, Started, Completed, Stopped };
const char* to_string(AnnounceEvent event);  // "", "started", "completed", "stopped"

struct AnnounceRequest {
  Sha1Digest info_hash{};
  PeerId peer_id{};
  std::uint16_t port = 6881;
  std::uint64_t uploaded = 0;    // bytes since the "started" event
  std::uint64_t downloaded = 0;
  std::uint64_t left = 0;        // bytes still missing; 0 for a seed
  AnnounceEvent event = AnnounceEvent::None;
  std::uint32_t numwant = 50;    // peers wanted (not in BEP 3; every tracker reads it)
  bool compact = true;           // BEP 23: ask for the 6-bytes-per-peer list
  friend bool operator==(const AnnounceRequest&, const AnnounceRequest&) = default;
};

// BEP 3's URL escaping: 0-9, a-z, A-Z, '.', '-', '_' and '~' as is, every other byte as %XX
// (upper-case hex digits, as RFC 3986 2.1 recommends).
std::string percent_encode(std::string_view bytes);

// "info_hash=%12%34...&peer_id=...&port=6881&uploaded=0&downloaded=0&left=1000&compact=1
// &event=started&numwant=50", the part of the announce URL after '?'; no event parameter for
// AnnounceEvent::None.
std::string announce_query(const AnnounceRequest& request);

// The tracker's reading of an announce query. %XX and '+' (a space) are decoded; info_hash
// and peer_id must be 20 bytes; port, uploaded, downloaded and left are required; numwant
// defaults to 50 and compact to false (BEP 23: the client asks for it); unknown parameters
// (key, ip, no_peer_id, ...) are ignored; a repeated known parameter is an error.
Result<AnnounceRequest> parse_announce_query(std::string_view query);

struct AnnounceResponse {
  std::uint32_t interval = 1800;  // seconds a peer should wait before announcing again
  std::uint32_t complete = 0;     // seeds
  std::uint32_t incomplete = 0;   // peers still downloading
  std::vector<PeerAddress> peers;
  friend bool operator==(const AnnounceResponse&, const AnnounceResponse&) = default;
};

// BEP 3: a response with "failure reason" explains why the query failed and needs no other key.
struct TrackerFailure {
  std::string reason;
  friend bool operator==(const TrackerFailure&, const TrackerFailure&) = default;
};

using TrackerReply = std::variant<AnnounceResponse, TrackerFailure>;

// BEP 23: 6 bytes per peer, the IPv4 address then the port, both big-endian.
std::string encode_compact_peers(const std::vector<PeerAddress>& peers);
// {complete, incomplete, interval, peers} with the peers in compact form.
std::string encode_announce_response(const AnnounceResponse& response);
// {"failure reason": reason}
std::string encode_tracker_failure(std::string reason);

// A tracker's answer: the response, or the failure it reports; an error when the bytes are
// not a valid answer. Peers may come compact (BEP 23) or as BEP 3's list of dictionaries
// {"peer id", "ip", "port"}, whose "ip" must then be a dotted IPv4 address.
Result<TrackerReply> parse_announce_response(std::string_view bytes);

}  // namespace wiresim::bittorrent
