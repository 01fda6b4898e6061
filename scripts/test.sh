#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh Debian 12 machine (as root): installs
# and starts everything the tests need from the package registries (Node 24, RabbitMQ,
# Elasticsearch, Nameko, the Docker engine, Docker Compose v2, Chromium), builds the stack's
# images with no image registry, then runs typecheck, lint, unit, integration, fault,
# end-to-end and Electron 22 smoke tests, and checks the setup itself on a bare Debian 12.
# Safe to run twice.
# Prints a table of every stage's time at the end, passed or not.
#
# Stages that do not disturb each other run side by side, in lanes (each line of a lane's
# output starts with its name):
#   tests     the integration files that assert a duration, one at a time (beside the
#             checks' first stages, as before), then every other integration file, two at a time
#   checks    typecheck, format, lint, unit, build, the Electron 22 smoke test, then the swarm's
#             tests and end-to-end spec on an engine of their own (scripts/swarm-engine.sh)
#   bare      scripts/bare-debian-check.sh: the setup of both commands on a bare Debian 12, then
#             the two-node swarm test (engines of its own, in dind containers), then the
#             integration files that mostly wait on the engine and Compose (vitest.config.ts)
# then the fault suite beside the end-to-end specs, with nothing else: they measure a stack
# under faults and a UI against deadlines, and beside the integration lane they failed for want
# of CPU, not for a bug (a broker restart's lookups went from 150 of 150 answered alone to 102
# beside the integration tests); the e2e specs mostly wait on their stacks and boards.
# The swarm never runs on the host's engine: a bridge network made while an engine is in a
# swarm loses its containers when the swarm is left, so the swarm's tests get a dind engine
# and share the machine, not the engine, with the other lanes.
# DECK_CI_SERIAL=1 runs the same stages one after another.
# Usage: test.sh [--setup-only]   (--setup-only: install what is missing, run nothing)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup-host.sh

SWARM_SPEC=e2e/swarm.spec.ts

setup_test() {
  install_basics
  timed "system packages" install_commands curl:curl unzip:unzip java:openjdk-17-jre-headless mvn:maven chromium:chromium \
    docker-compose:docker-compose xvfb-run:xvfb prometheus:prometheus
  # Debian's own python3 needs python3-venv for the Nameko peer's virtualenv.
  if ! python3 -c 'import ensurepip' 2>/dev/null; then timed "python3-venv" install_commands_always python3-venv; fi
  timed "Node $NODE_VERSION" ensure_node
  timed "node dependencies (npm ci)" install_node_modules
  timed "Docker engine" start_docker
  timed "Docker Compose $COMPOSE_V2_VERSION" install_compose_v2
}

install_commands_always() {
  apt_update_once
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

stage_infra() { bash scripts/infra.sh up; }
# Every image, the test-only ones (registry, dind) too; each is built once, by input hash.
stage_images() { npm run -s stack:images -- all; }
stage_typecheck() { npm run -s typecheck; }
stage_format() { npm run -s format:check; }
stage_lint() { npm run -s lint; }
stage_unit() { npx vitest run --project unit; }
# The files that assert a duration (vitest.config.ts lists them) alone, then the rest two at
# a time; both groups run whatever the first's result, so one failure hides nothing.
# DECK_CI_SERIAL=1 runs every file one at a time, as `npm run test:integration` does.
stage_integration() {
  if [ "${DECK_CI_SERIAL:-0}" = 1 ]; then
    vitest_timed integration --project integration
    return
  fi
  local rc=0
  DECK_INTEGRATION_FILES=timed vitest_timed integration-timed --project integration || rc=$?
  DECK_INTEGRATION_FILES=untimed vitest_timed integration-untimed --project integration || rc=$?
  return "$rc"
}
stage_integration_engine() {
  # Serial runs take these in stage_integration, with every other file.
  [ "${DECK_CI_SERIAL:-0}" = 1 ] && return 0
  DECK_INTEGRATION_FILES=engine vitest_timed integration-engine --project integration
}
stage_faults() { vitest_timed faults --project faults; }
stage_build() { npm run -s build; }
stage_e2e() {
  local specs=()
  mapfile -t specs < <(ls e2e/*.spec.ts | grep -vxF "$SWARM_SPEC")
  npx playwright test "${specs[@]}"
}
# The window and preload layer in Electron 22 (the newest Electron binary this machine can
# get), after `npm run build`: a stub controller behind the real window setup, under Xvfb.
stage_electron22() {
  local binary
  binary="$(bash scripts/fetch-electron22.sh)"
  ELECTRON22_BINARY="$binary" npm run -s test:electron22
}
# On a dind engine of their own, so they can run beside the other lanes (the header says why
# not on the host's). vitest_timed is exported for the shell the engine runs the stage in.
# DECK_SWARM_LOCK names a lock file to hold meanwhile, where runs share a machine and agree
# to take swarms one at a time.
stage_swarm() {
  local lock=()
  [ -z "${DECK_SWARM_LOCK:-}" ] || lock=(flock "$DECK_SWARM_LOCK")
  export -f vitest_timed
  "${lock[@]}" bash scripts/swarm-engine.sh bash -c 'vitest_timed swarm --project swarm && npx playwright test "$0"' "$SWARM_SPEC"
}
# Makes its own engines (dind containers on the host's engine); never touches the host's swarm.
stage_swarm_pair() { vitest_timed swarm-pair --project swarm-pair; }
stage_bare_debian() { bash scripts/bare-debian-check.sh; }

# vitest_timed NAME ARGS...: `vitest run ARGS` that also writes .cache/ci/vitest-NAME.json
# and prints its files by duration, slowest first (what to look at when CI grows). Not in
# test-results/: Playwright empties that directory when it starts.
vitest_timed() {
  local name="$1" report=".cache/ci/vitest-$1.json" rc=0
  shift
  mkdir -p .cache/ci
  npx vitest run "$@" --reporter=default --reporter=json --outputFile.json="$report" || rc=$?
  [ -s "$report" ] && node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
    const files = r.testResults.map((f) => [(f.endTime - f.startTime) / 1000, f.name.replace(process.cwd() + "/", "")]).sort((a, b) => b[0] - a[0])
    console.log(`${process.argv[2]}: files by duration (${files.length}, ${files.reduce((s, f) => s + f[0], 0).toFixed(0)} s in all)`)
    for (const [s, name] of files.slice(0, 15)) console.log(`  ${s.toFixed(1).padStart(7)} s  ${name}`)
  ' "$report" "$name" || true
  return "$rc"
}

# lane NAME STAGE...: runs the stages in order, each timed; the first that fails ends the
# lane (set -e), so call it as a statement of its own, not in a condition.
lane() {
  local name="$1" stage
  shift
  for stage in "$@"; do
    timed "$name: ${stage#stage_}" "$stage"
  done
}

# Runs each "NAME STAGE..." lane in the background, its output prefixed with its name;
# fails if any lane failed (after all have ended, so none is left running).
run_lanes() {
  local pids=() names=() spec failed=0 i
  for spec in "$@"; do
    read -r -a words <<<"$spec"
    ( lane "${words[@]}" 2>&1 | sed -u "s/^/[${words[0]}] /" ; exit "${PIPESTATUS[0]}" ) &
    pids+=($!) && names+=("${words[0]}")
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { log "lane ${names[$i]} failed"; failed=1; }
  done
  return "$failed"
}

finish() {
  print_stage_table
  printf '| %-48s | %4dm%02ds | %-6s |\n' "whole run" $(((SECONDS - STARTED) / 60)) $(((SECONDS - STARTED) % 60)) ""
  rm -f "$stage_times"
}

main() {
  STARTED=$SECONDS
  stage_times="$(mktemp)"
  trap finish EXIT
  setup_test
  [ "${1:-}" = --setup-only ] && return 0
  timed "infrastructure (RabbitMQ, Elasticsearch, Nameko)" stage_infra
  timed "stack images" stage_images
  local tests="tests stage_integration"
  local checks="checks stage_typecheck stage_format stage_lint stage_unit stage_build stage_electron22 stage_swarm"
  local bare="bare stage_bare_debian stage_swarm_pair stage_integration_engine"
  if [ "${DECK_CI_SERIAL:-0}" = 1 ]; then
    lane $checks
    lane $tests
    lane $bare
  else
    run_lanes "$tests" "$checks" "$bare"
  fi
  if [ "${DECK_CI_SERIAL:-0}" = 1 ]; then
    lane faults stage_faults
    lane e2e stage_e2e
  else
    run_lanes "faults stage_faults" "e2e stage_e2e"
  fi
}

main "$@"
