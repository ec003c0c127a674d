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
