import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { verifySignature, verifyStandardWebhookAsymmetric } from '@webhook-secret-rotation/signing'

export interface VerifyCliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (p: string) => Buffer;
}

const USAGE = `usage: tsx src/cli/verify.ts --signature <header> (--body <string> | --body-file <path>)
         (--secret <s> | --secret-file <path>)... [--tolerance-ms N] [--now-ms N] [--json]
       tsx src/cli/verify.ts --signature <webhook-signature> --webhook-id <id> --webhook-timestamp <s>
         (--body <string> | --body-file <path>) (--public-key whpk_...)... [--tolerance-ms N] [--now-ms N] [--json]

Verifies a webhook signature header against the raw request body: X-Kash-Signature with
secrets, or the v1a entries of a Standard Webhooks webhook-signature with public keys.
--secret / --secret-file / --public-key may be repeated; they are tried in the order given.
Exit codes: 0 valid, 1 invalid, 2 bad arguments.
`

class UsageError extends Error {}

function parseNonNegativeInt (name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--${name} must be a non-negative integer`)
  }
  return Number(value)
}

function readFileOrThrow (io: VerifyCliIo, flag: string, path: string): Buffer {
  try {
    return io.readFile(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error'
    throw new UsageError(`${flag}: cannot read ${path} (${code})`)
  }
}

/** v1a: the Standard Webhooks headers as given on the command line, verified with public keys. */
function verifyV1a (body: string | Buffer, signature: string, id: string | undefined, timestamp: string | undefined, publicKeys: string[], toleranceMs?: number, nowMs?: number) {
  if (id === undefined || timestamp === undefined) throw new UsageError('--webhook-id and --webhook-timestamp are required with --public-key')
  return verifyStandardWebhookAsymmetric(body, { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature }, publicKeys, {
    ...(toleranceMs !== undefined && { toleranceSeconds: Math.floor(toleranceMs / 1000) }),
    ...(nowMs !== undefined && { nowSeconds: Math.floor(nowMs / 1000) }),
  })
}

export function runVerifyCli (argv: string[], io: VerifyCliIo): number {
  try {
    const { values, tokens } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      tokens: true,
      options: {
        signature: { type: 'string' },
        body: { type: 'string' },
        'body-file': { type: 'string' },
        secret: { type: 'string', multiple: true },
        'secret-file': { type: 'string', multiple: true },
        'public-key': { type: 'string', multiple: true },
        'webhook-id': { type: 'string' },
        'webhook-timestamp': { type: 'string' },
        'tolerance-ms': { type: 'string' },
        'now-ms': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
    if (values.help) {
      io.stdout(USAGE)
      return 0
    }
    if (values.signature === undefined) throw new UsageError('--signature is required')
    if (values.body !== undefined && values['body-file'] !== undefined) {
      throw new UsageError('use only one of --body and --body-file')
    }
    let body: string | Buffer
    if (values.body !== undefined) body = values.body
    else if (values['body-file'] !== undefined) body = readFileOrThrow(io, '--body-file', values['body-file'])
    else throw new UsageError('one of --body or --body-file is required')

    // Walk tokens rather than values so interleaved --secret/--secret-file keep command-line order,
    // which is what the reported secret number refers to.
    const secrets: string[] = []
    for (const token of tokens) {
      if (token.kind !== 'option' || token.value === undefined) continue
      if (token.name === 'secret') {
        if (token.value === '') throw new UsageError('--secret must not be empty')
        secrets.push(token.value)
      } else if (token.name === 'secret-file') {
        const secret = readFileOrThrow(io, '--secret-file', token.value).toString('utf8').replace(/\s+$/, '')
        if (secret === '') throw new UsageError(`--secret-file ${token.value} is empty`)
        secrets.push(secret)
      }
    }
    const publicKeys = values['public-key'] ?? []
    if (secrets.length > 0 && publicKeys.length > 0) throw new UsageError('use --secret for X-Kash-Signature or --public-key for v1a, not both')
    if (secrets.length === 0 && publicKeys.length === 0) throw new UsageError('at least one --secret, --secret-file or --public-key is required')

    const toleranceMs = parseNonNegativeInt('tolerance-ms', values['tolerance-ms'])
    const now = parseNonNegativeInt('now-ms', values['now-ms'])
    const result = publicKeys.length > 0
      ? verifyV1a(body, values.signature, values['webhook-id'], values['webhook-timestamp'], publicKeys, toleranceMs, now)
      : verifySignature(body, values.signature, secrets, {
        ...(toleranceMs !== undefined && { toleranceMs }),
        ...(now !== undefined && { now }),
      })

    if (values.json) {
      const out = result.ok
        ? { valid: true, matchedIndex: result.matchedIndex }
        : { valid: false, reason: result.reason }
      io.stdout(`${JSON.stringify(out)}\n`)
    } else if (result.ok) {
      io.stdout(`valid (matched ${publicKeys.length > 0 ? 'public key' : 'secret'} #${result.matchedIndex + 1})\n`)
    } else {
      io.stdout(`invalid: ${result.reason}: ${result.message}\n`)
    }
    return result.ok ? 0 : 1
  } catch (err) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown/invalid options.
    const code = String((err as NodeJS.ErrnoException).code ?? '')
    if (err instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      // Node's positional-argument message echoes the value, which may be a mistyped secret.
      const message =
        code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
          ? 'unexpected positional argument (every value must follow a flag)'
          : (err as Error).message
      io.stderr(`error: ${message}\n${USAGE}`)
      return 2
    }
    throw err
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = runVerifyCli(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readFile: (p) => readFileSync(p),
  })
}
