#!/usr/bin/env bash
# Runs the setup of the README's two commands (`start.sh --setup-only`, then
# `test.sh --setup-only`) on a bare Debian 12: a container of the debootstrap minbase image
# the offline images start from, with a copy of this checkout and nothing else installed but
# Debian's own Node 18 (the older Node a user may have). It is given the host's Docker engine
# socket, so the setup finds an engine that answers and does not start one.
# It then proves what the setup must bring:
#   - Node 24 first on the scripts' PATH, and Debian's Node 18 left as it was;
#   - the Node dependencies installed and working (tsc runs);
#   - Docker Compose v2 as the docker CLI plugin, built by a Go that Debian's Go 1.19
#     fetched from the Go module proxy;
#   - every command the tests call present (docker, debootstrap, java, mvn, chromium, ...).
# What the bare machine downloads (apt's packages, npm's cache, Node, Go, the Compose binary)
# stays in the volume scrapedeck-bare-debian-cache under names that carry their versions, so a
# second run installs from it in a minute or two; remove the volume to start from nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NS="${STACK_IMAGES_NAMESPACE:-scrapedeck}"
BASE_IMAGE="$NS/debian:bookworm"
CACHE_VOLUME="${BARE_DEBIAN_CACHE_VOLUME:-scrapedeck-bare-debian-cache}"
NAME="scrapedeck-bare-$(date +%s)-$$"

log() { printf '[bare-debian] %s\n' "$*" >&2; }

docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 || bash "$ROOT/docker/offline/build-images.sh" base
docker volume create "$CACHE_VOLUME" >/dev/null

# Certificates this machine's network needs beyond Debian's (an HTTPS proxy's own CA):
# the bare machine trusts them too once the setup installs ca-certificates, and Node reads
# the bundle when the host tells it to (NODE_EXTRA_CA_CERTS) as it does here.
host_ca=/usr/local/share/ca-certificates
[ -d "$host_ca" ] || host_ca="$(mktemp -d)"
network_env=()
[ -z "${NODE_EXTRA_CA_CERTS:-}" ] || network_env+=(-e "NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS")

# Runs inside the container, as root, in a copy of the checkout.
read -r -d '' INSIDE <<'INSIDE' || true
set -euo pipefail
say() { printf '[bare-debian] %s\n' "$*"; }
fail() { say "FAILED: $*"; exit 1; }
cp -r /host-ca/. /usr/local/share/ca-certificates/ 2>/dev/null || true
# apt keeps what it downloads in the cache volume (the base image drops it, to stay small).
rm -f /etc/apt/apt.conf.d/docker-clean
mkdir -p /cache/apt/partial /cache/npm /cache/scrapedeck
printf 'Dir::Cache::archives "/cache/apt/";\nAPT::Keep-Downloaded-Packages "true";\n' >/etc/apt/apt.conf.d/bare-check-cache
export SCRAPEDECK_CACHE=/cache/scrapedeck npm_config_cache=/cache/npm
say "before: $(for c in node npm go docker curl java chromium debootstrap; do command -v $c >/dev/null && printf '%s ' $c; done)(commands present)"
say "the user's older Node: Debian's nodejs"
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null
debian_node="$(/usr/bin/node --version)"
say "Debian's Node: $debian_node"
mkdir -p /checkout && tar -x -C /checkout && cd /checkout
bash scripts/start.sh --setup-only
bash scripts/test.sh --setup-only
# The proofs, in a shell of their own (the scripts' PATH is theirs).
source scripts/setup-host.sh
ensure_node >/dev/null
[ "$(node -p 'process.versions.node.split(".")[0]')" = 24 ] || fail "the scripts' Node is $(node --version), not 24"
[ "$(/usr/bin/node --version)" = "$debian_node" ] || fail "Debian's Node changed from $debian_node to $(/usr/bin/node --version)"
npx tsc --version >/dev/null || fail "tsc does not run from node_modules"
docker compose version | grep -q "$COMPOSE_V2_VERSION" || fail "docker compose is not $COMPOSE_V2_VERSION"
built_with="$(cat "$SCRAPEDECK_CACHE/compose-v2/$COMPOSE_V2_VERSION/built-with")"
docker info --format '{{.ServerVersion}}' >/dev/null || fail "the docker CLI does not reach the host's engine"
for c in curl unzip java mvn chromium docker-compose debootstrap python3; do command -v "$c" >/dev/null || fail "$c is missing after the setup"; done
python3 -c 'import ensurepip' || fail "python3-venv is missing after the setup"
say "after: Node $(node --version) for the scripts (Debian's $debian_node untouched), Compose $COMPOSE_V2_VERSION built with $built_with, engine $(docker info --format '{{.ServerVersion}}') through the socket"
say "passed"
INSIDE

log "bare Debian 12 ($BASE_IMAGE) with the host's engine socket; caches in volume $CACHE_VOLUME"
cd "$ROOT"
# The checkout as a fresh clone has it: tracked and new files, nothing ignored (no node_modules).
git ls-files -co --exclude-standard -z | tar --null -T - -c |
  docker run --rm -i --name "$NAME" \
    -v /var/run/docker.sock:/var/run/docker.sock \
    -v "$CACHE_VOLUME:/cache" \
    -v "$host_ca:/host-ca:ro" \
    "${network_env[@]}" \
    "$BASE_IMAGE" bash -c "$INSIDE"
