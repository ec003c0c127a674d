import type { ErrorEntry } from './catalogue.js'

/** A piece of catalogue text: prose, or code (what the text marks with backticks). */
export interface TextSegment { code: boolean; text: string }

/** Splits catalogue text into prose and `code` segments; an unpaired backtick stays prose. */
export function textSegments (text: string): TextSegment[] {
  const parts = text.split(/`([^`]+)`/)
  return parts.map((part, i) => ({ code: i % 2 === 1, text: part })).filter((s) => s.text !== '')
}

/** Catalogue text without its code marks, as the JSON catalogue answers it. */
export function plainText (text: string): string {
  return textSegments(text).map((s) => s.text).join('')
}

/** One case of "How to fix"; `if` is absent when the fix is the same in every situation. */
export interface FixItem { if?: string; then: string }

/** "How to fix" as cases; a single text is one case without a situation. */
export function fixCases (entry: Pick<ErrorEntry, 'fix'>): readonly FixItem[] {
  return typeof entry.fix === 'string' ? [{ then: entry.fix }] : entry.fix
}

/** "How to fix" as one plain text (the JSON catalogue's `fix`). */
export function fixText (entry: Pick<ErrorEntry, 'fix'>): string {
  return fixCases(entry).map((c) => c.if === undefined ? plainText(c.then) : `${plainText(c.if)}: ${plainText(c.then)}`).join(' ')
}
