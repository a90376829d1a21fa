// The stub's retry rule and cache: a timeout doubles on each attempt; answers and negative
// answers are cached per RRset for their TTL, so a repeat lookup sends nothing.
#include "protocols/dns/stub.hpp"

#include "protocols/dns/name.hpp"

namespace wiresim::dns {

std::vector<std::string> LookupResult::addresses() const {
  std::vector<std::string> out;
  if (!reply) return out;
  for (const ResourceRecord& rr : reply->answers)
    if (const auto* a = std::get_if<AData>(&rr.data)) out.push_back(address_string(address_of(*a)));
  return out;
}

Stub::Stub(StubConfig config, std::function<std::uint64_t()> random)
    : config_(config), random_(std::move(random)), cache_(config.cache_size ? config.cache_size : 1) {}

bool Stub::answer_from_cache(const Question& question, Time now, LookupResult& result) {
  if (config_.cache_size == 0) return false;
  Message reply;
  reply.header.qr = reply.header.rd = reply.header.ra = true;
  reply.questions.push_back(question);
  std::string name = question.name;
  for (int hops = 0; hops < 8; ++hops) {
    const CacheResult hit = cache_.find(name, question.type, now);
    if (hit.status != CacheStatus::Miss) {
      reply.header.rcode = hit.status == CacheStatus::NxDomain ? Rcode::NXDomain : Rcode::NoError;
      reply.answers.insert(reply.answers.end(), hit.records.begin(), hit.records.end());
      if (hit.soa) reply.authority.push_back(*hit.soa);
      result.reply = std::move(reply);
      result.from_cache = true;
      Event e;
      e.kind = EventKind::CacheHit;
      e.name = question.name;
      e.type = question.type;
      e.text = "cache: hit " + describe(question.name, question.type);
      events_.push_back(std::move(e));
      return true;
    }
    const CacheResult alias = cache_.find(name, RrType::CNAME, now);
    if (alias.status != CacheStatus::Records || question.type == RrType::CNAME) return false;
    reply.answers.push_back(alias.records[0]);
    name = std::get<NameData>(alias.records[0].data).target;
  }
  return false;
}

std::uint64_t Stub::lookup(const Question& question, Time now) {
  const std::uint64_t handle = next_handle_++;
  LookupResult result;
  result.handle = handle;
  result.question = question;
  result.started = result.finished = now;
  result.server = config_.server;
  if (answer_from_cache(question, now, result)) {
    results_.push_back(std::move(result));
    return handle;
  }
  if (!config_.server) {
    Event e;
    e.kind = EventKind::ProtocolError;
    e.text = "no DNS server configured; " + describe(question.name, question.type) + " cannot be resolved";
    events_.push_back(std::move(e));
    results_.push_back(std::move(result));
    return handle;
  }
  Pending& p = pending_[handle];
  p.result = std::move(result);
  p.transport = config_.tcp ? Transport::Tcp : Transport::Udp;
  p.timeout = config_.timeout;
  send(p, now);
  return handle;
}

void Stub::send(Pending& p, Time now) {
  Message query;
  p.id = static_cast<std::uint16_t>(random_());
  // RFC 6056: an ephemeral source port chosen at random from the dynamic range.
  p.port = static_cast<std::uint16_t>(49152 + random_() % 16384);
  query.header.id = p.id;
  query.header.rd = config_.recurse;
  query.questions.push_back(p.result.question);
  p.query = encode(query);
  p.deadline = now + p.timeout;
  ++p.result.tries;
  outgoing_.push_back({{p.result.server, Port}, p.port, p.query, p.transport});
}

void Stub::on_datagram(std::span<const std::uint8_t> bytes, Peer from, std::uint16_t local_port, Transport transport,
                       Time now) {
  DecodeResult decoded = decode(bytes);
  if (!decoded.message) {
    Event e;
    e.kind = EventKind::ProtocolError;
    e.text = "malformed reply from " + address_string(from.address) + ": " + decoded.error + "; dropped";
    events_.push_back(std::move(e));
    return;
  }
  Message& reply = *decoded.message;
  drop_other_classes(reply);  // only IN records answer an IN question
  for (auto& [handle, p] : pending_) {
    const Question& q = p.result.question;
    if (p.port != local_port || p.id != reply.header.id || from != Peer{p.result.server, Port} ||
        p.transport != transport || !reply.header.qr || reply.questions.size() != 1 ||
        !same_name(reply.questions[0].name, q.name) || reply.questions[0].type != q.type)
      continue;
    released_.push_back(p.port);
    if (reply.header.tc && transport == Transport::Udp) {
      Event e;
      e.kind = EventKind::Truncated;
      e.name = q.name;
      e.type = q.type;
      e.text = "truncated reply for " + describe(q.name, q.type) + "; asking again over TCP";
      events_.push_back(std::move(e));
      p.transport = Transport::Tcp;
      send(p, now);
      return;
    }
    p.result.reply = reply;
    p.result.reply_size = bytes.size();
    p.result.tcp = transport == Transport::Tcp;
    complete(p, now);
    pending_.erase(handle);
    return;
  }
  Event e;
  e.kind = EventKind::Ignored;
  e.text = "ignored a reply from " + address_string(from.address) + " to port " + std::to_string(local_port) +
           ": it matches no outstanding query";
  events_.push_back(std::move(e));
}

void Stub::complete(Pending& p, Time now) {
  LookupResult& r = p.result;
  r.finished = now;
  if (r.reply && config_.cache_size) {
    const Message& m = *r.reply;
    const std::string source = address_string(r.server);
    // Cache each RRset of the answer; a negative answer under the chain's last name.
    std::vector<ResourceRecord> set;
    std::string last = r.question.name;
    for (const ResourceRecord& rr : m.answers) {
      if (!set.empty() && (set[0].type != rr.type || !same_name(set[0].name, rr.name))) {
        cache_.store(set, Rank::Answer, source, now, events_);
        set.clear();
      }
      set.push_back(rr);
      if (rr.type == RrType::CNAME) last = std::get<NameData>(rr.data).target;
    }
    cache_.store(set, Rank::Answer, source, now, events_);
    const bool negative = m.header.rcode == Rcode::NXDomain ||
                          (m.header.rcode == Rcode::NoError && m.answers.size() == 0);
    if (negative) {
      std::optional<ResourceRecord> soa;
      for (const ResourceRecord& rr : m.authority)
        if (rr.type == RrType::SOA) soa = rr;
      cache_.store_negative(last, r.question.type, m.header.rcode, soa, source, now, events_);
    }
  }
  results_.push_back(std::move(r));
}

void Stub::on_timer(Time now) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    Pending& p = it->second;
    if (p.deadline > now) {
      ++it;
      continue;
    }
    released_.push_back(p.port);
    Event e;
    e.kind = EventKind::Timeout;
    e.name = p.result.question.name;
    e.type = p.result.question.type;
    e.text = "no reply from " + address_string(p.result.server) + " for " + describe(e.name, e.type) + " within " +
             std::to_string(p.timeout.ns / 1'000'000) + " ms";
    events_.push_back(std::move(e));
    if (p.result.tries < config_.attempts) {
      p.timeout = p.timeout * 2;
      send(p, now);
      ++it;
      continue;
    }
    complete(p, now);
    it = pending_.erase(it);
  }
  cache_.expire(now, events_);
}

std::optional<Time> Stub::wake_at() const {
  std::optional<Time> first = cache_.next_expiry();
  for (const auto& [handle, p] : pending_)
    if (!first || p.deadline < *first) first = p.deadline;
  return first;
}

}  // namespace wiresim::dns
