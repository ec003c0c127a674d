import cookie from '@fastify/cookie'
import Fastify, { type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import type { RedisClient } from './queue/redis.js'
import type pg from 'pg'
import type { Logger } from 'pino'
import { directDatabaseUrl, type Config } from './config/config.js'
import { createSecretBox } from './crypto/secret-box.js'
import { createHeldSecrets } from './domain/held-secrets.js'
import { createRotationRequests } from './domain/rotation-requests.js'
import { createRotationWaiter } from './domain/rotation-waiter.js'
import { listenForFinishedRotations } from './db/rotation-notifications.js'
import { createWebhookDeliveries } from './domain/webhook-deliveries.js'
import { API_VERSION } from './http/api-version.js'
import { apiVersionPlugin } from './plugins/api-version.js'
import { errorHandlerPlugin } from './plugins/error-handler.js'
import { clientErrorHandler, frameworkErrors, answerRequestsNodeKeeps } from './plugins/framework-errors.js'
import { jsonBodyPlugin } from './plugins/json-body.js'
import { loadSheddingPlugin } from './plugins/load-shedding.js'
import { createMetrics, type Metrics } from './metrics/metrics.js'
import { metricsPlugin } from './plugins/metrics.js'
import { rateLimitPlugin } from './plugins/rate-limit.js'
import { genRequestId, requestIdPlugin } from './plugins/request-id.js'
import { lazyDefaultCompilers } from './http/lazy-default-compilers.js'
import { lazySubtree } from './http/lazy-subtree.js'
import { recordOpenApiDocument, type OpenApiDocument } from './http/openapi-document.js'
import { browserPageHeaders } from './http/security-headers.js'
import { withTimeout } from './util/with-timeout.js'
import type { Queues } from './queue/queues.js'
import { queueDashboardPlugin } from './plugins/queue-dashboard.js'
import { consoleRoutes } from './routes/console/index.js'
import { adminReadRoutes } from './routes/admin/api-keys-and-audit.js'
import { operatorActionRoutes } from './routes/admin/operator-actions.js'
import { customerAuditRoutes } from './routes/audit-events/index.js'
import { errorRoutes } from './routes/errors/index.js'
import { healthRoutes } from './routes/health/index.js'
import { llmsTxtRoutes } from './routes/llms-txt/index.js'
import { EVENTS_PATH, webhookEventRoutes } from './routes/webhook-events/index.js'
import { webhookSecretRoutes } from './routes/webhook-secret/index.js'
import { testDeliveryRoutes } from './routes/webhook-secret/test-delivery.js'
import { rotationScheduleRoutes } from './routes/webhook-secret/schedule.js'
import { signingKeyRoutes } from './routes/signing-keys/index.js'

export interface AppDeps {
  config: Config
  pool: pg.Pool
  /** The API's own fail-fast Redis connection (readiness); the queue has its own. */
  redis: RedisClient
  /**
   * The queues requests add jobs to; a promise-like while they are still being made (the API makes
   * them right after it listens, docs/performance.md): an enqueue before then waits for them.
   */
  queues: Queues | PromiseLike<Queues>
  log: Logger
  /** The process' metrics registry (shared with its workers); a fresh one when omitted. */
  metrics?: Metrics
}

export const BODY_LIMIT_BYTES = 16 * 1024
// A request never waits long on Redis: past this the rotation stays queued for the reconciler.
const ENQUEUE_TIMEOUT_MS = 2000

/**
 * TRUST_PROXY for Fastify. Addresses go as they are. Fastify 5.12 reads a bare number as "trust
 * nothing" (a hop count cannot tell a proxy from a client that connects directly), so a hop count
 * is passed as proxy-addr's function: the nearest `hops` peers are proxies. That is only sound when
 * clients cannot reach the API but through those proxies; the README says so.
 */
function trustProxyOption (trust: Config['TRUST_PROXY']) {
  return typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust
}

const DOCS_PATH = '/v1/docs'

/**
 * Swagger UI (its static files and @fastify/static) for the first request to DOCS_PATH, reading
 * the app's OpenAPI document: a developer's page that an API start need not load.
 */
async function buildDocsUi (ui: FastifyInstance, document: OpenApiDocument) {
  const { default: swaggerUi } = await import('@fastify/swagger-ui')
  // The document is the app's: Swagger UI asks for it through the decorator @fastify/swagger adds.
  await ui.register(fp(async (instance) => { instance.decorate('swagger', document) }, { name: '@fastify/swagger' }))
  // Swagger UI's own CSP (hashes of its inline scripts) without third-party sources, never framed.
  await ui.register(swaggerUi, {
    routePrefix: DOCS_PATH,
    staticCSP: true,
    transformStaticCSP: (csp) => csp.replace(/ https:| validator\.swagger\.io|upgrade-insecure-requests;/g, '').replace("frame-ancestors 'self'", "frame-ancestors 'none'"),
  })
}

/**
 * The enqueue functions, made once the queues exist: the queue modules (bullmq with them) load
 * with the queue set after the API listens, and are imported once, not on every request.
 */
function enqueuers (queues: Queues | PromiseLike<Queues>) {
  let made: Promise<{ rotation: (rotationId: string) => Promise<void>; delivery: (event: { id: string; jobId: string }) => Promise<void> }> | undefined
  return () => (made ??= Promise.all([queues, import('./queue/rotation-queue.js'), import('./queue/delivery-queue.js')])
    .then(([q, { enqueueRotation }, { enqueueDelivery }]) => ({
      rotation: (rotationId: string) => enqueueRotation(q.rotations, rotationId),
      delivery: (event: { id: string; jobId: string }) => enqueueDelivery(q.deliveries, event),
    })))
}

/** Builds the API. Never listens: the server entry and the tests decide that. */
export async function buildApp (deps: AppDeps) {
  const { config, pool, redis, queues, log, metrics = createMetrics() } = deps
  const enqueue = enqueuers(queues)
  const app = Fastify({
    loggerInstance: log,
    genReqId: genRequestId,
    trustProxy: trustProxyOption(config.TRUST_PROXY),
    bodyLimit: BODY_LIMIT_BYTES,
    // Fastify turns Node's request timeout off; without it a client that announces a body and never
    // sends it holds its connection for good. Node only enforces it when the server is created with
    // it (hence `http` too), checking pending requests every interval.
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    http: { requestTimeout: config.REQUEST_TIMEOUT_MS, connectionsCheckingInterval: Math.min(1000, config.REQUEST_TIMEOUT_MS) },
    frameworkErrors,
    clientErrorHandler,
    schemaController: { compilersFactory: lazyDefaultCompilers() },
  }).withTypeProvider<ZodTypeProvider>()

  answerRequestsNodeKeeps(app.server)
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  await app.register(requestIdPlugin)
  await app.register(apiVersionPlugin)
  await app.register(errorHandlerPlugin)
  await app.register(jsonBodyPlugin)
  await app.register(loadSheddingPlugin, { pool, config })
  await app.register(cookie)
  await app.register(metricsPlugin, { metrics, pool, pepper: config.API_KEY_PEPPER })
  await app.register(rateLimitPlugin, {
    redis,
    limit: config.RATE_LIMIT_PER_MINUTE,
    authFailureLimit: config.AUTH_FAILURES_PER_MINUTE,
    windowSeconds: 60,
    prefix: config.QUEUE_PREFIX,
    onExceeded: () => metrics.rateLimitRefusals.inc(),
    onAuthFailure: (kind, throttled) => metrics.authFailures.inc({ kind, throttled: String(throttled) }),
  })

  const openapiDocument = recordOpenApiDocument(app, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Webhook secret rotation',
        version: API_VERSION,
        description: 'Rotate webhook signing secrets safely: idempotent, asynchronous, recoverable. Errors are RFC 9457 problems; each `type` URL documents its code.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          operatorToken: { type: 'http', scheme: 'bearer', description: 'operator token from the admin CLI (operators issue <name>)' },
        },
      },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  })
  await app.register(async function apiDocs (docs) {
    docs.addHook('onSend', browserPageHeaders())
    lazySubtree(docs, DOCS_PATH, async (ui) => buildDocsUi(ui, await openapiDocument()))
  })
  app.decorate('openapiDocument', openapiDocument)
  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => (await openapiDocument())())

  const secretBox = createSecretBox(config.SECRET_ENCRYPTION_KEYS)
  const heldSecrets = createHeldSecrets({ pool, config, secretBox })
  // Delivery marks run after a response's `finish`: let them land before the pool closes.
  app.addHook('onClose', () => heldSecrets.idle())
  // One LISTEN connection per API process wakes the requests waiting for a rotation (guideline 21).
  const notifications = listenForFinishedRotations(directDatabaseUrl(config), log)
  app.addHook('onClose', () => notifications.close())
  const rotationRequests = createRotationRequests({
    pool, config, log, waiter: createRotationWaiter(notifications), enqueue: (rotationId) => withTimeout(enqueue().then((add) => add.rotation(rotationId)), ENQUEUE_TIMEOUT_MS),
  })

  await app.register(healthRoutes, { pool, redis })
  await app.register(errorRoutes)
  await app.register(llmsTxtRoutes)
  const deliveries = createWebhookDeliveries({
    pool,
    log,
    cooldownSeconds: config.ROTATION_COOLDOWN_SECONDS,
    enqueue: (event) => withTimeout(enqueue().then((add) => add.delivery(event)), ENQUEUE_TIMEOUT_MS),
  })
  const webhookSecretPrefix = '/v1/auth/api-keys/me/webhook-secret'
  await app.register(webhookSecretRoutes, { prefix: webhookSecretPrefix, pool, redis, config, rotationRequests, heldSecrets, secretBox })
  await app.register(testDeliveryRoutes, { prefix: webhookSecretPrefix, pool, redis, config, deliveries })
  await app.register(rotationScheduleRoutes, { prefix: webhookSecretPrefix, pool, redis, config })
  await app.register(webhookEventRoutes, { prefix: EVENTS_PATH, pool, redis, config, deliveries })
  await app.register(customerAuditRoutes, { pool, redis, config })
  await app.register(signingKeyRoutes, { pool })
  await app.register(operatorActionRoutes, { prefix: '/v1/admin', pool, config, rotationRequests, heldSecrets, secretBox })
  await app.register(adminReadRoutes, { prefix: '/v1/admin', pool, config })
  await app.register(queueDashboardPlugin, { pool, config, queues })
  await app.register(consoleRoutes, { prefix: '/admin', pool, config, rotationRequests, heldSecrets })

  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
