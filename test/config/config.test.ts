import { describe, expect, it } from 'vitest'
import { ConfigError, parseEnv } from '../../src/config/config.js'

describe('boolean configuration variables', () => {
  it.each([
    ['true', true], ['TRUE', true], ['1', true], ['yes', true], ['on', true],
    ['false', false], ['False', false], ['0', false], ['no', false], ['off', false],
  ])('read %s as %s', (value, expected) => {
    expect(parseEnv({ TRUST_PROXY: value, WEBHOOK_ALLOW_PRIVATE_ADDRESSES: value })).toMatchObject({ TRUST_PROXY: expected, WEBHOOK_ALLOW_PRIVATE_ADDRESSES: expected })
  })

  it('are false when unset or empty', () => {
    expect(parseEnv({}).TRUST_PROXY).toBe(false)
    expect(parseEnv({ TRUST_PROXY: '' }).TRUST_PROXY).toBe(false)
  })

  it('refuse any other value, naming the variable and the accepted spellings', () => {
    expect(() => parseEnv({ TRUST_PROXY: 'maybe' })).toThrow(ConfigError)
    expect(() => parseEnv({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY: .*"true".*"off"/)
  })
})

describe('database and worker-lock settings that only make sense together', () => {
  it('refuse a lock timeout that is not shorter than the statement timeout', () => {
    expect(() => parseEnv({ DATABASE_LOCK_TIMEOUT_MS: '15000' })).toThrow(/DATABASE_LOCK_TIMEOUT_MS: must be shorter than DATABASE_STATEMENT_TIMEOUT_MS/)
    expect(parseEnv({ DATABASE_LOCK_TIMEOUT_MS: '20000', DATABASE_STATEMENT_TIMEOUT_MS: '30000' }).DATABASE_LOCK_TIMEOUT_MS).toBe(20000)
  })

  it('refuse a lock renewal longer than half the lock', () => {
    expect(() => parseEnv({ WORKER_LOCK_RENEW_MS: '2500' })).toThrow(/WORKER_LOCK_RENEW_MS: must be at most half of WORKER_LOCK_DURATION_MS/)
  })

  it('require a direct URL behind a transaction pooler, and a DATABASE_URL for it', () => {
    const url = 'postgres://rotation@127.0.0.1:6432/rotation'
    expect(() => parseEnv({ DATABASE_URL: url, DATABASE_POOLER: 'transaction' })).toThrow(/DATABASE_DIRECT_URL: required with DATABASE_POOLER=transaction/)
    expect(() => parseEnv({ DATABASE_DIRECT_URL: url })).toThrow(/DATABASE_DIRECT_URL: only meaningful with DATABASE_URL/)
    expect(parseEnv({ DATABASE_URL: url, DATABASE_DIRECT_URL: url.replace('6432', '5432'), DATABASE_POOLER: 'transaction' }).DATABASE_POOLER).toBe('transaction')
  })
})
