#!/usr/bin/env bash
# Sets everything up, builds, and runs the default lecture scenario with its transcript.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec build/wiresim run scenarios/email/alice-to-bob.toml --transcript --pcap out/ --report out/report.json
