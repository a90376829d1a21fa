#include "sim/core/random.hpp"

#include <cmath>

namespace wiresim {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Random::Random(std::uint64_t seed, std::string_view stream) {
  // FNV-1a of the stream name, mixed with the seed, feeds splitmix64 to fill xoshiro256**.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : stream) h = (h ^ c) * 0x100000001b3ULL;
  std::uint64_t x = seed ^ h;
  for (auto& word : s_) word = splitmix64(x);
}

std::uint64_t Random::next_u64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Random::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

// Rejection sampling keeps every value equally likely: a draw at or above the largest multiple
// of `span` is drawn again. That multiple exceeds UINT64_MAX - span, so a draw up to there is
// kept without working it out: one 64-bit division less, nearly always, and the same draws.
std::uint64_t Random::draw_for(std::uint64_t span) {
  for (;;) {
    const std::uint64_t r = next_u64();
    if (r <= UINT64_MAX - span || r < UINT64_MAX - UINT64_MAX % span) return r;
  }
}

std::uint64_t Random::uniform_int(std::uint64_t lo, std::uint64_t hi) {
  const std::uint64_t span = hi - lo + 1;
  if (span == 0) return next_u64();  // the full 64-bit range
  return lo + draw_for(span) % span;
}

void Random::skip_uniform_int(std::uint64_t lo, std::uint64_t hi) {
  const std::uint64_t span = hi - lo + 1;
  if (span == 0)
    next_u64();
  else
    draw_for(span);
}

bool Random::bernoulli(double p) { return p > 0 && uniform() < p; }

double Random::exponential(double mean) { return -mean * std::log1p(-uniform()); }

}  // namespace wiresim
