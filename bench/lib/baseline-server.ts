import type { FastifyInstance } from 'fastify'
import type pg from 'pg'

/** A baseline server's start and stop: listens on a free loopback port, prints its URL, closes on SIGTERM. */
export async function serveBaseline (app: FastifyInstance, pool: pg.Pool) {
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  process.stdout.write(`${address}\n`)
  process.on('SIGTERM', () => { app.close().then(() => pool.end()).finally(() => process.exit(0)) })
}
