// The MTA queue's schedule: split by domain, due at once, retried every 30 minutes on
// temporary failure, bounced on permanent failure or after the give-up time.
#include <doctest/doctest.h>

#include "protocols/email/mta_queue.hpp"

using namespace wiresim;
using namespace wiresim::email;
using Status = RecipientOutcome::Status;

namespace {

std::vector<std::string> texts(MtaQueue& q) {
  std::vector<std::string> out;
  for (const QueueEvent& e : q.take_events()) out.push_back(e.text);
  return out;
}

Time at_minutes(int m) { return Time{} + seconds(60LL * m); }

using Groups = std::vector<std::vector<std::uint64_t>>;

}  // namespace

TEST_CASE("mta queue splits a message by recipient domain, each due at once") {
  MtaQueue q;
  const auto ids = q.enqueue("alice@crepes.fr", {"bob@hamburger.edu", "carol@Hamburger.EDU", "dan@example.com"}, "m",
                             Time{});
  REQUIRE(ids.size() == 2);
  CHECK(q.find(ids[0])->domain == "hamburger.edu");
  CHECK(q.find(ids[0])->rcpts == std::vector<std::string>{"bob@hamburger.edu", "carol@Hamburger.EDU"});
  CHECK(q.find(ids[1])->domain == "example.com");
  CHECK(texts(q) == std::vector<std::string>{"queued for hamburger.edu (2 recipients)", "queued for example.com (1 recipient)"});
  CHECK(q.take_due(Time{}) == Groups{{ids[0]}, {ids[1]}});
  CHECK(q.take_due(Time{}).empty());  // in progress: not due twice
  CHECK_FALSE(q.wake_at().has_value());
}

TEST_CASE("mta queue retries a temporary failure every 30 minutes, then delivers") {
  MtaQueue q;
  const auto id = q.enqueue("alice@crepes.fr", {"bob@hamburger.edu"}, "m", Time{})[0];
  q.take_due(Time{});
  q.attempt_finished(id, {{"bob@hamburger.edu", Status::Temporary, "connection timed out"}}, at_minutes(1));
  CHECK(q.wake_at() == at_minutes(31));
  CHECK(q.take_due(at_minutes(30)).empty());
  CHECK(q.take_due(at_minutes(31)) == Groups{{id}});
  q.attempt_finished(id, {{"bob@hamburger.edu", Status::Delivered, "250 ok"}}, at_minutes(32));
  CHECK(q.pending().empty());
  CHECK(texts(q) == std::vector<std::string>{"queued for hamburger.edu (1 recipient)",
                                             "attempt 1 to deliver to hamburger.edu (1 recipient)",
                                             "deferred (connection timed out); next try in 1800s",
                                             "attempt 2 to deliver to hamburger.edu (1 recipient)",
                                             "delivered to hamburger.edu (1 recipient)"});
  CHECK(q.take_bounces().empty());
}

TEST_CASE("mta queue bounces a permanent failure to the sender and delivers the rest") {
  MtaQueue q;
  const auto id = q.enqueue("alice@crepes.fr", {"bob@hamburger.edu", "nobody@hamburger.edu"}, "the message", Time{})[0];
  q.take_due(Time{});
  q.attempt_finished(id,
                     {{"bob@hamburger.edu", Status::Delivered, "250 ok"},
                      {"nobody@hamburger.edu", Status::Permanent, "550 No such user here"}},
                     at_minutes(1));
  CHECK(q.pending().empty());
  const auto bounces = q.take_bounces();
  REQUIRE(bounces.size() == 1);
  CHECK(bounces[0].to == "alice@crepes.fr");
  CHECK(bounces[0].original == "the message");
  REQUIRE(bounces[0].failed.size() == 1);
  CHECK(bounces[0].failed[0].reply == "550 No such user here");
}

TEST_CASE("mta queue gives up after the give-up time and bounces") {
  MtaQueue q({seconds(30 * 60), seconds(2 * 3600)});
  const auto id = q.enqueue("alice@crepes.fr", {"bob@hamburger.edu"}, "m", Time{})[0];
  int tries = 0;
  for (Time t{}; !q.pending().empty(); t = *q.wake_at()) {
    REQUIRE(q.take_due(t).size() == 1);
    ++tries;
    q.attempt_finished(id, {{"bob@hamburger.edu", Status::Temporary, "421 service not available"}}, t);
    REQUIRE(tries < 10);
  }
  CHECK(tries == 5);  // at 0, 30, 60, 90 and 120 minutes
  const auto bounces = q.take_bounces();
  REQUIRE(bounces.size() == 1);
  CHECK(bounces[0].failed[0].reply == "gave up after 7200s: 421 service not available");
}

TEST_CASE("mta queue never bounces a bounce") {
  MtaQueue q;
  const auto id = q.enqueue("", {"alice@crepes.fr"}, "bounce", Time{})[0];
  q.take_due(Time{});
  q.attempt_finished(id, {{"alice@crepes.fr", Status::Permanent, "550 No such user"}}, Time{});
  CHECK(q.take_bounces().empty());
  CHECK(texts(q).back() ==
        "bounced 1 recipient in crepes.fr (alice@crepes.fr: 550 No such user); the message was itself a bounce, so it is dropped");
}

// RFC 5321 4.5.4.1: "the sender MUST delay retrying a particular destination after one attempt
// has failed". The destination waits as a whole: messages queued for it meanwhile are held, and
// everything for it comes due at its next try, side by side, for one connection.
TEST_CASE("mta queue holds a failed destination's other messages for its next try, all due together") {
  MtaQueue q;
  const auto first = q.enqueue("alice@crepes.fr", {"bob@hamburger.edu"}, "1", Time{})[0];
  const auto other = q.enqueue("alice@crepes.fr", {"dan@example.com"}, "2", Time{})[0];
  CHECK(q.take_due(Time{}) == Groups{{first}, {other}});
  const auto second = q.enqueue("alice@crepes.fr", {"carol@hamburger.edu"}, "3", at_minutes(1))[0];
  CHECK(q.take_due(at_minutes(1)) == Groups{{second}});  // tried at once: no failure yet
  q.attempt_finished(first, {{"bob@hamburger.edu", Status::Temporary, "421 busy"}}, at_minutes(2));
  q.attempt_finished(other, {{"dan@example.com", Status::Delivered, "250 ok"}}, at_minutes(2));
  q.attempt_finished(second, {{"carol@hamburger.edu", Status::Temporary, "421 busy"}}, at_minutes(3));
  texts(q);
  // Queued while hamburger.edu waits: held for its try at 33 minutes, not tried now.
  const auto third = q.enqueue("alice@crepes.fr", {"bob@hamburger.edu"}, "4", at_minutes(4))[0];
  CHECK(texts(q) == std::vector<std::string>{
                        "queued for hamburger.edu (1 recipient); hamburger.edu failed recently: held for its next "
                        "try in 1740s"});
  CHECK(q.take_due(at_minutes(4)).empty());
  CHECK(q.wake_at() == at_minutes(33));
  CHECK(q.take_due(at_minutes(32)).empty());  // the first's own retry (32) waits for the domain's
  CHECK(q.take_due(at_minutes(33)) == Groups{{first, second, third}});
  // Delivered: the domain takes mail at once again.
  for (auto id : {first, second, third})
    q.attempt_finished(id, {{q.find(id)->rcpts[0], Status::Delivered, "250 ok"}}, at_minutes(34));
  const auto fifth = q.enqueue("alice@crepes.fr", {"bob@hamburger.edu"}, "5", at_minutes(35))[0];
  CHECK(q.take_due(at_minutes(35)) == Groups{{fifth}});
}

TEST_CASE("mta queue groups the due deliveries by domain") {
  MtaQueue q;
  const auto a = q.enqueue("alice@crepes.fr", {"bob@hamburger.edu"}, "1", Time{})[0];
  const auto b = q.enqueue("alice@crepes.fr", {"dan@example.com"}, "2", Time{})[0];
  const auto c = q.enqueue("alice@crepes.fr", {"carol@hamburger.edu"}, "3", Time{})[0];
  CHECK(q.take_due(Time{}) == Groups{{a, c}, {b}});
}
