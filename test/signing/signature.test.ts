import { describe, it, expect } from 'vitest'
import {
  DEFAULT_TOLERANCE_MS,
  SIGNATURE_HEADER,
  signPayload,
  verifySignature,
} from '@webhook-secret-rotation/signing'

const CURRENT = 'whsec_test_current'
const PREVIOUS = 'whsec_test_previous'
const T = 1_700_000_000_000
const BODY = '{"id":"evt_1","type":"secret.rotated"}'
const UTF8_BODY = '{"note":"café ☕"}'

// Vectors computed independently of this module (both commands agree):
//   printf '%s' '1700000000000.{"id":"evt_1","type":"secret.rotated"}' | openssl dgst -sha256 -hmac 'whsec_test_current'
//   python3 -c 'import hmac,hashlib;print(hmac.new(b"whsec_test_current", b"1700000000000.{\"id\":\"evt_1\",\"type\":\"secret.rotated\"}", hashlib.sha256).hexdigest())'
const HEX_CURRENT = '53da7d823ce8af96fd529b4405169f5a72456d6d3463f1acc366315949a9be56'
//   printf '%s' '1700000000000.{"id":"evt_1","type":"secret.rotated"}' | openssl dgst -sha256 -hmac 'whsec_test_previous'
//   python3 -c 'import hmac,hashlib;print(hmac.new(b"whsec_test_previous", b"1700000000000.{\"id\":\"evt_1\",\"type\":\"secret.rotated\"}", hashlib.sha256).hexdigest())'
const HEX_PREVIOUS = '9838f486eecb29e9a606efbd2aa8157a8b7f13dfa3d4b4a0a448f18e06f0d834'
//   printf '%s' '1700000000000.{"note":"café ☕"}' | openssl dgst -sha256 -hmac 'whsec_test_current'   (UTF-8 terminal)
//   python3 -c 'import hmac,hashlib;print(hmac.new(b"whsec_test_current", "1700000000000.{\"note\":\"café ☕\"}".encode(), hashlib.sha256).hexdigest())'
const HEX_UTF8_CURRENT = 'ce90caf0fc69e05aea82f707ac8a285771328721874953d3c070bcca65f517cf'

const at = (now: number, toleranceMs?: number) => ({ now, ...(toleranceMs !== undefined && { toleranceMs }) })

describe('constants', () => {
  it('exports the header name and default tolerance', () => {
    expect(SIGNATURE_HEADER).toBe('X-Kash-Signature')
    expect(DEFAULT_TOLERANCE_MS).toBe(300_000)
  })
})

describe('signPayload', () => {
  it('matches the independently computed vector for one secret', () => {
    expect(signPayload(BODY, [CURRENT], T)).toBe(`t=${T},v1=${HEX_CURRENT}`)
  })

  it('emits one shared t and one v1 per secret, in the given order', () => {
    expect(signPayload(BODY, [CURRENT, PREVIOUS], T)).toBe(`t=${T},v1=${HEX_CURRENT},v1=${HEX_PREVIOUS}`)
    expect(signPayload(BODY, [PREVIOUS, CURRENT], T)).toBe(`t=${T},v1=${HEX_PREVIOUS},v1=${HEX_CURRENT}`)
  })

  it('signs the raw UTF-8 bytes of the body', () => {
    expect(signPayload(UTF8_BODY, [CURRENT], T)).toBe(`t=${T},v1=${HEX_UTF8_CURRENT}`)
    expect(signPayload(Buffer.from(UTF8_BODY, 'utf8'), [CURRENT], T)).toBe(`t=${T},v1=${HEX_UTF8_CURRENT}`)
  })

  it('rejects empty secret lists, empty secrets and invalid timestamps', () => {
    expect(() => signPayload(BODY, [], T)).toThrow(TypeError)
    expect(() => signPayload(BODY, [''], T)).toThrow(TypeError)
    expect(() => signPayload(BODY, [CURRENT], -1)).toThrow(RangeError)
    expect(() => signPayload(BODY, [CURRENT], 1.5)).toThrow(RangeError)
  })
})

describe('verifySignature', () => {
  const both = `t=${T},v1=${HEX_CURRENT},v1=${HEX_PREVIOUS}`

  it('accepts the fixed vector header with the current secret', () => {
    expect(verifySignature(BODY, `t=${T},v1=${HEX_CURRENT}`, CURRENT, at(T))).toEqual({
      ok: true,
      matchedIndex: 0,
      timestampMs: T,
    })
  })

  it('accepts a dual-signed header with the current secret alone, the previous alone, or both', () => {
    expect(verifySignature(BODY, both, [CURRENT], at(T))).toMatchObject({ ok: true, matchedIndex: 0 })
    expect(verifySignature(BODY, both, [PREVIOUS], at(T))).toMatchObject({ ok: true, matchedIndex: 0 })
    expect(verifySignature(BODY, both, [CURRENT, PREVIOUS], at(T))).toMatchObject({ ok: true, matchedIndex: 0 })
    expect(verifySignature(BODY, both, ['whsec_other', PREVIOUS], at(T))).toMatchObject({ ok: true, matchedIndex: 1 })
  })

  it('accepts a header signed only with the previous secret when the verifier holds both', () => {
    const header = signPayload(BODY, [PREVIOUS], T)
    expect(verifySignature(BODY, header, [CURRENT, PREVIOUS], at(T))).toMatchObject({ ok: true, matchedIndex: 1 })
  })

  it('accepts uppercase hex', () => {
    expect(verifySignature(BODY, `t=${T},v1=${HEX_CURRENT.toUpperCase()}`, CURRENT, at(T)).ok).toBe(true)
  })

  it('rejects a tampered body', () => {
    expect(verifySignature(`${BODY} `, both, [CURRENT, PREVIOUS], at(T))).toMatchObject({
      ok: false,
      reason: 'signature_mismatch',
    })
  })

  it('rejects a wrong secret', () => {
    expect(verifySignature(BODY, both, 'whsec_wrong', at(T))).toMatchObject({ ok: false, reason: 'signature_mismatch' })
  })

  it('rejects a tampered timestamp even when inside tolerance', () => {
    const header = `t=${T + 1},v1=${HEX_CURRENT}`
    expect(verifySignature(BODY, header, CURRENT, at(T))).toMatchObject({ ok: false, reason: 'signature_mismatch' })
  })

  it('rejects stale and future timestamps', () => {
    const header = `t=${T},v1=${HEX_CURRENT}`
    expect(verifySignature(BODY, header, CURRENT, at(T + 600_000))).toMatchObject({
      ok: false,
      reason: 'timestamp_too_old',
    })
    expect(verifySignature(BODY, header, CURRENT, at(T - 600_000))).toMatchObject({
      ok: false,
      reason: 'timestamp_in_future',
    })
  })

  it('accepts exactly at the tolerance and rejects one ms beyond, in both directions', () => {
    const header = `t=${T},v1=${HEX_CURRENT}`
    expect(verifySignature(BODY, header, CURRENT, at(T + DEFAULT_TOLERANCE_MS)).ok).toBe(true)
    expect(verifySignature(BODY, header, CURRENT, at(T + DEFAULT_TOLERANCE_MS + 1))).toMatchObject({
      reason: 'timestamp_too_old',
    })
    expect(verifySignature(BODY, header, CURRENT, at(T - DEFAULT_TOLERANCE_MS)).ok).toBe(true)
    expect(verifySignature(BODY, header, CURRENT, at(T - DEFAULT_TOLERANCE_MS - 1))).toMatchObject({
      reason: 'timestamp_in_future',
    })
    expect(verifySignature(BODY, header, CURRENT, at(T + 1000, 1000)).ok).toBe(true)
    expect(verifySignature(BODY, header, CURRENT, at(T + 1001, 1000))).toMatchObject({ reason: 'timestamp_too_old' })
  })

  it('uses Date.now() when now is not given', () => {
    const t = Date.now()
    expect(verifySignature(BODY, signPayload(BODY, [CURRENT], t), CURRENT).ok).toBe(true)
  })

  it('reports no_signatures when t is valid but there is no v1', () => {
    expect(verifySignature(BODY, `t=${T}`, CURRENT, at(T))).toMatchObject({ ok: false, reason: 'no_signatures' })
    expect(verifySignature(BODY, `t=${T},v0=${HEX_CURRENT}`, CURRENT, at(T))).toMatchObject({
      ok: false,
      reason: 'no_signatures',
    })
  })

  it('reports header_missing for undefined or empty headers', () => {
    expect(verifySignature(BODY, undefined, CURRENT, at(T))).toMatchObject({ ok: false, reason: 'header_missing' })
    expect(verifySignature(BODY, '', CURRENT, at(T))).toMatchObject({ ok: false, reason: 'header_missing' })
  })

  it.each([
    ['garbage', 'garbage'],
    ['part without =', `t=${T},v1=${HEX_CURRENT},junk`],
    ['no t', `v1=${HEX_CURRENT}`],
    ['duplicate t', `t=${T},t=${T},v1=${HEX_CURRENT}`],
    ['non-digit t', `t=abc,v1=${HEX_CURRENT}`],
    ['negative t', `t=-${T},v1=${HEX_CURRENT}`],
    ['decimal t', `t=${T}.5,v1=${HEX_CURRENT}`],
    ['empty t', `t=,v1=${HEX_CURRENT}`],
    ['unsafe-integer t', `t=99999999999999999999,v1=${HEX_CURRENT}`],
    ['short v1', `t=${T},v1=${HEX_CURRENT.slice(2)}`],
    ['non-hex v1', `t=${T},v1=${'z'.repeat(64)}`],
  ])('reports header_malformed for %s', (_label, header) => {
    expect(verifySignature(BODY, header, CURRENT, at(T))).toMatchObject({ ok: false, reason: 'header_malformed' })
  })

  it('ignores unknown keys such as v0 and splits each part on the first =', () => {
    const header = `t=${T},v0=${'0'.repeat(64)},v1=${HEX_CURRENT},x=a=b`
    expect(verifySignature(BODY, header, CURRENT, at(T))).toMatchObject({ ok: true, matchedIndex: 0 })
  })

  it('reports no_secrets for an empty secret list', () => {
    expect(verifySignature(BODY, both, [], at(T))).toMatchObject({ ok: false, reason: 'no_secrets' })
    expect(verifySignature(BODY, both, [''], at(T))).toMatchObject({ ok: false, reason: 'no_secrets' })
  })

  it('gives the same result for Buffer and string bodies', () => {
    const header = `t=${T},v1=${HEX_UTF8_CURRENT}`
    const fromString = verifySignature(UTF8_BODY, header, CURRENT, at(T))
    const fromBuffer = verifySignature(Buffer.from(UTF8_BODY, 'utf8'), header, CURRENT, at(T))
    expect(fromString).toEqual({ ok: true, matchedIndex: 0, timestampMs: T })
    expect(fromBuffer).toEqual(fromString)
    const bad = verifySignature(Buffer.from(`${UTF8_BODY}x`), header, CURRENT, at(T))
    expect(bad).toEqual(verifySignature(`${UTF8_BODY}x`, header, CURRENT, at(T)))
  })

  it('round-trips signPayload output', () => {
    const header = signPayload(BODY, [CURRENT, PREVIOUS], T)
    expect(verifySignature(BODY, header, [PREVIOUS], at(T))).toEqual({ ok: true, matchedIndex: 0, timestampMs: T })
  })

  it('does not leak secrets into failure messages', () => {
    const result = verifySignature('x', both, [CURRENT, PREVIOUS], at(T))
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.message).not.toContain(CURRENT)
      expect(result.message).not.toContain(PREVIOUS)
    }
  })
})
