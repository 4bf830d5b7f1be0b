# One image for every service; docker-compose.yml picks the command.
FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY lib/package.json lib/
COPY auth-server/package.json auth-server/
COPY registry/package.json registry/
COPY gateway/package.json gateway/
COPY servers/package.json servers/
COPY scripts/package.json scripts/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -b && npm prune --omit=dev

FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 DATA_DIR=/data SCOPES_FILE=/app/config/scopes.yml
COPY --from=build /app /app
USER node
CMD ["node", "gateway/dist/main.js"]
