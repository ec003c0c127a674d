import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { enginesMismatches, supportedLineMinimums } from '../../scripts/check-engines.js'

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as Parameters<typeof enginesMismatches>[0]

describe('supported Node versions', () => {
  it('every locked package declares support for the oldest release of each Node line package.json supports', () => {
    const minimums = supportedLineMinimums(pkg.engines.node)
    expect(minimums).toContain('20.19.0')
    expect(enginesMismatches(lock, minimums)).toEqual([])
  })

  it('names a package whose engines field leaves out a supported line', () => {
    const fake = { packages: { '': {}, 'node_modules/cookie': { version: '2.0.2', engines: { node: '>=22' } } } }
    expect(enginesMismatches(fake, ['20.19.0', '22.13.0'])).toEqual([
      { name: 'node_modules/cookie', version: '2.0.2', engines: '>=22', excludes: ['20.19.0'], dev: false },
    ])
  })
})
