// The MTA's outgoing queue (RFC 5321 4.5.4): messages wait per destination domain, are tried
// when due, retried on temporary failure on a fixed schedule, and bounced to their sender on
// permanent failure or after the give-up time. A destination that failed waits as a whole
// (4.5.4.1: "the sender MUST delay retrying a particular destination"): the messages for it,
// new ones included, are all due at its next try, and go over one connection. Sans-I/O: the MTA app looks up MX records and
// runs the SMTP client; this only decides what happens when.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.hpp"

namespace wiresim::email {

struct QueueConfig {
  Duration retry_interval = seconds(30 * 60);     // RFC 5321 4.5.4.1: "at least 30 minutes"
  Duration give_up_after = seconds(5 * 24 * 3600);  // "at least 4-5 days"
};

// One recipient's fate after an attempt, as the SMTP client saw it.
struct RecipientOutcome {
  std::string rcpt;
  enum class Status { Delivered, Temporary, Permanent } status = Status::Temporary;
  std::string reply;  // "550 No such user here", or why the attempt failed ("connection timed out")
};

// A message to some recipients in one domain: the unit of delivery.
struct Delivery {
  std::uint64_t id = 0;
  std::string mail_from;  // "" for a bounce (the null reverse-path)
  std::string domain;
  std::vector<std::string> rcpts;  // still to deliver
  std::string data;
  Time queued;
  Time next_attempt;
  int attempts = 0;
  bool in_progress = false;
  std::string last_error;
};

// A message that could not be delivered, for the MTA to send back to its sender.
struct Bounce {
  std::string to;  // the original sender
  std::vector<RecipientOutcome> failed;
  std::string original;  // the original message, returned with the bounce
};

struct QueueEvent {
  enum class Kind { Queued, Attempting, Delivered, Deferred, Bounced } kind;
  std::uint64_t delivery = 0;
  std::string text;  // "queued for hamburger.edu (1 recipient)", "deferred: retrying at 1800 s"
};

std::string_view to_string(QueueEvent::Kind kind);  // "queued", "attempting", "delivered", ...

class MtaQueue {
 public:
  explicit MtaQueue(QueueConfig config = {}) : config_(config) {}

  // Queues a message, split by recipient domain; each part is due now. Returns the deliveries.
  std::vector<std::uint64_t> enqueue(const std::string& mail_from, const std::vector<std::string>& rcpts,
                                     const std::string& data, Time now);
  // Deliveries due at `now` that are not being tried, one group per domain, in the order each
  // domain first came due: the MTA starts one attempt, one connection, per group.
  std::vector<std::vector<std::uint64_t>> take_due(Time now);
  // What an attempt achieved, recipient by recipient.
  void attempt_finished(std::uint64_t id, const std::vector<RecipientOutcome>& outcomes, Time now);

  const Delivery* find(std::uint64_t id) const;
  std::vector<const Delivery*> pending() const;  // still queued, in id order
  std::optional<Time> wake_at() const;            // the next retry
  std::vector<QueueEvent> take_events();
  std::vector<Bounce> take_bounces();

 private:
  void bounce(Delivery& d, std::vector<RecipientOutcome> failed);

  QueueConfig config_;
  std::map<std::uint64_t, Delivery> deliveries_;
  std::map<std::string, Time> domain_waits_;  // a domain that failed: nothing goes to it before this
  std::uint64_t next_id_ = 1;
  std::vector<QueueEvent> events_;
  std::vector<Bounce> bounces_;
};

// mail::domain_of in lower case: "hamburger.edu" from "Bob <bob@Hamburger.EDU>"; "" without one.
std::string domain_of(const std::string& address);

}  // namespace wiresim::email
