// Shared pieces of the IMAP engine tests: a store with bob's mailbox and a driver that feeds a
// client's side of a dialogue to a server session, whole and one byte at a time.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/imap/server_session.hpp"
#include "protocols/mail/store.hpp"

namespace imap_test {

using namespace wiresim;

inline const std::string Lunch =
    "From: Alice Smith <alice@example.org>\r\n"
    "To: bob@example.org\r\n"
    "Subject: Lunch\r\n"
    "Date: Tue, 2 Jan 2024 09:00:00 +0000\r\n"
    "Message-ID: <1@example.org>\r\n"
    "\r\n"
    "Shall we meet at noon?\r\n";

inline const std::string Report =
    "From: carol@example.net\r\n"
    "To: bob@example.org, \"Dave D.\" <dave@example.org>\r\n"
    "Cc: team@example.org\r\n"
    "Subject: Quarterly report\r\n"
    "Date: Wed, 3 Jan 2024 10:30:00 +0000\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"xyz\"\r\n"
    "\r\n"
    "--xyz\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n"
    "\r\n"
    "Numbers attached.\r\n"
    "--xyz\r\n"
    "Content-Type: application/octet-stream; name=q1.bin\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment; filename=q1.bin\r\n"
    "\r\n"
    "AAECAw==\r\n"
    "--xyz--\r\n";

inline const std::string Reply =
    "From: Alice Smith <alice@example.org>\r\n"
    "To: bob@example.org\r\n"
    "Subject: Re: Lunch\r\n"
    "Date: Thu, 4 Jan 2024 12:00:00 +0000\r\n"
    "\r\n"
    "Noon it is. See you at the cafe.\r\n";

// bob/secret with INBOX holding Lunch (UID 1, \Seen, 2 Jan), Report (UID 2, 3 Jan) and Reply
// (UID 3, \Recent, 4 Jan); folders Work and Work/Projects, Archive unsubscribed.
inline std::unique_ptr<mail::Store> make_store() {
  auto store = std::make_unique<mail::Store>();
  REQUIRE(store->add_user("bob", "secret"));
  REQUIRE(store->add_user("alice", "wonder"));
  const Time day = Time{} + seconds(86400);
  REQUIRE(store->append("bob", "INBOX", Lunch, day + seconds(9 * 3600), {mail::Seen}));
  REQUIRE(store->append("bob", "INBOX", Report, day + seconds(86400 + 10 * 3600), {}));
  REQUIRE(store->append("bob", "INBOX", Reply, day + seconds(2 * 86400 + 12 * 3600), {mail::Recent}));
  REQUIRE(store->create_folder("bob", "Work"));
  REQUIRE(store->create_folder("bob", "Work/Projects"));
  REQUIRE(store->create_folder("bob", "Archive"));
  store->folder("bob", "Archive")->subscribed = false;
  return store;
}

struct Output {
  std::string bytes;
  std::vector<imap::Event> events;
};

// Feeds `input` to a fresh session on `store` (after the greeting, which is dropped), whole
// or one byte at a time.
inline Output feed(mail::Store& store, std::string_view input, bool bytewise, imap::ServerConfig config = {}) {
  imap::ServerSession server(store, config);
  server.on_connected(Time{});
  server.take_outgoing();
  Output out;
  if (bytewise) {
    for (const char c : input) server.on_bytes(std::string_view(&c, 1), Time{});
  } else {
    server.on_bytes(input, Time{});
  }
  out.bytes = server.take_outgoing();
  out.events = server.take_events();
  return out;
}

// The server's reply to `input` on a fresh fixture store; checks that feeding it one byte at a
// time gives the same bytes and events.
inline std::string converse(std::string_view input, imap::ServerConfig config = {}) {
  auto whole_store = make_store();
  auto byte_store = make_store();
  const Output whole = feed(*whole_store, input, false, config);
  const Output bytes = feed(*byte_store, input, true, config);
  CHECK(whole.bytes == bytes.bytes);
  REQUIRE(whole.events.size() == bytes.events.size());
  for (std::size_t i = 0; i < whole.events.size(); ++i) CHECK(whole.events[i].text == bytes.events[i].text);
  return whole.bytes;
}

inline const std::string Login = "a1 LOGIN bob secret\r\n";
inline const std::string LoginOk = "a1 OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] LOGIN completed\r\n";
inline const std::string SelectInbox = "a2 SELECT INBOX\r\n";
inline const std::string SelectOk =
    "* 3 EXISTS\r\n"
    "* 1 RECENT\r\n"
    "* OK [UNSEEN 2] Message 2 is first unseen\r\n"
    "* OK [UIDVALIDITY 1] UIDs valid\r\n"
    "* OK [UIDNEXT 4] Predicted next UID\r\n"
    "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
    "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted\r\n"
    "a2 OK [READ-WRITE] SELECT completed\r\n";

// The reply after LOGIN and SELECT INBOX, which the dialogue starts with.
inline std::string selected(std::string_view commands) {
  const std::string out = converse(Login + SelectInbox + std::string(commands));
  const std::string prefix = LoginOk + SelectOk;
  REQUIRE(out.substr(0, prefix.size()) == prefix);
  return out.substr(prefix.size());
}

}  // namespace imap_test
