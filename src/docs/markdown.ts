/**
 * Escaping for Markdown output (CommonMark/GFM), so catalogue text renders as the same text in
 * any Markdown viewer: no emphasis, links, images, raw HTML or entities can come from it.
 */

// Inline punctuation that can start markup anywhere in a line, and `&` (entities).
const INLINE = /[\\`*_[\]<>|~&]/g
// GFM turns bare URLs into links; an escaped `:` or `.` keeps them text.
const AUTOLINK = /\b(https?|ftp)(:\/\/)|\b(www)(\.)/gi
// Constructs that only count at the start of a line: headings, lists, quotes, setext underlines.
const LINE_START = /^(\s*)([#>+=-]|\d+[.)])/

export function escapeMarkdown (text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(INLINE, '\\$&').replace(AUTOLINK, (_m, scheme?: string, sep?: string, www?: string, dot?: string) => scheme ? `${scheme}\\${sep}` : `${www}\\${dot}`).replace(LINE_START, (_m, space: string, mark: string) => `${space}${mark.replace(/[#>+=\-.)]$/, '\\$&')}`)
}

/** A code span that holds any text: its fence is longer than any backtick run inside. */
export function codeSpan (text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ')
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${flat}${pad}${fence}`
}

/** A fenced code block that holds any text. */
export function codeBlock (text: string, info = ''): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  return `${fence}${info}\n${text}\n${fence}`
}

/** A link to a path this service built; `label` is Markdown already (escaped text or a code span). */
export function link (label: string, path: string): string {
  const target = /^[\w/.~%:@!$&'*+,;=?#-]*$/.test(path) ? path : `<${path.replace(/[<>\s\\]/g, encodeURIComponent)}>`
  return `[${label}](${target})`
}
