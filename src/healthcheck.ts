// The container health check of both roles (the image's HEALTHCHECK): `node dist/src/healthcheck.js`.
// It asks the process' own metrics listener (METRICS_PORT, which the image sets) for GET /health,
// which names the role and whether its API server and workers are up; for a role that serves the
// API it then checks GET /v1/health through the API's own port as well. Exit 0 healthy, 1 not.
const TIMEOUT_MS = 4000

async function check (url: string): Promise<{ ok: boolean; body: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) })
    return { ok: res.ok, body: await res.text() }
  } catch (err) {
    return { ok: false, body: err instanceof Error ? err.message : String(err) }
  }
}

async function main (): Promise<number> {
  const metricsPort = process.env.METRICS_PORT
  if (!metricsPort) {
    process.stderr.write('unhealthy: METRICS_PORT is not set; the health check asks its listener for /health\n')
    return 1
  }
  const health = await check(`http://127.0.0.1:${metricsPort}/health`)
  if (!health.ok) {
    process.stderr.write(`unhealthy: /health on :${metricsPort}: ${health.body}\n`)
    return 1
  }
  const { role } = JSON.parse(health.body) as { role: string }
  if (role !== 'worker') {
    const port = process.env.PORT || '3000'
    const api = await check(`http://127.0.0.1:${port}/v1/health`)
    if (!api.ok) {
      process.stderr.write(`unhealthy: GET /v1/health on :${port}: ${api.body}\n`)
      return 1
    }
  }
  process.stdout.write(`healthy: ${health.body}\n`)
  return 0
}

process.exitCode = await main()
