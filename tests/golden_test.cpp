// Golden transcripts: each bundled scenario listed here is run and its transcript compared with
// tests/golden/<name>.txt. To regenerate on purpose: WIRESIM_UPDATE_GOLDEN=1 ./wiresim_tests,
// then review the diff.
#include <doctest/doctest.h>

#include "tests/support.hpp"

using namespace wiresim;

static void check_golden(const std::string& scenario, const std::string& golden) {
  auto w = load_scenario_file(std::string(WIRESIM_SOURCE_DIR) + "/scenarios/" + scenario);
  REQUIRE_MESSAGE(w.ok(), w.error());
  test::compare_golden(test::run_transcript(**w), golden);
}

TEST_CASE("golden transcript: echo across three routers with a link failure") {
  check_golden("basics/echo-three-routers.toml", "echo-three-routers.txt");
}

TEST_CASE("golden transcript: TCP bulk transfer over a lossy bottleneck") {
  check_golden("basics/tcp-bulk-lossy.toml", "tcp-bulk-lossy.txt");
}

TEST_CASE("golden transcript: Alice sends a message to Bob") {
  check_golden("email/alice-to-bob.toml", "email/alice-to-bob.txt");
}

TEST_CASE("golden transcript: VRFY and EXPN by telnet, then a mailing list") {
  check_golden("email/mailing-list.toml", "email/mailing-list.txt");
}

TEST_CASE("golden transcript: an unknown recipient (550), a message too large (552), and their bounces") {
  check_golden("email/unknown-recipient.toml", "email/unknown-recipient.txt");
}

TEST_CASE("golden transcript: the textbook's POP3 session, to the character") {
  check_golden("email/pop3-textbook.toml", "email/pop3-textbook.txt");
}

TEST_CASE("golden transcript: POP3 download-and-delete vs download-and-keep") {
  check_golden("email/pop3-delete-vs-keep.toml", "email/pop3-delete-vs-keep.txt");
}

TEST_CASE("golden transcript: FTP active vs passive") {
  check_golden("ftp/active-vs-passive.toml", "ftp/active-vs-passive.txt");
}

TEST_CASE("golden transcript: FTP vs HTTP, persistent and non-persistent") {
  check_golden("ftp/ftp-vs-http.toml", "ftp/ftp-vs-http.txt");
}
