import { createHash } from 'node:crypto'

/** The pages' only stylesheet, inlined and allowed by its hash: no file to serve, no inline script. */
export const PAGE_CSS = `
:root { color-scheme: light; --fg: #1b1b1b; --muted: #4a4a4a; --link: #0b57d0; --line: #d6d6d6; --code-bg: #f1f3f4; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header, main, footer { max-width: 46rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1rem; }
footer { border-top: 1px solid var(--line); margin-top: 2rem; padding-bottom: 2rem; color: var(--muted); }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.75rem 0 0.25rem; }
h2 { font-size: 1.2rem; margin: 1.75rem 0 0.5rem; }
a { color: var(--link); }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
code { background: var(--code-bg); padding: 0.05em 0.3em; border-radius: 3px; }
h1, code, a, dt, dd, li, p { overflow-wrap: anywhere; }
pre { background: var(--code-bg); padding: 0.75rem; border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; }
pre code { background: none; padding: 0; }
.meta { color: var(--muted); margin-top: 0; }
.status { display: inline-block; min-width: 2.5rem; font-weight: 600; }
dt { margin-top: 0.5rem; font-weight: 600; }
dd { margin: 0.15rem 0 0 1rem; }
ul { padding-left: 1.25rem; }
li { margin: 0.35rem 0; }
@media (max-width: 30rem) { h1 { font-size: 1.35rem; } dd { margin-left: 0.5rem; } }
`

export const PAGE_CSS_HASH = `sha256-${createHash('sha256').update(PAGE_CSS).digest('base64')}`

/** No script at all, no other origin, no framing; the one style is the hashed one above. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src '${PAGE_CSS_HASH}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')
