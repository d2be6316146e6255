#!/usr/bin/env bash
# What the live view costs the simulation: small.yaml over 6 simulated hours, alternately with the
# live view (in a 120x40 tmux terminal) and with --no-tui, N times each (default 3). Prints the
# simulation's own wall time (summary.json sim.wall_s, measured in the worker) and the command's, and
# per pair the ratio of the simulation's wall times (live / plain): pairs run back to back see about
# the same load from anything else on the machine.
# Needs tmux. Usage: [DURATION=24h] bash scripts/live-view-overhead.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-3}
tmp=$(mktemp -d)
run() { # $1: label, $2: extra flag
  local out="$tmp/$1-$i" start end
  start=$(date +%s.%N)
  tmux new -d -s iw-overhead -x 120 -y 40 "node bin/inferwatt.js run scenarios/small.yaml --set duration=${DURATION:-6h} --out $out $2; tmux wait -S iw-overhead-done"
  tmux wait iw-overhead-done
  end=$(date +%s.%N)
  sim=$(node -p "require('$out/summary.json').sim.wall_s")
  printf '%-6s sim.wall_s %6.2f  command %6.2f s\n' "$1" "$sim" "$(echo "$end - $start" | bc)"
}
for i in $(seq 1 "$n"); do
  run live ""
  live=$sim
  run plain --no-tui
  printf 'pair %d: live / plain = %.3f\n' "$i" "$(echo "$live / $sim" | bc -l)"
done
rm -rf "$tmp"
