// Packet-level throughput: one TCP bulk transfer of 200 MB over a 100 Mbps, 5 ms point-to-point
// link (NewReno, 1460-byte MSS, delayed ACKs), without captures or traces.
// Prints: pattern=tcp-bulk packets=<n> seconds=<s> packets_per_second=<r>
// where packets counts every segment and ACK put on the link, both directions.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/runner.hpp"

using namespace wiresim;

int main(int argc, char** argv) {
  const std::string bytes = argc > 1 ? argv[1] : "200MB";
  const std::string scenario = R"(
[[host]]
name = "sender"
[[host]]
name = "receiver"
[[link]]
between = ["sender", "receiver"]
rate = "100Mbps"
delay = "5ms"
[[app]]
type = "bulk-sink"
host = "receiver"
port = 5001
[[app]]
type = "bulk-send"
host = "sender"
to = "receiver:5001"
bytes = ")" + bytes + R"("
[[expect]]
type = "delivered"
host = "receiver"
port = 5001
bytes = ")" + bytes + "\"\n";

  auto world = load_scenario_text(scenario, "tcp_bench");
  if (!world) {
    std::fprintf(stderr, "%s\n", world.error().c_str());
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  auto result = run_world(**world, {});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!result || !result->all_passed()) {
    std::fprintf(stderr, "the transfer did not complete\n");
    return 1;
  }
  const Link& link = (*world)->net.link(0);
  const std::uint64_t packets = link.stats(0).packets + link.stats(1).packets;
  std::printf("pattern=tcp-bulk packets=%llu seconds=%.3f packets_per_second=%.0f\n",
              static_cast<unsigned long long>(packets), seconds, static_cast<double>(packets) / seconds);
  const auto& c = *(*world)->stack(0).tcp.connections().front();
  std::printf("simulated_completion_s=%.6f bytes=%llu retransmissions=%llu events=%llu\n",
              (c.stats().closed - c.stats().opened).seconds(), static_cast<unsigned long long>(c.stats().bytes_sent),
              static_cast<unsigned long long>(c.stats().retransmissions),
              static_cast<unsigned long long>(result->events));
  return 0;
}
