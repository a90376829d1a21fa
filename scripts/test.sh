#!/usr/bin/env bash
# Sets everything up, builds, and runs the whole test suite: unit tests, golden transcripts and
# end-to-end runs of the bundled scenarios checked with tshark.
# Usage: scripts/test.sh [--sanitize]   (--sanitize: a second build under ASan + UBSan)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--sanitize" ]; then
  export WIRESIM_BUILD=${WIRESIM_BUILD:-build-sanitize}
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
build=${WIRESIM_BUILD:-build}
scripts/setup.sh "$@"
ctest --test-dir "$build" --output-on-failure
