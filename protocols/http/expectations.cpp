// Facts about HTTP checked when the run ends: what an http-get action fetched and over how many
// connections (http-fetch).
#include "protocols/http/http_world.hpp"
#include "sim/scenario/bounds.hpp"
#include "sim/scenario/registry.hpp"
#include "sim/scenario/table_reader.hpp"

namespace wiresim::http {
namespace {

// How many http-get actions match: host, server, persistent, files (2xx answers) and connections.
class FetchExpectation : public Expectation {
 public:
  explicit FetchExpectation(ExpectationContext& c) {
    if (c.table.has("host")) host_ = c.world.net.node(c.table.node("host")).name();
    if (c.table.has("server")) server_ = c.world.net.node(c.table.node("server")).name();
    if (c.table.has("persistent")) persistent_ = c.table.boolean_or("persistent", true);
    if (c.table.has("files")) files_ = static_cast<std::uint64_t>(c.table.integer("files", 0, 1'000'000));
    if (c.table.has("connections"))
      connections_ = static_cast<std::uint64_t>(c.table.integer("connections", 0, 1'000'000));
    bounds_ = Bounds::read(c.table, 1);
  }
  std::string describe() const override {
    std::string d = bounds_.text(persistent_ ? (*persistent_ ? "persistent http-get" : "non-persistent http-get") : "http-get");
    if (host_) d += " from " + *host_;
    if (server_) d += " to " + *server_;
    if (files_) d += " fetching " + counted(*files_, "file");
    if (connections_) d += " over " + counted(*connections_, "connection");
    return d;
  }
  Verdict check(const World& world) const override {
    const HttpWorld* http = world.find_service<HttpWorld>();
    std::uint64_t n = 0, all = 0;
    std::string seen;
    for (const FetchRecord* r : http ? http->fetches() : std::vector<FetchRecord*>{}) {
      if (host_ && r->host != *host_) continue;
      if (server_ && r->server != *server_) continue;
      if (persistent_ && r->persistent != *persistent_) continue;
      ++all;
      seen += (seen.empty() ? "" : "; ") + summary(*r);
      if (files_ && r->files != *files_) continue;
      if (connections_ && r->connections != *connections_) continue;
      ++n;
    }
    return {bounds_.holds(n), std::to_string(n) + " of " + std::to_string(all) + " fetches match" +
                                  (seen.empty() ? "" : " (" + seen + ")")};
  }

 private:
  std::optional<std::string> host_, server_;
  std::optional<bool> persistent_;
  std::optional<std::uint64_t> files_, connections_;
  Bounds bounds_;
};

}  // namespace

void register_expectations(Registry& registry) {
  registry.add_expectation("http-fetch", {"how many http-get actions fetched `files` files over `connections` connections (host, server, persistent)",
                                          [](ExpectationContext& c) { return std::make_unique<FetchExpectation>(c); }});
}

}  // namespace wiresim::http
