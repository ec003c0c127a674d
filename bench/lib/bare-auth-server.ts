// Baseline F, run as its own process: a bare Fastify route that authenticates an API key the way the
// service does (HMAC of the header, one indexed SELECT), and nothing else. Prints its URL when ready.
import Fastify from 'fastify'
import pg from 'pg'
import { authenticateApiKey, ROTATION_SCOPES } from '../../src/auth/api-key-auth.js'
import { serveBaseline } from './baseline-server.js'

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
const app = Fastify({ logger: false })
app.post('/bare', async (request) => {
  const key = await authenticateApiKey(pool, process.env.API_KEY_PEPPER!, request.headers['x-api-key'], request.ip, ROTATION_SCOPES)
  return { id: key.id }
})
await serveBaseline(app, pool)
