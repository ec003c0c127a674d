import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedSample { headers: http.IncomingHttpHeaders; body: string }

/**
 * What a request was signed with: the kinds of `webhook-signature` entries (`v1`, `v1a`) and
 * `x-kash` for an X-Kash-Signature header, joined with `+`; `unsigned` for neither.
 */
export function signatureKind (headers: http.IncomingHttpHeaders) {
  const entries = String(headers['webhook-signature'] ?? '').split(' ').filter(Boolean).map((e) => e.slice(0, e.indexOf(',')))
  const kinds = [...new Set(entries)].sort()
  if (headers['x-kash-signature']) kinds.push('x-kash')
  return kinds.join('+') || 'unsigned'
}

/**
 * A local webhook receiver that answers 200 to everything and counts what it got, by signature
 * kind, keeping the last request of each kind so a run can verify one.
 */
export async function startReceiver () {
  let received = 0
  const kinds: Record<string, number> = {}
  const last: Record<string, ReceivedSample> = {}
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received++
      const kind = signatureKind(req.headers)
      kinds[kind] = (kinds[kind] ?? 0) + 1
      last[kind] = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      res.writeHead(200).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received: () => received,
    /** Requests so far by signature kind (a copy). */
    kinds: () => ({ ...kinds }),
    /** The last request of a kind, if any. */
    last: (kind: string): ReceivedSample | undefined => last[kind],
    async stop () {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

export type BenchReceiver = Awaited<ReturnType<typeof startReceiver>>
