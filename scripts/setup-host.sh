# Sourced by start.sh and test.sh: installs only what is missing, so a second run costs seconds.
log() { printf '== %s\n' "$*"; }

# install_commands cmd:package ... — apt-get install the packages whose command is missing.
install_commands() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_node_modules() {
  log "node dependencies"
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    # Electron's binary is not an npm package: its install script fetches it from GitHub,
    # which a machine without internet access (only package registries) cannot reach. Install
    # without it; ensure_electron_binary tries after.
    ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
  fi
}

# Fetches Electron's binary where the network allows; elsewhere the panel runs as the web shell.
ensure_electron_binary() {
  [ "${ELECTRON_SKIP_BINARY_DOWNLOAD:-0}" = 1 ] && return 0
  # Not require('electron'): in Electron 45 that itself downloads a missing binary.
  [ -f node_modules/electron/path.txt ] && [ -e "node_modules/electron/dist/$(cat node_modules/electron/path.txt)" ] && return 0
  log "downloading Electron's binary"
  timeout 180 node node_modules/electron/install.js >/dev/null 2>&1 ||
    log "Electron's binary cannot be downloaded here; the panel will run as the web shell"
}

start_docker() {
  install_commands dockerd:docker.io docker-compose:docker-compose debootstrap:debootstrap curl:curl
  docker info >/dev/null 2>&1 && return 0
  log "starting the Docker engine"
  # No systemd here: start Debian's dockerd by hand and wait for its API.
  dockerd >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && return 0; sleep 1; done
  tail -30 /var/log/dockerd.log
  echo "dockerd did not start" >&2
  return 1
}

# Docker Compose v2 as the docker CLI plugin: the interop tests run it against the panel's
# stacks. Debian 12 ships only v1.29, so build v2 from its Go module (a few minutes, once:
# the binary is cached under /root/.cache, which survives fresh clones on this machine).
COMPOSE_V2_VERSION=v2.32.4
install_compose_v2() {
  local cache="${SCRAPEDECK_CACHE:-/root/.cache/scrapedeck}/compose-v2/$COMPOSE_V2_VERSION"
  local plugin="$HOME/.docker/cli-plugins/docker-compose"
  if [ ! -x "$cache/cmd" ]; then
    install_commands go:golang
    log "building Docker Compose $COMPOSE_V2_VERSION from its Go module (once; cached in $cache)"
    mkdir -p "$cache"
    # The version ldflag is what `docker compose version` prints and what v2 writes into
    # com.docker.compose.version; without it the binary calls itself "dev".
    GOBIN="$cache" GOFLAGS=-buildvcs=false go install -trimpath \
      -ldflags "-w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_V2_VERSION" \
      "github.com/docker/compose/v2/cmd@$COMPOSE_V2_VERSION"
  fi
  if ! cmp -s "$cache/cmd" "$plugin"; then
    mkdir -p "$(dirname "$plugin")"
    cp "$cache/cmd" "$plugin"
    chmod +x "$plugin"
  fi
  docker compose version >/dev/null
}
