// Groups a CPU profile (`node --cpu-prof`) by what the service's code asked for: each sample goes
// to the outermost npm package on its stack (loading fastify counts ajv, which fastify requires),
// else to the bundle's own code, Node's internals, GC or idle. Used for docs/performance.md's
// start-up profile. Usage: node bench/lib/profile-by-package.mjs FILE.cpuprofile [seconds]
import { readFileSync } from 'node:fs'

const [file, seconds] = process.argv.slice(2)
const profile = JSON.parse(readFileSync(file, 'utf8'))
const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const parent = new Map()
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
const packageOf = (url) => /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1]
const limitUs = seconds === undefined ? Infinity : Number(seconds) * 1e6

const shares = {}
let elapsed = 0
let total = 0
for (let i = 0; i < profile.samples.length && elapsed <= limitUs; i++) {
  const dt = profile.timeDeltas[i]
  elapsed += dt
  const leaf = byId.get(profile.samples[i]).callFrame.functionName
  let key = ['(idle)', '(garbage collector)', '(program)'].includes(leaf) ? leaf : undefined
  if (!key) {
    let outer
    let own = false
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const url = byId.get(id).callFrame.url
      outer = packageOf(url) ?? outer
      own ||= url.includes('/dist/')
    }
    key = outer ?? (own ? 'own code (bundle)' : 'node internals')
  }
  shares[key] = (shares[key] ?? 0) + dt
  total += dt
}
console.log(`${Math.round(total / 1000)} ms sampled`)
for (const [key, us] of Object.entries(shares).sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  console.log(`${String(Math.round(us / 1000)).padStart(6)} ms ${(100 * us / total).toFixed(1).padStart(5)} %  ${key}`)
}
