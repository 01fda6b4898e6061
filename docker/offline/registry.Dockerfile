# An image registry from Debian's docker-registry package (the Go "distribution" registry, v2
# API): the one the swarm driver runs on the manager, so every node pulls the stack's locally
# built images from it by digest. Runs as the package's `docker-registry` user; the blobs live
# in /var/lib/docker-registry (the panel mounts a volume there).
ARG BASE_IMAGE=scrapedeck/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && docker-registry --version
COPY registry.yml /etc/docker/registry/config.yml
USER docker-registry
EXPOSE 5000
CMD ["docker-registry", "serve", "/etc/docker/registry/config.yml"]
