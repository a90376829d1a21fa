// The dns-client app: a program on a host that looks names up through its stub at a steady
// pace, as a browser would; "{n}" in the name counts 1, 2, 3... so caches cannot help.
#include "protocols/dns/dns_world.hpp"
#include "protocols/dns/name.hpp"
#include "protocols/dns/scenario_keys.hpp"
#include "sim/scenario/registry.hpp"

namespace wiresim::dns {
namespace {

class ClientApp : public App {
 public:
  explicit ClientApp(AppContext& c) : world_(c.world), node_(c.node) {
    pattern_ = c.table.string("name");
    if (std::string problem = check_name(expand(1)); !problem.empty()) c.table.fail("name", "invalid domain name: " + problem);
    type_ = read_type(c.table, "qtype", RrType::A);
    count_ = static_cast<int>(c.table.integer_or("count", 1, 1'000'000, 1));
    interval_ = c.table.duration_or("interval", seconds(1));
  }
  void start() override { next(); }
  void stop() override { stopped_ = true; }

 private:
  std::string expand(int n) const {
    std::string name = pattern_;
    if (auto at = name.find("{n}"); at != std::string::npos) name.replace(at, 3, std::to_string(n));
    if (name.empty() || name.back() != '.') name += '.';
    return name;
  }
  void next() {
    if (stopped_ || sent_ >= count_) return;
    ++sent_;
    lookup(world_, node_, expand(sent_), type_, nullptr);
    world_.sim.schedule_in(interval_, [this] { next(); });
  }

  World& world_;
  NodeId node_;
  std::string pattern_;
  RrType type_ = RrType::A;
  int count_ = 1, sent_ = 0;
  Duration interval_{};
  bool stopped_ = false;
};

}  // namespace

void register_client(Registry& registry) {
  registry.add_app("dns-client", {"looks names up through the host's stub at a steady pace ({n} counts up)",
                                  [](AppContext& c) { return std::make_unique<ClientApp>(c); }});
}

}  // namespace wiresim::dns
