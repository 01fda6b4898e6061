# A second Docker engine in a container, from Debian's docker.io package: the worker node of
# the two-node swarm test (test/swarm/swarm-two-nodes.test.ts). socat is for the loopback
# forwards dind-entrypoint.sh sets up, so the worker reaches the manager's registry on its own
# 127.0.0.1 (which every engine trusts over plain HTTP).
ARG BASE_IMAGE=scrapedeck/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io iptables socat ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && dockerd --version
COPY dind-entrypoint.sh /usr/local/bin/dind-entrypoint.sh
VOLUME /var/lib/docker
ENTRYPOINT ["/usr/local/bin/dind-entrypoint.sh"]
