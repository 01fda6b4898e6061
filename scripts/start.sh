#!/usr/bin/env bash
# Sets up and runs the panel on the default local stack, from a fresh clone (as root on
# Debian 12): Node 24 and the Node dependencies, the Docker engine, the images the default
# stack runs (built from Debian packages when no image registry answers), `deck up`, then the
# panel itself — the Electron app where its binary is installed, else the web shell (it
# prints the URL to open). It says first what it will install, and each step how long it took.
# Usage: start.sh [--setup-only]   (--setup-only: install what is missing, start nothing)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup-host.sh

# What this run will do, and roughly how long each part takes on a 2-core machine.
print_start_plan() {
  local plan=()
  local major=0
  command -v node >/dev/null 2>&1 && major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  [ "$major" -ge 24 ] || plan+=("Node $NODE_VERSION and npm $NPM_VERSION from the npm registry, into $SCRAPEDECK_CACHE (~10 s)")
  { [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; } &&
    plan+=("the Node dependencies with npm ci (~15 s; ~1 min with an empty npm cache)")
  if ! command -v docker >/dev/null 2>&1; then
    plan+=("Debian's docker.io and debootstrap, and start the engine unless one answers (~30 s)")
  elif ! docker info >/dev/null 2>&1; then
    plan+=("start the Docker engine (~5 s)")
  fi
  if [ "${1:-}" != --setup-only ]; then
    plan+=("the stack's images from Debian packages, where their inputs changed (~2 s when current, ~2 min from nothing)")
    plan+=("start the stack: deck up (~25 s)" "start the panel")
  fi
  log "this run will:"
  printf '     - %s\n' "${plan[@]}"
}

setup_start() {
  install_basics
  timed "Node $NODE_VERSION" ensure_node
  timed "node dependencies (npm ci)" install_node_modules
  timed "Electron's binary (where it can be downloaded)" ensure_electron_binary
  timed "Docker engine" start_docker
}

# Only the images the default stack runs; the test-only ones (registry, dind) are test.sh's.
stack_images() {
  if [ -f .env.images ] || ! timeout 30 docker pull -q rabbitmq:3-management >/dev/null 2>&1; then
    log "no image registry answers: building the stack's images from Debian packages"
    npm run -s stack:images -- stack
  fi
}

main() {
  local started=$SECONDS
  stage_times="$(mktemp)"
  print_start_plan "${1:-}"
  setup_start
  if [ "${1:-}" = --setup-only ]; then
    print_stage_table
    return 0
  fi
  timed "stack images" stack_images
  timed "start the stack (deck up)" npm run -s deck -- up
  print_stage_table
  log "ready in $((SECONDS - started)) s; starting the panel"
  rm -f "$stage_times"
  exec npm start
}

main "$@"
