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

// The rejection sampling as first written, with the division every time: the shortcut that
// keeps most draws without it must accept and reject exactly the same ones.
static std::uint64_t reference_uniform_int(Random& r, std::uint64_t lo, std::uint64_t hi) {
  const std::uint64_t span = hi - lo + 1;
  if (span == 0) return r.next_u64();
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % span;
  std::uint64_t x;
  do x = r.next_u64(); while (x >= limit);
  return lo + x % span;
}

TEST_CASE("uniform_int draws what plain rejection sampling draws, and skip_uniform_int moves the stream as it does") {
  // Small spans, and spans just above 2^63, where nearly half the draws are rejected.
  const std::uint64_t his[] = {0, 1, 2, 6, 447, 1'000'000, (1ull << 63), (1ull << 63) + 12345, UINT64_MAX - 1, UINT64_MAX};
  Random a(5, "uniform"), b(5, "uniform"), c(5, "uniform");
  for (int round = 0; round < 2'000; ++round) {
    for (std::uint64_t hi : his) {
      REQUIRE(a.uniform_int(0, hi) == reference_uniform_int(b, 0, hi));
      c.skip_uniform_int(0, hi);
    }
    REQUIRE(a.uniform_int(10, 20) == reference_uniform_int(b, 10, 20));
    c.skip_uniform_int(10, 20);
  }
  CHECK(a.next_u64() == c.next_u64());
}
