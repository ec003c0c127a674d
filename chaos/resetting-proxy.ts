import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** An answer the service wrote completely and the proxy kept from the client. */
export interface LostAnswer { at: number; idempotencyKey: string; status: number; code: string | null; secret: string | null; rotationId: string | null }

/**
 * A response lost after the service wrote it (a load balancer's reset, a dropped mobile network):
 * forwards each request to the API, reads the whole answer, records it (the harness may know what
 * the client never saw) and resets the client's connection without passing a byte on.
 */
export async function startResettingProxy (target: string, onAnswer: (a: LostAnswer) => void) {
  const server = http.createServer((req, res) => {
    const idempotencyKey = String(req.headers['idempotency-key'] ?? '')
    const upstream = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers, agent: false }, (answer) => {
      const chunks: Buffer[] = []
      answer.on('data', (c: Buffer) => chunks.push(c))
      answer.on('end', () => {
        let body: any = null
        try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')) } catch {}
        onAnswer({
          at: Date.now(),
          idempotencyKey,
          status: answer.statusCode ?? 0,
          code: body?.code ?? null,
          secret: answer.statusCode === 200 ? body?.webhookSecret?.secret ?? null : null,
          rotationId: answer.statusCode === 200 ? body?.webhookSecret?.rotationId ?? null : null,
        })
        req.socket.resetAndDestroy()
      })
      answer.on('error', () => req.socket.destroy())
    })
    upstream.on('error', () => req.socket.destroy()) // the API is down: the client sees a network error too
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }),
  }
}

export type ResettingProxy = Awaited<ReturnType<typeof startResettingProxy>>
