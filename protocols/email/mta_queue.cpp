#include "protocols/email/mta_queue.hpp"

#include "protocols/mail/address.hpp"
#include "sim/core/units.hpp"

#include <algorithm>
#include <cctype>

namespace wiresim::email {
namespace {

std::string recipients(std::size_t n) { return counted(n, "recipient"); }

}  // namespace

std::string_view to_string(QueueEvent::Kind kind) {
  switch (kind) {
    case QueueEvent::Kind::Queued: return "queued";
    case QueueEvent::Kind::Attempting: return "attempting";
    case QueueEvent::Kind::Delivered: return "delivered";
    case QueueEvent::Kind::Deferred: return "deferred";
    case QueueEvent::Kind::Bounced: return "bounced";
  }
  return "queued";
}

std::string domain_of(const std::string& address) {
  // Domains compare case-insensitively (RFC 5321 2.4): the queue groups them in lower case.
  std::string d = mail::domain_of(address);
  for (char& c : d) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return d;
}

std::vector<std::uint64_t> MtaQueue::enqueue(const std::string& mail_from, const std::vector<std::string>& rcpts,
                                             const std::string& data, Time now) {
  // One delivery per domain, in the order the domains first appear.
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> by_domain;
  for (const std::string& r : rcpts) {
    const std::string d = domain_of(r);
    if (!by_domain.count(d)) order.push_back(d);
    by_domain[d].push_back(r);
  }
  std::vector<std::uint64_t> ids;
  for (const std::string& d : order) {
    Delivery& delivery = deliveries_[next_id_];
    delivery.id = next_id_++;
    delivery.mail_from = mail_from;
    delivery.domain = d;
    delivery.rcpts = by_domain[d];
    delivery.data = data;
    delivery.queued = delivery.next_attempt = now;
    std::string held;
    if (auto wait = domain_waits_.find(d); wait != domain_waits_.end() && wait->second > now) {
      delivery.next_attempt = wait->second;
      const std::int64_t whole = ((wait->second - now).ns + 999'999'999) / 1'000'000'000;  // whole seconds, up
      held = "; " + d + " failed recently: held for its next try in " + format_duration(seconds(whole));
    }
    ids.push_back(delivery.id);
    events_.push_back({QueueEvent::Kind::Queued, delivery.id,
                       "queued for " + d + " (" + recipients(delivery.rcpts.size()) + ")" + held});
  }
  return ids;
}

std::vector<std::vector<std::uint64_t>> MtaQueue::take_due(Time now) {
  std::vector<std::vector<std::uint64_t>> groups;
  for (auto& [id, d] : deliveries_) {
    if (d.in_progress || d.next_attempt > now) continue;
    d.in_progress = true;
    ++d.attempts;
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const auto& g) { return deliveries_.at(g.front()).domain == d.domain; });
    if (group == groups.end()) group = groups.insert(groups.end(), std::vector<std::uint64_t>{});
    group->push_back(id);
    events_.push_back({QueueEvent::Kind::Attempting, id,
                       "attempt " + std::to_string(d.attempts) + " to deliver to " + d.domain + " (" +
                           recipients(d.rcpts.size()) + ")"});
  }
  return groups;
}

void MtaQueue::attempt_finished(std::uint64_t id, const std::vector<RecipientOutcome>& outcomes, Time now) {
  auto it = deliveries_.find(id);
  if (it == deliveries_.end()) return;
  Delivery& d = it->second;
  d.in_progress = false;
  std::vector<std::string> still;
  std::vector<RecipientOutcome> failed;
  std::size_t delivered = 0;
  for (const std::string& rcpt : d.rcpts) {
    auto o = std::find_if(outcomes.begin(), outcomes.end(), [&](const RecipientOutcome& x) { return x.rcpt == rcpt; });
    // A recipient the attempt never reached (the connection failed first) is a temporary failure.
    const RecipientOutcome outcome = o != outcomes.end() ? *o : RecipientOutcome{rcpt, RecipientOutcome::Status::Temporary,
                                                                                  "not attempted"};
    switch (outcome.status) {
      case RecipientOutcome::Status::Delivered: ++delivered; break;
      case RecipientOutcome::Status::Permanent: failed.push_back(outcome); break;
      case RecipientOutcome::Status::Temporary:
        still.push_back(rcpt);
        d.last_error = outcome.reply;
        break;
    }
  }
  if (delivered)
    events_.push_back({QueueEvent::Kind::Delivered, id, "delivered to " + d.domain + " (" + recipients(delivered) + ")"});
  d.rcpts = std::move(still);
  if (!d.rcpts.empty() && now - d.queued >= config_.give_up_after) {
    // RFC 5321 4.5.4.1: past the give-up time, a temporary failure becomes permanent.
    for (const std::string& r : d.rcpts)
      failed.push_back({r, RecipientOutcome::Status::Permanent, "gave up after " + format_duration(now - d.queued) + ": " +
                                                                    d.last_error});
    d.rcpts.clear();
  }
  if (!failed.empty()) bounce(d, std::move(failed));
  if (d.rcpts.empty()) {
    if (delivered) domain_waits_.erase(d.domain);  // it takes mail again
    deliveries_.erase(it);
    return;
  }
  d.next_attempt = now + config_.retry_interval;
  // The whole destination waits: what else is queued for it goes at the same next try.
  domain_waits_[d.domain] = d.next_attempt;
  for (auto& [other_id, other] : deliveries_)
    if (other.domain == d.domain && !other.in_progress && other.next_attempt < d.next_attempt)
      other.next_attempt = d.next_attempt;
  events_.push_back({QueueEvent::Kind::Deferred, id,
                     "deferred (" + d.last_error + "); next try in " + format_duration(config_.retry_interval)});
}

void MtaQueue::bounce(Delivery& d, std::vector<RecipientOutcome> failed) {
  // And why, as the server said it (or why the client did not try): what a student looks for.
  std::string text = "bounced " + recipients(failed.size()) + " in " + d.domain + " (";
  for (std::size_t i = 0; i < failed.size(); ++i) {
    // A server's reply is its text, up to an SMTP line (512 octets): quote a line's worth.
    const std::string& reply = failed[i].reply;
    text += (i ? "; " : "") + failed[i].rcpt + ": " + (reply.size() > 120 ? reply.substr(0, 117) + "..." : reply);
  }
  text += ")";
  // RFC 5321 4.5.5: a bounce is never bounced; one with a null sender is dropped instead.
  if (d.mail_from.empty()) {
    events_.push_back({QueueEvent::Kind::Bounced, d.id, text + "; the message was itself a bounce, so it is dropped"});
    return;
  }
  events_.push_back({QueueEvent::Kind::Bounced, d.id, text + "; notifying " + d.mail_from});
  bounces_.push_back({d.mail_from, std::move(failed), d.data});
}

const Delivery* MtaQueue::find(std::uint64_t id) const {
  auto it = deliveries_.find(id);
  return it == deliveries_.end() ? nullptr : &it->second;
}

std::vector<const Delivery*> MtaQueue::pending() const {
  std::vector<const Delivery*> out;
  for (const auto& [id, d] : deliveries_) out.push_back(&d);
  return out;
}

std::optional<Time> MtaQueue::wake_at() const {
  std::optional<Time> next;
  for (const auto& [id, d] : deliveries_)
    if (!d.in_progress && (!next || d.next_attempt < *next)) next = d.next_attempt;
  return next;
}

std::vector<QueueEvent> MtaQueue::take_events() { return std::exchange(events_, {}); }
std::vector<Bounce> MtaQueue::take_bounces() { return std::exchange(bounces_, {}); }

}  // namespace wiresim::email
