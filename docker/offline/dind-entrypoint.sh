#!/bin/sh
# dind.Dockerfile's entrypoint: the loopback forwards of DIND_LOOPBACK_FORWARD
# ("port=host:port,…": 127.0.0.1:port inside forwards to host:port), then dockerd with the
# given arguments (e.g. --storage-driver=vfs: overlay on overlay does not mount).
set -eu
for route in $(echo "${DIND_LOOPBACK_FORWARD:-}" | tr ',' ' '); do
  socat "TCP-LISTEN:${route%%=*},bind=127.0.0.1,fork,reuseaddr" "TCP:${route#*=}" &
done
exec dockerd --host=unix:///var/run/docker.sock "$@"
