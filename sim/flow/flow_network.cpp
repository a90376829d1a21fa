#include "sim/flow/flow_network.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "sim/flow/flow_state.hpp"

namespace wiresim::flow {

using detail::NoMessage;

namespace {

// A head message whose completion event finds fewer bits than this left (time is rounded up to
// the nanosecond, the arithmetic is not exact) is done.
constexpr double DoneBits = 1e-6;

double bits_of(std::uint64_t bytes) { return static_cast<double>(bytes) * 8.0; }

}  // namespace

std::uint32_t FlowNetwork::Impl::new_message(std::uint64_t bytes, std::function<void()> delivered) {
  std::uint32_t m;
  if (free_messages.empty()) {
    m = static_cast<std::uint32_t>(messages.size());
    messages.emplace_back();
  } else {
    m = free_messages.back();
    free_messages.pop_back();
  }
  messages[m].bytes = bytes;
  messages[m].delivered = std::move(delivered);
  messages[m].next = NoMessage;
  return m;
}

void FlowNetwork::Impl::free_message(std::uint32_t m) {
  messages[m].delivered = nullptr;
  messages[m].delivery = {};
  free_messages.push_back(m);
}

// The head's last bit has left: it waits `latency` for its delivery, and the next message, if
// any, becomes the head. Returns false when nothing is left to send.
bool FlowNetwork::Impl::hand_head_to_delivery(ChannelId c) {
  Channel& ch = channels[c];
  Message& head = messages[ch.first_unsent];
  ch.sent_bytes += head.bytes;
  ch.unsent_bytes -= head.bytes;
  ch.first_unsent = head.next;
  head.delivery = sim.schedule_in(ch.latency, [this, c] { deliver(c); });
  if (ch.first_unsent == NoMessage) return false;
  ch.head_bytes = messages[ch.first_unsent].bytes;
  ch.remaining_bits = bits_of(ch.head_bytes);
  ch.updated = sim.now();
  return true;
}

// Deliveries of one channel run in the order they were scheduled (same latency, times that
// never go back, ties in scheduling order), so the oldest sent message is the one arriving.
void FlowNetwork::Impl::deliver(ChannelId c) {
  Channel& ch = channels[c];
  const std::uint32_t m = ch.first;
  assert(m != NoMessage && m != ch.first_unsent);
  ch.first = messages[m].next;
  if (ch.first == NoMessage) ch.last = NoMessage;
  std::function<void()> delivered = std::move(messages[m].delivered);
  free_message(m);
  ++stats.messages_delivered;
  if (delivered) delivered();  // last: it may send, open or close anything
}

void FlowNetwork::Impl::settle(Channel& ch) {
  const Time now = sim.now();
  if (ch.rate > 0 && now > ch.updated) {
    if (std::isinf(ch.rate)) {
      ch.remaining_bits = 0;
    } else {
      // Multiply before dividing by the exact 1e9: 8 Mbit/s for 0.5 s is exactly 4e6 bits.
      const double sent = ch.rate * static_cast<double>((now - ch.updated).ns) / 1e9;
      ch.remaining_bits = std::max(0.0, ch.remaining_bits - sent);
    }
  }
  ch.updated = now;
}

// Whole bytes of the head message sent by now, settled or not.
std::uint64_t FlowNetwork::Impl::head_bytes_sent_now(const Channel& ch) const {
  if (ch.first_unsent == NoMessage) return 0;
  double remaining = ch.remaining_bits;
  if (ch.active && ch.rate > 0) {
    const double elapsed = static_cast<double>((sim.now() - ch.updated).ns);
    remaining = std::isinf(ch.rate) ? 0.0 : std::max(0.0, remaining - ch.rate * elapsed / 1e9);
  }
  const std::uint64_t head = ch.head_bytes;
  const double bytes = std::floor((bits_of(head) - remaining + DoneBits) / 8.0);
  if (!(bytes > 0)) return 0;
  return bytes >= static_cast<double>(head) ? head : static_cast<std::uint64_t>(bytes);
}

// Precondition: settled. Makes sure the completion event fires when the head's last bit
// leaves at the current rate, or before.
void FlowNetwork::Impl::schedule_completion(ChannelId c) {
  Channel& ch = channels[c];
  bool stalled = !(ch.rate > 0) || ch.first_unsent == NoMessage;
  Time at = sim.now();
  if (!stalled && !std::isinf(ch.rate)) {
    double ns = ch.remaining_bits * 1e9 / ch.rate;
    // Round up to the nanosecond, but let a few ulps of error above an exact integer (the
    // division is not exact) fall back onto it: 1e6 bytes at 8 Mbit/s take 1 s, not 1 s + 1 ns.
    ns -= ns * 1e-15;
    stalled = !(ns < 4e18);  // over a century: as good as never, and no overflow
    if (!stalled) at += nanoseconds(static_cast<std::int64_t>(std::ceil(ns)));
  }
  if (ch.completion.valid() && (stalled || at >= ch.completion_at)) return;  // fires early, then waits
  sim.cancel(ch.completion);
  ch.completion = {};
  if (stalled) return;
  ch.completion = sim.schedule_at(at, [this, c] { on_head_sent(c); });
  ch.completion_at = at;
}

void FlowNetwork::Impl::on_head_sent(ChannelId c) {
  Channel& ch = channels[c];
  ch.completion = {};
  settle(ch);
  // Bits left beyond rounding (less than a nanosecond's worth) mean the rate was cut since the
  // event was placed: it waits for the rest.
  if (ch.remaining_bits > DoneBits && ch.remaining_bits > ch.rate * 1e-9) {
    schedule_completion(c);
    return;
  }
  // Messages the current rate sends in no time (empty ones, or any on an unbounded channel)
  // leave together with this one.
  while (hand_head_to_delivery(c)) {
    if (ch.remaining_bits > 0 && !std::isinf(ch.rate)) {
      schedule_completion(c);
      return;
    }
  }
  stop(c);
}

void FlowNetwork::Impl::start(ChannelId c) {
  Channel& ch = channels[c];
  ch.active = true;
  ++active_count;
  ch.remaining_bits = bits_of(ch.head_bytes);
  ch.updated = sim.now();
  if (ch.pending == Pending::Stop) {  // idle for less than an interval: its share waited
    ch.pending = Pending::None;
    // A cap lowered while it idled takes effect at the next reallocation, as any new cap.
    if (ch.rate > ch.rate_cap) defer(c, Pending::Cap, pending_caps);
    schedule_completion(c);
    return;
  }
  ch.rate = 0;
  if (interval.ns > 0) return defer(c, Pending::Start, pending_starts);
  allocate_started(c);
}

void FlowNetwork::Impl::stop(ChannelId c) {
  Channel& ch = channels[c];
  sim.cancel(ch.completion);
  ch.completion = {};
  ch.active = false;
  --active_count;
  if (ch.pending == Pending::Start) {  // it never had a share
    ch.pending = Pending::None;
    return;
  }
  if (interval.ns > 0) return defer(c, Pending::Stop, pending_stops);
  allocate_stopped(c);
}

// The change waits for the next multiple of the interval (now, if this is one).
void FlowNetwork::Impl::defer(ChannelId c, Pending change, std::vector<ChannelId>& list) {
  channels[c].pending = change;
  list.push_back(c);
  if (tick.valid()) return;
  const std::int64_t q = interval.ns, now = sim.now().ns;
  const std::int64_t at = (now / q + (now % q != 0 ? 1 : 0)) * q;
  tick = sim.schedule_at(Time{} + nanoseconds(at), [this] { on_tick(); });
}

void FlowNetwork::Impl::on_tick() {
  tick = {};
  allocate_pending();
}

void FlowNetwork::Impl::free_channel(ChannelId c) {
  channels[c].path.clear();
  free_channels.push_back(c);
}

FlowNetwork::FlowNetwork(Simulator& sim) : impl_(new Impl(sim)) {}

FlowNetwork::~FlowNetwork() {
  // Pending events point back here: take them out of the kernel's queue.
  impl_->sim.cancel(impl_->tick);
  for (Impl::Channel& ch : impl_->channels) {
    if (!ch.open) continue;
    impl_->sim.cancel(ch.completion);
    for (std::uint32_t m = ch.first; m != ch.first_unsent; m = impl_->messages[m].next) {
      impl_->sim.cancel(impl_->messages[m].delivery);
    }
  }
  delete impl_;
}

void FlowNetwork::set_reallocation_interval(Duration interval) {
  impl_->interval = interval.ns > 0 ? interval : Duration{};
}

ResourceId FlowNetwork::add_resource(double capacity_bps, std::string name) {
  Impl::Resource& r = impl_->resources.emplace_back();
  r.capacity = capacity_bps >= 0 ? capacity_bps : 0.0;  // NaN fails the test too
  impl_->resource_names.push_back(std::move(name));
  return static_cast<ResourceId>(impl_->resources.size() - 1);
}

ChannelId FlowNetwork::open(std::vector<PathHop> path, Duration latency, double rate_cap_bps) {
  Impl& im = *impl_;
  for (const PathHop& hop : path) {
    if (hop.resource >= im.resources.size() || !(hop.weight >= 0) || std::isinf(hop.weight)) return NoChannel;
  }
  ChannelId c;
  if (im.free_channels.empty()) {
    c = static_cast<ChannelId>(im.channels.size());
    if (c == NoChannel) return NoChannel;
    im.channels.emplace_back();
  } else {
    c = im.free_channels.back();
    im.free_channels.pop_back();
  }
  Impl::Channel& ch = im.channels[c];
  ch = Impl::Channel{};
  ch.open = true;
  ch.latency = latency.ns < 0 ? Duration{} : latency;
  ch.rate_cap = std::isnan(rate_cap_bps) ? Unlimited : std::max(0.0, rate_cap_bps);
  // Repeated resources become one hop with the weights added; hops that bound nothing go.
  ++im.epoch;
  for (const PathHop& hop : path) {
    Impl::Resource& res = im.resources[hop.resource];
    if (hop.weight == 0 || std::isinf(res.capacity)) continue;
    if (res.merge_epoch == im.epoch) {
      ch.path[res.merge_index].weight += hop.weight;
      continue;
    }
    res.merge_epoch = im.epoch;
    res.merge_index = static_cast<std::uint32_t>(ch.path.size());
    ch.path.push_back({hop.resource, 0, hop.weight});
  }
  return c;
}

void FlowNetwork::close(ChannelId channel) {
  Impl& im = *impl_;
  if (!im.valid(channel)) return;
  Impl::Channel& ch = im.channels[channel];
  im.sim.cancel(ch.completion);
  ch.completion = {};
  for (std::uint32_t m = ch.first; m != NoMessage;) {
    const std::uint32_t next = im.messages[m].next;
    im.sim.cancel(im.messages[m].delivery);  // a no-op for messages not yet sent
    im.free_message(m);
    m = next;
  }
  ch.first = ch.first_unsent = ch.last = NoMessage;
  ch.unsent_bytes = 0;
  if (ch.active) im.stop(channel);
  ch.open = false;
  // Its share is given back at the next reallocation, which frees it then.
  if (ch.pending != Impl::Pending::Stop) im.free_channel(channel);
}

void FlowNetwork::set_rate_cap(ChannelId channel, double rate_cap_bps) {
  Impl& im = *impl_;
  if (!im.valid(channel) || std::isnan(rate_cap_bps)) return;
  Impl::Channel& ch = im.channels[channel];
  ch.rate_cap = std::max(0.0, rate_cap_bps);
  // On its resources (active, or idle and keeping its share): their copies of the cap follow.
  const bool joined = (ch.active && ch.pending != Impl::Pending::Start) || ch.pending == Impl::Pending::Stop;
  if (joined)
    for (const Impl::Hop& hop : ch.path) im.sharer_of(hop).cap = ch.rate_cap;
  if (!ch.active || ch.pending == Impl::Pending::Start) return;
  if (im.interval.ns > 0) {
    if (ch.pending == Impl::Pending::None) im.defer(channel, Impl::Pending::Cap, im.pending_caps);
    return;
  }
  im.allocate_new_cap(channel);
}

void FlowNetwork::send(ChannelId channel, std::uint64_t bytes, std::function<void()> delivered) {
  Impl& im = *impl_;
  if (!im.valid(channel)) return;
  const std::uint32_t m = im.new_message(bytes, std::move(delivered));
  Impl::Channel& ch = im.channels[channel];
  if (ch.last == NoMessage) ch.first = m;
  else im.messages[ch.last].next = m;
  ch.last = m;
  ch.unsent_bytes += bytes;
  if (ch.first_unsent != NoMessage) return;  // behind others: it starts when they are sent
  ch.first_unsent = m;
  ch.head_bytes = bytes;
  if (bytes == 0) {
    im.hand_head_to_delivery(channel);  // takes no time, and there is nothing behind it
    return;
  }
  im.start(channel);
}

std::uint64_t FlowNetwork::cut_head(ChannelId channel, std::uint64_t bytes) {
  Impl& im = *impl_;
  if (!im.valid(channel)) return 0;
  Impl::Channel& ch = im.channels[channel];
  if (ch.first_unsent == NoMessage) return 0;
  Impl::Message& head = im.messages[ch.first_unsent];
  if (bytes >= head.bytes) return head.bytes;
  im.settle(ch);
  const std::uint64_t kept = std::max(bytes, im.head_bytes_sent_now(ch));
  if (kept >= head.bytes) return head.bytes;
  const std::uint64_t cut = head.bytes - kept;
  head.bytes = kept;
  ch.head_bytes = kept;
  ch.unsent_bytes -= cut;
  ch.remaining_bits = std::max(0.0, ch.remaining_bits - bits_of(cut));
  im.schedule_completion(channel);  // sooner: the rest is gone
  return kept;
}

bool FlowNetwork::is_open(ChannelId channel) const { return impl_->valid(channel); }
bool FlowNetwork::is_active(ChannelId channel) const {
  return impl_->valid(channel) && impl_->channels[channel].active;
}

bool FlowNetwork::has_messages(ChannelId channel) const {
  return impl_->valid(channel) && impl_->channels[channel].first != detail::NoMessage;
}

double FlowNetwork::rate(ChannelId channel) const {
  // An idle channel holding its share until the next reallocation sends nothing.
  return impl_->valid(channel) && impl_->channels[channel].active ? impl_->channels[channel].rate : 0.0;
}

// Byte-exact progress: the head counts the whole bytes it has sent by now.
std::uint64_t FlowNetwork::queued_bytes(ChannelId channel) const {
  if (!impl_->valid(channel)) return 0;
  const Impl::Channel& ch = impl_->channels[channel];
  return ch.unsent_bytes - impl_->head_bytes_sent_now(ch);
}

std::uint64_t FlowNetwork::sent_bytes(ChannelId channel) const {
  if (!impl_->valid(channel)) return 0;
  const Impl::Channel& ch = impl_->channels[channel];
  return ch.sent_bytes + impl_->head_bytes_sent_now(ch);
}

double FlowNetwork::capacity(ResourceId resource) const {
  return resource < impl_->resources.size() ? impl_->resources[resource].capacity : 0.0;
}

double FlowNetwork::load(ResourceId resource) const {
  return resource < impl_->resources.size() ? impl_->resources[resource].load : 0.0;
}

const std::string& FlowNetwork::name(ResourceId resource) const {
  static const std::string unknown;
  return resource < impl_->resources.size() ? impl_->resource_names[resource] : unknown;
}

std::size_t FlowNetwork::resource_count() const { return impl_->resources.size(); }
std::size_t FlowNetwork::active_channels() const { return impl_->active_count; }
const FlowStats& FlowNetwork::stats() const { return impl_->stats; }
std::string FlowNetwork::check_allocation() const { return impl_->check(); }

}  // namespace wiresim::flow
