// What a BitTorrent tracker knows and decides (BEP 3 "Trackers"): the peers of each torrent,
// which of them are seeds, and a random sample of them for each announce. No HTTP here: the
// tracker app wraps it in HTTP at packet level, the flow-level swarm calls it directly.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocols/bittorrent/tracker.hpp"
#include "protocols/bittorrent/types.hpp"
#include "sim/core/random.hpp"
#include "sim/core/time.hpp"

namespace wiresim::bittorrent {


struct TrackerAnswer {
  Duration interval;
  std::uint32_t complete = 0;    // seeds
  std::uint32_t incomplete = 0;  // leechers
  std::vector<PeerAddress> peers;
};

class TrackerEngine {
 public:
  TrackerEngine(std::uint64_t seed, Duration interval = seconds(1800));

  // One announce. `left` == 0 makes the peer a seed. A `Stopped` peer is forgotten and gets no
  // peers. Others get up to `numwant` peers other than themselves, chosen at random, so that
  // the swarm's connections form a random graph instead of everyone knowing the first few.
  TrackerAnswer announce(const Sha1Digest& info_hash, PeerAddress peer, AnnounceEvent event, std::uint64_t left,
                         std::uint32_t numwant, Time now);

  std::uint32_t seeds(const Sha1Digest& info_hash) const;
  std::uint32_t leechers(const Sha1Digest& info_hash) const;
  std::uint64_t announces() const { return announces_; }
  // The swarm's members in the tracker's list order, and whether one is a seed.
  std::vector<PeerAddress> members(const Sha1Digest& info_hash) const;
  bool is_seed(const Sha1Digest& info_hash, PeerAddress peer) const;

 private:
  struct Swarm {
    std::vector<PeerAddress> members;                // in arrival order, for a stable sample
    std::map<PeerAddress, std::size_t> position;     // index into members
    std::map<PeerAddress, bool> is_seed;
    std::uint32_t seeds = 0;
  };
  void remove(Swarm& swarm, PeerAddress peer);

  Random random_;
  Duration interval_;
  std::map<Sha1Digest, Swarm> swarms_;
  std::uint64_t announces_ = 0;
};

}  // namespace wiresim::bittorrent
