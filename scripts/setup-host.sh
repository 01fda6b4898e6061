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
    # which our machines cannot reach. Install without it; ensure_electron_binary tries after.
    ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
  fi
}

# Fetches Electron's binary where the network allows; elsewhere the panel runs as the web shell.
ensure_electron_binary() {
  [ "${ELECTRON_SKIP_BINARY_DOWNLOAD:-0}" = 1 ] && return 0
  node -e "require('electron')" >/dev/null 2>&1 && return 0
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
