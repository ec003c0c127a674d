# syntax=docker/dockerfile:1
# Webhook-signing-secret rotation service: one image for both roles, compiled JavaScript on plain
# node (no tsx, no development dependencies), run as the unprivileged user `node`.
#   api:    docker run … IMAGE                       (the default CMD, listens on PORT 3000)
#   worker: docker run … IMAGE node --import ./dist/src/tracing/preload.js dist/src/main.js --role worker
# Both roles need DATABASE_URL, REDIS_URL, API_KEY_PEPPER and SECRET_ENCRYPTION_KEYS, each also
# as NAME_FILE (compose/Docker secrets); migrations run when each process starts.
# See docs/production.md and docker-compose.yml.
#
# Node.js 24, an LTS line (maintained until April 2028; Node 20 reached its end in April 2026).
# NODE_IMAGE swaps the base, e.g. for one built without a registry (deploy/podman/build-base-images.sh).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# The manifests first, so the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
COPY packages/client/package.json packages/client/
COPY packages/signing/package.json packages/signing/
# --ignore-scripts: no dependency install script runs (none is needed to build: esbuild and
# msgpackr ship their binaries as optional packages) and the root `prepare` waits for the sources.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/ scripts/
COPY packages/ packages/
COPY migrations/ migrations/
COPY workers/ workers/
COPY src/ src/
# The workspace packages, then the server (tsc, plus the stylesheet and migrations into dist/).
# valibot (via @bull-board/api) declares an optional peer dependency on typescript, which keeps
# the development copy (23 MB) in an --omit=dev tree; nothing loads it at run time.
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/typescript

FROM ${NODE_IMAGE}
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 METRICS_PORT=9464
# An explicit heap limit: with Node's default (a quarter of the machine's memory) V8 lets garbage
# pile up in the old generation under load (API peak RSS 240 MiB at 256 clients, live heap ~70 MiB);
# with a limit it collects earlier (~150 MiB). A larger young generation (32 MiB semi-spaces) keeps
# short-lived request garbage out of the old one, so those earlier full collections stay rare
# enough not to show in the p99 (~180 MiB). docs/production.md, "Memory".
ENV NODE_OPTIONS="--max-old-space-size=512 --max-semi-space-size=32"
WORKDIR /app
# The app needs no package manager at run time.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
           /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack
# Owned by root and read-only to `node`: the process cannot change its own code.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules/ node_modules/
COPY --from=build /app/packages/signing/package.json packages/signing/
COPY --from=build /app/packages/signing/dist/ packages/signing/dist/
COPY --from=build /app/dist/ dist/
USER node
EXPOSE 3000

# Both roles: the process' METRICS_PORT listener (loopback unless METRICS_HOST says otherwise)
# answers /health with its role and whether its workers and API are up; for the api role the
# check also calls /v1/health on PORT. Give the start period room for migrations.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "dist/src/healthcheck.js"]

# node is PID 1 (no npm or shell in between), so SIGTERM reaches the graceful shutdown, which
# takes at most CLOSE_GRACE_MS (10 s): give the container a longer stop timeout than that
# (docker run --stop-timeout 30, compose stop_grace_period: 30s, Kubernetes'
# terminationGracePeriodSeconds: 30). The preload starts OpenTelemetry only when
# OTEL_EXPORTER_OTLP_ENDPOINT is set.
STOPSIGNAL SIGTERM
CMD ["node", "--import", "./dist/src/tracing/preload.js", "dist/src/main.js", "--role", "api"]
