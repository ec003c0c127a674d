import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { execFileSync } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { freePort } from '../../src/embedded/free-port.js'

// Debian's Postgres 15 server binaries (apt-get install postgresql-15 patroni etcd-server haproxy python3-etcd).
const PG_BIN = '/usr/lib/postgresql/15/bin'
const PASSWORD = 'failover'

export interface PatroniNode { name: string; pgPort: number; restPort: number; dataDir: string; patroni: ChildProcess }

export interface PatroniCluster {
  /** Through HAProxy, which routes to whichever node Patroni's REST API calls the primary. */
  url: (database: string) => string
  nodes: PatroniNode[]
  /** The node whose REST API answers 200 on /primary (undefined while there is none). */
  primary: () => Promise<PatroniNode | undefined>
  /** Waits until a primary and every other node streaming (with synchronous_mode, a sync standby). */
  healthy: (timeoutMs: number) => Promise<PatroniNode>
  /**
   * Stops the node's WAL receiver (SIGSTOP), as a slow link to a standby would. Asynchronous commits
   * go on meanwhile, synchronous ones wait. The returned function SIGKILLs it: what the primary sent
   * in the meantime (still in the socket) is lost with the link, and Postgres restarts the receiver.
   */
  stallReplication: (standby: PatroniNode) => Promise<() => void>
  /** SIGKILLs the node's Patroni and its postmaster: the machine is gone. */
  killNode: (node: PatroniNode) => Promise<void>
  stop: () => Promise<void>
}

async function status (port: number, check: string) {
  try {
    return (await fetch(`http://127.0.0.1:${port}/${check}`, { signal: AbortSignal.timeout(1000) })).status
  } catch {
    return 0
  }
}

function logTo (child: ChildProcess, file: string) {
  const chunks: Buffer[] = []
  child.stdout?.on('data', (d: Buffer) => chunks.push(d))
  child.stderr?.on('data', (d: Buffer) => chunks.push(d))
  child.on('exit', () => { writeFile(file, Buffer.concat(chunks)).catch(() => {}) })
}

/**
 * etcd (the DCS), `nodes` Patroni-managed Postgres 15 servers and HAProxy in front, every one a
 * process of this run on loopback ports. Patroni and Postgres run as the `postgres` user.
 */
export async function startPatroniCluster (o: { nodes: number; synchronous: boolean; logDir: string }): Promise<PatroniCluster> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'patroni-'))
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString())
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString())
  await chown(dir, uid, gid)
  await mkdir(o.logDir, { recursive: true })
  const children: ChildProcess[] = []

  const [etcdClient, etcdPeer] = [await freePort(), await freePort()]
  const etcd = spawn('etcd', ['--name', 'e1', '--data-dir', path.join(dir, 'etcd'), '--enable-v2=true',
    '--listen-client-urls', `http://127.0.0.1:${etcdClient}`, '--advertise-client-urls', `http://127.0.0.1:${etcdClient}`,
    '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
    '--initial-cluster', `e1=http://127.0.0.1:${etcdPeer}`], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(etcd)
  logTo(etcd, path.join(o.logDir, 'etcd.log'))

  const nodes: PatroniNode[] = []
  for (let i = 1; i <= o.nodes; i++) {
    const name = `pg${i}`
    const [pgPort, restPort] = [await freePort(), await freePort()]
    const dataDir = path.join(dir, name)
    const config = path.join(dir, `${name}.yml`)
    await writeFile(config, `
scope: rotation
name: ${name}
restapi: { listen: 127.0.0.1:${restPort}, connect_address: 127.0.0.1:${restPort} }
etcd: { host: 127.0.0.1:${etcdClient} }
bootstrap:
  dcs:
    ttl: 20
    loop_wait: 2
    retry_timeout: 5
    maximum_lag_on_failover: 1048576
    synchronous_mode: ${o.synchronous}
    postgresql:
      use_pg_rewind: true
      parameters: { wal_level: replica, hot_standby: 'on', max_wal_senders: 10, max_replication_slots: 10, wal_log_hints: 'on', max_connections: 200 }
  initdb: [{ encoding: UTF8 }, { locale: C }]
  pg_hba:
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
    - local all all trust
postgresql:
  listen: 127.0.0.1:${pgPort}
  connect_address: 127.0.0.1:${pgPort}
  data_dir: ${dataDir}
  bin_dir: ${PG_BIN}
  authentication:
    superuser: { username: postgres, password: ${PASSWORD} }
    replication: { username: replicator, password: ${PASSWORD} }
    rewind: { username: postgres, password: ${PASSWORD} }
  parameters: { unix_socket_directories: '${dir}', shared_buffers: 32MB, fsync: 'on' }
`)
    await chown(config, uid, gid)
    nodes.push({ name, pgPort, restPort, dataDir, patroni: startPatroni(name, config) })
  }

  function startPatroni (name: string, config: string) {
    const child = spawn('patroni', [config], { uid, gid, cwd: dir, env: { ...process.env, HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    logTo(child, path.join(o.logDir, `${name}.log`))
    return child
  }

  const haproxyPort = await freePort()
  const haproxyConfig = path.join(dir, 'haproxy.cfg')
  await writeFile(haproxyConfig, `
global
  maxconn 2000
defaults
  mode tcp
  timeout connect 2s
  timeout client 30m
  timeout server 30m
  timeout check 1s
listen primary
  bind 127.0.0.1:${haproxyPort}
  option httpchk GET /primary
  http-check expect status 200
  default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions
${nodes.map((n) => `  server ${n.name} 127.0.0.1:${n.pgPort} maxconn 500 check port ${n.restPort}`).join('\n')}
`)
  const haproxy = spawn('haproxy', ['-db', '-f', haproxyConfig], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(haproxy)
  logTo(haproxy, path.join(o.logDir, 'haproxy.log'))

  async function primary () {
    for (const n of nodes) if (await status(n.restPort, 'primary') === 200) return n
    return undefined
  }

  return {
    nodes,
    url: (database) => `postgres://postgres:${PASSWORD}@127.0.0.1:${haproxyPort}/${database}`,
    primary,
    async healthy (timeoutMs) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const p = await primary()
        const standbys = nodes.filter((n) => n !== p && n.patroni.exitCode === null && n.patroni.signalCode === null)
        const check = o.synchronous ? 'sync' : 'replica'
        const ready = p && (await Promise.all(standbys.map((n) => status(n.restPort, check)))).some((s) => s === 200)
        if (p && ready) {
          // HAProxy has marked it up too: a query through it answers.
          const client = new pg.Client({ connectionString: `postgres://postgres:${PASSWORD}@127.0.0.1:${haproxyPort}/postgres`, connectionTimeoutMillis: 1000 })
          const through = await client.connect().then(() => client.query('select pg_is_in_recovery() as r')).then((r) => !r.rows[0].r, () => false)
          await client.end().catch(() => {})
          if (through) return p
        }
        if (Date.now() > deadline) throw new Error(`the cluster did not become healthy within ${timeoutMs} ms (logs in ${o.logDir})`)
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    },
    async stallReplication (standby) {
      const client = new pg.Client({ connectionString: `postgres://postgres:${PASSWORD}@127.0.0.1:${standby.pgPort}/postgres` })
      await client.connect()
      const { rows: [row] } = await client.query<{ pid: number }>('select pid from pg_stat_wal_receiver')
      await client.end()
      if (!row) throw new Error(`${standby.name} has no WAL receiver`)
      process.kill(row.pid, 'SIGSTOP')
      return () => { try { process.kill(row.pid, 'SIGKILL') } catch { /* exited */ } }
    },
    async killNode (node) {
      const pid = Number((await readFile(path.join(node.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0])
      node.patroni.kill('SIGKILL')
      process.kill(pid, 'SIGKILL')
    },
    async stop () {
      for (const child of children.reverse()) {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM')
          await Promise.race([once(child, 'exit'), new Promise((resolve) => setTimeout(resolve, 10_000))])
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
        }
      }
      // A postmaster Patroni started outlives a killed Patroni: stop what is left by its pid file.
      for (const n of nodes) {
        const pid = Number((await readFile(path.join(n.dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0])
        if (pid > 0) { try { process.kill(pid, 'SIGKILL') } catch { /* gone */ } }
      }
      await rm(dir, { recursive: true, force: true })
    },
  }
}
