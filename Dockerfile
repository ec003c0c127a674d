# Webhook-signing-secret rotation service: one image for both roles.
#   api:    docker run … IMAGE                      (default CMD)
#   worker: docker run … IMAGE node --import tsx --import ./src/tracing/preload.ts src/main.ts --role worker
# Both roles need DATABASE_URL, REDIS_URL, API_KEY_PEPPER and SECRET_ENCRYPTION_KEYS;
# migrations run when each process starts. See docker-compose.yml and .env.example.
FROM node:20-bookworm-slim

WORKDIR /app

# Runtime dependencies only (tsx is one of them). The node:20 image ships npm 10, which runs the
# install scripts that package.json's `allowScripts` lists for npm 11.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY migrations/ ./migrations/
COPY workers/ ./workers/
COPY src/ ./src/

USER node
ENV HOST=0.0.0.0 PORT=3000
EXPOSE 3000

# /v1/health answers only in the api role; the worker role has no HTTP server
# (docker-compose.yml disables the check for the worker service).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/v1/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# node itself is PID 1 (no npm/npx wrapper), so SIGTERM reaches the graceful shutdown.
# The tracing preload starts OpenTelemetry only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
CMD ["node", "--import", "tsx", "--import", "./src/tracing/preload.ts", "src/main.ts", "--role", "api"]
