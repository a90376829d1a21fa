// Named, seeded, independent random streams. Distributions are written out here rather than
// taken from <random>, whose distributions differ between standard libraries: same seed, same
// numbers, on every machine.
#pragma once

#include <cstdint>
#include <string_view>

namespace wiresim {

class Random {
 public:
  // The stream's state derives from the run's seed and the stream's name only, so adding a
  // stream elsewhere never shifts the numbers this one produces.
  Random(std::uint64_t seed, std::string_view stream);

  std::uint64_t next_u64();
  double uniform();                                        // [0, 1)
  std::uint64_t uniform_int(std::uint64_t lo, std::uint64_t hi);  // [lo, hi]
  // Moves the stream on exactly as uniform_int(lo, hi) would, without working out the value.
  void skip_uniform_int(std::uint64_t lo, std::uint64_t hi);
  bool bernoulli(double p);
  double exponential(double mean);

 private:
  std::uint64_t draw_for(std::uint64_t span);  // uniform_int's accepted draw, before `% span`

  std::uint64_t s_[4];
};

}  // namespace wiresim
