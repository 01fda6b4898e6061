#!/bin/sh
# Starts RabbitMQ with the stack's generated user (RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS,
# from the credentials file compose.yaml passes as env_file). They become a definitions file on
# the tmpfs that rabbitmq.conf imports at every boot, so a new password in the file takes effect
# on the next start even on an old data volume; with definitions to import RabbitMQ creates no
# `guest` user on a fresh node.
set -eu
user="${RABBITMQ_DEFAULT_USER:-}"
pass="${RABBITMQ_DEFAULT_PASS:-}"
if [ -z "$user" ] || [ -z "$pass" ]; then
  echo "rabbitmq: RABBITMQ_DEFAULT_USER and RABBITMQ_DEFAULT_PASS must be set (the stack's credentials file; \`npm run deck -- config\` writes it)" >&2
  exit 64
fi
# Written into JSON unescaped: allow only what the panel generates (and what needs no escaping anywhere).
for value in "$user" "$pass"; do
  case "$value" in *[!A-Za-z0-9._~-]*)
    echo "rabbitmq: the user and password may hold only letters, digits and . _ ~ -" >&2
    exit 64 ;;
  esac
done
umask 077
cat >/tmp/definitions.json <<JSON
{"users": [{"name": "$user", "password": "$pass", "tags": "administrator"}],
 "vhosts": [{"name": "/"}],
 "permissions": [{"user": "$user", "vhost": "/", "configure": ".*", "write": ".*", "read": ".*"}]}
JSON
# Not Debian's /usr/sbin/rabbitmq-server wrapper: it sends the server's output to files
# under /var/log/rabbitmq instead of `docker logs`.
exec /usr/lib/rabbitmq/bin/rabbitmq-server "$@"
