// Kernel throughput on two classic patterns (see docs/performance.md):
//   chain: 10 million events, each scheduling the next 1 ns later (one pending at a time);
//   hold:  100,000 pending events, each rescheduling itself after an exponential delay with a
//          mean of 1 ms, until 10 million have run.
// Prints: pattern=<name> events=<n> seconds=<s> events_per_second=<r>
#include <chrono>
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <string>

#include "sim/core/simulator.hpp"

using namespace wiresim;

namespace {

template <class F>
double timed(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void report(const char* pattern, std::uint64_t events, double seconds) {
  std::printf("pattern=%s events=%llu seconds=%.3f events_per_second=%.0f\n", pattern,
              static_cast<unsigned long long>(events), seconds, static_cast<double>(events) / seconds);
}

void chain(std::uint64_t total) {
  Simulator sim(1);
  std::uint64_t remaining = total;
  struct Step {
    Simulator* sim;
    std::uint64_t* remaining;
    void operator()() const {
      if (--*remaining > 0) sim->schedule_in(nanoseconds(1), *this);
    }
  };
  sim.schedule_in(nanoseconds(1), Step{&sim, &remaining});
  const double s = timed([&] { sim.run(); });
  report("chain", sim.events_run(), s);
}

void hold(std::uint64_t pending, std::uint64_t total) {
  Simulator sim(1);
  Random& random = sim.random("hold");
  struct Context {
    Simulator* sim;
    Random* random;
    std::uint64_t run;
    std::uint64_t total;
  } context{&sim, &random, 0, total};
  struct Hold {  // one pointer: fits std::function's inline storage, as a typical handler does
    Context* c;
    void operator()() const {
      if (++c->run >= c->total) return c->sim->stop();
      c->sim->schedule_in(nanoseconds(static_cast<std::int64_t>(c->random->exponential(1e6))), *this);
    }
  };
  for (std::uint64_t i = 0; i < pending; ++i)
    sim.schedule_in(nanoseconds(static_cast<std::int64_t>(random.exponential(1e6))), Hold{&context});
  const double s = timed([&] { sim.run(); });
  report("hold", context.run, s);
}

}  // namespace

int main(int argc, char** argv) {
  // Optional: a pattern name to run only that one, and a divisor to shrink the workloads.
  const std::string only = argc > 1 ? argv[1] : "";
  const std::uint64_t scale = argc > 2 ? std::max<std::uint64_t>(1, std::strtoull(argv[2], nullptr, 10)) : 1;
  if (only.empty() || only == "chain") chain(10'000'000 / scale);
  if (only.empty() || only == "hold") hold(100'000 / scale, 10'000'000 / scale);
}
