// The desktop view's state panels for DNS: the resolver's cache and every host's stub cache,
// with the TTL left at the current simulated time, read from bundled scenarios.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/protocols/inspect_support.hpp"


using namespace wiresim;
using namespace wiresim::inspect_test;

namespace {

Json report_app(const World& w, const std::string& host, const std::string& app) {
  for (std::size_t i = 0; i < w.apps.size(); ++i) {
    if (w.net.node(w.app_hosts[i]).name() != host) continue;
    Json j = Json::object();
    w.apps[i]->report(j);
    if (j.value("app", "") == app) return j;
  }
  FAIL("no " << app << " app on " << host);
  return {};
}

// The cache entry for `name` and `type` ("A", "NXDOMAIN"), or null.
Json entry(const Json& cache, const std::string& name, const std::string& type) {
  for (const Json& e : cache)
    if (e.at("name") == name && e.at("type") == type) return e;
  return nullptr;
}

}  // namespace

TEST_CASE("dns-resolver inspect: the cached record's TTL left counts down with simulated time") {
  auto world = load_bundled("dns/cache-cold-warm");
  run_to(*world, 1500);  // the cold lookup at 1 s filled the cache
  const Json early = entry(inspect_app(*world, "campus-dns", "dns-resolver").at("cache"), "www.hamburger.edu.", "A");
  REQUIRE(early.is_object());
  CHECK(early.at("negative") == false);
  CHECK(early.at("from") == "128.119.40.10");
  CHECK(early.at("data") == Json::array({"128.119.40.186"}));
  const std::int64_t ttl_early = early.at("ttl_left").get<std::int64_t>();
  CHECK(ttl_early > 55);
  CHECK(ttl_early <= 60);  // $TTL 60 in hamburger.edu's zone

  run_to(*world, 40'000);
  const Json later = entry(inspect_app(*world, "campus-dns", "dns-resolver").at("cache"), "www.hamburger.edu.", "A");
  REQUIRE(later.is_object());
  const std::int64_t ttl_later = later.at("ttl_left").get<std::int64_t>();
  CHECK(ttl_early - ttl_later >= 38);  // 38.5 s later, in whole seconds
  CHECK(ttl_early - ttl_later <= 39);
  // The referrals from the root and the TLD are cached for two days.
  const Json edu = entry(inspect_app(*world, "campus-dns", "dns-resolver").at("cache"), "edu.", "NS");
  REQUIRE(edu.is_object());
  CHECK(edu.at("ttl_left").get<std::int64_t>() > 172'000);

  run_to(*world, 65'000);  // the 60 s TTL has run out; nobody asked again yet
  CHECK(entry(inspect_app(*world, "campus-dns", "dns-resolver").at("cache"), "www.hamburger.edu.", "A").is_null());
}

TEST_CASE("dns-resolver inspect keeps its report's counters and reads its cache at the same instant") {
  auto world = load_bundled("dns/cache-cold-warm");
  run_to(*world, 4000);
  Json inspected = inspect_app(*world, "campus-dns", "dns-resolver");
  Json reported = report_app(*world, "campus-dns", "dns-resolver");
  CHECK(inspected.at("client_queries") == 2);
  CHECK(inspected.at("answered_from_cache") == 1);
  CHECK(inspected.at("cache") == reported.at("cache"));  // positive entries: the same TTLs
  inspected.erase("cache");
  reported.erase("cache");
  CHECK(inspected == reported);
}

TEST_CASE("DnsWorld inspect lists alice's stub cache, which the flush empties") {
  auto world = load_bundled("dns/cache-cold-warm");
  run_to(*world, 500);
  CHECK_FALSE(inspect_services(*world).contains("dns_stubs"));  // no host has looked anything up

  run_to(*world, 1500);
  Json stubs = inspect_services(*world).at("dns_stubs");
  REQUIRE(stubs.contains("alice"));
  CHECK(stubs.at("alice").at("server") == "10.1.0.53");
  const Json cached = entry(stubs.at("alice").at("cache"), "www.hamburger.edu.", "A");
  REQUIRE(cached.is_object());
  CHECK(cached.at("from") == "10.1.0.53");
  CHECK(cached.at("data") == Json::array({"128.119.40.186"}));
  const std::int64_t ttl_early = cached.at("ttl_left").get<std::int64_t>();
  CHECK(ttl_early > 55);

  run_to(*world, 2400);
  const Json again = entry(inspect_services(*world).at("dns_stubs").at("alice").at("cache"), "www.hamburger.edu.", "A");
  REQUIRE(again.is_object());
  CHECK(again.at("ttl_left").get<std::int64_t>() < ttl_early);

  run_to(*world, 2600);  // ipconfig /flushdns at 2.5 s
  CHECK(inspect_services(*world).at("dns_stubs").at("alice").at("cache").empty());

  run_to(*world, 3500);  // the lookup at 3 s was answered from the resolver's cache: a lower TTL
  const Json refilled = entry(inspect_services(*world).at("dns_stubs").at("alice").at("cache"), "www.hamburger.edu.", "A");
  REQUIRE(refilled.is_object());
  CHECK(refilled.at("ttl_left").get<std::int64_t>() < ttl_early - 1);
}

TEST_CASE("dns inspect shows a cached NXDOMAIN with the TTL its SOA allows, counting down") {
  auto world = load_bundled("dns/nxdomain-negative-cache");
  run_to(*world, 1500);
  const Json stub = entry(inspect_services(*world).at("dns_stubs").at("alice").at("cache"), "nosuch.hamburger.edu.",
                          "NXDOMAIN");
  REQUIRE(stub.is_object());
  CHECK(stub.at("negative") == true);
  CHECK(stub.at("data").empty());
  CHECK(stub.at("ttl_left").get<std::int64_t>() > 290);
  CHECK(stub.at("ttl_left").get<std::int64_t>() <= 300);  // the SOA's MINIMUM

  run_to(*world, 3000);
  const Json resolver = entry(inspect_app(*world, "campus-dns", "dns-resolver").at("cache"), "nosuch.hamburger.edu.",
                              "NXDOMAIN");
  REQUIRE(resolver.is_object());
  CHECK(resolver.at("negative") == true);
  CHECK(resolver.at("from") == "128.119.40.10");
  const std::int64_t ttl = resolver.at("ttl_left").get<std::int64_t>();
  CHECK(ttl > 290);

  run_to(*world, 200'000);
  const Json later = entry(inspect_app(*world, "campus-dns", "dns-resolver").at("cache"), "nosuch.hamburger.edu.",
                           "NXDOMAIN");
  REQUIRE(later.is_object());
  CHECK(later.at("ttl_left").get<std::int64_t>() <= ttl - 196);
  CHECK(later.at("ttl_left").get<std::int64_t>() >= ttl - 197);
}
