# One image for every service; docker-compose.yml picks the command. Built in two stages: the first
# compiles TypeScript with the dev dependencies, the second holds only package manifests, production
# node_modules, compiled dist/ folders and the set-up scripts, and runs as the unprivileged user node.
FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc tsconfig.base.json tsconfig.json ./
COPY lib/package.json lib/
COPY auth-server/package.json auth-server/
COPY registry/package.json registry/
COPY gateway/package.json gateway/
COPY servers/package.json servers/
COPY scripts/package.json scripts/
RUN npm ci --no-audit --no-fund
COPY lib lib
COPY auth-server auth-server
COPY registry registry
COPY gateway gateway
COPY servers servers
COPY scripts scripts
RUN npx tsc -b && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 DATA_DIR=/data SCOPES_FILE=/app/config/scopes.yml
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/lib/package.json lib/
COPY --from=build /app/lib/dist lib/dist
COPY --from=build /app/auth-server/package.json auth-server/
COPY --from=build /app/auth-server/dist auth-server/dist
COPY --from=build /app/registry/package.json registry/
COPY --from=build /app/registry/dist registry/dist
COPY --from=build /app/registry/schemas registry/schemas
COPY --from=build /app/gateway/package.json gateway/
COPY --from=build /app/gateway/dist gateway/dist
COPY --from=build /app/servers/package.json servers/
COPY --from=build /app/servers/dist servers/dist
COPY --from=build /app/scripts/package.json scripts/
COPY --from=build /app/scripts/dist scripts/dist
COPY --from=build /app/scripts/bin scripts/bin
COPY --from=build /app/scripts/setup scripts/setup
# Defaults for a container run without ./config mounted; compose mounts the operator's over them.
COPY config config
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8000 7860 8888 8101 8102
CMD ["node", "gateway/dist/main.js"]
