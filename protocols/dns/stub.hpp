// The stub resolver every host runs (RFC 1034 5.3.1): it sends one recursive query to its
// configured DNS server, retries with a doubling timeout, asks again over TCP after a
// truncated reply, and keeps a small cache (what `ipconfig /displaydns` shows). Without a
// cache it is the query engine of dig and nslookup. Sans-I/O: time comes in as arguments.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "protocols/dns/cache.hpp"
#include "protocols/dns/datagram.hpp"
#include "protocols/dns/events.hpp"
#include "protocols/dns/message.hpp"

namespace wiresim::dns {

struct StubConfig {
  std::uint32_t server = 0;      // the DNS server's address; 0: none configured
  Duration timeout = seconds(1); // doubles on each retry, as Windows' resolver does
  int attempts = 3;
  std::size_t cache_size = 64;   // 0: no cache (dig and nslookup ask every time)
  bool recurse = true;           // RD in queries; false for dig +norecurse
  bool tcp = false;              // ask over TCP from the start (dig +tcp)
};

struct LookupResult {
  std::uint64_t handle = 0;
  Question question;
  std::optional<Message> reply;  // none: no server answered (or none is configured)
  std::size_t reply_size = 0;    // octets of the reply on the wire
  bool from_cache = false;
  bool tcp = false;              // the reply came over TCP
  int tries = 0;                 // queries sent
  std::uint32_t server = 0;
  Time started{}, finished{};

  // The addresses of the final answer (after any CNAMEs), as dotted quads.
  std::vector<std::string> addresses() const;
};

class Stub {
 public:
  Stub(StubConfig config, std::function<std::uint64_t()> random);

  std::uint64_t lookup(const Question& question, Time now);
  void on_datagram(std::span<const std::uint8_t> bytes, Peer from, std::uint16_t local_port, Transport transport,
                   Time now);
  void on_timer(Time now);

  std::optional<Time> wake_at() const;
  std::vector<Datagram> take_outgoing() { return std::exchange(outgoing_, {}); }
  std::vector<Event> take_events() { return std::exchange(events_, {}); }
  std::vector<LookupResult> take_results() { return std::exchange(results_, {}); }
  std::vector<std::uint16_t> take_released_ports() { return std::exchange(released_, {}); }

  void set_server(std::uint32_t server) { config_.server = server; }
  const StubConfig& config() const { return config_; }
  Cache& cache() { return cache_; }
  const Cache& cache() const { return cache_; }

 private:
  struct Pending {
    LookupResult result;
    std::uint16_t id = 0, port = 0;
    std::vector<std::uint8_t> query;
    Transport transport = Transport::Udp;
    Time deadline{};
    Duration timeout{};
  };
  bool answer_from_cache(const Question& question, Time now, LookupResult& result);
  void send(Pending& p, Time now);
  void complete(Pending& p, Time now);

  StubConfig config_;
  std::function<std::uint64_t()> random_;
  Cache cache_;
  std::map<std::uint64_t, Pending> pending_;
  std::uint64_t next_handle_ = 1;
  std::vector<Datagram> outgoing_;
  std::vector<Event> events_;
  std::vector<LookupResult> results_;
  std::vector<std::uint16_t> released_;
};

}  // namespace wiresim::dns
