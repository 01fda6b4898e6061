#!/usr/bin/env bash
# Sets up and runs the panel on the default local stack, from a fresh clone (as root on
# Debian 12): Node dependencies, the Docker engine, the stack's images (built from Debian
# packages when no image registry answers), `deck up`, then the panel itself — the Electron
# app where its binary is installed, else the web shell (it prints the URL to open).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup-host.sh

install_node_modules
ensure_electron_binary
start_docker

if [ -f .env.images ] || ! timeout 30 docker pull -q rabbitmq:3-management >/dev/null 2>&1; then
  log "no image registry answers: building the stack's images from Debian packages"
  npm run stack:images
fi

log "starting the stack"
npm run -s deck -- up

log "starting the panel"
exec npm start
