// What a grader can check about DNS: the answer a host got, what a cache holds at a moment,
// and how many queries a node sent.
#include <memory>

#include "protocols/dns/dns_world.hpp"
#include "protocols/dns/name.hpp"
#include "protocols/dns/scenario_keys.hpp"
#include "sim/scenario/bounds.hpp"
#include "sim/scenario/registry.hpp"

namespace wiresim::dns {
namespace {

std::optional<Rcode> parse_rcode(const std::string& text) {
  for (int code = 0; code <= 5; ++code)
    if (rcode_name(static_cast<Rcode>(code)) == text) return static_cast<Rcode>(code);
  return std::nullopt;
}

// The last lookup of a name on a host: its rcode, an address in its answer, whether it came
// from the cache, and how long it took.
class LookupExpectation : public Expectation {
 public:
  explicit LookupExpectation(ExpectationContext& c) {
    host_ = c.world.net.node(c.table.node("host")).name();
    name_ = read_name(c.table, "name");
    type_ = read_type(c.table, "qtype", RrType::A);
    if (c.table.has("rcode")) {
      const std::string text = c.table.string("rcode");
      rcode_ = parse_rcode(text);
      if (!rcode_) c.table.fail("rcode", "unknown rcode '" + text + "'; use NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP or REFUSED");
    }
    if (c.table.has("address")) address_ = c.table.address("address").to_string();
    if (c.table.has("from-cache")) from_cache_ = c.table.boolean_or("from-cache", false);
    if (c.table.has("within")) within_ = c.table.duration("within");
    tool_ = c.table.string_or("tool", "");
  }
  std::string describe() const override {
    std::string s = host_ + " looks up " + dns::describe(name_, type_);
    if (rcode_) s += ", " + rcode_name(*rcode_);
    if (address_) s += ", answer " + *address_;
    if (from_cache_) s += *from_cache_ ? ", from the cache" : ", not from the cache";
    if (within_) s += ", within " + format_duration(*within_);
    return s;
  }
  Verdict check(const World& world) const override {
    const DnsWorld* dns = world.find_service<DnsWorld>();
    const LookupLog* last = nullptr;
    if (dns)
      for (const LookupLog& l : dns->lookups())
        if (l.host == host_ && same_name(l.result.question.name, name_) && l.result.question.type == type_ &&
            (tool_.empty() || l.tool == tool_))
          last = &l;
    if (!last) return {false, "no lookup of " + dns::describe(name_, type_) + " on " + host_};
    const LookupResult& r = last->result;
    std::string detail = r.reply ? rcode_name(r.reply->header.rcode) : "no reply";
    for (const std::string& a : r.addresses()) detail += " " + a;
    detail += r.from_cache ? ", from the cache" : ", in " + format_duration(r.finished - r.started);
    bool ok = r.reply.has_value() || (rcode_ && *rcode_ == Rcode::ServFail);
    if (rcode_ && r.reply) ok = ok && r.reply->header.rcode == *rcode_;
    if (address_) {
      const auto all = r.addresses();
      ok = ok && std::find(all.begin(), all.end(), *address_) != all.end();
    }
    if (from_cache_) ok = ok && r.from_cache == *from_cache_;
    if (within_) ok = ok && (r.finished - r.started) <= *within_;
    return {ok, detail};
  }

 private:
  std::string host_, name_, tool_;
  RrType type_ = RrType::A;
  std::optional<Rcode> rcode_;
  std::optional<std::string> address_;
  std::optional<bool> from_cache_;
  std::optional<Duration> within_;
};

// A cache's content at a moment (the end of the run unless `at` says when): holds the name
// (with an address, if given), or does not.
class CacheExpectation : public Expectation {
 public:
  explicit CacheExpectation(ExpectationContext& c) : state_(std::make_shared<State>()) {
    node_ = c.table.node("host");
    host_ = c.world.net.node(node_).name();
    name_ = read_name(c.table, "name");
    type_ = read_type(c.table, "qtype", RrType::A);
    if (c.table.has("address")) address_ = c.table.address("address").to_string();
    present_ = !c.table.boolean_or("absent", false);
    if (c.table.has("at")) {
      at_ = c.table.duration("at");
      c.world.sim.schedule_at(Time{} + *at_, [state = state_, &world = c.world, this] { state->seen = look(world); });
    }
  }
  std::string describe() const override {
    std::string s = host_ + "'s cache " + (present_ ? "holds " : "does not hold ") + dns::describe(name_, type_);
    if (address_) s += " " + *address_;
    if (at_) s += " at " + format_duration(*at_);
    return s;
  }
  Verdict check(const World& world) const override {
    const std::string seen = at_ ? state_->seen : look(world);
    const bool holds = !seen.empty() && seen != "-" && (!address_ || seen.find(" " + *address_ + " ") != std::string::npos);
    return {holds == present_, seen.empty() || seen == "-" ? "not in the cache" : "cached:" + seen};
  }

 private:
  struct State {
    std::string seen;
  };
  // " 1.2.3.4 5.6.7.8 (TTL 250)" for what the cache holds; "-" when nothing.
  std::string look(const World& world) const {
    const DnsWorld* dns = world.find_service<DnsWorld>();
    const Cache* cache = dns ? dns->cache_of(node_) : nullptr;
    if (!cache) return "-";
    const CacheResult r = cache->find(name_, type_, world.sim.now());
    if (r.status == CacheStatus::Miss) return "-";
    if (r.status != CacheStatus::Records) return r.status == CacheStatus::NxDomain ? " NXDOMAIN " : " NODATA ";
    std::string s;
    for (const ResourceRecord& rr : r.records) s.append(" ").append(rdata_text(rr));
    return s + " (TTL " + std::to_string(r.records[0].ttl) + " left)";
  }

  std::shared_ptr<State> state_;
  NodeId node_ = 0;
  std::string host_, name_;
  RrType type_ = RrType::A;
  std::optional<std::string> address_;
  bool present_ = true;
  std::optional<Duration> at_;
};

// How many DNS queries a node sent, optionally to one server.
class QueriesExpectation : public Expectation {
 public:
  explicit QueriesExpectation(ExpectationContext& c) {
    node_ = c.table.node("host");
    host_ = c.world.net.node(node_).name();
    if (c.table.has("to")) {
      to_text_ = c.table.string("to");
      to_ = server_from_text(c.table, "to", to_text_).address;
    }
    bounds_ = Bounds::read(c.table, 1);
  }
  std::string describe() const override {
    return host_ + " sends " + bounds_.text("DNS query") + (to_ ? " to " + to_text_ : "");
  }
  Verdict check(const World& world) const override {
    const DnsWorld* dns = world.find_service<DnsWorld>();
    const std::uint64_t n = dns ? dns->queries_sent(node_, to_) : 0;
    return {bounds_.holds(n), std::to_string(n) + " sent"};
  }

 private:
  NodeId node_ = 0;
  std::string host_, to_text_;
  std::optional<std::uint32_t> to_;
  Bounds bounds_;
};

}  // namespace

void register_expectations(Registry& registry) {
  registry.add_expectation("dns-lookup", {"the last lookup of a name on a host: rcode, address, from-cache, within",
                                          [](ExpectationContext& c) { return std::make_unique<LookupExpectation>(c); }});
  registry.add_expectation("dns-cache", {"a resolver's or host's cache holds (or not) a name at a moment",
                                         [](ExpectationContext& c) { return std::make_unique<CacheExpectation>(c); }});
  registry.add_expectation("dns-queries", {"how many DNS queries a node sends (at_least / at_most), optionally to one server",
                                           [](ExpectationContext& c) { return std::make_unique<QueriesExpectation>(c); }});
}

}  // namespace wiresim::dns
