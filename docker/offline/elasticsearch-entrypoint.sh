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
# One JVM start, not two: --force also creates the keystore when there is none yet.
printf '%s' "$ELASTIC_PASSWORD" | elasticsearch-keystore add --stdin --force bootstrap.password >/dev/null
exec elasticsearch "$@"
