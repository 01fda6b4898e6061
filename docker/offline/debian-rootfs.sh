#!/usr/bin/env bash
# Builds a minimal Debian bookworm root filesystem with debootstrap and imports it as an
# image: the base every offline image starts from, since no registry can give us one.
# Usage: debian-rootfs.sh IMAGE_TAG LABEL_KEY=VALUE...
#   ROOTFS_TAR=FILE: import FILE if it exists, else build the root filesystem, keep it there
#   and import it (the caller names FILE by a hash of this script, so a change rebuilds it).
#   DEBOOTSTRAP_CACHE=DIR: where debootstrap keeps the packages it downloads, for next time.
set -euo pipefail

image="$1"; shift
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
changes=()
for label in "$@"; do changes+=(--change "LABEL $label"); done
import() { docker import "${changes[@]}" --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' - "$image" >/dev/null; }
if [ -n "${ROOTFS_TAR:-}" ] && [ -s "$ROOTFS_TAR" ]; then
  import <"$ROOTFS_TAR"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

cache_dir=()
[ -z "${DEBOOTSTRAP_CACHE:-}" ] || { mkdir -p "$DEBOOTSTRAP_CACHE" && cache_dir=(--cache-dir="$DEBOOTSTRAP_CACHE"); }
debootstrap --variant=minbase "${cache_dir[@]}" bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }

# Same sources as a stock bookworm image, so security updates reach the derived images.
rm -f "$rootfs/etc/apt/sources.list"
cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES

# What the official slim images do to stay small: no docs, man pages or translations
# from later installs, and apt drops downloaded packages after installing them.
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
DPKG
cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb || true"; };
APT::Keep-Downloaded-Packages "false";
Acquire::Languages "none";
APT
cat >"$rootfs/etc/apt/apt.conf.d/docker-no-recommends" <<'APT'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
APT
# Directories some postinst scripts (openjdk's update-alternatives) expect even when
# man pages are excluded.
mkdir -p "$rootfs/usr/share/man/man1"

rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/man[2-9] "$rootfs"/usr/share/locale/* \
  "$rootfs"/var/log/* "$rootfs"/tmp/*

if [ -n "${ROOTFS_TAR:-}" ]; then
  mkdir -p "$(dirname "$ROOTFS_TAR")"
  tar -C "$rootfs" --numeric-owner -c . >"$ROOTFS_TAR.part" && mv "$ROOTFS_TAR.part" "$ROOTFS_TAR"
  import <"$ROOTFS_TAR"
else
  tar -C "$rootfs" --numeric-owner -c . | import
fi
