// The textbook problem's chart (F = 15 Gbit, us = 30 Mbps, d = 2 Mbps), cell by cell.
#include <doctest/doctest.h>

#include "protocols/bittorrent/theory.hpp"
#include "tests/support.hpp"

using namespace wiresim::bittorrent;

namespace {
constexpr double F = 15e9, Us = 30e6, D = 2e6;
}

TEST_CASE("client-server time is N F / us or F / dmin, whichever is larger") {
  CHECK(client_server_time({F, Us, D, 0, 10}).seconds == doctest::Approx(7500));
  CHECK(client_server_time({F, Us, D, 0, 10}).term == "F / dmin");
  CHECK(client_server_time({F, Us, D, 0, 100}).seconds == doctest::Approx(50000));
  CHECK(client_server_time({F, Us, D, 0, 1000}).seconds == doctest::Approx(500000));
  CHECK(client_server_time({F, Us, D, 0, 1000}).term == "N F / us");
}

TEST_CASE("P2P time names the bound that decides it") {
  CHECK(p2p_time({F, Us, D, 300e3, 10}).term == "F / dmin");
  CHECK(p2p_time({F, Us, D, 300e3, 100}).seconds == doctest::Approx(25000));
  CHECK(p2p_time({F, Us, D, 300e3, 1000}).seconds == doctest::Approx(15e12 / 330e6));
  CHECK(p2p_time({F, Us, D, 300e3, 1000}).term == "N F / (us + N u)");
  CHECK(p2p_time({F, Us, D, 700e3, 100}).seconds == doctest::Approx(15000));
  CHECK(p2p_time({F, Us, D, 2e6, 1000}).seconds == doctest::Approx(7500));
  CHECK(p2p_time({F, Us, D, 2e6, 1000}).term == "F / dmin");
  CHECK(p2p_time({F, 1e6, D, 2e6, 1}).term == "F / us");  // a slow server
}

TEST_CASE("the chart has a client-server row and a P2P row per u") {
  const std::string table = distribution_table(F, Us, D, {300e3, 700e3, 2e6}, {10, 100, 1000});
  CHECK(table.find("F = 15 Gbit, us = 30 Mbps, dmin = 2 Mbps") != std::string::npos);
  CHECK(table.find("500000 s  N F / us") != std::string::npos);
  CHECK(table.find("u = 300 kbps") != std::string::npos);
  CHECK(table.find("45455 s  N F / (us + N u)") != std::string::npos);
  CHECK(table.find("u = 2 Mbps") != std::string::npos);
  const std::string csv = distribution_csv(F, Us, D, {300e3}, {10});
  CHECK(csv == "N,u_bps,mode,theory_s,bottleneck\n10,300000,client-server,7500.000,F / dmin\n"
               "10,300000,p2p,7500.000,F / dmin\n");
}

// The whole chart and its CSV, as `wiresim theory distribution` prints them for the textbook's
// problem (tests/golden/p2p/; WIRESIM_UPDATE_GOLDEN=1 rewrites them after a deliberate change).
TEST_CASE("the textbook problem's chart and CSV match their golden files") {
  wiresim::test::compare_golden(distribution_table(F, Us, D, {300e3, 700e3, 2e6}, {10, 100, 1000}),
                                "p2p/theory-table.txt");
  wiresim::test::compare_golden(distribution_csv(F, Us, D, {300e3, 700e3, 2e6}, {10, 100, 1000}),
                                "p2p/theory-table.csv");
}
