/** Markup that is already safe; everything else interpolated into `html` is escaped. */
export class SafeHtml {
  constructor (readonly value: string) {}
  toString () { return this.value }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml (value: string) {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

function render (value: unknown): string {
  if (value instanceof SafeHtml) return value.value
  if (Array.isArray(value)) return value.map(render).join('')
  if (value === null || value === undefined || value === false) return ''
  if (value instanceof Date) return escapeHtml(value.toISOString())
  return escapeHtml(String(value))
}

/**
 * A tagged template that escapes every interpolated value (text and attribute context, quoted
 * attributes only) unless it is SafeHtml from another `html` call. Twenty lines instead of a view
 * engine: the console has a handful of pages and no layout logic beyond this.
 */
export function html (strings: TemplateStringsArray, ...values: unknown[]) {
  let out = strings[0]!
  values.forEach((value, i) => { out += render(value) + strings[i + 1]! })
  return new SafeHtml(out)
}
