#include <doctest/doctest.h>

#include "sim/core/simulator.hpp"

using namespace wiresim;

TEST_CASE("a named stream gives the same numbers for the same seed") {
  Random a(42, "loss:bottleneck"), b(42, "loss:bottleneck");
  for (int i = 0; i < 100; ++i) CHECK(a.next_u64() == b.next_u64());
}

TEST_CASE("streams with different names or seeds differ") {
  Random a(42, "x"), b(42, "y"), c(43, "x");
  const auto va = a.next_u64();
  CHECK(va != b.next_u64());
  CHECK(va != c.next_u64());
}

TEST_CASE("using one stream does not shift another") {
  Simulator s1(9), s2(9);
  s1.random("other").next_u64();
  s1.random("other").next_u64();
  CHECK(s1.random("mine").next_u64() == s2.random("mine").next_u64());
}

TEST_CASE("distributions stay in range and have plausible means") {
  Random r(1, "stats");
  double sum = 0;
  int hits = 0;
  for (int i = 0; i < 100'000; ++i) {
    const double u = r.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += r.exponential(2.0);
    hits += r.bernoulli(0.25);
    const auto k = r.uniform_int(3, 5);
    REQUIRE(k >= 3);
    REQUIRE(k <= 5);
  }
  CHECK(sum / 100'000 == doctest::Approx(2.0).epsilon(0.03));
  CHECK(hits / 100'000.0 == doctest::Approx(0.25).epsilon(0.03));
  CHECK_FALSE(r.bernoulli(0.0));
}
