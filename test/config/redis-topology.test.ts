import { describe, expect, it } from 'vitest'
import { ConfigError, finalizeConfig, parseEnv } from '../../src/config/config.js'

function parseError (env: Record<string, string>) {
  try {
    parseEnv(env)
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as Error).message
  }
  throw new Error('the configuration was accepted')
}

describe('Redis topology configuration', () => {
  it('reads REDIS_CLUSTER_NODES as a list of host:port seed nodes', () => {
    expect(parseEnv({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-2:7001,[::1]:7002' }).REDIS_CLUSTER_NODES).toEqual([
      { host: '10.0.0.1', port: 7000 }, { host: 'redis-2', port: 7001 }, { host: '::1', port: 7002 },
    ])
  })

  it('reads REDIS_SENTINELS with REDIS_SENTINEL_NAME', () => {
    expect(parseEnv({ REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_SENTINEL_NAME: 'mymaster' })).toMatchObject({
      REDIS_SENTINELS: [{ host: 's1', port: 26379 }, { host: 's2', port: 26379 }], REDIS_SENTINEL_NAME: 'mymaster',
    })
  })

  it('refuses two topologies at once, naming both', () => {
    expect(parseError({ REDIS_URL: 'redis://localhost:6379', REDIS_CLUSTER_NODES: 'a:1' })).toMatch(/REDIS_CLUSTER_NODES: set only one of .*REDIS_URL and REDIS_CLUSTER_NODES/)
    expect(parseError({ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2', REDIS_SENTINEL_NAME: 'm' })).toMatch(/set only one of/)
  })

  it('refuses Sentinels without a master name, and a master name without Sentinels', () => {
    expect(parseError({ REDIS_SENTINELS: 's1:26379' })).toMatch(/REDIS_SENTINEL_NAME: required with REDIS_SENTINELS/)
    expect(parseError({ REDIS_URL: 'redis://localhost:6379', REDIS_SENTINEL_NAME: 'mymaster' })).toMatch(/REDIS_SENTINEL_NAME: only meaningful with REDIS_SENTINELS/)
  })

  it('refuses malformed node lists with the entry at fault', () => {
    expect(parseError({ REDIS_CLUSTER_NODES: 'a:1,b' })).toMatch(/REDIS_CLUSTER_NODES: each entry must be host:port \(got "b"\)/)
    expect(parseError({ REDIS_CLUSTER_NODES: 'a:70000' })).toMatch(/got "a:70000"/)
    expect(parseError({ REDIS_SENTINELS: ' , ', REDIS_SENTINEL_NAME: 'm' })).toMatch(/REDIS_SENTINELS: at least one host:port/)
  })

  it('refuses a finished configuration with no Redis at all', () => {
    const parsed = parseEnv({})
    expect(() => finalizeConfig(parsed, { DATABASE_URL: 'postgres://x/y', REDIS_URL: undefined, API_KEY_PEPPER: 'p'.repeat(32), SECRET_ENCRYPTION_KEYS: [] }))
      .toThrow(/set REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS/)
  })
})
