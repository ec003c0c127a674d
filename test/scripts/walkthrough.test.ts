import { execFile } from 'node:child_process'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { npmStart, tempDataDir } from '../fixtures/npm-start.js'

const run = promisify(execFile)

/** The command lines of the README's walkthrough (its sh blocks, without the output comments). */
async function readmeCommands () {
  const readme = await readFile('README.md', 'utf8')
  const section = readme.slice(readme.indexOf('## Walkthrough with curl'))
  const body = section.slice(0, section.indexOf('\n## ', 3))
  return [...body.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n')).filter((l) => l.trim() !== '' && !l.startsWith('#'))
}

/** The script's output by step (`### name` lines). */
function steps (output: string) {
  const parts = output.split(/^### (.+)$/m)
  const byName: Record<string, string> = {}
  for (let i = 1; i < parts.length; i += 2) byName[parts[i]!] = parts[i + 1]!.trim()
  return byName
}

const lastJson = (text: string) => JSON.parse(text.slice(text.lastIndexOf('\n{') + 1))

let dataDir: string
let cleanup: () => Promise<void>
beforeAll(async () => { ({ dataDir, cleanup } = await tempDataDir()) })
afterAll(async () => { await cleanup() })

describe('the README walkthrough', () => {
  it('is scripts/walkthrough.sh line for line', async () => {
    const script = (await readFile('scripts/walkthrough.sh', 'utf8')).split('\n')
    const commands = await readmeCommands()
    expect(commands.length).toBeGreaterThan(10)
    for (const line of commands) expect(script, line).toContain(line)
    expect(script.filter((l) => !l.startsWith('#')).join('\n')).not.toMatch(/uuidgen|jq /)
  })

  it('gives what the README shows when run in order against npm start, on a machine without uuidgen', async () => {
    const start = npmStart(dataDir)
    const { apiUrl } = await start.started()
    // Whatever this machine has, uuidgen is "not installed" for the script.
    const bin = await mkdtemp(path.join(os.tmpdir(), 'rotation-no-uuidgen-'))
    await writeFile(path.join(bin, 'uuidgen'), '#!/bin/sh\necho "uuidgen: command not found" >&2\nexit 127\n')
    await chmod(bin, 0o755)
    await chmod(path.join(bin, 'uuidgen'), 0o755)
    try {
      const { stdout } = await run('bash', ['scripts/walkthrough.sh'], {
        env: { ...process.env, API_URL: apiUrl, DATA_DIR: dataDir, PATH: `${bin}:${process.env.PATH}` },
        timeout: 300_000,
      })
      const s = steps(stdout)
      const rotated = JSON.parse(s.rotate!)
      const { secret, rotationId } = rotated.webhookSecret
      expect(secret).toMatch(/^whsec_/)
      expect(rotated._meta.message).toMatch(/^Webhook secret rotated\./)

      expect(s.replay).toMatch(/^HTTP\/1\.1 200 OK$/m)
      expect(s.replay).toMatch(/^idempotent-replay: true$/m)
      expect(lastJson(s.replay!)).toMatchObject({ webhookSecret: { secret, rotationId }, _meta: { idempotent: true } })

      expect(s.cooldown).toMatch(/^HTTP\/1\.1 429 /m)
      expect(s.cooldown).toMatch(/^x-error-code: WEBHOOK_SECRET_ROTATION_COOLDOWN$/m)
      expect(s.cooldown).toMatch(/^retry-after: \d+$/m)
      expect(s.cooldown).toContain(`link: </v1/auth/api-keys/me/webhook-secret/rotations/${rotationId}>; rel="related"`)
      expect(lastJson(s.cooldown!)).toMatchObject({ status: 429, code: 'WEBHOOK_SECRET_ROTATION_COOLDOWN', rotationId, secretRecoverable: true })

      expect(JSON.parse(s.rotation!).rotation).toMatchObject({ id: rotationId, status: 'succeeded', secretHeld: true, secret })
      const listed = JSON.parse(s.rotations!).data
      expect(listed[0]).toMatchObject({ id: rotationId, secretHeld: true })
      expect(listed[0]).not.toHaveProperty('secret')

      expect(JSON.parse(s.acknowledge!).rotation).toMatchObject({ id: rotationId, secretHeld: false, secretErasedReason: 'acknowledged', secret: null })

      const [accepted, polled] = s['respond-async']!.split('\n')
      expect(JSON.parse(accepted!).rotation).toMatchObject({ status: 'queued', secret: null })
      expect(JSON.parse(polled!).rotation).toMatchObject({ id: JSON.parse(accepted!).rotation.id, status: 'succeeded', secret: expect.stringMatching(/^whsec_/) })

      const metadata = JSON.parse(s.metadata!).webhookSecret
      expect(metadata).toMatchObject({ secretVersion: 2, webhookUrl: 'https://webhooks.example.invalid/hooks', cooldownEndsAt: expect.any(String) })
      expect(s.metadata).not.toMatch(/whsec_/)

      // The demo URL's failing deliveries, and everything else, logged nothing at warn or above.
      const warnings = start.output.split('\n').filter((l) => l.startsWith('{') && (JSON.parse(l) as { level: number }).level >= 40)
      expect(warnings).toEqual([])
    } finally {
      await rm(bin, { recursive: true, force: true })
    }
  })
})
