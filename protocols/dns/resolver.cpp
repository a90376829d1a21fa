// Iterative resolution (RFC 1034 5.3.3): find the closest zone whose servers we know, ask one,
// and follow the referral it returns until a server answers with authority. What a response
// may teach us is limited to the zone we asked about ("bailiwick"), and nothing replaces more
// credible data (RFC 2181 5.4.1): the defences whose gaps the poisoning scenario shows.
#include "protocols/dns/resolver.hpp"

#include <algorithm>

#include "protocols/dns/name.hpp"
#include "sim/core/units.hpp"

namespace wiresim::dns {
namespace {

constexpr int MaxCnameChain = 8;
constexpr int MaxDepth = 4;  // nested lookups of name servers' addresses

std::string ms(Duration d) { return std::to_string(d.ns / 1'000'000) + " ms"; }

std::string hex_id(std::uint16_t id) {
  static const char* digits = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) s += digits[(id >> shift) & 0xF];
  return s;
}

// The records of one name and type in a section.
std::vector<ResourceRecord> select(const std::vector<ResourceRecord>& section, const std::string& name, RrType type) {
  std::vector<ResourceRecord> out;
  for (const ResourceRecord& rr : section)
    if (rr.type == type && same_name(rr.name, name)) out.push_back(rr);
  return out;
}

// Splits a section into RRsets (same name and type), in order of first appearance.
std::vector<std::vector<ResourceRecord>> rrsets(const std::vector<ResourceRecord>& section) {
  std::vector<std::vector<ResourceRecord>> out;
  for (const ResourceRecord& rr : section) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const auto& set) { return set[0].type == rr.type && same_name(set[0].name, rr.name); });
    if (it == out.end()) out.push_back({rr});
    else it->push_back(rr);
  }
  return out;
}

std::optional<ResourceRecord> find_soa(const std::vector<ResourceRecord>& section) {
  for (const ResourceRecord& rr : section)
    if (rr.type == RrType::SOA) return rr;
  return std::nullopt;
}

}  // namespace

Resolver::Resolver(ResolverConfig config, std::function<std::uint64_t()> random)
    : config_(std::move(config)), random_(std::move(random)), cache_(config_.cache_size) {}

void Resolver::event(EventKind kind, std::string text, const std::string& name, RrType type) {
  Event e;
  e.kind = kind;
  e.text = std::move(text);
  e.name = name;
  e.type = type;
  events_.push_back(std::move(e));
}

void Resolver::on_datagram(std::span<const std::uint8_t> bytes, Peer from, std::uint16_t local_port,
                           Transport transport, Time now) {
  DecodeResult decoded = decode(bytes);
  if (!decoded.message) {
    // RFC 1035 4.1.1: FORMERR for a query we could not interpret; a broken response is dropped.
    const bool answerable = decoded.header && !decoded.header->qr && local_port == Port && config_.serve_clients;
    if (answerable) {
      Message reply;
      reply.header = *decoded.header;
      reply.header.qr = true;
      reply.header.ra = true;
      reply.header.aa = reply.header.tc = false;
      reply.header.z = 0;
      reply.header.rcode = Rcode::FormErr;
      outgoing_.push_back({from, Port, encode(reply), transport});
    }
    std::string text = "malformed message from " + address_string(from.address) + ": " + decoded.error;
    text += answerable ? "; answered FORMERR" : "; dropped";
    event(EventKind::ProtocolError, std::move(text));
    return;
  }
  Message& message = *decoded.message;
  if (!message.header.qr) {
    if (local_port == Port && config_.serve_clients) client_query(message, from, transport, now);
    else
      event(EventKind::ProtocolError, "a query from " + address_string(from.address) + " reached port " +
                                          std::to_string(local_port) + ", where no DNS service listens; dropped");
  } else {
    if (const std::size_t dropped = drop_other_classes(message))
      event(EventKind::Ignored, "ignored " + counted(dropped, "record") + " of a class other than IN from " +
                                    address_string(from.address));
    upstream_response(message, from, local_port, transport, now);
  }
  sweep();
}

void Resolver::client_query(const Message& query, Peer from, Transport transport, Time now) {
  ++stats_.client_queries;
  auto refuse = [&](Rcode rcode, const std::string& why) {
    Message reply;
    reply.header = query.header;
    reply.header.qr = reply.header.ra = true;
    reply.header.aa = reply.header.tc = false;
    reply.header.rcode = rcode;
    reply.questions = query.questions;
    outgoing_.push_back({from, Port, encode(reply), transport});
    event(rcode == Rcode::FormErr ? EventKind::ProtocolError : EventKind::Resolved,
          "answered " + rcode_name(rcode) + " to " + address_string(from.address) + ": " + why);
  };
  if (query.header.opcode != Opcode::Query) return refuse(Rcode::NotImp, "only standard queries are served");
  if (query.questions.size() != 1)
    return refuse(Rcode::FormErr, "a query must carry exactly one question, this one has " +
                                      std::to_string(query.questions.size()));
  if (query.questions[0].klass != ClassIn) return refuse(Rcode::NotImp, "only class IN is served");
  Task& task = new_task(query.questions[0], now);
  task.client = Client{from, query.header.id, query.header.rd, transport};
  // RFC 1034 4.3.1: without RD a server answers from what it has, without recursing.
  task.cache_only = !query.header.rd;
  advance(task, now);
}

std::uint64_t Resolver::resolve(const Question& question, Time now, std::vector<NameServer> start_at,
                                std::string start_zone) {
  Task& task = new_task(question, now);
  const std::uint64_t handle = task.handle;
  if (!start_at.empty()) {
    task.servers = std::move(start_at);
    task.zone = std::move(start_zone);
  }
  advance(task, now);
  sweep();
  return handle;
}

Resolver::Task& Resolver::new_task(Question question, Time now) {
  const std::uint64_t handle = next_handle_++;
  Task& task = tasks_[handle];
  task.handle = handle;
  task.qname = question.name;
  task.original = std::move(question);
  task.started = now;
  return task;
}

bool Resolver::answer_local_data(Task& task, Time now) {
  std::vector<ResourceRecord> records = select(config_.local_data, task.qname, task.original.type);
  if (records.empty()) records = select(config_.local_data, task.qname, RrType::CNAME);
  if (records.empty()) return false;
  event(EventKind::CacheHit, "local data: answering " + describe(task.qname, task.original.type) + " from its local data",
        task.qname, task.original.type);
  finish(task, Rcode::NoError, std::move(records), std::nullopt, now);
  return true;
}

bool Resolver::answer_from_cache(Task& task, Time now) {
  for (int hops = 0; hops <= MaxCnameChain; ++hops) {
    if (answer_local_data(task, now)) return true;
    const CacheResult hit = cache_.find(task.qname, task.original.type, now);
    auto note_hit = [&](const std::string& what) {
      event(EventKind::CacheHit, "cache: hit " + what, task.qname, task.original.type);
    };
    switch (hit.status) {
      case CacheStatus::Records:
        note_hit(describe(task.qname, task.original.type) + " (TTL " + std::to_string(hit.records[0].ttl) + " left)");
        finish(task, Rcode::NoError, hit.records, std::nullopt, now);
        return true;
      case CacheStatus::NxDomain:
        note_hit(task.qname + " NXDOMAIN (negative)");
        finish(task, Rcode::NXDomain, {}, hit.soa, now);
        return true;
      case CacheStatus::NoData:
        note_hit(describe(task.qname, task.original.type) + " NODATA (negative)");
        finish(task, Rcode::NoError, {}, hit.soa, now);
        return true;
      case CacheStatus::Miss:
        break;
    }
    if (task.original.type == RrType::CNAME) return false;
    const CacheResult alias = cache_.find(task.qname, RrType::CNAME, now);
    if (alias.status != CacheStatus::Records) return false;
    note_hit(describe(task.qname, RrType::CNAME));
    task.chain.push_back(alias.records[0]);
    task.qname = std::get<NameData>(alias.records[0].data).target;
    task.servers.clear();
  }
  finish(task, Rcode::ServFail, {}, std::nullopt, now);  // a CNAME loop
  return true;
}

void Resolver::choose_servers(Task& task, Time now) {
  task.tried.clear();
  task.looked_up.clear();
  for (std::string zone = task.qname;; zone = parent(zone)) {
    const CacheResult ns = cache_.find(zone, RrType::NS, now);
    if (ns.status == CacheStatus::Records) {
      task.zone = zone;
      task.servers.clear();
      for (const ResourceRecord& rr : ns.records) task.servers.push_back({std::get<NameData>(rr.data).target, 0});
      return;
    }
    if (zone == ".") break;
  }
  task.zone = ".";
  task.servers = config_.root_hints;
}

void Resolver::advance(Task& task, Time now) {
  if (task.done || task.waiting_for || task.outstanding) return;
  if (answer_from_cache(task, now)) return;
  if (task.cache_only) return finish(task, Rcode::Refused, {}, std::nullopt, now);
  if (task.servers.empty()) choose_servers(task, now);
  // Addresses learnt since the servers were chosen (glue, or a lookup of our own).
  for (NameServer& s : task.servers)
    if (!s.address && !s.name.empty()) {
      const CacheResult a = cache_.find(s.name, RrType::A, now);
      if (a.status == CacheStatus::Records)
        if (const auto* data = std::get_if<AData>(&a.records[0].data)) s.address = address_of(*data);
    }
  for (const NameServer& s : task.servers)
    if (s.address && !task.tried.count(s.address)) return send_query(task, s, now);
  // No usable address: look one up, unless the name lies inside the zone it serves (then only
  // glue could have told us, and asking would come back here).
  for (const NameServer& s : task.servers)
    if (!s.address && !s.name.empty() && !task.looked_up.count(canonical(s.name)) && !in_zone(s.name, task.zone) &&
        task.depth < MaxDepth) {
      task.looked_up.insert(canonical(s.name));
      Task& sub = new_task({s.name, RrType::A, ClassIn}, now);
      sub.parent = task.handle;
      sub.depth = task.depth + 1;
      task.waiting_for = sub.handle;
      event(EventKind::Note, "need the address of name server " + s.name + " for " + task.zone, s.name);
      advance(sub, now);
      return;
    }
  finish(task, Rcode::ServFail, {}, std::nullopt, now);
}

std::uint16_t Resolver::pick_port() {
  if (config_.fixed_port) return *config_.fixed_port;
  // RFC 5452 9.2: pick from as wide a range as possible; 1024-65535 here.
  return static_cast<std::uint16_t>(1024 + random_() % 64512);
}

void Resolver::send_query(Task& task, const NameServer& server, Time now) {
  if (++task.queries > config_.max_queries) return finish(task, Rcode::ServFail, {}, std::nullopt, now);
  Outstanding out;
  out.server = {server.address, Port};
  out.id = static_cast<std::uint16_t>(random_());
  out.port = pick_port();
  out.question = {task.qname, task.original.type, ClassIn};
  out.deadline = now + config_.timeout;
  Message query;
  query.header.id = out.id;
  query.header.rd = !config_.iterative;
  query.questions.push_back(out.question);
  out.bytes = encode(query);
  outgoing_.push_back({out.server, out.port, out.bytes, Transport::Udp});
  ++stats_.upstream_queries;
  task.outstanding = std::move(out);
}

void Resolver::upstream_response(const Message& response, Peer from, std::uint16_t local_port, Transport transport,
                                 Time now) {
  Task* task = nullptr;
  for (auto& [handle, t] : tasks_) {
    if (t.done || !t.outstanding) continue;
    const Outstanding& o = *t.outstanding;
    // RFC 5452 3: accept only a response that matches the query's ID, ports, server and question.
    if (o.port == local_port && o.id == response.header.id && o.server == from && o.transport == transport &&
        response.questions.size() == 1 && same_name(response.questions[0].name, o.question.name) &&
        response.questions[0].type == o.question.type) {
      task = &t;
      break;
    }
  }
  if (!task) {
    ++stats_.ignored_responses;
    event(EventKind::Ignored, "ignored a response from " + address_string(from.address) + " to port " +
                                  std::to_string(local_port) + " with ID " + hex_id(response.header.id) +
                                  ": it matches no outstanding query");
    return;
  }
  Outstanding o = std::move(*task->outstanding);
  task->outstanding.reset();
  if (response.header.tc && transport == Transport::Udp) {
    // RFC 1035 4.2.1 / RFC 7766: a truncated answer is asked again over TCP.
    event(EventKind::Truncated, "truncated answer from " + address_string(from.address) + " for " +
                                    describe(o.question.name, o.question.type) + "; asking again over TCP");
    o.transport = Transport::Tcp;
    o.deadline = now + config_.timeout;
    outgoing_.push_back({o.server, o.port, o.bytes, Transport::Tcp});
    task->outstanding = std::move(o);
    return;
  }
  if (!config_.fixed_port) released_.push_back(o.port);
  process(*task, response, from, now);
  advance(*task, now);
}

void Resolver::process(Task& task, const Message& response, Peer from, Time now) {
  const std::string source = address_string(from.address);
  const Rcode rcode = response.header.rcode;
  if (rcode != Rcode::NoError && rcode != Rcode::NXDomain) {
    task.tried.insert(from.address);
    return;
  }
  const bool aa = response.header.aa;
  // What an authoritative answer says about its own zone's servers ranks above a referral's
  // copy (RFC 2181 5.4.1), if it stays inside the zone we asked about.
  if (aa)
    for (const auto& set : rrsets(response.authority))
      if (set[0].type == RrType::NS && in_zone(set[0].name, task.zone))
        cache_.store(set, Rank::AuthorityOfAnswer, source, now, events_);
  for (const auto& set : rrsets(response.additional))
    if ((set[0].type == RrType::A || set[0].type == RrType::AAAA) && in_zone(set[0].name, task.zone))
      cache_.store(set, Rank::Glue, source, now, events_);

  // Walk the answer section along the CNAME chain from the name we asked about.
  const Rank rank = aa ? Rank::AuthoritativeAnswer : Rank::Answer;
  std::string name = task.qname;
  bool followed = false;
  for (int hops = 0; hops <= MaxCnameChain; ++hops) {
    // The server speaks for the zone we asked it about and no other: where the chain leaves that
    // zone, its records are not believed (RFC 5452 6) and the target is resolved from the top.
    if (!in_zone(name, task.zone)) break;
    std::vector<ResourceRecord> records = select(response.answers, name, task.original.type);
    if (!records.empty()) {
      cache_.store(records, rank, source, now, events_);
      return finish(task, Rcode::NoError, std::move(records), std::nullopt, now);
    }
    std::vector<ResourceRecord> alias = select(response.answers, name, RrType::CNAME);
    if (alias.empty() || task.original.type == RrType::CNAME) break;
    cache_.store(alias, rank, source, now, events_);
    task.chain.push_back(alias[0]);
    name = std::get<NameData>(alias[0].data).target;
    followed = true;
  }
  const std::optional<ResourceRecord> soa = find_soa(response.authority);
  if (followed && !in_zone(name, task.zone)) {
    task.qname = name;
    task.servers.clear();
    return;
  }
  if (rcode == Rcode::NXDomain) {
    cache_.store_negative(name, task.original.type, Rcode::NXDomain, soa, source, now, events_);
    return finish(task, Rcode::NXDomain, {}, soa, now);
  }
  if (followed) {  // the alias points elsewhere: resolve its target from the top
    task.qname = name;
    task.servers.clear();
    return;
  }
  // A referral: NS records for a zone below the one we asked, closer to the name.
  for (const auto& set : rrsets(response.authority)) {
    const std::string& cut = set[0].name;
    if (set[0].type != RrType::NS || !in_zone(task.qname, cut) || !in_zone(cut, task.zone) || same_name(cut, task.zone))
      continue;
    cache_.store(set, Rank::Referral, source, now, events_);
    task.zone = cut;
    task.servers.clear();
    task.tried.clear();
    task.looked_up.clear();
    for (const ResourceRecord& rr : set) task.servers.push_back({std::get<NameData>(rr.data).target, 0});
    return;
  }
  if (aa || soa) {  // NODATA: the name exists without records of this type (RFC 2308 2.2)
    cache_.store_negative(name, task.original.type, Rcode::NoError, soa, source, now, events_);
    return finish(task, Rcode::NoError, {}, soa, now);
  }
  // Neither answer nor referral nor authority: a lame server. Try another.
  event(EventKind::ProtocolError, "lame answer from " + source + " for " + describe(task.qname, task.original.type) +
                                      ": no answer, referral or SOA");
  task.tried.insert(from.address);
}

void Resolver::finish(Task& task, Rcode rcode, std::vector<ResourceRecord> records, std::optional<ResourceRecord> soa,
                      Time now) {
  if (task.done) return;
  task.done = true;
  if (task.outstanding && !config_.fixed_port) released_.push_back(task.outstanding->port);
  task.outstanding.reset();
  if (rcode == Rcode::ServFail) ++stats_.servfails;
  if (task.queries == 0 && rcode != Rcode::ServFail && !task.cache_only) ++stats_.answered_from_cache;

  Message reply;
  reply.header.qr = true;
  reply.header.ra = config_.serve_clients;
  reply.header.rd = task.client ? task.client->rd : true;
  reply.header.id = task.client ? task.client->id : 0;
  reply.header.rcode = rcode;
  reply.questions.push_back(task.original);
  reply.answers = task.chain;
  reply.answers.insert(reply.answers.end(), records.begin(), records.end());
  if (soa) reply.authority.push_back(*soa);
  // RFC 1035 3.3.9: the addresses of mail exchangers (and name servers) we hold go along, so a
  // mail server needs no second query.
  for (const ResourceRecord& rr : records) {
    const std::string* target = nullptr;
    if (const auto* mx = std::get_if<MxData>(&rr.data)) target = &mx->exchange;
    if (const auto* ns = std::get_if<NameData>(&rr.data); ns && rr.type == RrType::NS) target = &ns->target;
    if (!target) continue;
    const CacheResult a = cache_.find(*target, RrType::A, now);
    if (a.status == CacheStatus::Records) reply.additional.insert(reply.additional.end(), a.records.begin(), a.records.end());
  }

  Event done;
  done.kind = EventKind::Resolved;
  done.name = task.original.name;
  done.type = task.original.type;
  done.rcode = rcode;
  done.took = now - task.started;
  done.from_cache = task.queries == 0;
  done.text = "resolved " + describe(task.original.name, task.original.type) + ": " + rcode_name(rcode) + ", " +
              std::to_string(reply.answers.size()) + (reply.answers.size() == 1 ? " record" : " records") + " in " +
              ms(done.took) +
              (task.queries == 0 ? " from the cache"
                                 : " after " + std::to_string(task.queries) + (task.queries == 1 ? " query" : " queries"));
  events_.push_back(std::move(done));

  if (task.client) {
    const Client& c = *task.client;
    outgoing_.push_back({c.peer, Port, c.transport == Transport::Udp ? encode_limited(reply) : encode(reply), c.transport});
  } else if (task.parent) {
    auto it = tasks_.find(task.parent);
    if (it != tasks_.end() && !it->second.done) {
      it->second.waiting_for = 0;
      advance(it->second, now);
    }
  } else {
    completions_.push_back({task.handle, std::move(reply)});
  }
}

void Resolver::on_timer(Time now) {
  for (auto& [handle, task] : tasks_) {
    if (task.done || !task.outstanding || task.outstanding->deadline > now) continue;
    const Outstanding o = *task.outstanding;
    task.outstanding.reset();
    ++stats_.timeouts;
    Event e;
    e.kind = EventKind::Timeout;
    e.name = o.question.name;
    e.type = o.question.type;
    e.text = "no answer from " + address_string(o.server.address) + " for " + describe(o.question.name, o.question.type) +
             " within " + ms(config_.timeout) + "; trying another server";
    events_.push_back(std::move(e));
    if (!config_.fixed_port) released_.push_back(o.port);
    task.tried.insert(o.server.address);
    advance(task, now);
  }
  cache_.expire(now, events_);
  sweep();
}

void Resolver::sweep() {
  std::erase_if(tasks_, [](const auto& entry) { return entry.second.done; });
}

std::optional<Time> Resolver::wake_at() const {
  std::optional<Time> first = cache_.next_expiry();
  for (const auto& [handle, task] : tasks_)
    if (task.outstanding && (!first || task.outstanding->deadline < *first)) first = task.outstanding->deadline;
  return first;
}

std::vector<Datagram> Resolver::take_outgoing() { return std::exchange(outgoing_, {}); }
std::vector<Event> Resolver::take_events() { return std::exchange(events_, {}); }
std::vector<Completion> Resolver::take_completions() { return std::exchange(completions_, {}); }
std::vector<std::uint16_t> Resolver::take_released_ports() { return std::exchange(released_, {}); }

}  // namespace wiresim::dns
