#!/usr/bin/env bash
# Local infrastructure for development and tests: RabbitMQ (Debian package) and
# Elasticsearch (integ-test zip from Maven Central) as host processes on 127.0.0.1,
# plus the pinned Python Nameko used as an interop peer.
# `up` installs what is missing, starts what is stopped and is safe to run twice.
# Ports come from test/infra.env (overridable by the environment), apart from the stack's.
# Each set of ports is its own instance (RabbitMQ node, Elasticsearch home), so one on other
# ports runs beside it and `down` stops only the instance of the ports it is given.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${SCRAPEDECK_CACHE:-$HOME/.cache/scrapedeck}"
ES_VERSION="${ES_VERSION:-8.19.20}"
# test/infra.env's values, unless the environment sets them.
while IFS='=' read -r key value; do
  [[ "$key" =~ ^[A-Z_]+$ ]] && [ -z "${!key:-}" ] && printf -v "$key" '%s' "$value"
done <"$ROOT/test/infra.env"
AMQP_PORT="$TEST_AMQP_PORT"
RABBITMQ_MGMT_PORT="$TEST_RABBITMQ_MANAGEMENT_PORT"
ES_PORT="$TEST_ELASTICSEARCH_PORT"
ES_HOME="$CACHE/es-run/$ES_PORT/elasticsearch-$ES_VERSION"
ES_USER=esrun
# A node of its own: name, data, logs, plugins file and distribution port (the default,
# AMQP port + 20000, can exceed 65535) all follow the AMQP port; distribution on loopback only.
RABBITMQ_NODE="scrapedeck-$AMQP_PORT@$(hostname -s)"
RABBITMQ_BASE="/var/lib/rabbitmq/scrapedeck-$AMQP_PORT"
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
  if rabbitmqctl -q -n "$RABBITMQ_NODE" status >/dev/null 2>&1; then
    log "RabbitMQ $RABBITMQ_NODE already running"
  else
    mkdir -p "$RABBITMQ_BASE/mnesia" "$RABBITMQ_BASE/log"
    cat >"$RABBITMQ_BASE/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$AMQP_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $RABBITMQ_MGMT_PORT
CONF
    echo '[rabbitmq_management].' >"$RABBITMQ_BASE/enabled_plugins"
    chown -R rabbitmq: "$RABBITMQ_BASE"
    log "starting RabbitMQ $RABBITMQ_NODE on 127.0.0.1:$AMQP_PORT (management $RABBITMQ_MGMT_PORT)"
    RABBITMQ_NODENAME="$RABBITMQ_NODE" RABBITMQ_DIST_PORT="$((AMQP_PORT + 10000))" \
      RABBITMQ_CONFIG_FILE="$RABBITMQ_BASE/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$RABBITMQ_BASE/enabled_plugins" \
      RABBITMQ_MNESIA_BASE="$RABBITMQ_BASE/mnesia" RABBITMQ_LOG_BASE="$RABBITMQ_BASE/log" \
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}' \
      rabbitmq-server -detached
    rabbitmqctl -q -n "$RABBITMQ_NODE" await_startup --timeout 120 >/dev/null 2>&1 ||
      { sleep 3; rabbitmqctl -q -n "$RABBITMQ_NODE" await_startup --timeout 120; }
  fi
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
    mkdir -p "$(dirname "$ES_HOME")"
    rm -rf "$ES_HOME"
    unzip -q "$zip" -d "$(dirname "$ES_HOME")"
    cat >>"$ES_HOME/config/elasticsearch.yml" <<CONF
discovery.type: single-node
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $((ES_PORT + 100))
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
  chmod o+x "$HOME" "$CACHE" "$CACHE/es-run" "$(dirname "$ES_HOME")" 2>/dev/null || true
  local java_home; java_home="$(es_java_home)"
  log "starting Elasticsearch $ES_VERSION (java: $java_home)"
  runuser -u "$ES_USER" -- env ES_JAVA_HOME="$java_home" ES_JAVA_OPTS="${ES_JAVA_OPTS:--Xms512m -Xmx512m}" \
    "$ES_HOME/bin/elasticsearch" -d -p "$ES_HOME/es.pid" >"$ES_HOME/logs/startup.log" 2>&1
  for _ in $(seq 120); do es_healthy && return 0; sleep 1; done
  log "Elasticsearch did not become healthy; see $ES_HOME/logs"; return 1
}

es_down() {
  # The pid file, any node running from this ES_HOME, and whatever listens on ES_PORT: a pid
  # file lost by an earlier run would otherwise leave a node up that es:down reports as stopped.
  local pids
  pids="$( {
    cat "$ES_HOME/es.pid" 2>/dev/null || true
    pgrep -f -- "-Des.path.home=$ES_HOME( |$)" || true
    ss -ltnpH "sport = :$ES_PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 || true
  } | sort -u)"
  for pid in $pids; do kill "$pid" 2>/dev/null || true; done
  for pid in $pids; do
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  done
  rm -f "$ES_HOME/es.pid"
  if es_healthy; then log "Elasticsearch still answers on $ES_PORT after es:down"; return 1; fi
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
    echo "TEST_AMQP_URI=amqp://guest:guest@127.0.0.1:$AMQP_PORT"
    echo "TEST_RABBITMQ_MANAGEMENT_URL=http://127.0.0.1:$RABBITMQ_MGMT_PORT"
    echo "TEST_ELASTICSEARCH_URL=http://127.0.0.1:$ES_PORT"
    echo "NAMEKO=$NAMEKO_VENV/bin/nameko"
    ;;
  down)
    es_down
    rabbitmqctl -q -n "$RABBITMQ_NODE" stop >/dev/null 2>&1 || true
    log "stopped"
    ;;
  es:down) es_down ;;
  # Used by docker/offline/build-images.sh: the zip only, for the offline Elasticsearch image.
  es:fetch) es_fetch; echo "$CACHE/es/elasticsearch-$ES_VERSION.zip" ;;
  es:up) es_up ;;
  *) echo "usage: infra.sh up|down" >&2; exit 2 ;;
esac
