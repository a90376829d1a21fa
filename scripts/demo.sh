#!/usr/bin/env bash
# Sets everything up, builds, runs the default lecture scenario with its transcript, then opens
# it in the desktop view (on a machine without a display: a screenshot of the view instead).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build/wiresim run scenarios/email/alice-to-bob.toml --transcript --pcap out/ --report out/report.json
if [ -n "${DISPLAY:-}" ]; then
  exec build/wiresim gui scenarios/email/alice-to-bob.toml
fi
xvfb-run -a -s "-screen 0 1600x900x24" build/wiresim gui scenarios/email/alice-to-bob.toml \
  --at 1.0165s --select "MAIL FROM" --screenshot out/alice-to-bob.png
echo "demo: no display here; the desktop view of this run, paused on MAIL FROM: out/alice-to-bob.png"
echo "      (on a desktop: build/wiresim gui scenarios/email/alice-to-bob.toml)"
