import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** One delivery attempt as it arrived (`at`: the harness's clock, after it was signed). */
export interface Delivery { signature: string; body: string; at: number }
export interface ReceivedEvent { type: string; rotationId: string | null; apiKeyId: string; deliveries: Delivery[] }

/** The customers' webhook endpoint: records every delivery by event id, and answers 200. */
export async function startReceiver () {
  const events = new Map<string, ReceivedEvent>()
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      try {
        const parsed = JSON.parse(body) as { id: string; type: string; data: { apiKeyId: string; rotationId?: string } }
        const event = events.get(parsed.id) ?? { type: parsed.type, rotationId: parsed.data.rotationId ?? null, apiKeyId: parsed.data.apiKeyId, deliveries: [] }
        event.deliveries.push({ signature: String(req.headers['x-kash-signature'] ?? ''), body, at: Date.now() })
        events.set(parsed.id, event)
        res.writeHead(200).end('ok')
      } catch {
        res.writeHead(400).end('bad event')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    events,
    byRotation: (rotationId: string) => [...events.entries()].find(([, e]) => e.rotationId === rotationId && e.type === 'webhook_secret.rotated'),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }),
  }
}
