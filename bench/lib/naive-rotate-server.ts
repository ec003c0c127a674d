// Baseline N, run as its own process: the synchronous rotate endpoint a user would write instead of
// running this service. It authenticates the key as F does, runs the rotation's transaction on the
// real tables (the old secret re-encrypted into the signing set, the new one encrypted with the
// project's secret box, as the rotation rule does), commits and answers the new secret. No queue,
// no idempotency, no cooldown, no held secret, no delivery. Prints its URL when ready.
import Fastify from 'fastify'
import pg from 'pg'
import { authenticateApiKey, ROTATION_SCOPES } from '../../src/auth/api-key-auth.js'
import { configSchema } from '../../src/config/config.js'
import { aad, createSecretBox } from '../../src/crypto/secret-box.js'
import { generateWebhookSecret } from '../../src/crypto/tokens.js'
import { rotationTransaction } from './baseline-transaction.js'
import { serveBaseline } from './baseline-server.js'

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
const box = createSecretBox(configSchema.shape.SECRET_ENCRYPTION_KEYS.parse(process.env.SECRET_ENCRYPTION_KEYS)!)
const app = Fastify({ logger: false })
app.post('/rotate', async (request) => {
  const key = await authenticateApiKey(pool, process.env.API_KEY_PEPPER!, request.headers['x-api-key'], request.ip, ROTATION_SCOPES)
  const secret = generateWebhookSecret()
  const rotated = await rotationTransaction(pool, key.id, {
    retained: (locked) => box.encrypt(box.decrypt(locked.webhookSecret!, aad.current(key.id)), aad.previous(key.id)),
    current: box.encrypt(secret, aad.current(key.id)),
  })
  return { rotationId: rotated.rotationId, secret, secretVersion: rotated.secretVersion, rotatedAt: rotated.rotatedAt }
})
await serveBaseline(app, pool)
