// The floor under the flow-level swarm's commonest message (see docs/performance.md, "Left"):
// what a Have's arrival costs when every peer's state sits in dense arrays, with nothing else
// of a simulation around it. N peers of 60 neighbour slots and 448 pieces; each of the N x 448
// pieces finished sends a Have to 20 random neighbours (a swarm's average without redundant
// Haves), and each arrival does what PeerEngine::on_have does: test and set the neighbour's
// bit, count the piece's availability, and become interested if we lack the piece.
// Usage: have_floor [N...]   (default: 1000 10000)
// Prints: have_floor N=<n> haves=<h> wall_s=<s> ns_per_have=<ns>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "sim/core/random.hpp"

namespace {

constexpr std::uint32_t Slots = 60, Pieces = 448, Fanout = 20, Words = (Pieces + 63) / 64;

struct Have {
  std::uint32_t peer, slot, piece;
};

void run(std::uint32_t n) {
  std::vector<std::uint64_t> neighbour_bits(std::size_t{n} * Slots * Words);
  std::vector<std::uint16_t> availability(std::size_t{n} * Pieces);
  std::vector<std::uint64_t> have(std::size_t{n} * Words);
  std::vector<std::uint8_t> interested(std::size_t{n} * Slots);
  wiresim::Random random(1, "have_floor");
  std::vector<Have> batch(Fanout);
  std::uint64_t delivered = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t finished = 0; finished < std::uint64_t{n} * Pieces; ++finished) {
    const auto piece = static_cast<std::uint32_t>(random.uniform_int(0, Pieces - 1));
    for (Have& h : batch)
      h = {static_cast<std::uint32_t>(random.uniform_int(0, n - 1)),
           static_cast<std::uint32_t>(random.uniform_int(0, Slots - 1)), piece};
    for (const Have& h : batch) {
      ++delivered;
      const std::uint64_t bit = std::uint64_t{1} << (h.piece % 64);
      std::uint64_t& word = neighbour_bits[(std::size_t{h.peer} * Slots + h.slot) * Words + h.piece / 64];
      if (word & bit) continue;  // said twice
      word |= bit;
      ++availability[std::size_t{h.peer} * Pieces + h.piece];
      if (!(have[std::size_t{h.peer} * Words + h.piece / 64] & bit)) interested[std::size_t{h.peer} * Slots + h.slot] = 1;
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("have_floor N=%u haves=%llu wall_s=%.2f ns_per_have=%.1f\n", n, static_cast<unsigned long long>(delivered),
              wall, wall * 1e9 / static_cast<double>(delivered));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::uint32_t> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(static_cast<std::uint32_t>(std::strtoul(argv[i], nullptr, 10)));
  if (sizes.empty()) sizes = {1000, 10000};
  for (std::uint32_t n : sizes)
    if (n > 0) run(n);
  return 0;
}
