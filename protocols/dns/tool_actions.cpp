// The tools as timeline actions on a simulated host: `lookup` (what any program does through
// the stub), `nslookup`, `dig`, `ipconfig /displaydns` and `/flushdns`, a resolver's cache
// dump, and `set-dns-server` (what DHCP, an administrator, or malware does).
#include <memory>

#include "protocols/dns/dns_world.hpp"
#include "protocols/dns/name.hpp"
#include "protocols/dns/scenario_keys.hpp"
#include "protocols/dns/tool_output.hpp"
#include "sim/scenario/registry.hpp"

namespace wiresim::dns {
namespace {

// "53.0.0.10.in-addr.arpa." for 10.0.0.53 (RFC 1035 3.5).
std::string reverse_name(std::uint32_t address) {
  std::string name;
  for (int shift = 0; shift <= 24; shift += 8) name += std::to_string((address >> shift) & 0xFF) + ".";
  return name + "in-addr.arpa.";
}

// A name as the user typed it, without the trailing dot.
std::string typed(const std::string& name) { return name == "." ? name : name.substr(0, name.size() - 1); }

struct ToolTarget {
  NodeId host;
  std::string name;
  RrType type;
  std::optional<NameServer> server;  // none: the host's configured DNS server
};

ToolTarget read_target(ActionContext& c) {
  ToolTarget t{c.table.node("host"), read_name(c.table, "name"), read_type(c.table, "qtype", RrType::A), {}};
  if (c.table.has("server")) t.server = read_server(c.table, "server");
  return t;
}

// The server a tool asks: the one named on its command line, else the host's own.
std::uint32_t server_for(World& world, NodeId host, const std::optional<NameServer>& named) {
  return named ? named->address : world.service<DnsWorld>().server_of(host);
}

std::function<void()> make_lookup(ActionContext& c) {
  const ToolTarget t = read_target(c);
  if (t.server) c.table.fail("server", "'lookup' goes through the host's stub resolver; use 'dig' or 'nslookup' to ask a chosen server");
  return [&world = c.world, t] { dns::lookup(world, t.host, t.name, t.type, nullptr); };
}

std::function<void()> make_dig(ActionContext& c) {
  const ToolTarget t = read_target(c);
  StubConfig config;
  config.recurse = c.table.boolean_or("recurse", true);
  config.tcp = c.table.boolean_or("tcp", false);
  config.timeout = c.table.duration_or("timeout", seconds(5));  // dig's defaults: +time=5 +tries=3
  config.attempts = static_cast<int>(c.table.integer_or("tries", 1, 10, 3));
  return [&world = c.world, t, config]() mutable {
    config.server = server_for(world, t.host, t.server);
    const double when = world.sim.now().seconds();
    world.service<DnsWorld>().query(t.host, config, {t.name, t.type, ClassIn}, "dig", [&world, t, config, when](const LookupResult& r) {
      DigRun run;
      run.server_address = address_string(config.server);
      run.qname = typed(t.name);
      run.qtype = t.type;
      run.recurse = config.recurse;
      run.tcp = r.tcp;
      run.reply = r.reply;
      run.query_time_ms = static_cast<std::uint64_t>((r.finished - r.started).ns / 1'000'000);
      run.reply_size = r.reply_size;
      run.when_s = when;
      run.tries = r.tries;
      std::string command = "$ dig @" + run.server_address;
      if (!config.recurse) command += " +norecurse";
      if (config.tcp) command += " +tcp";
      command += " " + run.qname + " " + type_name(t.type) + "\n";
      world.service<DnsWorld>().tool_output(t.host, "dig", command + format_dig(run));
    });
  };
}

// An nslookup run: one name on the command line, or an interactive session (`names`), the names
// typed one after another at its "> " prompt, each asked once the answer to the last is in.
// Windows first asks for its server's own name (a PTR query), "UnKnown" if none.
struct NslookupSession : std::enable_shared_from_this<NslookupSession> {
  World& world;
  NodeId host;
  std::vector<std::string> names;
  RrType type = RrType::A;
  std::optional<NameServer> server;  // given on the command line
  NslookupStyle style = NslookupStyle::Windows;
  bool interactive = false;
  StubConfig config;
  std::string server_name;  // from the PTR query

  NslookupSession(World& w, NodeId h) : world(w), host(h) {}
  DnsWorld& dns() { return world.service<DnsWorld>(); }
  int timeout_s() const { return static_cast<int>(config.timeout.ns / 1'000'000'000); }
  // What the user typed to start it, at the shell's prompt.
  std::string command() const { return style == NslookupStyle::Windows ? "C:\\> nslookup" : "$ nslookup"; }

  void start() {
    config.server = server_for(world, host, server);
    if (style == NslookupStyle::Unix) return begin(true);
    dns().query(host, config, {reverse_name(config.server), RrType::PTR, ClassIn}, "nslookup",
                [self = shared_from_this()](const LookupResult& r) {
                  if (r.reply)
                    for (const ResourceRecord& rr : r.reply->answers)
                      if (rr.type == RrType::PTR) self->server_name = typed(std::get<NameData>(rr.data).target);
                  self->begin(r.reply.has_value());
                });
  }

  void begin(bool ptr_answered) {
    if (interactive) {
      std::string text = command();
      if (server) text += " - " + address_string(config.server);
      text += '\n';
      text += format_nslookup_start(style, server_name, address_string(config.server), ptr_answered, timeout_s());
      if (type != RrType::A) text += "> set type=" + type_name(type) + "\n";
      dns().tool_output(host, "nslookup", text);
    }
    ask(0);
  }

  void ask(std::size_t i) {
    dns().query(host, config, {names[i], type, ClassIn}, "nslookup", [self = shared_from_this(), i](const LookupResult& r) {
      self->answered(i, r);
    });
  }

  void answered(std::size_t i, const LookupResult& r) {
    NslookupRun run;
    run.style = style;
    run.server_address = address_string(config.server);
    run.server_name = server_name;
    run.qname = typed(names[i]);
    run.qtype = type;
    run.reply = r.reply;
    run.timeout_s = timeout_s();
    run.interactive = interactive;
    std::string typed_line;
    if (interactive) {
      typed_line = "> " + run.qname;
    } else {
      typed_line = command();
      if (type != RrType::A) typed_line += " -type=" + type_name(type);
      typed_line += " " + run.qname;
      if (server) typed_line += " " + run.server_address;
    }
    std::string text = typed_line + "\n" + format_nslookup(run);
    if (interactive && i + 1 == names.size()) text += "> exit\n";
    dns().tool_output(host, "nslookup", text);
    if (i + 1 < names.size()) ask(i + 1);
  }
};

std::function<void()> make_nslookup(ActionContext& c) {
  NslookupSession session(c.world, c.table.node("host"));
  session.interactive = c.table.has("names");
  if (session.interactive) {
    if (c.table.has("name"))
      c.table.fail("names", "give 'name' (one query on the command line) or 'names' (an interactive session), not both");
    session.names = read_names(c.table, "names");
  } else {
    session.names = {read_name(c.table, "name")};
  }
  session.type = read_type(c.table, "qtype", RrType::A);
  if (c.table.has("server")) session.server = read_server(c.table, "server");
  session.style = c.table.choice("style", {"windows", "unix"}, "windows") == "windows" ? NslookupStyle::Windows
                                                                                        : NslookupStyle::Unix;
  session.config.timeout = c.table.duration_or("timeout", seconds(2));
  session.config.attempts = 2;
  // Each run is a session of its own, should the action run again.
  return [session] { std::make_shared<NslookupSession>(session)->start(); };
}

std::function<void()> make_displaydns(ActionContext& c) {
  const NodeId host = c.table.node("host");
  return [&world = c.world, host] {
    std::vector<CacheLine> lines;
    for (const CacheEntry& e : world.service<DnsWorld>().stub(host).engine().cache().entries(world.sim.now())) {
      if (e.negative) {
        ResourceRecord rr;
        rr.name = e.name;
        rr.type = e.type;
        rr.ttl = e.records.empty() ? 0 : e.records[0].ttl;
        lines.push_back({rr, "Answer", true});
        continue;
      }
      for (const ResourceRecord& rr : e.records) lines.push_back({rr, "Answer", false});
    }
    world.service<DnsWorld>().tool_output(host, "ipconfig", "C:\\> ipconfig /displaydns\n" + format_displaydns(lines));
  };
}

std::function<void()> make_flush(ActionContext& c) {
  const NodeId node = c.table.node("host");
  return [&world = c.world, node] {
    DnsWorld& dns = world.service<DnsWorld>();
    const bool resolver = dns.resolver(node) != nullptr;
    Cache* cache = resolver ? dns.mutable_cache_of(node) : &dns.stub(node).engine().cache();
    cache->clear();
    dns.tool_output(node, resolver ? "rndc" : "ipconfig",
                    resolver ? "$ rndc flush\n" : "C:\\> ipconfig /flushdns\n\nWindows IP Configuration\n\n"
                                                  "Successfully flushed the DNS Resolver Cache.\n");
  };
}

// Like BIND's `rndc dumpdb -cache`: every entry with the seconds it has left and its source.
std::function<void()> make_dump(ActionContext& c) {
  const NodeId node = c.table.node("host");
  if (!c.world.service<DnsWorld>().resolver(node))
    c.table.fail("host", "'" + c.world.net.node(node).name() +
                             "' runs no dns-resolver; use do = \"displaydns\" for a host's own cache");
  // Negative entries can drown the rest (a poisoning attack leaves hundreds): `negative = false`.
  const bool negative = c.table.boolean_or("negative", true);
  return [&world = c.world, node, negative] {
    DnsWorld& dns = world.service<DnsWorld>();
    std::string text = "$ rndc dumpdb -cache\n";
    const auto entries = dns.cache_of(node)->entries(world.sim.now());
    text += "; " + std::to_string(entries.size()) + " cache entries at t=" + format_time(world.sim.now()) + " s\n";
    std::size_t hidden = 0;
    for (const CacheEntry& e : entries) {
      if (e.negative && !negative) {
        ++hidden;
        continue;
      }
      if (e.negative) {
        const std::uint32_t left = e.records.empty() ? 0 : e.records[0].ttl;
        text += "; " + e.name + "\t" + std::to_string(left) + "\t" +
                (e.rcode == Rcode::NXDomain ? "\\-ANY\t;-$NXDOMAIN" : "\\-" + type_name(e.type) + "\t;-$NXRRSET");
        text += " ; from " + e.source + "\n";
        continue;
      }
      for (const ResourceRecord& rr : e.records) text += to_string(rr) + " ; from " + e.source + "\n";
    }
    if (hidden) text += "; (" + std::to_string(hidden) + " negative entries not shown)\n";
    dns.tool_output(node, "dump-cache", text);
  };
}

std::function<void()> make_set_server(ActionContext& c) {
  const NodeId host = c.table.node("host");
  const NameServer server = read_server(c.table, "server");
  return [&world = c.world, host, server] {
    world.service<DnsWorld>().set_server(host, server.address);
    world.service<DnsWorld>().tool_output(host, "netsh", "DNS server set to " + address_string(server.address) + "\n");
  };
}

}  // namespace

void register_tools(Registry& registry) {
  registry.add_action("lookup", {"resolve a name through the host's stub resolver, as any program would", make_lookup});
  registry.add_action("nslookup", {"run nslookup on a host (Windows or Unix output)", make_nslookup});
  registry.add_action("dig", {"run dig on a host", make_dig});
  registry.add_action("displaydns", {"print a host's stub cache (ipconfig /displaydns)", make_displaydns});
  registry.add_action("flush-dns", {"empty a host's stub cache or a resolver's cache", make_flush});
  registry.add_action("dump-cache", {"print a resolver's cache (rndc dumpdb -cache)", make_dump});
  registry.add_action("set-dns-server", {"change the DNS server a host's stub uses", make_set_server});
}

}  // namespace wiresim::dns
