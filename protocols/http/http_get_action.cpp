// The `http-get` action: a client on a host fetches a list of paths from a server, on one
// persistent connection (optionally pipelined) or on one connection per path, as HTTP/1.0
// browsers without keep-alive did. It counts connections, head and body octets and the time from
// the first SYN to the last response, for comparing with FTP. No redirects, no parallel
// connections.
#include <memory>

#include "protocols/http/client_session.hpp"
#include "protocols/http/http_world.hpp"
#include "sim/scenario/registry.hpp"
#include "sim/scenario/stream_session.hpp"
#include "sim/scenario/table_reader.hpp"
#include "sim/trace/app_events.hpp"

namespace wiresim::http {
namespace {

struct Plan {
  NodeId host = 0, server = 0;
  std::uint16_t port = Port;
  std::vector<std::string> paths;
  bool persistent = true, pipelined = false;
};

// One run of the action: its connections and what it has learned so far.
class Fetch {
 public:
  Fetch(World& w, Plan plan, FetchRecord& record) : w_(w), plan_(std::move(plan)), record_(record) {}

  void begin() {
    record_.start = w_.sim.now();
    if (plan_.persistent) {
      std::vector<std::size_t> all;
      for (std::size_t i = 0; i < plan_.paths.size(); ++i) all.push_back(i);
      open(all);
    } else {
      open({next_++});
    }
  }

 private:
  struct Connection {
    std::unique_ptr<StreamSession<ClientSession>> session;
    std::vector<std::size_t> paths;  // the engine's request index -> index in plan_.paths
    std::size_t answered = 0;
  };

  // A new TCP connection asking for `paths` in order.
  void open(std::vector<std::size_t> paths) {
    TcpConnection& conn = w_.stack(plan_.host).tcp.connect({w_.net.node(plan_.server).address(), plan_.port});
    ++record_.connections;
    ClientConfig config;
    config.host = w_.net.node(plan_.server).name();
    config.persistent = plan_.persistent;
    config.pipelining = plan_.pipelined;
    config.user_agent = "wiresim-get";
    const std::size_t slot = connections_.size();
    auto session = std::make_unique<StreamSession<ClientSession>>(
        w_.sim, conn, StreamSessionOptions{w_.net.node(plan_.host).name(), "http", "C"},
        [this, slot](const Event& e) { on_event(slot, e); }, [this, slot] { on_finished(slot); }, config);
    connections_.push_back({std::move(session), std::move(paths), 0});
    Connection& c = connections_.back();
    for (std::size_t path : c.paths) c.session->engine().request({.method = "GET", .target = plan_.paths[path]});
    c.session->flush();
  }

  void on_event(std::size_t slot, const Event& e) {
    if (e.kind == EventKind::Error || e.kind == EventKind::ProtocolError) {
      note("error: " + e.text);
      return;
    }
    if (e.kind != EventKind::Response || record_.finished) return;
    Connection& c = connections_[slot];
    const std::size_t path = c.paths.at(e.request_index);
    ++c.answered;
    record_.statuses[path] = e.status;
    if (e.status >= 200 && e.status < 300) ++record_.files;
    record_.end = w_.sim.now();
    if (!plan_.persistent) advance();
    else if (all_answered()) finish();
  }

  // A connection is over: try again for what it left unanswered, as long as connections help.
  void on_finished(std::size_t slot) {
    if (record_.finished) return;
    Connection& c = connections_[slot];
    if (!plan_.persistent) {
      if (c.answered == 0) advance();  // this path got nothing; go on with the next
      return;
    }
    std::vector<std::size_t> left;
    for (std::size_t i = 0; i < plan_.paths.size(); ++i)
      if (record_.statuses[i] == 0) left.push_back(i);
    if (left.empty()) return;
    // Requests past a server's limit, or cut by its idle timeout, go on a new connection; a
    // connection that answered nothing will not do better the next time.
    if (c.answered == 0) {
      finish();
      return;
    }
    // Never from inside the old connection's callbacks.
    w_.sim.schedule_in(Duration{0}, [this, left] { open(left); });
  }

  void advance() {
    if (next_ >= plan_.paths.size()) {
      finish();
      return;
    }
    w_.sim.schedule_in(Duration{0}, [this] { open({next_++}); });
  }

  bool all_answered() const {
    for (int status : record_.statuses)
      if (status == 0) return false;
    return true;
  }

  void finish() {
    record_.finished = true;
    if (record_.end < record_.start) record_.end = w_.sim.now();
    record_.head_bytes = record_.body_bytes = 0;
    for (const Connection& c : connections_) {
      const Counters& n = c.session->engine().counters();
      record_.head_bytes += n.head_bytes_sent + n.head_bytes_received;
      record_.body_bytes += n.body_bytes_received;
    }
    note("http-get summary: " + summary(record_));
  }

  void note(const std::string& text) {
    w_.sim.trace().publish(AppMessage{w_.net.node(plan_.host).name(), "http", "", text});
  }

  World& w_;
  Plan plan_;
  FetchRecord& record_;
  std::vector<Connection> connections_;
  std::size_t next_ = 0;  // non-persistent: the next path to ask for
};

// The fetches of a world, kept until it ends.
struct Fetches : WorldService {
  explicit Fetches(World&) {}
  std::vector<std::unique_ptr<Fetch>> running;
};

std::function<void()> make_http_get(ActionContext& c) {
  World& w = c.world;
  TableReader& t = c.table;
  Plan plan;
  plan.host = t.node("host");
  plan.server = t.node("server");
  plan.port = static_cast<std::uint16_t>(t.integer_or("port", 1, 65535, Port));
  plan.paths = t.string_list("paths");
  if (plan.paths.empty()) t.fail("paths", "'paths' lists what to fetch, as in [\"/index.html\", \"/logo.png\"]");
  for (std::size_t i = 0; i < plan.paths.size(); ++i) {
    const std::string& p = plan.paths[i];
    if (p.empty() || p[0] != '/' || p.find_first_of(" \r\n") != std::string::npos)
      t.fail_element("paths", i, "a path starts with / and has no spaces, as in \"/index.html\"; got \"" + p + "\"");
  }
  plan.persistent = t.boolean_or("persistent", true);
  plan.pipelined = t.boolean_or("pipelined", false);
  if (plan.pipelined && !plan.persistent)
    t.fail("pipelined", "pipelining needs a persistent connection; remove persistent = false or pipelined = true");
  return [&w, plan] {
    FetchRecord record;
    record.host = w.net.node(plan.host).name();
    record.server = w.net.node(plan.server).name();
    record.persistent = plan.persistent;
    record.pipelined = plan.pipelined;
    record.paths = plan.paths;
    record.statuses.assign(plan.paths.size(), 0);
    FetchRecord& kept = w.service<HttpWorld>().add_fetch(std::move(record));
    auto fetch = std::make_unique<Fetch>(w, plan, kept);
    Fetch* raw = fetch.get();
    w.service<Fetches>().running.push_back(std::move(fetch));
    raw->begin();
  };
}

}  // namespace

void register_client(Registry& registry) {
  registry.add_action("http-get", {"a client fetches `paths` from an HTTP server, on one persistent connection or one per path",
                                   make_http_get});
}

}  // namespace wiresim::http
