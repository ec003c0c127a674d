import { describe, expect, it } from 'vitest'
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
