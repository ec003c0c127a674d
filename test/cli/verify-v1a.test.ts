import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runVerifyCli } from '../../src/cli/verify.js'
import { generateSigningKeyPair, signStandardWebhookAsymmetric } from '@webhook-secret-rotation/signing'

const BODY = '{"id":"evt_cli","amount":42}'
const T = 1_700_000_000
const current = generateSigningKeyPair()
const retained = generateSigningKeyPair()
const SIGNATURE = signStandardWebhookAsymmetric('evt_cli', T, BODY, [current.privateKey])!
const BASE = ['--signature', SIGNATURE, '--webhook-id', 'evt_cli', '--webhook-timestamp', String(T), '--body', BODY, '--now-ms', String(T * 1000)]

function run (argv: string[]) {
  let stdout = ''
  let stderr = ''
  const code = runVerifyCli(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), readFile: (p) => readFileSync(p) })
  return { code, stdout, stderr }
}

describe('runVerifyCli with public keys (v1a)', () => {
  it('accepts a delivery signed by any public key given, and names which', () => {
    const res = run([...BASE, '--public-key', retained.publicKey, '--public-key', current.publicKey])
    expect(res).toEqual({ code: 0, stdout: 'valid (matched public key #2)\n', stderr: '' })
    expect(run([...BASE, '--public-key', current.publicKey, '--json']).stdout).toBe('{"valid":true,"matchedIndex":0}\n')
  })

  it('refuses another key, a changed body and an old timestamp, with the reason', () => {
    expect(run([...BASE, '--public-key', retained.publicKey, '--json'])).toMatchObject({ code: 1, stdout: '{"valid":false,"reason":"signature_mismatch"}\n' })
    expect(run([...BASE, '--body', '{}', '--public-key', current.publicKey]).stdout).toMatch(/^invalid: signature_mismatch/)
    expect(run([...BASE, '--now-ms', String((T + 301) * 1000), '--public-key', current.publicKey]).stdout).toMatch(/^invalid: timestamp_too_old/)
  })

  it('is a usage error without the Standard Webhooks headers, or with secrets and public keys at once', () => {
    expect(run(['--signature', SIGNATURE, '--body', BODY, '--public-key', current.publicKey]).code).toBe(2)
    const both = run([...BASE, '--public-key', current.publicKey, '--secret', 'whsec_x'])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('not both')
  })
})
