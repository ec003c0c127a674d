import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { runVerifyCli } from '../../src/cli/verify.js'
import { signPayload } from '@webhook-secret-rotation/signing'

const CURRENT = 'whsec_cli_current'
const PREVIOUS = 'whsec_cli_previous'
const T = 1_700_000_000_000
const BODY = '{"id":"evt_cli","amount":42}'
const NOW = ['--now-ms', String(T)]

function run (argv: string[]) {
  let stdout = ''
  let stderr = ''
  const code = runVerifyCli(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    readFile: (p) => readFileSync(p),
  })
  return { code, stdout, stderr, all: stdout + stderr }
}

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'verify-cli-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function writeTemp (name: string, content: string | Buffer): string {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}

describe('runVerifyCli', () => {
  const header = signPayload(BODY, [CURRENT, PREVIOUS], T)

  it('exits 0 and reports the matched secret (1-based)', () => {
    const r = run(['--signature', header, '--body', BODY, '--secret', CURRENT, ...NOW])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('valid (matched secret #1)\n')
  })

  it('numbers secrets in command-line order across --secret and --secret-file', () => {
    const prevHeader = signPayload(BODY, [PREVIOUS], T)
    const file = writeTemp('prev.secret', `${PREVIOUS}\n`)
    const r = run(['--signature', prevHeader, '--body', BODY, '--secret', 'whsec_x', '--secret-file', file, '--secret', CURRENT, ...NOW])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('valid (matched secret #2)\n')
  })

  it('reads a secret file, trimming trailing whitespace', () => {
    const file = writeTemp('cur.secret', `${CURRENT}  \r\n\n`)
    const r = run(['--signature', header, '--body', BODY, '--secret-file', file, ...NOW])
    expect(r.code).toBe(0)
  })

  it('reads the body file as raw bytes without trimming', () => {
    const withNewline = `${BODY}\n`
    const file = writeTemp('body.json', withNewline)
    const good = signPayload(withNewline, [CURRENT], T)
    expect(run(['--signature', good, '--body-file', file, '--secret', CURRENT, ...NOW]).code).toBe(0)
    // A header over the trimmed body must not verify against the untrimmed file.
    expect(run(['--signature', header, '--body-file', file, '--secret', CURRENT, ...NOW]).code).toBe(1)
  })

  it('exits 1 with reason and message on failure', () => {
    const r = run(['--signature', header, '--body', `${BODY}x`, '--secret', CURRENT, ...NOW])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^invalid: signature_mismatch: .+\n$/)
  })

  it('honours --tolerance-ms and --now-ms', () => {
    const args = ['--signature', header, '--body', BODY, '--secret', CURRENT]
    expect(run([...args, '--now-ms', String(T + 10_000), '--tolerance-ms', '10000']).code).toBe(0)
    const r = run([...args, '--now-ms', String(T + 10_001), '--tolerance-ms', '10000'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^invalid: timestamp_too_old: /)
  })

  it('prints JSON with --json', () => {
    const ok = run(['--signature', header, '--body', BODY, '--secret', 'whsec_x', '--secret', PREVIOUS, '--json', ...NOW])
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout)).toEqual({ valid: true, matchedIndex: 1 })

    const bad = run(['--signature', 'garbage', '--body', BODY, '--secret', CURRENT, '--json', ...NOW])
    expect(bad.code).toBe(1)
    expect(JSON.parse(bad.stdout)).toEqual({ valid: false, reason: 'header_malformed' })
  })

  it.each([
    ['missing --signature', ['--body', BODY, '--secret', CURRENT]],
    ['no body', ['--signature', 't=1,v1=00', '--secret', CURRENT]],
    ['no secret', ['--signature', 't=1,v1=00', '--body', BODY]],
    ['both --body and --body-file', ['--signature', 't=1', '--body', BODY, '--body-file', '/nonexistent', '--secret', CURRENT]],
    ['unknown flag', ['--signature', 't=1', '--body', BODY, '--secret', CURRENT, '--bogus']],
    ['non-numeric --tolerance-ms', ['--signature', 't=1', '--body', BODY, '--secret', CURRENT, '--tolerance-ms', 'ten']],
    ['unreadable secret file', ['--signature', 't=1', '--body', BODY, '--secret-file', '/nonexistent/secret']],
    ['empty --secret', ['--signature', 't=1', '--body', BODY, '--secret', '']],
  ])('exits 2 with usage for %s', (_label, argv) => {
    const r = run(argv)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^error: .+\nusage: /)
  })

  it('never prints a secret, in any mode or outcome', () => {
    const file = writeTemp('leak.secret', `${PREVIOUS}\n`)
    const cases: string[][] = [
      ['--signature', header, '--body', BODY, '--secret', CURRENT, '--secret-file', file, ...NOW],
      ['--signature', header, '--body', 'tampered', '--secret', CURRENT, '--secret-file', file, ...NOW],
      ['--signature', header, '--body', 'tampered', '--secret', CURRENT, '--secret-file', file, '--json', ...NOW],
      ['--signature', header, '--secret', CURRENT, '--secret-file', file],
      // A stray positional (e.g. a secret pasted without its flag) must not be echoed back.
      ['--signature', header, '--body', BODY, CURRENT],
    ]
    for (const argv of cases) {
      const r = run(argv)
      expect(r.all).not.toContain(CURRENT)
      expect(r.all).not.toContain(PREVIOUS)
    }
  })
})
