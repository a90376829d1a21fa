// What BitTorrent adds to the scenario language: the bt-tracker and bt-peer apps, the
// bt-complete expectation, and the [distribution] experiment.
#include <algorithm>

#include "protocols/bittorrent/distribution_experiment.hpp"
#include "protocols/bittorrent/peer_app.hpp"
#include "protocols/bittorrent/sha1.hpp"
#include "protocols/bittorrent/tracker_app.hpp"
#include "sim/scenario/registry.hpp"
#include "sim/scenario/table_reader.hpp"

namespace wiresim::bittorrent {
namespace {

// Every listed peer (or every bt-peer of the scenario) has the whole file, optionally by a
// deadline, and each piece it holds hashes to the metainfo's SHA-1 and equals the original.
class CompleteExpectation : public Expectation {
 public:
  explicit CompleteExpectation(ExpectationContext& c) {
    for (const std::string& name : c.table.string_list_or("hosts", {})) hosts_.push_back(name);
    if (c.table.has("host")) hosts_.push_back(c.table.string("host"));
    for (std::size_t i = 0; i < hosts_.size(); ++i)
      if (!c.world.net.find_node(hosts_[i])) c.table.resolve_node(c.table.has("host") ? "host" : "hosts", hosts_[i], std::nullopt);
    if (c.table.has("by")) by_ = c.table.duration("by");
  }
  std::string describe() const override {
    std::string who = hosts_.empty() ? "every bt-peer" : "";
    for (const auto& h : hosts_) who += (who.empty() ? "" : ", ") + h;
    return who + " has the whole file, every piece matching its SHA-1" +
           (by_ ? " by " + format_duration(*by_) : std::string());
  }
  Verdict check(const World& world) const override {
    std::size_t checked = 0;
    for (std::size_t i = 0; i < world.apps.size(); ++i) {
      const auto* peer = dynamic_cast<const PeerApp*>(world.apps[i].get());
      if (!peer) continue;
      const std::string& host = world.net.node(world.app_hosts[i]).name();
      if (!hosts_.empty() && std::find(hosts_.begin(), hosts_.end(), host) == hosts_.end()) continue;
      ++checked;
      const PeerEngine* e = peer->engine();
      if (!e) return {false, host + " never started"};
      const TorrentInfo& info = *peer->torrent().info;
      if (!e->complete())
        return {false, host + " has " + std::to_string(e->have().count()) + " of " + std::to_string(info.piece_count()) + " pieces"};
      // A peer that started as a seed has no completion time; it had everything at the start.
      if (by_ && e->completed_at() && *e->completed_at() > Time{} + *by_)
        return {false, host + " completed at " + format_time(*e->completed_at()) + " s, after " + format_duration(*by_)};
      const std::string& content = *peer->torrent().content;
      for (std::uint32_t k = 0; k < info.piece_count(); ++k) {
        const std::string_view data = e->piece_data(k);
        if (data.size() != info.piece_size(k)) return {false, host + " holds no bytes for piece " + std::to_string(k)};
        if (sha1(data) != info.piece_hashes[k] ||
            data != std::string_view(content).substr(std::uint64_t{k} * info.piece_length, info.piece_size(k)))
          return {false, host + "'s piece " + std::to_string(k) + " differs from the original"};
      }
    }
    if (checked == 0) return {false, "no bt-peer app on the listed hosts"};
    return {true, counted(checked, "peer") + " complete, every piece verified"};
  }

 private:
  std::vector<std::string> hosts_;
  std::optional<Duration> by_;
};

}  // namespace

void register_protocol(Registry& registry) {
  registry.add_app("bt-tracker", {"a BitTorrent HTTP tracker (port 6969) and the torrents it tracks",
                                  [](AppContext& c) { return std::make_unique<TrackerApp>(c); }});
  registry.add_app("bt-peer", {"a BitTorrent client (seed or leecher) on port 6881",
                               [](AppContext& c) { return std::make_unique<PeerApp>(c); }});
  registry.add_expectation("bt-complete", {"peers have the whole file with every piece's SHA-1 verified",
                                           [](ExpectationContext& c) { return std::make_unique<CompleteExpectation>(c); }});
  registry.add_experiment("distribution", {"the distribution-time experiment: client-server vs P2P, time vs N",
                                           make_distribution_experiment});
}

}  // namespace wiresim::bittorrent
