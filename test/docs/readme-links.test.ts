import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\- ]/gu, '').replace(/ /g, '-')

async function markdownFiles () {
  return ['README.md', ...(await readdir('docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))]
}

/** Relative links of a Markdown text outside code blocks: [text](target). */
function relativeLinks (text: string) {
  const prose = text.replace(/```[\s\S]*?```/g, '')
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/.test(t))
}

describe('README and docs/', () => {
  it('keep the README within 300 lines, with every docs page linked from it', async () => {
    const readme = await readFile('README.md', 'utf8')
    expect(readme.split('\n').length).toBeLessThanOrEqual(300)
    for (const file of (await markdownFiles()).filter((f) => f !== 'README.md')) expect(readme, file).toContain(`](${file})`)
  })

  it('link only to files and headings that exist', async () => {
    for (const file of await markdownFiles()) {
      const text = await readFile(file, 'utf8')
      for (const link of relativeLinks(text)) {
        const [target, anchor] = link.split('#') as [string, string | undefined]
        const resolved = target === '' ? file : path.join(path.dirname(file), target)
        expect(existsSync(resolved), `${file} → ${link}`).toBe(true)
        if (anchor === undefined) continue
        const headings = (await readFile(resolved, 'utf8')).split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => slug(l.replace(/^#+ /, '')))
        expect(headings, `${file} → ${link}`).toContain(anchor)
      }
    }
  })
})
