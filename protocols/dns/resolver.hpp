// The recursive resolver (the campus or ISP "local DNS server"): answers stubs' questions by
// asking the hierarchy itself, from the root hints down through referrals (RFC 1034 5.3.3),
// caching what it learns, following CNAMEs and caching negative answers (RFC 2308). Upstream
// queries carry a random 16-bit ID and, unless a fixed port is configured, a random source
// port: the two secrets an off-path spoofer must guess. Sans-I/O: time comes in as arguments.
// Not modelled: DNSSEC, EDNS(0), 0x20 case randomisation, query coalescing, server RTT ranking.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "protocols/dns/cache.hpp"
#include "protocols/dns/datagram.hpp"
#include "protocols/dns/events.hpp"
#include "protocols/dns/message.hpp"

namespace wiresim::dns {

struct NameServer {
  std::string name;           // "a.root-servers.net." or "" when only the address is known
  std::uint32_t address = 0;  // 0: not known yet
};

struct ResolverConfig {
  std::vector<NameServer> root_hints;
  // true: ask each server without RD and follow referrals (iterative resolution).
  // false: ask the first server with RD set and let it recurse (the textbook's recursive query).
  bool iterative = true;
  std::optional<std::uint16_t> fixed_port;  // none: a fresh random source port for every query
  Duration timeout = seconds(2);
  int max_queries = 40;        // per client question, referrals and NS lookups included
  std::size_t cache_size = 100000;
  // Local data (Unbound's local-data): answered as is, never asked upstream. A home router
  // answers for its own name this way; a hijacked (rogue) resolver lies this way.
  std::vector<ResourceRecord> local_data;
  bool serve_clients = true;   // false: answer only resolve() callers (a server's forwarder)
};

// A finished resolve(): the reply a client would get.
struct Completion {
  std::uint64_t handle = 0;
  Message reply;  // answers (CNAME chain first), or the SOA of a negative answer in authority
};

class Resolver {
 public:
  // `random` supplies query IDs and ports; give it a seeded stream for reproducible runs.
  Resolver(ResolverConfig config, std::function<std::uint64_t()> random);

  // Any datagram that reached this resolver: a client's query (QR clear) on port 53, or an
  // upstream response (QR set) on `local_port`.
  void on_datagram(std::span<const std::uint8_t> bytes, Peer from, std::uint16_t local_port, Transport transport,
                   Time now);
  void on_timer(Time now);

  // Resolves for a caller on this node; the answer comes back as a Completion. `start_at`
  // names servers to ask first instead of the cache's and root hints' (a server that recurses
  // on behalf of its clients starts at its own referral).
  std::uint64_t resolve(const Question& question, Time now, std::vector<NameServer> start_at = {},
                        std::string start_zone = ".");

  std::optional<Time> wake_at() const;
  std::vector<Datagram> take_outgoing();
  std::vector<Event> take_events();
  std::vector<Completion> take_completions();
  // Source ports whose query is over, so the adapter may unbind them.
  std::vector<std::uint16_t> take_released_ports();

  Cache& cache() { return cache_; }
  const Cache& cache() const { return cache_; }
  const ResolverConfig& config() const { return config_; }

  struct Stats {
    std::uint64_t client_queries = 0, upstream_queries = 0, answered_from_cache = 0;
    std::uint64_t ignored_responses = 0, timeouts = 0, servfails = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  struct Client {
    Peer peer;
    std::uint16_t id = 0;
    bool rd = false;
    Transport transport = Transport::Udp;
  };
  struct Outstanding {
    Peer server;
    std::uint16_t id = 0;
    std::uint16_t port = 0;
    Question question;
    std::vector<std::uint8_t> bytes;  // the query, to send again over TCP after a truncation
    Time deadline{};
    Transport transport = Transport::Udp;
  };
  struct Task {
    std::uint64_t handle = 0;
    Question original;
    std::string qname;                   // the name being resolved now, after CNAMEs
    std::vector<ResourceRecord> chain;   // CNAMEs followed so far
    std::optional<Client> client;
    std::uint64_t parent = 0;            // a task waiting for this one (an NS address lookup)
    int depth = 0;
    Time started{};
    int queries = 0;
    std::string zone = ".";              // the zone whose servers we are asking
    std::vector<NameServer> servers;
    std::set<std::uint32_t> tried;       // servers that failed or timed out for this zone
    std::optional<Outstanding> outstanding;
    std::uint64_t waiting_for = 0;       // a subtask resolving a server's address
    std::set<std::string> looked_up;     // server names whose address we already tried to find
    bool cache_only = false;             // a client asked without RD: no upstream queries
    bool done = false;
  };

  void client_query(const Message& query, Peer from, Transport transport, Time now);
  void upstream_response(const Message& response, Peer from, std::uint16_t local_port, Transport transport,
                         Time now);
  Task& new_task(Question question, Time now);
  void advance(Task& task, Time now);
  bool answer_from_cache(Task& task, Time now);
  void choose_servers(Task& task, Time now);
  bool answer_local_data(Task& task, Time now);
  void sweep();
  void send_query(Task& task, const NameServer& server, Time now);
  void process(Task& task, const Message& response, Peer from, Time now);
  void finish(Task& task, Rcode rcode, std::vector<ResourceRecord> records, std::optional<ResourceRecord> soa,
              Time now);
  void release(Task& task);
  std::uint16_t pick_port();
  void event(EventKind kind, std::string text, const std::string& name = {}, RrType type = RrType::A);

  ResolverConfig config_;
  std::function<std::uint64_t()> random_;
  Cache cache_;
  std::map<std::uint64_t, Task> tasks_;
  std::uint64_t next_handle_ = 1;
  std::vector<Datagram> outgoing_;
  std::vector<Event> events_;
  std::vector<Completion> completions_;
  std::vector<std::uint16_t> released_;
  Stats stats_;
};

}  // namespace wiresim::dns
