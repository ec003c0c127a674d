import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

const PREFIX = 'webhook_rotation_'

/**
 * One Prometheus registry per process, with every instrument this service records, passed to the
 * API and the workers as a dependency (never prom-client's global registry: tests build many apps
 * in one process). Labels are bounded enums and route templates, never a key, id or secret.
 */
export function createMetrics () {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by route template, method and status code',
      labelNames: ['route', 'method', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    dbConnectionWait: new Histogram({
      name: `${PREFIX}db_connection_wait_seconds`,
      help: 'How long the API waited for a connection of its Postgres pool, per acquisition (what OVERLOAD_MAX_POOL_WAIT_MS sheds on)',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    rotations: new Counter({
      name: `${PREFIX}rotations_total`,
      help: 'Rotations finished by the worker, by kind and outcome (succeeded, rejected, failed)',
      labelNames: ['kind', 'outcome'] as const,
      registers,
    }),
    rotationLatency: new Histogram({
      name: `${PREFIX}rotation_latency_seconds`,
      help: 'From the rotation request to its completion (Postgres timestamps of the rotation row)',
      labelNames: ['kind', 'outcome'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
    deliveryAttempts: new Counter({
      name: `${PREFIX}delivery_attempts_total`,
      help: 'Webhook delivery attempts by outcome (delivered, retry, fail)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    deliveryDuration: new Histogram({
      name: `${PREFIX}delivery_attempt_duration_seconds`,
      help: 'Duration of one webhook delivery attempt (the HTTP POST), by outcome',
      labelNames: ['outcome'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    reconcilerReenqueues: new Counter({
      name: `${PREFIX}reconciler_reenqueues_total`,
      help: 'Jobs the reconciler added back for work Postgres still shows unfinished, by queue and the job state it found',
      labelNames: ['queue', 'job_state'] as const,
      registers,
    }),
    rateLimitRefusals: new Counter({
      name: `${PREFIX}rate_limit_refusals_total`,
      help: 'Customer requests refused with 429 RATE_LIMIT_EXCEEDED',
      registers,
    }),
    authFailures: new Counter({
      name: `${PREFIX}auth_failures_total`,
      help: 'Refused credentials (API keys, operator tokens, console sign-ins), and whether they were throttled (429) rather than answered 401',
      labelNames: ['kind', 'throttled'] as const,
      registers,
    }),
    /** Scrape-time gauges register here (see scrape-gauges.ts). */
    gauge<L extends string> (config: { name: string; help: string; labelNames: readonly L[]; collect: (this: Gauge<L>) => Promise<void> }) {
      return new Gauge<L>({ ...config, name: `${PREFIX}${config.name}`, registers })
    },
  }
}

export type Metrics = ReturnType<typeof createMetrics>
