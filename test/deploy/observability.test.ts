import { existsSync, readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { createOperator } from '../fixtures/operators.js'
import { buildTestContext, createTestDatabase } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const DIR = 'deploy/observability'
const yaml = (path: string) => parse(readFileSync(path, 'utf8'))

interface Rule { alert: string; expr: string; for?: string; labels: { severity: string }; annotations: { summary: string; description: string } }
const rules = (): Rule[] => yaml(`${DIR}/alerts.yml`).groups.flatMap((g: { rules: Rule[] }) => g.rules)
const dashboard = () => JSON.parse(readFileSync(`${DIR}/grafana/dashboards/webhook-secret-rotation.json`, 'utf8'))
const dashboardExprs = (): string[] => dashboard().panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr))

/** Metric names a PromQL expression uses: identifiers outside selectors and by-lists that are not function calls. */
function metricNames (expr: string) {
  const bare = expr.replace(/\{[^}]*\}/g, '').replace(/\b(by|without)\s*\([^)]*\)/g, '').replace(/\[[^\]]*\]/g, '')
  return [...bare.matchAll(/\b([a-z_][a-z0-9_]*)\b(?!\s*\()/g)].map((m) => m[1]!).filter((name) => name.includes('_'))
}

describe('deploy/observability', () => {
  it('ships alert rules for a growing backlog, failing rotations, failing deliveries and held secrets expiring unfetched', () => {
    const all = rules()
    expect(all.map((r) => r.alert)).toEqual(expect.arrayContaining([
      'RotationQueueBacklogGrowing', 'RotationsFailing', 'WebhookDeliveriesFailing', 'HeldSecretsExpiringUnfetched',
    ]))
    for (const rule of all) {
      expect(rule.expr, rule.alert).toMatch(/webhook_rotation_/)
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels.severity)
      expect(rule.annotations.summary.length, rule.alert).toBeGreaterThan(0)
    }
  })

  it('uses in its alerts and dashboard only metric names the service exposes', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const operator = await createOperator(ctx, 'observability')
    const res = await ctx.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${operator.token}` } })
    const exposed = new Set([...res.body.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) =>
      type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name!]))
    const used = new Set([...rules().map((r) => r.expr), ...dashboardExprs()].flatMap(metricNames))
    expect(used.size).toBeGreaterThan(8)
    expect([...used].filter((name) => !exposed.has(name))).toEqual([])
  })

  it('adds Prometheus and Grafana under the observability profile of docker-compose.yml, provisioned with the rules and the dashboard', () => {
    const compose = yaml('docker-compose.yml')
    for (const name of ['prometheus', 'grafana']) expect(compose.services[name].profiles).toEqual(['observability'])
    expect(compose.services.api.profiles).toBeUndefined()
    const mounts = [...compose.services.prometheus.volumes, ...compose.services.grafana.volumes]
      .filter((v: string) => v.startsWith('./')).map((v: string) => v.split(':')[0]!)
    expect(mounts.length).toBe(4)
    for (const path of mounts) expect(existsSync(path), path).toBe(true)

    const prometheus = yaml(`${DIR}/prometheus.yml`)
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/alerts.yml'])
    expect(prometheus.scrape_configs.flatMap((c: { static_configs: { targets: string[] }[] }) => c.static_configs.flatMap((s) => s.targets)))
      .toEqual(expect.arrayContaining(['api:9464', 'worker:9464']))
    expect(compose['x-app-env'].METRICS_PORT).toBe(9464)
    expect(yaml(`${DIR}/grafana/provisioning/datasources/prometheus.yml`).datasources[0]).toMatchObject({ uid: 'prometheus', url: 'http://prometheus:9090' })
    expect(yaml(`${DIR}/grafana/provisioning/dashboards/dashboards.yml`).providers[0].options.path).toBe('/var/lib/grafana/dashboards')
    expect(dashboard().panels.every((p: { datasource: { uid: string } }) => p.datasource.uid === 'prometheus')).toBe(true)
  })
})
