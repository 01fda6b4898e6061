# A service image as docker/service.Dockerfile's run stage makes it, from the bundles
# build-images.sh made on the host with `npm run build:services` (the same esbuild from the
# same lockfile): the context is the bundles alone, a few MB, where the build stage's would
# carry node_modules to the engine once per service. Keep the two run stages alike.
ARG NODE_IMAGE=node:24-bookworm-slim
FROM ${NODE_IMAGE}
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY out/ ./
USER node
CMD ["node", "/app/main.mjs"]
