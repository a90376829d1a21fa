#!/bin/sh
# Run the ns-3 baselines REPS times (default 5), interleaving configurations,
# append raw lines to $BIN/results.txt and print medians.
# Usage: ./run.sh [bindir] [reps]     (bindir default /tmp/ns3-bench)
set -eu
BIN=${1:-/tmp/ns3-bench}
REPS=${2:-5}
OUT=$BIN/results.txt
: > "$OUT"
i=1
while [ $i -le "$REPS" ]; do
    for s in map heap calendar priority; do
        "$BIN/kernel_bench" $s | tee -a "$OUT"
    done
    # ListScheduler inserts by linear scan from the head: with 100k pending
    # events one hold event costs ~1 ms, so its hold run is cut to 100,000 events.
    "$BIN/kernel_bench" list 10000000 100000 | tee -a "$OUT"
    "$BIN/tcp_bulk" 0 | sed 's/^pattern=tcp-bulk /pattern=tcp-bulk buf=default /' | tee -a "$OUT"
    "$BIN/tcp_bulk" 4194304 | sed 's/^pattern=tcp-bulk /pattern=tcp-bulk buf=4MiB /' | tee -a "$OUT"
    i=$((i + 1))
done
echo "--- medians ($REPS runs) ---"
python3 - "$OUT" <<'EOF'
import sys, statistics, collections
d = collections.defaultdict(list)
for line in open(sys.argv[1]):
    kv = dict(t.split('=', 1) for t in line.split() if '=' in t)
    if 'events_per_second' in kv:
        d[(kv['pattern'], kv['scheduler'], kv['events'])].append(float(kv['events_per_second']))
    elif 'packets_per_second' in kv:
        d[(kv['pattern'], kv['buf'], kv['packets'])].append(float(kv['packets_per_second']))
for k, v in sorted(d.items()):
    print(' '.join(k), 'median=%.0f' % statistics.median(v), 'runs=%d' % len(v),
          'min=%.0f max=%.0f' % (min(v), max(v)))
EOF
