#!/usr/bin/env bash
# Regenerates docs/gallery/*.png: the desktop view on the bundled scenarios, as docs/gallery.md
# shows them. Runs headless under Xvfb (Mesa's software renderer); about a minute.
# Usage: scripts/gallery.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
# Without a display, run again inside a virtual one.
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1920x1080x24" bash "$0" "$@"
fi
wiresim=${1:-build}/wiresim
out=docs/gallery
mkdir -p "$out"

shot() {  # name scenario [gui options...]
  local name=$1 scenario=$2
  shift 2
  echo "gallery: $name"
  "$wiresim" gui "scenarios/$scenario" --size 1440x810 --screenshot "$out/$name.png" "$@"
}

run_all() {
  # The instructor's walk through the e-mail scenario: play, pause on a packet, inspect it,
  # read the dialogue, go back in time, replay.
  shot 01-playing email/alice-to-bob.toml --at 1.9155s --tab help
  shot 02-packet-inspector email/alice-to-bob.toml --at 1.0165s --select "MAIL FROM"
  shot 03-dialogue email/alice-to-bob.toml --at 3s --select "MAIL FROM" --tab dialogue
  shot 04-state-after-delivery email/alice-to-bob.toml --at 6s --tab state --host mail
  shot 05-seek-back email/alice-to-bob.toml --visit 6s --at 1.02s --tab state --host mail
  shot 06-replay email/alice-to-bob.toml --visit 6s,0s --at 5.03s --select "RETR" --tab dialogue
  shot 07-lecture-hall email/alice-to-bob.toml --at 1.9155s --light --scale 1.5 --select "RCPT TO"
  # The other protocols.
  shot 08-tcp-cwnd basics/tcp-bulk-lossy.toml --at 2.5s --tab tcp
  shot 09-dns-iterative dns/iterative-vs-recursive.toml --at 1.2s --exchange DNS --tab dialogue
  shot 10-dns-cache dns/cache-cold-warm.toml --at 40s --tab state
  shot 11-dns-poisoning dns/cache-poisoning.toml --at 2s --tab state
  shot 12-ftp-session ftp/active-vs-passive.toml --at 1.25s --tab state
  shot 13-ftp-dialogue ftp/session.toml --at 4s --select "PASV" --tab dialogue
  shot 14-bittorrent-pieces p2p/small-swarm.toml --at 12s --tab state --host peer
  shot 15-distribution-plot p2p/sweep-n-live.toml
}

run_all
