import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import type { Metrics } from './metrics.js'

/**
 * The unauthenticated /metrics listener on METRICS_PORT (loopback by default, METRICS_HOST), for
 * the worker process, which has no HTTP server, and for scrapers that hold no operator token.
 */
export async function startMetricsServer (metrics: Metrics, { port, host, log }: { port: number; host: string; log: Logger }) {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
      return
    }
    metrics.registry.metrics().then((body) => {
      res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body)
    }, (err: unknown) => {
      log.error({ err }, 'metrics scrape failed')
      res.writeHead(500, { 'content-type': 'text/plain' }).end('scrape failed\n')
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const { address, port: bound } = server.address() as AddressInfo
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${bound}/metrics`
  log.info({ url }, 'metrics listening')
  return {
    url,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }),
  }
}
