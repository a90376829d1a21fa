// Random bytes and random command mixes from a fixed seed: the engines must neither crash nor
// hang, and the server must keep answering every line with +OK or -ERR.
#include <doctest/doctest.h>

#include <random>

#include "tests/protocols/pop3/pop3_support.hpp"

namespace wiresim::pop3::test {

TEST_CASE("server survives random command lines and answers each with +OK or -ERR") {
  std::mt19937 random(1939);
  const std::vector<std::string> words = {"USER", "PASS", "APOP", "STAT", "LIST",  "RETR",     "DELE", "NOOP", "RSET",
                                          "TOP",  "UIDL", "CAPA", "AUTH", "mrose", "tanstaaf", "1",    "2",    "0",
                                          "-1",   "999",  "x",    "",     " ",     "\t",       "\x01", "."};
  for (int session_number = 0; session_number < 50; ++session_number) {
    mail::Store store;
    fill_rfc_store(store);
    ServerSession session(store, rfc_config());
    session.on_connected(Time{});
    session.on_bytes("USER mrose\r\nPASS tanstaaf\r\n", Time{});
    for (int line = 0; line < 40 && !session.wants_close(); ++line) {
      std::string command;
      const std::size_t parts = random() % 4;
      for (std::size_t i = 0; i < parts; ++i) {
        if (i > 0) command += ' ';
        command += words[random() % words.size()];
      }
      session.on_bytes(command + "\r\n", Time{});
    }
    session.on_closed(Time{});
    for (const Event& e : session.take_events())
      if (e.kind == EventKind::Reply) CHECK((e.text.starts_with("+OK") || e.text.starts_with("-ERR")));
    CHECK_FALSE(store.locked("mrose"));
  }
}

TEST_CASE("server and client survive random bytes") {
  std::mt19937 random(110);
  for (int round = 0; round < 50; ++round) {
    std::string noise;
    const std::size_t length = random() % 600;
    for (std::size_t i = 0; i < length; ++i) noise += static_cast<char>(random() % 256);
    mail::Store store;
    fill_rfc_store(store);
    ServerSession server(store, rfc_config());
    server.on_connected(Time{});
    server.on_bytes(noise, Time{});
    server.on_closed(Time{});
    ClientConfig config;
    config.user = "mrose";
    config.password = "tanstaaf";
    ClientSession client(config);
    client.on_connected(Time{});
    client.on_bytes("+OK hi <1.2@x>\r\n", Time{});
    client.on_bytes(noise, Time{});
    client.on_closed(Time{});
    CHECK(client.wants_close());
    CHECK(server.wants_close());
  }
}

}  // namespace wiresim::pop3::test
