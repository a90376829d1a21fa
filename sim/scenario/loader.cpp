#include "sim/scenario/loader.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "sim/core/suggest.hpp"
#include "sim/net/net_events.hpp"
#include "sim/scenario/table_reader.hpp"

namespace wiresim {
namespace {

// Hosts and routers: routes are kept between every pair (Loader::read_nodes says why).
constexpr std::size_t MaxNodes = 5000;

// Why an address cannot be an interface's (RFC 1122 3.2.1.3, RFC 5735): nullopt when it can.
std::optional<std::string> not_an_interface(Ipv4Address a) {
  const std::uint32_t first = a.value >> 24;
  if (first == 0) return "0.0.0.0/8 means \"this network\"";
  if (first == 127) return "127.0.0.0/8 is each host's own loopback";
  if (a.value == 0xFFFFFFFF) return "255.255.255.255 is the limited broadcast";
  if (first >= 224 && first < 240) return "224.0.0.0/4 is multicast";
  if (first >= 240) return "240.0.0.0/4 is reserved";
  return std::nullopt;
}

constexpr const char* TopLevelKeys[] = {"scenario", "tcp", "host", "router", "link", "capture", "app", "action", "expect"};

struct AddressClaim {
  Ipv4Address address;
  SourcePosition where;
};

class Loader {
 public:
  Loader(const toml::table& root, std::string file, const LoadOptions& options, const Registry& registry)
      : root_(root), file_(std::move(file)), options_(options), registry_(registry) {}

  std::unique_ptr<World> load();

 private:
  TableReader reader(const toml::table& t, std::string context) const {
    return TableReader(&t, file_, std::move(context), world_ ? &world_->net : nullptr);
  }
  // Every [[name]] entry as a table; a single [name] table is accepted as a list of one.
  std::vector<const toml::table*> entries(std::string_view key) const;
  void check_top_level() const;
  bool has_experiment() const {
    for (const auto& [section, type] : registry_.experiments())
      if (root_.get(section)) return true;
    return false;
  }
  void read_scenario();
  TcpConfig read_tcp();
  void read_nodes();
  void read_look(TableReader& r, NodeId id);
  void read_links();
  void read_capture();
  void read_apps();
  void read_actions();
  void read_expectations();
  void read_experiment();
  Ipv4Address auto_address(std::uint32_t link_number, std::uint32_t host_number);

  const toml::table& root_;
  std::string file_;
  const LoadOptions& options_;
  const Registry& registry_;
  std::unique_ptr<World> world_;
  ScenarioInfo info_;
  std::map<NodeId, AddressClaim> host_addresses_;  // [[host]] address = ...
  std::set<std::uint32_t> claimed_;                // every address given explicitly
};

std::string file_stem(const std::string& path) {
  auto slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (auto dot = name.rfind('.'); dot != std::string::npos) name = name.substr(0, dot);
  return name;
}

std::vector<const toml::table*> Loader::entries(std::string_view key) const {
  std::vector<const toml::table*> out;
  const toml::node* n = root_.get(key);
  if (!n) return out;
  if (const auto* t = n->as_table()) {
    out.push_back(t);
    return out;
  }
  const auto* arr = n->as_array();
  for (std::size_t i = 0; arr && i < arr->size(); ++i) {
    const toml::node* e = arr->get(i);
    if (!e->is_table())
      throw ScenarioError({file_, e->source().begin.line, e->source().begin.column},
                          "'" + std::string(key) + "' entries must be tables, written [[" + std::string(key) + "]]");
    out.push_back(e->as_table());
  }
  if (!arr)
    throw ScenarioError({file_, n->source().begin.line, n->source().begin.column},
                        "'" + std::string(key) + "' must be written as [[" + std::string(key) + "]] tables");
  return out;
}

void Loader::check_top_level() const {
  std::vector<std::string> known(std::begin(TopLevelKeys), std::end(TopLevelKeys));
  for (const auto& [section, type] : registry_.experiments()) known.push_back(section);
  for (auto&& [k, v] : root_) {
    if (std::find(known.begin(), known.end(), k.str()) != known.end()) continue;
    std::string hint = did_you_mean(k.str(), known);
    if (hint.empty()) hint = "; a scenario has [scenario], [tcp], [capture], [[host]], [[router]], [[link]], [[app]], [[action]] and [[expect]]";
    if (hint.rfind("; a scenario", 0) == 0 && !registry_.experiments().empty()) {
      hint += ", or one experiment section:";
      for (const auto& [section, type] : registry_.experiments()) hint += " [" + section + "]";
    }
    throw ScenarioError({file_, k.source().begin.line, k.source().begin.column},
                        "unknown section '" + std::string(k.str()) + "'" + hint);
  }
}

void Loader::read_scenario() {
  info_.file = file_;
  info_.name = file_stem(file_);
  if (const toml::node* n = root_.get("scenario")) {
    if (!n->is_table())
      throw ScenarioError({file_, n->source().begin.line, n->source().begin.column}, "'scenario' must be a table: [scenario]");
    TableReader r = reader(*n->as_table(), "[scenario]");
    info_.name = r.string_or("name", info_.name);
    info_.description = r.string_or("description", "");
    info_.seed = static_cast<std::uint64_t>(r.integer_or("seed", 0, INT64_MAX, 1));
    if (r.has("duration")) info_.duration = r.duration("duration");
    r.finish();
  }
  if (options_.seed) info_.seed = *options_.seed;
}

TcpConfig Loader::read_tcp() {
  TcpConfig c;
  const toml::node* n = root_.get("tcp");
  if (!n) return c;
  if (!n->is_table())
    throw ScenarioError({file_, n->source().begin.line, n->source().begin.column}, "'tcp' must be a table: [tcp]");
  TableReader r = reader(*n->as_table(), "[tcp]");
  c.mss = static_cast<std::uint32_t>(r.integer_or("mss", 88, 65495, c.mss));
  for (auto [key, field] : {std::pair{"send_buffer", &c.send_buffer}, std::pair{"receive_buffer", &c.receive_buffer}}) {
    const std::uint64_t size = r.bytes_or(key, *field);
    if (size < c.mss || size > (1u << 30))
      r.fail(key, "'" + std::string(key) + "' must be from one MSS (" + std::to_string(c.mss) + " bytes) to 1GiB");
    *field = static_cast<std::uint32_t>(size);
  }
  c.initial_window = static_cast<std::uint32_t>(r.integer_or("initial_window", 0, 1000, c.initial_window));
  c.initial_rto = r.duration_or("initial_rto", c.initial_rto);
  c.min_rto = r.duration_or("min_rto", c.min_rto);
  c.max_rto = r.duration_or("max_rto", c.max_rto);
  if (c.initial_rto.ns <= 0) r.fail("initial_rto", "'initial_rto' must be above zero");
  if (c.min_rto.ns <= 0) r.fail("min_rto", "'min_rto' must be above zero");
  if (c.max_rto < c.min_rto) r.fail("max_rto", "'max_rto' must not be below 'min_rto'");
  c.delayed_ack = r.duration_or("delayed_ack", c.delayed_ack);
  c.msl = r.duration_or("msl", c.msl);
  c.syn_retries = static_cast<std::uint32_t>(r.integer_or("syn_retries", 0, 20, c.syn_retries));
  c.data_retries = static_cast<std::uint32_t>(r.integer_or("data_retries", 0, 30, c.data_retries));
  r.finish();
  return c;
}

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 40) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

void Loader::read_nodes() {
  for (const char* section : {"host", "router"}) {
    const bool router = std::string_view(section) == "router";
    std::size_t index = 0;
    for (const toml::table* t : entries(section)) {
      TableReader r = reader(*t, "[[" + std::string(section) + "]] #" + std::to_string(++index));
      const std::string name = r.string("name");
      if (!valid_name(name))
        r.fail("name", "invalid name '" + name + "': use up to 40 letters, digits, '-', '_' or '.'");
      // Routes are kept between every pair of nodes (all-pairs shortest paths, a table per node):
      // memory and time grow with the square of the count. 200,000 nodes took 5 GB and minutes
      // before the first event; a swarm of thousands is the [distribution] experiment's job.
      if (world_->net.node_count() >= MaxNodes)
        r.fail_table("a scenario holds at most " + std::to_string(MaxNodes) +
                     " hosts and routers (routes are computed between every pair); for thousands of peers, use a "
                     "[distribution] experiment (docs/p2p.md)");
      auto id = world_->net.add_node(name, router ? NodeKind::Router : NodeKind::Host);
      if (!id) r.fail("name", "duplicate node name '" + name + "': every host and router needs its own name");
      if (r.has("address")) {
        const Ipv4Address a = r.address("address");
        if (auto why = not_an_interface(a))
          r.fail("address", a.to_string() + " cannot be a host's address: " + *why + " (use one such as \"10.0.0.1\")");
        if (!claimed_.insert(a.value).second)
          r.fail("address", "duplicate address " + a.to_string() + ": another node already has it");
        host_addresses_[*id] = {a, r.position_of("address")};
      }
      read_look(r, *id);
      r.finish();
    }
  }
  if (world_->net.node_count() == 0 && !has_experiment())
    throw ScenarioError({file_, 1, 1}, "the scenario has no nodes; add [[host]] tables with a name");
}

// How the desktop view draws a node; no effect on the run.
void Loader::read_look(TableReader& r, NodeId id) {
  NodeLook look;
  if (r.has("position")) {
    const auto xy = r.integer_list("position", -100000, 100000);
    if (xy.size() != 2) r.fail("position", "'position' takes two numbers, as in position = [300, 120]");
    look.position = {static_cast<int>(xy[0]), static_cast<int>(xy[1])};
  }
  look.icon = r.choice("icon", {"desktop", "laptop", "phone", "server", "router"}, "");
  if (look.position || !look.icon.empty()) world_->looks[id] = look;
}

Ipv4Address Loader::auto_address(std::uint32_t link_number, std::uint32_t host_number) {
  // Link k gets 10.<k/256>.<k%256>.0/24; an address given elsewhere is skipped, not duplicated.
  for (std::uint32_t h = host_number; h < 255; ++h) {
    const Ipv4Address a{(10u << 24) | ((link_number / 256) << 16) | ((link_number % 256) << 8) | h};
    if (!claimed_.count(a.value)) {
      claimed_.insert(a.value);
      return a;
    }
  }
  return Ipv4Address{(10u << 24) | ((link_number / 256) << 16) | ((link_number % 256) << 8) | 254};
}

void Loader::read_links() {
  std::size_t index = 0;
  struct Pending {
    NodeId ends[2];
    std::optional<Ipv4Address> addresses[2];
    SourcePosition where[2];
    LinkConfig config;
    std::string name;
    TableReader table;
  };
  std::vector<Pending> links;
  std::set<NodeId> linked;  // nodes met on an earlier link
  for (const toml::table* t : entries("link")) {
    TableReader r = reader(*t, "[[link]] #" + std::to_string(++index));
    const auto between = r.string_list("between");
    if (between.size() != 2)
      r.fail("between", "'between' must name exactly two nodes, as in between = [\"alice\", \"r1\"]");
    Pending p{{r.resolve_node("between", between[0], 0), r.resolve_node("between", between[1], 1)}, {}, {}, {}, "", r};
    if (p.ends[0] == p.ends[1]) r.fail("between", "a link must join two different nodes");
    p.name = r.string_or("name", "");
    if (!p.name.empty() && !valid_name(p.name))
      r.fail("name", "invalid link name '" + p.name + "': use up to 40 letters, digits, '-', '_' or '.'");
    p.config.rate = r.rate_or("rate", p.config.rate);
    p.config.delay = r.duration_or("delay", p.config.delay);
    p.config.queue = r.queue_limit_or("queue", p.config.queue);
    p.config.loss = r.probability_or("loss", p.config.loss);
    p.config.cost = static_cast<std::uint32_t>(r.integer_or("cost", 1, 1'000'000, 1));
    if (r.has("addresses")) {
      const auto list = r.string_list("addresses");
      if (list.size() != 2) r.fail("addresses", "'addresses' must give two addresses, one per end of 'between'");
      for (int side = 0; side < 2; ++side) {
        auto a = Ipv4Address::parse(list[side]);
        if (!a)
          r.fail_element("addresses", side, "invalid IPv4 address '" + list[side] +
                                                "' (expected four numbers 0-255 without leading zeros, such as \"10.0.0.1\")");
        if (auto why = not_an_interface(*a))
          r.fail_element("addresses", side, a->to_string() + " cannot be an interface's address: " + *why);
        // The node's own `address` may repeat here, on its first link: the same claim, written twice.
        const auto own = host_addresses_.find(p.ends[side]);
        const bool repeats_own =
            own != host_addresses_.end() && own->second.address == *a && !linked.count(p.ends[side]);
        if (!claimed_.insert(a->value).second && !repeats_own)
          r.fail_element("addresses", side, "duplicate address " + a->to_string() + ": another interface already has it");
        p.addresses[side] = *a;
      }
    }
    r.finish();
    linked.insert(p.ends[0]);
    linked.insert(p.ends[1]);
    links.push_back(std::move(p));
  }
  // A host's own `address` goes on its first link.
  std::set<NodeId> placed;
  for (Pending& p : links)
    for (int side = 0; side < 2; ++side)
      if (auto it = host_addresses_.find(p.ends[side]); it != host_addresses_.end() && !placed.count(p.ends[side])) {
        placed.insert(p.ends[side]);
        if (p.addresses[side] && *p.addresses[side] != it->second.address)
          throw ScenarioError(it->second.where, "node '" + world_->net.node(p.ends[side]).name() + "' has address " +
                                                    it->second.address.to_string() + ", but its first link gives it " +
                                                    p.addresses[side]->to_string() + "; keep one of the two");
        p.addresses[side] = it->second.address;
      }
  for (std::size_t k = 0; k < links.size(); ++k) {
    Pending& p = links[k];
    const bool router0 = world_->net.node(p.ends[0]).is_router();
    const bool router1 = world_->net.node(p.ends[1]).is_router();
    // The router end of a host-router link is .1, the usual gateway address.
    const int first = (!router0 && router1) ? 1 : 0;
    for (int side : {first, 1 - first})
      if (!p.addresses[side]) p.addresses[side] = auto_address(static_cast<std::uint32_t>(k + 1), side == first ? 1 : 2);
    auto id = world_->net.add_link(p.ends[0], p.ends[1], *p.addresses[0], *p.addresses[1], p.config, p.name);
    if (!id) p.table.fail(p.name.empty() ? "between" : "name", id.error());
  }
  for (const auto& [node, claim] : host_addresses_)
    if (!placed.count(node))
      throw ScenarioError(claim.where, "node '" + world_->net.node(node).name() +
                                           "' has an address but no link; add a [[link]] with between = [\"" +
                                           world_->net.node(node).name() + "\", ...]");
}

void Loader::read_capture() {
  std::vector<std::string> points = {"hosts"};
  std::optional<TableReader> r;
  if (const toml::node* n = root_.get("capture")) {
    if (!n->is_table())
      throw ScenarioError({file_, n->source().begin.line, n->source().begin.column}, "'capture' must be a table: [capture]");
    r.emplace(reader(*n->as_table(), "[capture]"));
    points = r->string_list_or("points", points);
    r->finish();
  }
  Network& net = world_->net;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::string& p = points[i];
    auto add_node = [&](NodeId id) {
      for (std::size_t k = 0; k < net.node(id).interfaces().size(); ++k)
        world_->capture_points.push_back({id, static_cast<int>(k)});
    };
    if (p == "none") continue;
    if (p == "hosts" || p == "all") {
      for (NodeId id = 0; id < net.node_count(); ++id)
        if (p == "all" || !net.node(id).is_router()) add_node(id);
      continue;
    }
    const auto colon = p.find(':');
    const NodeId id = r->resolve_node("points", p.substr(0, colon), i);
    if (colon == std::string::npos) {
      add_node(id);
      continue;
    }
    const std::string iface = p.substr(colon + 1);
    std::vector<std::string> names;
    int found = -1;
    for (std::size_t k = 0; k < net.node(id).interfaces().size(); ++k) {
      names.push_back(net.node(id).interfaces()[k].name);
      if (names.back() == iface) found = static_cast<int>(k);
    }
    if (found < 0)
      r->fail_element("points", i, "node '" + net.node(id).name() + "' has no interface '" + iface + "'" +
                                       did_you_mean(iface, names));
    world_->capture_points.push_back({id, found});
  }
}

template <class Map>
const typename Map::mapped_type& lookup_type(TableReader& r, const Map& types, std::string_view key,
                                             const std::string& what) {
  const std::string name = r.string(key);
  auto it = types.find(name);
  if (it != types.end()) return it->second;
  std::vector<std::string> names;
  for (const auto& [n, t] : types) names.push_back(n);
  r.fail(key, "unknown " + what + " '" + name + "'" + did_you_mean_or_list(name, names, "known " + what + "s:"));
}

void Loader::read_apps() {
  std::size_t index = 0;
  for (const toml::table* t : entries("app")) {
    TableReader r = reader(*t, "[[app]] #" + std::to_string(++index));
    const AppType& type = lookup_type(r, registry_.apps(), "type", "app type");
    const NodeId node = r.node("host");
    const Duration start = r.duration_or("start", {});
    std::optional<Duration> stop;
    if (r.has("stop")) stop = r.duration("stop");
    if (stop && *stop < start) r.fail("stop", "'stop' comes before 'start'");
    AppContext ctx{*world_, node, r};
    std::unique_ptr<App> app = type.make(ctx);
    r.finish();
    App* raw = app.get();
    world_->sim.schedule_at(Time{} + start, [raw] { raw->start(); });
    if (stop) world_->sim.schedule_at(Time{} + *stop, [raw] { raw->stop(); });
    world_->apps.push_back(std::move(app));
    world_->app_hosts.push_back(node);
    world_->app_types.push_back(r.string("type"));
  }
}

void Loader::read_actions() {
  std::size_t index = 0;
  for (const toml::table* t : entries("action")) {
    TableReader r = reader(*t, "[[action]] #" + std::to_string(++index));
    const Duration at = r.duration("at");
    // The run stops at its duration: an action after it would never happen, silently.
    if (info_.duration && at > *info_.duration)
      r.fail("at", "this action at " + format_duration(at) + " comes after the run's end at " +
                       format_duration(*info_.duration) + " ([scenario] duration): it would never happen; move it, or "
                       "raise the duration");
    const ActionType& type = lookup_type(r, registry_.actions(), "do", "action");
    ActionContext ctx{*world_, r};
    auto what = type.make(ctx);
    r.finish();
    world_->sim.schedule_at(Time{} + at, std::move(what));
  }
}

// An experiment section ([distribution]) makes the file an experiment: at most one per file.
void Loader::read_experiment() {
  std::string found;
  for (const auto& [section, type] : registry_.experiments()) {
    const toml::node* n = root_.get(section);
    if (!n) continue;
    const SourcePosition where{file_, n->source().begin.line, n->source().begin.column};
    if (!n->is_table()) throw ScenarioError(where, "'" + section + "' must be a table: [" + section + "]");
    if (!found.empty())
      throw ScenarioError(where, "a scenario holds one experiment; [" + found + "] is already here");
    found = section;
    // The experiment builds its own networks: a topology, apps or expectations beside it would
    // be silently ignored, which a student would take for a run that used them.
    for (const std::string_view packet_level : TopLevelKeys) {
      if (packet_level == "scenario") continue;
      const toml::node* other = root_.get(packet_level);
      if (!other) continue;
      const toml::node* first = other->is_array() && !other->as_array()->empty() ? other->as_array()->get(0) : other;
      throw ScenarioError(SourcePosition{file_, first->source().begin.line, first->source().begin.column},
                          "[" + section + "] is an experiment that builds its own networks; '" + std::string(packet_level) +
                              "' is not used by it: remove it, or put it in a scenario of its own");
    }
    TableReader r = reader(*n->as_table(), "[" + section + "]");
    ExperimentContext ctx{*world_, r};
    world_->experiment = type.make(ctx);
    r.finish();
  }
}

void Loader::read_expectations() {
  std::size_t index = 0;
  for (const toml::table* t : entries("expect")) {
    TableReader r = reader(*t, "[[expect]] #" + std::to_string(++index));
    const ExpectationType& type = lookup_type(r, registry_.expectations(), "type", "expectation");
    ExpectationContext ctx{*world_, r, registry_};
    auto e = type.make(ctx);
    r.finish();
    const SourcePosition where = r.position();
    world_->expectations.push_back({std::move(e), where.file + ":" + std::to_string(where.line)});
  }
}

std::unique_ptr<World> Loader::load() {
  check_top_level();
  read_scenario();
  const TcpConfig tcp = read_tcp();
  world_ = std::make_unique<World>(info_.seed);
  world_->info = info_;
  read_nodes();
  read_links();
  world_->build_stacks(tcp);
  // Routes exist from the start; their trace event is published as the run's first event,
  // once the run's outputs are listening.
  const RoutesChanged initial = world_->net.compute_routes("start", false);
  world_->sim.schedule_at(Time{}, [&sim = world_->sim, initial] { sim.trace().publish(initial); });
  read_capture();
  read_apps();
  read_actions();
  read_expectations();
  read_experiment();
  return std::move(world_);
}

}  // namespace

Result<std::unique_ptr<World>> load_scenario_text(std::string_view text, const std::string& path,
                                                  const LoadOptions& options, const Registry& registry) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    return Error{path + ":" + std::to_string(b.line) + ":" + std::to_string(b.column) +
                 ": TOML syntax error: " + std::string(e.description())};
  }
  try {
    return Loader(root, path, options, registry).load();
  } catch (const ScenarioError& e) {
    return Error{e.formatted()};
  }
}

Result<std::unique_ptr<World>> load_scenario_file(const std::string& path, const LoadOptions& options,
                                                  const Registry& registry) {
  // Only a regular file: a directory would read as empty, a FIFO would wait forever.
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::is_directory(status))
    return Error{path + ": is a directory, not a scenario file (bundled ones: wiresim list)"};
  if (!ec && !std::filesystem::is_regular_file(status)) return Error{path + ": is not a regular file"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot open the scenario file"};
  std::ostringstream text;
  text << in.rdbuf();
  return load_scenario_text(text.str(), path, options, registry);
}

}  // namespace wiresim
