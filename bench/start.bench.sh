#!/usr/bin/env bash
# Fresh clone → the panel's URL: clones this checkout's HEAD into a temporary directory, runs
# `bash scripts/start.sh` there on its own ports, project and image namespace, and prints the
# seconds until the web shell printed its URL (and start.sh's own stage table). Then it stops
# the panel and the stack (`deck down --volumes`) and removes the clone.
# Usage: bench/start.bench.sh [NAMESPACE]
#   NAMESPACE (default scrapedeckbench): the images' namespace. A new one means images built
#   from nothing (the debootstrap base included); run it twice for the second-run figure.
#   START_BENCH_PORT_BASE (default 28000) picks six ports in a row. DECK_UP_TIMEOUT_MS defaults
#   to 10 min here: on a loaded machine Elasticsearch takes minutes to turn healthy.
#   START_BENCH_RUNS (default 2): runs of start.sh in the same clone; the second is what a user
#   who runs it again waits (the stack is still up then, the panel was stopped).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ns="${1:-scrapedeckbench}"
base="${START_BENCH_PORT_BASE:-28000}"
clone="$(mktemp -d /tmp/scrapedeck-start-bench.XXXXXX)"
log="$clone.log"
project="startbench$$"

git clone -q "$ROOT" "$clone"
export STACK_IMAGES_NAMESPACE="$ns" COMPOSE_PROJECT_NAME="$project" DECK_PROJECT="$project" \
  RABBITMQ_PORT=$((base + 1)) RABBITMQ_MANAGEMENT_PORT=$((base + 2)) ELASTICSEARCH_PORT=$((base + 3)) \
  API_PORT=$((base + 4)) JOBBOARD_PORT=$((base + 5)) DECK_WEB_PORT=$((base + 6)) \
  DECK_UP_TIMEOUT_MS="${DECK_UP_TIMEOUT_MS:-600000}"

cleanup() {
  [ -z "${pid:-}" ] || kill -- -"$pid" 2>/dev/null || true
  (cd "$clone" && PATH="$(ls -d "${SCRAPEDECK_CACHE:-$HOME/.cache/scrapedeck}"/node-prefix/*/bin 2>/dev/null | head -1):$PATH" \
    npm run -s deck -- down --volumes >/dev/null 2>&1) || true
  rm -rf "$clone"
}
trap cleanup EXIT

for run in $(seq "${START_BENCH_RUNS:-2}"); do
  t0=$(date +%s.%N)
  setsid bash "$clone/scripts/start.sh" >"$log" 2>&1 &
  pid=$!
  while ! grep -q 'scrapedeck web shell: http' "$log"; do
    kill -0 "$pid" 2>/dev/null || { tail -40 "$log"; echo "start.sh ended before printing the URL" >&2; exit 1; }
    sleep 0.5
  done
  t1=$(date +%s.%N)
  grep -E '^\| |^== (this run|ready)|^     - ' "$log" || true
  printf 'run %d (%s) → panel URL: %.1f s (namespace %s, load %s)\n' "$run" "$([ "$run" = 1 ] && echo 'fresh clone' || echo 'same clone again')" "$(echo "$t1 - $t0" | bc)" "$ns" "$(cut -d' ' -f1-3 /proc/loadavg)"
  kill -- -"$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=
done
rm -f "$log"
