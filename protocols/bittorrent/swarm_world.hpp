// The torrents of a packet-level scenario, once per world: a bt-tracker app publishes the
// torrents it tracks (as a web site would offer the .torrent files), bt-peer apps find theirs
// here by name.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "protocols/bittorrent/types.hpp"
#include "sim/net/ipv4_address.hpp"
#include "sim/scenario/world.hpp"

namespace wiresim::bittorrent {

struct PublishedTorrent {
  std::shared_ptr<const TorrentInfo> info;
  std::shared_ptr<const std::string> content;  // the file's bytes, which seeds start with
  Ipv4Address tracker;
  std::uint16_t tracker_port = 6969;
};

struct SwarmWorld : WorldService {
  explicit SwarmWorld(World&) {}
  std::map<std::string, PublishedTorrent> torrents;  // by file name
};

}  // namespace wiresim::bittorrent
