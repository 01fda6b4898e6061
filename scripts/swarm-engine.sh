#!/usr/bin/env bash
# Runs a command against a Docker engine of its own, one that may be made a swarm: dockerd in
# a container of the dind image (docker/offline/dind.Dockerfile), with the stack's images
# loaded into it, and the command in that container's network namespace with DOCKER_HOST at
# its socket. So the command's 127.0.0.1 is the engine's: what a stack publishes on loopback
# there, the command reaches as it would on the host.
# The host's engine is never put into swarm mode, so the swarm's tests can run beside other
# suites: a bridge network made on an engine while it is in a swarm loses its containers
# when the swarm is left, and there is one swarm per engine.
# The engine, its volume and its socket folder are removed when the command ends, whatever
# its result.
# Usage: swarm-engine.sh COMMAND [ARG...]    (as root: nsenter needs it)
# SWARM_ENGINE_NAME names the container (default deck-swarm-engine-<pid>).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

[ "$#" -gt 0 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }
[ -f .env.images ] || { echo ".env.images is missing: run npm run stack:images first" >&2; exit 1; }

image_of() { sed -n "s/^$1=//p" .env.images | tail -1; }
DIND_IMAGE="$(image_of DIND_IMAGE)"
# What the swarm suites deploy: compose.yaml's services, the stack registry, and the node
# image (the loopback relay and the suites' own small compose files run it).
STACK_IMAGES=()
for key in NODE_IMAGE RABBITMQ_IMAGE ELASTICSEARCH_IMAGE REGISTRY_IMAGE SCRAPER_IMAGE API_IMAGE JOBBOARD_IMAGE; do
  STACK_IMAGES+=("$(image_of "$key")")
done

NAME="${SWARM_ENGINE_NAME:-deck-swarm-engine-$$}"
DIR="$(mktemp -d /tmp/deck-swarm-engine.XXXXXX)"
SOCKET="$DIR/docker.sock"

remove_engine() {
  docker rm -f -v "$NAME" >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap remove_engine EXIT

# The same rights as the two-node test's engines (test/swarm/dind-pair.ts says why each).
# /var/lib/docker is the image's anonymous volume (removed with -v): overlay2 on the host's
# file system, not on the container's overlay.
docker run -d --name "$NAME" --hostname "$NAME" --label scrapedeck.test=swarm-engine \
  --cap-add SYS_ADMIN --cap-add NET_ADMIN --cap-add SYS_PTRACE \
  --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
  -v /sys/fs/cgroup:/sys/fs/cgroup:rw -v "$DIR:/dind-sock" \
  "$DIND_IMAGE" -H unix:///dind-sock/docker.sock >/dev/null

for _ in $(seq 120); do
  DOCKER_HOST="unix://$SOCKET" docker version >/dev/null 2>&1 && break
  sleep 0.5
done
DOCKER_HOST="unix://$SOCKET" docker version >/dev/null || {
  docker logs --tail 30 "$NAME" >&2
  echo "the engine in $NAME did not answer on $SOCKET" >&2
  exit 1
}

# One stream for all of them: layers they share are sent once.
t0=$SECONDS
docker save "${STACK_IMAGES[@]}" | DOCKER_HOST="unix://$SOCKET" docker load -q >/dev/null
echo "swarm engine $NAME: ${#STACK_IMAGES[@]} images loaded in $((SECONDS - t0)) s"

pid="$(docker inspect --format '{{.State.Pid}}' "$NAME")"
rc=0
nsenter --net="/proc/$pid/ns/net" -- env DOCKER_HOST="unix://$SOCKET" "$@" || rc=$?
exit "$rc"
