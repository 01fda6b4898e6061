#!/usr/bin/env bash
# Local infrastructure for development and tests: RabbitMQ (Debian package) and
# Elasticsearch (integ-test zip from Maven Central) as host processes on 127.0.0.1,
# plus the pinned Python Nameko used as an interop peer.
# `up` installs what is missing, starts what is stopped and is safe to run twice.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${SCRAPEDECK_CACHE:-$HOME/.cache/scrapedeck}"
ES_VERSION="${ES_VERSION:-8.19.20}"
ES_PORT="${ES_PORT:-9200}"
ES_HOME="$CACHE/es-run/elasticsearch-$ES_VERSION"
ES_USER=esrun
AMQP_PORT="${AMQP_PORT:-5672}"
RABBITMQ_MGMT_PORT="${RABBITMQ_MGMT_PORT:-15672}"
NAMEKO_VENV="$ROOT/.venv-nameko"

log() { printf '[infra] %s\n' "$*" >&2; }

apt_install() {
  if [ ! -f /var/lib/apt/periodic/scrapedeck-updated ] || ! apt-cache policy "$1" | grep -q Candidate; then
    apt-get update -qq && mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/scrapedeck-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

rabbitmq_up() {
  command -v rabbitmq-server >/dev/null || { log "installing rabbitmq-server"; apt_install rabbitmq-server; }
  if rabbitmqctl -q status >/dev/null 2>&1; then
    log "RabbitMQ already running"
  else
    mkdir -p "$CACHE"
    cat >"$CACHE/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$AMQP_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $RABBITMQ_MGMT_PORT
CONF
    log "starting RabbitMQ"
    RABBITMQ_CONFIG_FILE="$CACHE/rabbitmq.conf" rabbitmq-server -detached
    rabbitmqctl -q await_startup --timeout 120 >/dev/null 2>&1 || { sleep 3; rabbitmqctl -q await_startup --timeout 120; }
  fi
  rabbitmq-plugins -q list -e -m | grep -qx rabbitmq_management || rabbitmq-plugins -q enable rabbitmq_management >/dev/null
  for _ in $(seq 60); do curl -fsS -u guest:guest "http://127.0.0.1:$RABBITMQ_MGMT_PORT/api/overview" >/dev/null 2>&1 && return 0; sleep 1; done
  log "RabbitMQ management API did not answer on 127.0.0.1:$RABBITMQ_MGMT_PORT"; return 1
}

es_fetch() {
  local zip="$CACHE/es/elasticsearch-$ES_VERSION.zip"
  if [ ! -s "$zip" ]; then
    command -v mvn >/dev/null || { log "installing maven"; apt_install maven; }
    log "fetching Elasticsearch $ES_VERSION from Maven Central"
    mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
      -DoutputDirectory="$CACHE/es"
  fi
  if [ ! -x "$ES_HOME/bin/elasticsearch" ]; then
    command -v unzip >/dev/null || apt_install unzip
    mkdir -p "$CACHE/es-run"
    rm -rf "$ES_HOME"
    unzip -q "$zip" -d "$CACHE/es-run"
    cat >>"$ES_HOME/config/elasticsearch.yml" <<CONF
discovery.type: single-node
network.host: 127.0.0.1
http.port: $ES_PORT
xpack.security.enabled: false
action.destructive_requires_name: false
cluster.routing.allocation.disk.threshold_enabled: false
CONF
  fi
}

es_java_home() {
  local j
  for j in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-arm64 /usr/lib/jvm/temurin-25-jdk-amd64; do
    [ -x "$j/bin/java" ] && { echo "$j"; return; }
  done
  apt_install openjdk-17-jre-headless
  dirname "$(dirname "$(readlink -f "$(command -v java)")")"
}

es_healthy() { curl -fsS "http://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; }

es_up() {
  if es_healthy; then log "Elasticsearch already running"; return 0; fi
  es_fetch
  id -u "$ES_USER" >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin "$ES_USER"
  chown -R "$ES_USER:" "$ES_HOME"
  # A parent directory the user cannot traverse makes ES fail with a misleading error.
  chmod o+x "$HOME" "$CACHE" "$CACHE/es-run" 2>/dev/null || true
  local java_home; java_home="$(es_java_home)"
  log "starting Elasticsearch $ES_VERSION (java: $java_home)"
  runuser -u "$ES_USER" -- env ES_JAVA_HOME="$java_home" ES_JAVA_OPTS="${ES_JAVA_OPTS:--Xms512m -Xmx512m}" \
    "$ES_HOME/bin/elasticsearch" -d -p "$ES_HOME/es.pid" >"$ES_HOME/logs/startup.log" 2>&1
  for _ in $(seq 120); do es_healthy && return 0; sleep 1; done
  log "Elasticsearch did not become healthy; see $ES_HOME/logs"; return 1
}

es_down() {
  if [ -f "$ES_HOME/es.pid" ]; then
    local pid; pid="$(cat "$ES_HOME/es.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    rm -f "$ES_HOME/es.pid"
  fi
}

nameko_up() {
  if [ -x "$NAMEKO_VENV/bin/nameko" ]; then return 0; fi
  log "installing Python Nameko 2.14.1 into $NAMEKO_VENV"
  python3 -m venv "$NAMEKO_VENV"
  "$NAMEKO_VENV/bin/pip" install -q nameko==2.14.1 eventlet==0.33.3 kombu==5.2.4 amqp==5.1.1 dnspython==2.3.0
}

case "${1:-up}" in
  up)
    rabbitmq_up
    es_up
    nameko_up
    echo "AMQP_URI=amqp://guest:guest@127.0.0.1:$AMQP_PORT"
    echo "RABBITMQ_MANAGEMENT_URL=http://127.0.0.1:$RABBITMQ_MGMT_PORT"
    echo "ELASTICSEARCH_URL=http://127.0.0.1:$ES_PORT"
    echo "NAMEKO=$NAMEKO_VENV/bin/nameko"
    ;;
  down)
    es_down
    rabbitmqctl -q stop >/dev/null 2>&1 || true
    log "stopped"
    ;;
  es:down) es_down ;;
  # Used by docker/offline/build-images.sh: the zip only, for the offline Elasticsearch image.
  es:fetch) es_fetch; echo "$CACHE/es/elasticsearch-$ES_VERSION.zip" ;;
  es:up) es_up ;;
  *) echo "usage: infra.sh up|down" >&2; exit 2 ;;
esac
