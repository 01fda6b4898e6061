# One image per service, from one Dockerfile: --build-arg SERVICE=scraper|api|jobboard.
# Build stage: dev dependencies + `npm run build:services` (esbuild bundles each service with
# all its dependencies). Run stage: the base Node image, one bundled file, a non-root user.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# On a normal network the dependencies come from `npm ci`. On machines whose containers cannot
# reach the npm registry, docker/offline/build-images.sh sends the host's node_modules (made by
# `npm ci` from this same lockfile) in the build context as .deps/node_modules; the `.dep[s]`
# wildcard copies it when present and matches nothing otherwise.
COPY package.json package-lock.json .dep[s] ./
RUN if [ -d node_modules ]; then echo "node_modules from the build context"; \
    else npm ci --ignore-scripts --no-audit --no-fund; fi
COPY tsconfig.base.json tsconfig.json tsconfig.node.json ./
COPY scripts ./scripts
COPY src/shared ./src/shared
COPY src/services ./src/services
RUN npm run build:services

FROM ${NODE_IMAGE}
ARG SERVICE
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build /src/dist/services/${SERVICE}.mjs ./main.mjs
# Tiny (a few kB) and only run by the scraper's healthcheck (see scripts/scraper-healthcheck.ts).
COPY --from=build /src/dist/services/scraper-healthcheck.mjs ./
USER node
CMD ["node", "/app/main.mjs"]
