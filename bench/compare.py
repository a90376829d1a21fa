"""Runs wiresim's benchmarks and ns-3's equivalents (bench/ns3/) alternately and prints medians.
Usage: python3 bench/compare.py BUILD_DIR NS3_BIN_DIR [RUNS]
  BUILD_DIR:   wiresim's build directory (holds bench/kernel_bench and bench/tcp_bench)
  NS3_BIN_DIR: where bench/ns3/build.sh put kernel_bench and tcp_bulk (default /tmp/ns3-bench)"""
import re
import statistics
import subprocess
import sys

build, ns3 = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5


def rates(command, key):
    """Runs a benchmark once; returns {pattern: rate} from its `pattern=... key=...` lines."""
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return {m.group(1): float(m.group(2)) for m in re.finditer(rf"pattern=(\S+).*? {key}=([0-9.]+)", out)}


programs = {
    "wiresim kernel": ([f"{build}/bench/kernel_bench"], "events_per_second"),
    "ns-3 kernel (PriorityQueueScheduler)": ([f"{ns3}/kernel_bench", "priority"], "events_per_second"),
    "ns-3 kernel (MapScheduler, the default)": ([f"{ns3}/kernel_bench", "map"], "events_per_second"),
    "wiresim tcp": ([f"{build}/bench/tcp_bench"], "packets_per_second"),
    "ns-3 tcp": ([f"{ns3}/tcp_bulk"], "packets_per_second"),
}
samples = {}
for _ in range(runs):  # alternate, so drift in the machine's speed hits every program alike
    for name, (command, key) in programs.items():
        for pattern, value in rates(command, key).items():
            samples.setdefault((name, pattern), []).append(value)

medians = {k: statistics.median(v) for k, v in samples.items()}
print(f"medians of {runs} alternating runs")
print(f"{'program':42} {'pattern':9} {'median':>14} {'min':>14} {'max':>14}")
for (name, pattern), values in samples.items():
    print(f"{name:42} {pattern:9} {medians[(name, pattern)]:14,.0f} {min(values):14,.0f} {max(values):14,.0f}")
for pattern, ours, theirs in (("chain", "wiresim kernel", "ns-3 kernel (PriorityQueueScheduler)"),
                              ("hold", "wiresim kernel", "ns-3 kernel (PriorityQueueScheduler)"),
                              ("tcp-bulk", "wiresim tcp", "ns-3 tcp")):
    print(f"ratio {pattern:9} wiresim / ns-3 fastest = {medians[(ours, pattern)] / medians[(theirs, pattern)]:.2f}x")
