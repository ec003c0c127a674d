import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { ConfigError, parseEnv } from '../../src/config/config.js'

describe('boolean configuration variables', () => {
  it.each([
    ['true', true], ['TRUE', true], ['1', true], ['yes', true], ['on', true],
    ['false', false], ['False', false], ['0', false], ['no', false], ['off', false],
  ])('read %s as %s', (value, expected) => {
    expect(parseEnv({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: value })).toMatchObject({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: expected })
  })

  it('are false when unset or empty', () => {
    expect(parseEnv({}).WEBHOOK_ALLOW_PRIVATE_ADDRESSES).toBe(false)
    expect(parseEnv({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: '' }).WEBHOOK_ALLOW_PRIVATE_ADDRESSES).toBe(false)
  })

  it('refuse any other value, naming the variable and the accepted spellings', () => {
    expect(() => parseEnv({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'maybe' })).toThrow(ConfigError)
    expect(() => parseEnv({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'maybe' })).toThrow(/WEBHOOK_ALLOW_PRIVATE_ADDRESSES: .*"true".*"off"/)
  })
})

describe('TRUST_PROXY', () => {
  it('is off when unset, empty or false', () => {
    for (const value of [undefined, '', 'false', 'off', '0']) expect(parseEnv({ TRUST_PROXY: value }).TRUST_PROXY).toBe(false)
  })

  it('takes a hop count or a list of proxy addresses, CIDRs and presets', () => {
    expect(parseEnv({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2)
    expect(parseEnv({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.7,::1, loopback' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '192.0.2.7', '::1', 'loopback'])
  })

  it('refuses true (trust every hop) and anything that is not an address, naming what to set instead', () => {
    expect(() => parseEnv({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: trusting every proxy lets a client spoof its address/)
    expect(() => parseEnv({ TRUST_PROXY: '10.0.0.0/8,nginx' })).toThrow(/TRUST_PROXY: .*"nginx"/)
  })
})

describe('credentials given as files (NAME_FILE)', () => {
  const PEPPER = 'p'.repeat(40)
  const KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`

  function secretFile (content: string) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'config-file-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    const file = path.join(dir, 'secret')
    writeFileSync(file, content, { mode: 0o600 })
    return file
  }

  it('reads each credential from its file, without the trailing newline secret files usually end with', () => {
    const parsed = parseEnv({
      DATABASE_URL_FILE: secretFile('postgres://rotation:s3cret@db:5432/rotation\n'),
      REDIS_URL_FILE: secretFile('redis://:pw@redis:6379\n'),
      API_KEY_PEPPER_FILE: secretFile(`${PEPPER}\n`),
      SECRET_ENCRYPTION_KEYS_FILE: secretFile(`${KEYS}\n`),
    })
    expect(parsed.DATABASE_URL).toBe('postgres://rotation:s3cret@db:5432/rotation')
    expect(parsed.REDIS_URL).toBe('redis://:pw@redis:6379')
    expect(parsed.API_KEY_PEPPER).toBe(PEPPER)
    expect(parsed.SECRET_ENCRYPTION_KEYS).toEqual([{ kid: 'k1', key: Buffer.alloc(32, 7) }])
  })

  it('validates a value read from a file like one from the environment', () => {
    expect(() => parseEnv({ API_KEY_PEPPER_FILE: secretFile('too short\n') })).toThrow(/API_KEY_PEPPER: must be at least 32 characters/)
  })

  it('refuses both NAME and NAME_FILE, and a file it cannot read, naming the variable and never the value', () => {
    expect(() => parseEnv({ API_KEY_PEPPER: PEPPER, API_KEY_PEPPER_FILE: secretFile(PEPPER) }))
      .toThrow(/API_KEY_PEPPER_FILE: set API_KEY_PEPPER or API_KEY_PEPPER_FILE, not both/)
    const missing = path.join(os.tmpdir(), `no-such-secret-${process.pid}`)
    let message = ''
    try { parseEnv({ DATABASE_URL_FILE: missing }) } catch (err) { message = (err as Error).message }
    expect(message).toBe(`invalid configuration:\n  DATABASE_URL_FILE: cannot read ${missing} (ENOENT)`)
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

describe('load-shedding settings', () => {
  it('refuse the removed OVERLOAD_MAX_POOL_WAITING, naming the setting that replaced it', () => {
    expect(() => parseEnv({ OVERLOAD_MAX_POOL_WAITING: '20' })).toThrow(ConfigError)
    expect(() => parseEnv({ OVERLOAD_MAX_POOL_WAITING: '20' })).toThrow(/OVERLOAD_MAX_POOL_WAITING: removed: .* set OVERLOAD_MAX_POOL_WAIT_MS/)
  })

  it('refuse a pool wait the connect timeout would always cut short, and take 0 (off) or a shorter one', () => {
    expect(() => parseEnv({ OVERLOAD_MAX_POOL_WAIT_MS: '3000' })).toThrow(/OVERLOAD_MAX_POOL_WAIT_MS: must be below 3000 ms/)
    expect(parseEnv({ OVERLOAD_MAX_POOL_WAIT_MS: '0' }).OVERLOAD_MAX_POOL_WAIT_MS).toBe(0)
    expect(parseEnv({ OVERLOAD_MAX_POOL_WAIT_MS: '2000' }).OVERLOAD_MAX_POOL_WAIT_MS).toBe(2000)
  })
})
