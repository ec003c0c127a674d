/**
 * A minimal escaping HTML template: every interpolated value is escaped unless it is already
 * `SafeHtml` (the result of another `html` template). Pages are a few fixed layouts, so this is
 * all the templating they need; no template engine, no build step.
 */
export class SafeHtml {
  constructor (readonly value: string) {}
  toString () { return this.value }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

type Interpolation = SafeHtml | string | number | readonly SafeHtml[]

function render (value: Interpolation): string {
  if (value instanceof SafeHtml) return value.value
  if (Array.isArray(value)) return value.map((v: SafeHtml) => v.value).join('')
  return escapeHtml(String(value))
}

export function html (strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]!) : ''), ''))
}
