#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh Debian 12 machine (as root): installs
# and starts everything the tests need from the package registries (RabbitMQ, Elasticsearch,
# Nameko, the Docker engine, Docker Compose v2, Chromium), builds the stack's images with no image registry,
# then runs typecheck, lint, unit, integration, fault and end-to-end tests. Safe to run twice.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup-host.sh

# The window and preload layer in Electron 22 (the newest Electron binary this machine can
# get), after `npm run build`: a stub controller behind the real window setup, under Xvfb.
electron22_smoke() {
  log "Electron 22 smoke test (window, preload, CSP, IPC frame check)"
  install_commands xvfb-run:xvfb
  ELECTRON22_BINARY="$(bash scripts/fetch-electron22.sh)" npm run test:electron22
}

install_commands curl:curl unzip:unzip java:openjdk-17-jre-headless mvn:maven chromium:chromium
# Debian's own python3 needs python3-venv for the Nameko peer's virtualenv.
python3 -c 'import ensurepip' 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; }
install_node_modules
start_docker
install_compose_v2

log "infrastructure (RabbitMQ, Elasticsearch, Nameko)"
bash scripts/infra.sh up

log "offline stack images"
npm run stack:images

log "typecheck, lint, unit and integration tests"
npm test

log "fault suite (a stack of its own, broken on purpose; prints one table)"
npm run test:faults

log "end-to-end tests (web shell in Chromium, real stack)"
npm run build
npm run test:e2e
electron22_smoke
