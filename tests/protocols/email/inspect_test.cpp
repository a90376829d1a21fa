// The desktop view's state panels for e-mail: the mail server's mailboxes and MTA queue, what
// each user agent holds, and the webmail's sessions, read from bundled scenarios at chosen
// instants of simulated time.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/protocols/inspect_support.hpp"


using namespace wiresim;
using namespace wiresim::inspect_test;

namespace {

const Json* find_agent(const Json& services, const std::string& host) {
  if (!services.contains("mail_agents")) return nullptr;
  for (const Json& a : services.at("mail_agents"))
    if (a.at("host") == host) return &a;
  return nullptr;
}

}  // namespace

TEST_CASE("mail-server inspect shows Bob's message in his INBOX, and bob-pc's copy after the POP3 fetch") {
  auto world = load_bundled("email/alice-to-bob");
  run_to(*world, 500);
  CHECK(inspect_app(*world, "hamburger-mail", "mail-server").at("mailboxes").at("bob").at("INBOX").empty());
  CHECK(find_agent(inspect_services(*world), "bob-pc") == nullptr);

  run_to(*world, 6000);  // POP3 download-and-keep at 5 s
  const Json server = inspect_app(*world, "hamburger-mail", "mail-server");
  CHECK(server.at("delivered_locally") == 1);  // the report's counters are kept
  const Json& inbox = server.at("mailboxes").at("bob").at("INBOX");
  REQUIRE(inbox.size() == 1);
  const Json& m = inbox[0];
  CHECK(m.at("uid") == 1);
  CHECK(m.at("from") == "Alice <alice@crepes.fr>");
  CHECK(m.at("subject") == "Lunch");
  CHECK(m.at("octets").get<std::uint64_t>() > 100);
  CHECK(m.at("flags") == "\\Recent");  // POP3 sets no \Seen: RFC 1939 has no flags
  CHECK(server.at("queue").empty());

  const Json services = inspect_services(*world);
  const Json* agent = find_agent(services, "bob-pc");
  REQUIRE(agent != nullptr);
  CHECK(agent->at("user") == "bob");
  CHECK(agent->at("seen_uidls").size() == 1);
  REQUIRE(agent->at("messages").size() == 1);
  const Json& copy = agent->at("messages")[0];
  CHECK(copy.at("protocol") == "pop3");
  CHECK(copy.at("subject") == "Lunch");
  CHECK(copy.at("from") == "Alice <alice@crepes.fr>");
  CHECK(copy.at("octets") == m.at("octets"));
  CHECK(copy.at("on_server") == "kept");
  CHECK(copy.at("at_s").get<double>() > 5.0);
}

TEST_CASE("mail-server inspect shows IMAP's \\Seen flag and the new folder another device made") {
  auto world = load_bundled("email/imap-folders-sync");
  run_to(*world, 5500);
  const Json before = inspect_app(*world, "hamburger-mail", "mail-server").at("mailboxes").at("bob");
  REQUIRE(before.at("INBOX").size() == 3);
  CHECK(before.at("INBOX")[0].at("subject") == "Project plan");
  CHECK(before.at("INBOX")[1].at("flags") == "");
  CHECK_FALSE(before.contains("Work/Projects"));

  // At 6 s bob-pc copies message 1 to Work/Projects, deletes and expunges it, and marks the
  // next one \Seen.
  run_to(*world, 7000);
  const Json after = inspect_app(*world, "hamburger-mail", "mail-server").at("mailboxes").at("bob");
  const Json& inbox = after.at("INBOX");
  REQUIRE(inbox.size() == 2);
  CHECK(inbox[0].at("uid") == 2);
  CHECK(inbox[0].at("subject") == "Lunch");
  CHECK(inbox[0].at("flags") == "\\Seen");
  CHECK(inbox[1].at("subject") == "Project budget");
  CHECK(inbox[1].at("flags") == "");
  REQUIRE(after.at("Work/Projects").size() == 1);
  CHECK(after.at("Work/Projects")[0].at("subject") == "Project plan");
  CHECK(after.at("Work/Projects")[0].at("flags") == "\\Recent");
}

TEST_CASE("user agent inspect: download-and-delete copies are gone from the server, kept ones are not") {
  auto world = load_bundled("email/pop3-delete-vs-keep");
  run_to(*world, 6000);  // bob-pc downloaded and deleted "First" and "Second" at 5 s
  CHECK(inspect_app(*world, "hamburger-mail", "mail-server").at("mailboxes").at("bob").at("INBOX").empty());
  const Json early = inspect_services(*world);
  const Json* pc = find_agent(early, "bob-pc");
  REQUIRE(pc != nullptr);
  REQUIRE(pc->at("messages").size() == 2);
  CHECK(pc->at("messages")[0].at("subject") == "First");
  CHECK(pc->at("messages")[1].at("subject") == "Second");
  for (const Json& m : pc->at("messages")) CHECK(m.at("on_server") == "deleted");
  CHECK(pc->at("seen_uidls").empty());

  run_to(*world, 26000);  // "Third", downloaded and kept at 25 s
  const Json later = inspect_services(*world);
  pc = find_agent(later, "bob-pc");
  REQUIRE(pc != nullptr);
  REQUIRE(pc->at("messages").size() == 3);
  CHECK(pc->at("messages")[2].at("subject") == "Third");
  CHECK(pc->at("messages")[2].at("on_server") == "kept");
  CHECK(pc->at("messages")[0].at("on_server") == "deleted");
  CHECK(pc->at("seen_uidls").size() == 1);
  const Json inbox = inspect_app(*world, "hamburger-mail", "mail-server").at("mailboxes").at("bob").at("INBOX");
  REQUIRE(inbox.size() == 1);
  CHECK(inbox[0].at("subject") == "Third");
}

TEST_CASE("mail-server inspect shows the MTA queue: attempting, then deferred with its next retry") {
  auto world = load_bundled("email/mta-down");
  run_to(*world, 1500);  // the first attempt is under way; hamburger-mail's link is down
  Json queue = inspect_app(*world, "crepes-mail", "mail-server").at("queue");
  REQUIRE(queue.size() == 1);
  CHECK(queue[0].at("from") == "alice@crepes.fr");
  CHECK(queue[0].at("domain") == "hamburger.edu");
  CHECK(queue[0].at("rcpts") == "bob@hamburger.edu");
  CHECK(queue[0].at("state") == "attempting");
  CHECK(queue[0].at("attempts") == 1);
  CHECK(queue[0].at("next_try_s").is_null());

  run_to(*world, 100'000);  // TCP gave up: retry 30 minutes after the failure
  queue = inspect_app(*world, "crepes-mail", "mail-server").at("queue");
  REQUIRE(queue.size() == 1);
  CHECK(queue[0].at("state") == "deferred");
  CHECK(queue[0].at("attempts") == 1);
  const double next = queue[0].at("next_try_s").get<double>();
  CHECK(next > 1800.0 + 1.0);
  CHECK(next < 1800.0 + 100.0);
  CHECK(queue[0].at("last_error") == "could not connect to the server");

  run_to(*world, 3'601'000);  // the second attempt failed as well, with the second message held for it
  queue = inspect_app(*world, "crepes-mail", "mail-server").at("queue");
  REQUIRE(queue.size() == 2);
  CHECK(queue[0].at("attempts") == 2);
  CHECK(queue[1].at("attempts") == 1);
  CHECK(queue[0].at("next_try_s").get<double>() > next + 1800.0);
  CHECK(queue[1].at("next_try_s") == queue[0].at("next_try_s"));  // the destination waits as a whole

  run_to(*world, 4'100'000);  // the third, after the link came back, delivered both
  CHECK(inspect_app(*world, "crepes-mail", "mail-server").at("queue").empty());
  const Json inbox = inspect_app(*world, "hamburger-mail", "mail-server").at("mailboxes").at("bob").at("INBOX");
  REQUIRE(inbox.size() == 2);
  CHECK(inbox[0].at("subject") == "Lunch");
  CHECK(inbox[1].at("subject") == "Dinner");
}

TEST_CASE("webmail inspect shows the logged-in session while the browser is there, and reading sets \\Seen") {
  auto world = load_bundled("email/webmail-vs-desktop");
  run_to(*world, 5000);
  CHECK(inspect_app(*world, "hamburger-mail", "webmail").at("sessions").empty());
  // The browser logs in, reads and logs out within a few round trips: look every millisecond.
  std::string cookie;
  bool connection_seen = false;
  for (std::int64_t ms = 5001; ms <= 5060; ++ms) {
    run_to(*world, ms);
    const Json webmail = inspect_app(*world, "hamburger-mail", "webmail");
    connection_seen = connection_seen || webmail.at("open_connections") == 1;
    for (const Json& s : webmail.at("sessions")) {
      CHECK(s.at("user") == "bob");
      cookie = s.at("cookie").get<std::string>();
    }
  }
  CHECK(connection_seen);
  CHECK(cookie.size() == 16);
  const Json webmail = inspect_app(*world, "hamburger-mail", "webmail");
  CHECK(webmail.at("sessions").empty());  // logged out
  CHECK(webmail.at("open_connections") == 0);
  CHECK(webmail.at("logins") == 1);
  const Json inbox = inspect_app(*world, "hamburger-mail", "mail-server").at("mailboxes").at("bob").at("INBOX");
  REQUIRE(inbox.size() == 1);
  CHECK(inbox[0].at("flags").get<std::string>().find("\\Seen") != std::string::npos);
}

TEST_CASE("mail inspect is the same for the same seed at the same instant") {
  auto a = load_bundled("email/imap-folders-sync");
  auto b = load_bundled("email/imap-folders-sync");
  run_to(*a, 9000);
  run_to(*b, 9000);
  CHECK(inspect_app(*a, "hamburger-mail", "mail-server").dump() ==
        inspect_app(*b, "hamburger-mail", "mail-server").dump());
  CHECK(inspect_services(*a).dump() == inspect_services(*b).dump());
}
