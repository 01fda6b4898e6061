#!/bin/sh
# Starts Elasticsearch with security on and the `elastic` user's password from ELASTIC_PASSWORD
# (the stack's credentials file, passed by compose.yaml as env_file), as the official image does:
# it goes into the keystore as bootstrap.password on every start, which is the elastic user's
# password for as long as nobody changes it through the security API.
set -eu
if [ -z "${ELASTIC_PASSWORD:-}" ]; then
  echo "elasticsearch: ELASTIC_PASSWORD must be set (the stack's credentials file; \`npm run deck -- config\` writes it)" >&2
  exit 64
fi
# The keystore tool is a JVM start of its own (28 s to 4 min on a loaded 2-core machine): run it
# only when the keystore does not hold this password yet (a new container, or a new password),
# known by a digest of the last one written. --force also creates the keystore.
digest="$(printf '%s' "$ELASTIC_PASSWORD" | sha256sum | cut -d' ' -f1)"
marker=config/.bootstrap-password.sha256
if [ ! -f config/elasticsearch.keystore ] || [ "$(cat "$marker" 2>/dev/null)" != "$digest" ]; then
  printf '%s' "$ELASTIC_PASSWORD" | elasticsearch-keystore add --stdin --force bootstrap.password >/dev/null
  printf '%s\n' "$digest" >"$marker"
fi
exec elasticsearch "$@"
