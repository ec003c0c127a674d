#!/usr/bin/env node
import { realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { CLIENT_ERROR_CODES, RotationClientError } from '../errors.js'
import { createRotationClient, type RotatedSecret, type RotatedSigningKey, type RotationDone } from '../rotation-client.js'

/** Where the command writes (the same shape as the server's admin CLI). */
interface AdminIo { stdout: (s: string) => void; stderr: (s: string) => void }

export const API_KEY_ENV = 'WEBHOOK_ROTATION_API_KEY'

export const ROTATE_USAGE = `usage: webhook-secret-rotation rotate --api-url <url> --state-file <path> [--json]
       webhook-secret-rotation pickup --api-url <url> [--state-file <path>] [--json]

rotate: rotates the webhook signing secret of the API key in ${API_KEY_ENV} and prints the new
secret once. If it is interrupted (crash, timeout, kill), run the same command with the same
--state-file: it finishes the same rotation and prints the same secret; it never rotates twice.

pickup: prints the secrets the key's rotation schedule made that nobody picked up yet, oldest
first, acknowledging each once printed; nothing pending prints nothing (with --json) or says so.
Interrupted before an acknowledgement, it prints the same secret again the next time.
(The --state-file of pickup is not rotate's: use another path.)

exit codes: 0 done (secrets printed, rotations acknowledged), 1 refused (error: <CODE>: <message>),
2 bad command line

<CODE> is the service's (its page: <api-url>/v1/errors/<CODE>), or one of the client's own:
${Object.entries(CLIENT_ERROR_CODES).map(([code, meaning]) => `  ${code}: ${meaning}`).join('\n')}
`

interface RotateCommand { command: 'rotate' | 'pickup'; apiUrl: string; stateFile: string | undefined; json: boolean }

function parse (argv: string[]): RotateCommand | 'help' {
  const [command, ...rest] = argv
  if (command === '--help' || command === '-h') return 'help'
  if (command !== 'rotate' && command !== 'pickup') throw new TypeError(command === undefined ? 'no command given' : 'unknown command (the commands are "rotate" and "pickup")')
  const { values } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: false,
    options: { 'api-url': { type: 'string' }, 'state-file': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) return 'help'
  if (values['api-url'] === undefined) throw new TypeError('--api-url is required')
  if (values['state-file'] === undefined && command === 'rotate') throw new TypeError('--state-file is required')
  let url: URL
  try { url = new URL(values['api-url']) } catch { throw new TypeError('--api-url is not a URL') }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('--api-url must be http(s)')
  return { command, apiUrl: url.toString(), stateFile: values['state-file'], json: values.json === true }
}

function formatSecret (s: RotatedSecret) {
  return [
    `rotation               ${s.rotationId}`,
    `secret                 ${s.secret}`,
    `rotatedAt              ${s.rotatedAt}`,
    `previousRetainedUntil  ${s.previousRetainedUntil}`,
    '',
    'Store the secret now: it is not shown again (the rotation is acknowledged once this is printed).',
    '',
  ].join('\n')
}

function formatKeyPair (d: RotationDone & { signingKey: RotatedSigningKey }) {
  return [
    `rotation               ${d.rotationId}`,
    `publicKey              ${d.signingKey.publicKey}`,
    `kid                    ${d.signingKey.kid}`,
    `rotatedAt              ${d.rotatedAt}`,
    '',
    'This key signs with ed25519: nothing secret was handed over. Receivers that read the key\'s JWKS',
    'pick the new public key up by themselves; it is also in GET /v1/auth/api-keys/me/webhook-secret.',
    '',
  ].join('\n')
}

/** The `rotate` command; returns its exit code. Errors are `error: <CODE>: <message>` like the admin CLI's. */
export async function runRotationCommand (argv: string[], env: Record<string, string | undefined>, io: AdminIo): Promise<number> {
  const json = argv.includes('--json')
  const refuse = (code: string, message: string) => {
    if (json) io.stdout(`${JSON.stringify({ error: { code, message } })}\n`)
    else io.stderr(`error: ${code}: ${message}\n`)
    return 1
  }
  let cmd: RotateCommand | 'help'
  try {
    cmd = parse(argv)
  } catch (err) {
    // Node's own messages may quote a value, which could be a pasted key; ours never do.
    const message = err instanceof TypeError && !('code' in err) ? err.message : 'unknown or malformed option'
    if (json) io.stdout(`${JSON.stringify({ error: { code: 'VALIDATION_FAILED', message } })}\n`)
    io.stderr(`error: ${message}\n\n${ROTATE_USAGE}`)
    return 2
  }
  if (cmd === 'help') { io.stdout(ROTATE_USAGE); return 0 }
  const apiKey = env[API_KEY_ENV]
  if (!apiKey) return refuse('API_KEY_MISSING', `set ${API_KEY_ENV} to the API key whose secret to ${cmd.command === 'rotate' ? 'rotate' : 'pick up'}`)

  const client = createRotationClient({ apiUrl: cmd.apiUrl, apiKey })
  const { json: asJson } = cmd
  let handedOver = false
  const onSecret = (s: RotatedSecret) => { handedOver = true; io.stdout(asJson ? `${JSON.stringify(s)}\n` : formatSecret(s)) }
  try {
    if (cmd.command === 'rotate') {
      const done = await client.rotateSecret({ stateFile: cmd.stateFile!, onSecret })
      const { signingKey } = done
      if (!handedOver && signingKey) io.stdout(asJson ? `${JSON.stringify(done)}\n` : formatKeyPair({ ...done, signingKey }))
    } else {
      const picked = await client.pickup({ ...(cmd.stateFile === undefined ? {} : { stateFile: cmd.stateFile }), onSecret })
      if (picked.length === 0 && !asJson) io.stdout('Nothing to pick up: no scheduled rotation holds a secret for this key.\n')
    }
    return 0
  } catch (err) {
    if (err instanceof RotationClientError) return refuse(err.code, err.message)
    const code = (err as NodeJS.ErrnoException).code
    if (typeof code === 'string' && code.startsWith('E')) return refuse('STATE_FILE_UNWRITABLE', `${cmd.stateFile ?? 'the state file'}: ${code}`)
    return refuse('INTERNAL_ERROR', err instanceof Error ? err.message : String(err))
  }
}

function invokedDirectly () {
  if (process.argv[1] === undefined) return false
  // npm's bin shim is a symlink; compare real paths.
  try { return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href } catch { return false }
}

if (invokedDirectly()) {
  process.exitCode = await runRotationCommand(process.argv.slice(2), process.env, {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  })
}
