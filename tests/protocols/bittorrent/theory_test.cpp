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
  const std::string table = distribution_table(F, Us, uniform_populations(D, {300e3, 700e3, 2e6}), {10, 100, 1000});
  CHECK(table.find("F = 15 Gbit, us = 30 Mbps, dmin = 2 Mbps") != std::string::npos);
  CHECK(table.find("500000 s  N F / us") != std::string::npos);
  CHECK(table.find("u = 300 kbps") != std::string::npos);
  CHECK(table.find("45455 s  N F / (us + N u)") != std::string::npos);
  CHECK(table.find("u = 2 Mbps") != std::string::npos);
  const std::string csv = distribution_csv(F, Us, uniform_populations(D, {300e3}), {10});
  CHECK(csv == "N,u_bps,mode,theory_s,bottleneck\n10,300000,client-server,7500.000,F / dmin\n"
               "10,300000,p2p,7500.000,F / dmin\n");
}

// The whole chart and its CSV, as `wiresim theory distribution` prints them for the textbook's
// problem (tests/golden/p2p/; WIRESIM_UPDATE_GOLDEN=1 rewrites them after a deliberate change).
TEST_CASE("the textbook problem's chart and CSV match their golden files") {
  wiresim::test::compare_golden(distribution_table(F, Us, uniform_populations(D, {300e3, 700e3, 2e6}), {10, 100, 1000}),
                                "p2p/theory-table.txt");
  wiresim::test::compare_golden(distribution_csv(F, Us, uniform_populations(D, {300e3, 700e3, 2e6}), {10, 100, 1000}),
                                "p2p/theory-table.csv");
}

// Peers that differ: the bound takes the slowest download and the sum of the uploads.
TEST_CASE("a mix of peers: dmin is its slowest download, and the sum of ui its uploads") {
  PeerMix mix{*parse_peer_class("1:300kbps/500kbps"), *parse_peer_class("rest:2Mbps/10Mbps")};
  const DistributionProblem p = problem_for(F, Us, mix, 10);
  CHECK(p.min_download == 500e3);
  CHECK(p.peer_upload * 10 == doctest::Approx(300e3 + 9 * 2e6));
  CHECK(p.mixed);
  CHECK(client_server_time(p).term == "F / dmin");
  CHECK(client_server_time(p).seconds == doctest::Approx(30000));
  // A fifth on DSL, the rest faster: at N = 1000 the sum of ui decides.
  mix = {*parse_peer_class("20%:300kbps/2Mbps"), *parse_peer_class("rest:1Mbps/5Mbps")};
  const DistributionProblem q = problem_for(F, Us, mix, 1000);
  CHECK(q.min_download == 2e6);
  CHECK(p2p_time(q).term == "N F / (us + sum ui)");
  CHECK(p2p_time(q).seconds == doctest::Approx(1000 * F / (Us + 200 * 300e3 + 800 * 1e6)));
  // A class with no peer at this N does not count, in dmin or in the sum.
  const DistributionProblem r = problem_for(F, Us, mix, 4);  // 20% of 4: none
  CHECK(r.min_download == 5e6);
  CHECK(r.peer_upload == 1e6);
  // Every peer alike is the textbook's problem, whose terms say N u.
  const DistributionProblem u = problem_for(F, Us, uniform_peers(300e3, D), 1000);
  CHECK(!u.mixed);
  CHECK(p2p_time(u).term == "N F / (us + N u)");
  CHECK(p2p_time(u).seconds == doctest::Approx(p2p_time({F, Us, D, 300e3, 1000}).seconds));
}

TEST_CASE("the chart of a mix shows dmin and the sum of ui at each N (golden)") {
  // At N = 1 the 10% have no peer (dmin 4 Mbps); from N = 10 their 1 Mbps is dmin; at 1000
  // the sum of ui decides.
  const PeerMix mix{*parse_peer_class("10%:300kbps/1Mbps"), *parse_peer_class("rest:1Mbps/4Mbps")};
  wiresim::test::compare_golden(distribution_table(F, Us, {mix}, {1, 10, 100, 1000}), "p2p/theory-mixed.txt");
  wiresim::test::compare_golden(distribution_csv(F, Us, {mix}, {1, 10, 100, 1000}), "p2p/theory-mixed.csv");
}
