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
# Only the two scripts the bundle is made from, so a change to any other script rebuilds nothing.
COPY scripts/build-services.ts scripts/scraper-healthcheck.ts ./scripts/
COPY src/shared ./src/shared
COPY src/services ./src/services
RUN npm run build:services
# What this service's image runs, in /out: its bundle as main.mjs, and the scraper's
# healthcheck (a few kB, only run by the scraper; see scripts/scraper-healthcheck.ts). The
# scraper also needs its parse-thread entry points beside main.mjs (see scripts/build-services.ts).
ARG SERVICE
RUN mkdir /out && cp dist/services/${SERVICE}.mjs /out/main.mjs && cp dist/services/scraper-healthcheck.mjs /out/ && \
    if [ "$SERVICE" = scraper ]; then cp dist/services/scraper-parse-worker.mjs dist/services/worker.js /out/; fi

FROM ${NODE_IMAGE}
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build /out/ ./
USER node
CMD ["node", "/app/main.mjs"]
