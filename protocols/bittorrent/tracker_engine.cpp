#include "protocols/bittorrent/tracker_engine.hpp"

#include <algorithm>
#include <set>

namespace wiresim::bittorrent {

TrackerEngine::TrackerEngine(std::uint64_t seed, Duration interval) : random_(seed, "tracker"), interval_(interval) {}

void TrackerEngine::remove(Swarm& swarm, PeerAddress peer) {
  auto it = swarm.position.find(peer);
  if (it == swarm.position.end()) return;
  // Swap with the last member: O(log n) instead of shifting the whole list.
  const std::size_t index = it->second;
  const PeerAddress last = swarm.members.back();
  swarm.members[index] = last;
  swarm.position[last] = index;
  swarm.members.pop_back();
  swarm.position.erase(peer);
  if (swarm.is_seed[peer]) --swarm.seeds;
  swarm.is_seed.erase(peer);
}

TrackerAnswer TrackerEngine::announce(const Sha1Digest& info_hash, PeerAddress peer, AnnounceEvent event,
                                      std::uint64_t left, std::uint32_t numwant, Time) {
  ++announces_;
  Swarm& swarm = swarms_[info_hash];
  TrackerAnswer answer;
  answer.interval = interval_;
  if (event == AnnounceEvent::Stopped) {
    remove(swarm, peer);
  } else {
    if (!swarm.position.count(peer)) {
      swarm.position[peer] = swarm.members.size();
      swarm.members.push_back(peer);
      swarm.is_seed[peer] = false;
    }
    const bool seed = left == 0;
    if (seed != swarm.is_seed[peer]) {
      swarm.is_seed[peer] = seed;
      seed ? ++swarm.seeds : --swarm.seeds;
    }
    // `numwant` other members picked uniformly: by rejection while they are few compared with
    // the swarm (a 10,000-peer swarm answers in O(numwant)), else by a partial shuffle.
    std::vector<PeerAddress> others;
    const std::size_t available = swarm.members.size() - 1;
    const std::size_t take = std::min<std::size_t>(numwant, available);
    if (take * 2 <= available) {
      std::set<std::size_t> chosen;
      while (others.size() < take) {
        const std::size_t i = random_.uniform_int(0, swarm.members.size() - 1);
        if (swarm.members[i] == peer || !chosen.insert(i).second) continue;
        others.push_back(swarm.members[i]);
      }
    } else {
      for (const PeerAddress& p : swarm.members)
        if (p != peer) others.push_back(p);
      for (std::size_t i = 0; i < take; ++i) std::swap(others[i], others[i + random_.uniform_int(0, others.size() - 1 - i)]);
      others.resize(take);
    }
    answer.peers = std::move(others);
  }
  answer.complete = swarm.seeds;
  answer.incomplete = static_cast<std::uint32_t>(swarm.members.size()) - swarm.seeds;
  return answer;
}

std::uint32_t TrackerEngine::seeds(const Sha1Digest& info_hash) const {
  auto it = swarms_.find(info_hash);
  return it == swarms_.end() ? 0 : it->second.seeds;
}

std::uint32_t TrackerEngine::leechers(const Sha1Digest& info_hash) const {
  auto it = swarms_.find(info_hash);
  return it == swarms_.end() ? 0 : static_cast<std::uint32_t>(it->second.members.size()) - it->second.seeds;
}

std::vector<PeerAddress> TrackerEngine::members(const Sha1Digest& info_hash) const {
  auto it = swarms_.find(info_hash);
  return it == swarms_.end() ? std::vector<PeerAddress>{} : it->second.members;
}

bool TrackerEngine::is_seed(const Sha1Digest& info_hash, PeerAddress peer) const {
  auto it = swarms_.find(info_hash);
  if (it == swarms_.end()) return false;
  auto seed = it->second.is_seed.find(peer);
  return seed != it->second.is_seed.end() && seed->second;
}

}  // namespace wiresim::bittorrent
