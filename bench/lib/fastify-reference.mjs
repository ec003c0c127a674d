// Reference rows of `npm run bench:start` (plain node, no build, no tsx): what any Fastify API pays
// to start. Without arguments, a hello-world Fastify app; with `--plugins`, the same app with the
// plugins the service's API registers at start (cookie, under-pressure, rate-limit on Redis,
// Swagger's route collector, formbody, csrf-protection, the zod type provider) and a zod schema on
// its route. Both connect to Postgres and Redis like the bare baseline, and answer GET /v1/ready
// with one round trip to each.
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { plugins: { type: 'boolean', default: false } } })
const [{ default: Fastify }, { default: pg }, { Redis }] = await Promise.all([import('fastify'), import('pg'), import('ioredis')])
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 })
const redis = new Redis(process.env.REDIS_URL)
const app = Fastify({ logger: false })
let schema
if (values.plugins) {
  const [cookie, underPressure, rateLimit, swagger, formbody, csrf, zodProvider, { z }] = await Promise.all([
    import('@fastify/cookie'), import('@fastify/under-pressure'), import('@fastify/rate-limit'), import('@fastify/swagger'),
    import('@fastify/formbody'), import('@fastify/csrf-protection'), import('fastify-type-provider-zod'), import('zod'),
  ])
  app.setValidatorCompiler(zodProvider.validatorCompiler)
  app.setSerializerCompiler(zodProvider.serializerCompiler)
  await app.register(cookie.default)
  await app.register(underPressure.default, { maxEventLoopDelay: 1000 })
  await app.register(rateLimit.default, { global: false, max: 100, timeWindow: 60_000, redis })
  await app.register(swagger.default, { openapi: { openapi: '3.1.0', info: { title: 'reference', version: '1' } }, transform: zodProvider.jsonSchemaTransform })
  await app.register(async (forms) => {
    await forms.register(formbody.default)
    await forms.register(csrf.default, { sessionPlugin: '@fastify/cookie' })
  })
  schema = { response: { 200: z.object({ status: z.literal('ready') }) } }
}
app.get('/v1/ready', { schema }, async () => {
  await Promise.all([pool.query('select 1'), redis.ping()])
  return { status: 'ready' }
})
await Promise.all([pool.query('select 1'), redis.ping()])
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
