import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import type { Metrics } from './metrics.js'

/** What GET /health answers: the process' role, and whether each part of it that role runs is up. */
export interface HealthReport { role: string; status: 'ok' | 'unavailable' }

/**
 * The unauthenticated /metrics listener on METRICS_PORT (loopback by default, METRICS_HOST), for
 * the worker process, which has no HTTP server, and for scrapers that hold no operator token.
 * It also answers GET /health, the container health check of both roles (src/healthcheck.ts).
 */
export async function startMetricsServer (metrics: Metrics, { port, host, log, health }: { port: number; host: string; log: Logger; health?: () => HealthReport }) {
  const server = createServer((req, res) => {
    const route = req.url?.split('?')[0]
    if (req.method === 'GET' && route === '/health' && health) {
      const report = health()
      res.writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(report))
      return
    }
    if (req.method !== 'GET' || route !== '/metrics') {
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
