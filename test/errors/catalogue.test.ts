import { describe, expect, it } from 'vitest'
import { ERROR_AREAS, ERROR_CATALOGUE, type ErrorEntry } from '../../src/errors/catalogue.js'
import { fixCases } from '../../src/errors/catalogue-text.js'

const entries = Object.entries(ERROR_CATALOGUE) as [string, ErrorEntry][]
const REQUIRED_TEXT = ['title', 'when', 'why'] as const
const HOW_TO_ADD = 'every code needs every field of ErrorEntry: see the comment at the top of src/errors/catalogue.ts'

describe('the error catalogue', () => {
  it('gives every code a status, title, area, when, why, fix, headers, related codes and retrySafe', () => {
    for (const [code, entry] of entries) {
      const missing = [
        ...REQUIRED_TEXT.filter((f) => typeof entry[f] !== 'string' || entry[f].trim() === ''),
        ...(Number.isInteger(entry.status) && entry.status >= 400 && entry.status < 600 ? [] : ['status']),
        ...(Object.hasOwn(ERROR_AREAS, entry.area ?? '') ? [] : [`area (one of ${Object.keys(ERROR_AREAS).join(', ')})`]),
        ...(entry.fix !== undefined && fixCases(entry).length > 0 && fixCases(entry).every((c) => c.then.trim() !== '' && c.if?.trim() !== '') ? [] : ['fix']),
        ...(Array.isArray(entry.headers) && entry.headers.every((h) => h.name && h.meaning) ? [] : ['headers (a list; [] when none)']),
        ...(Array.isArray(entry.related) ? [] : ['related (a list of codes)']),
        ...(typeof entry.retrySafe === 'boolean' ? [] : ['retrySafe']),
      ]
      expect(missing, `ERROR_CATALOGUE.${code} lacks ${missing.join(', ')}; ${HOW_TO_ADD}`).toEqual([])
    }
  })

  it('relates every code to at least one other catalogued code, never to itself', () => {
    for (const [code, entry] of entries) {
      expect(entry.related.length, `ERROR_CATALOGUE.${code}.related is empty; ${HOW_TO_ADD}`).toBeGreaterThan(0)
      for (const related of entry.related) {
        expect(Object.hasOwn(ERROR_CATALOGUE, related), `ERROR_CATALOGUE.${code}.related names ${related}, which is not a code`).toBe(true)
        expect(related, `ERROR_CATALOGUE.${code} relates to itself`).not.toBe(code)
      }
    }
  })

  it('documents a Retry-After header exactly for the codes that ask the caller to wait for it', () => {
    for (const [code, entry] of entries) {
      const documented = entry.headers.some((h) => h.name === 'Retry-After')
      const advised = fixCases(entry).some((c) => c.then.includes('`Retry-After`'))
      expect(documented, `${code}: its fix mentions Retry-After, so its headers must document it (and vice versa)`).toBe(advised)
    }
  })

  it('splits the cooldown\'s fix by situation: wait when you have the secret, fetch it while recoverable, else an operator recovery', () => {
    const cooldown = ERROR_CATALOGUE.WEBHOOK_SECRET_ROTATION_COOLDOWN
    const cases = fixCases(cooldown)
    expect(cases).toHaveLength(3)
    expect(cases[0]!.if).toMatch(/have the new secret/)
    expect(cases[0]!.then).toMatch(/Retry-After/)
    expect(cases[1]!.if).toMatch(/lost it.*secretRecoverable.*true/)
    expect(cases[1]!.then).toMatch(/rotationId.*Link/)
    expect(cases[2]!.if).toMatch(/lost it.*secretRecoverable.*false/)
    expect(cases[2]!.then).toMatch(/operator for a recovery rotation/)
    expect(cases[1]!.then).toMatch(/Do not rotate again/)
    // Since issue 16 a second rotation cannot corrupt the rollback target, and the page says why.
    expect(cases[2]!.then).toMatch(/keeps signing for its window/)
    expect(cooldown.why).toMatch(/keeps every secret you may hold signing/)
    expect(cooldown.why).toMatch(/newest secret you confirmed/)
    expect(cooldown.why).toMatch(/fetches it/)
    expect(cooldown.headers.map((h) => h.name)).toEqual(expect.arrayContaining(['Retry-After', 'Link', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']))
  })
})
