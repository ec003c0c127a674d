import { ERROR_AREAS, PROBLEM_HEADERS, RETRY_SAFE_TEXT, type ErrorArea, type ErrorEntry, type HeaderDoc } from '../errors/catalogue.js'
import { fixCases, plainText } from '../errors/catalogue-text.js'
import { errorTypeUrl } from '../http/problem.js'

/** The catalogue as the pages see it: any code → entry (tests pass crafted ones). */
export type Catalogue = Readonly<Record<string, ErrorEntry>>

/** Section headings, shared by the HTML and Markdown pages (and the tests that look for them). */
export const SECTIONS = {
  when: 'When it fires',
  why: 'Why',
  fix: 'How to fix',
  headers: 'Response headers',
  related: 'Related codes',
  retry: 'Is a retry safe?',
  example: 'Example problem body',
} as const

export const ERRORS_INDEX_PATH = '/v1/errors'

export function markdownUrl (path: string) {
  return `${path}.md`
}

export function errorPagePath (code: string) {
  return errorTypeUrl(encodeURIComponent(code))
}

export interface RelatedLink { code: string; title: string; status: number | null }

export interface ErrorPageModel {
  code: string
  entry: ErrorEntry
  path: string
  areaTitle: string
  fix: ReturnType<typeof fixCases>
  headers: readonly HeaderDoc[]
  related: RelatedLink[]
  retrySafe: string
  example: string
}

/** An example problem body as the error handler would send it, built from the entry alone. */
export function exampleProblem (code: string, entry: ErrorEntry) {
  return {
    type: errorTypeUrl(code),
    title: entry.title,
    status: entry.status,
    code,
    detail: plainText(entry.when),
    instance: ERROR_AREAS[entry.area].exampleInstance,
    requestId: 'req_6f1d2c3b-4a5e-4f60-8b7c-9d0e1f2a3b4c',
    ...entry.exampleExtensions,
  }
}

export function errorPageModel (code: string, entry: ErrorEntry, catalogue: Catalogue): ErrorPageModel {
  return {
    code,
    entry,
    path: errorPagePath(code),
    areaTitle: ERROR_AREAS[entry.area].title,
    fix: fixCases(entry),
    headers: [...entry.headers, ...PROBLEM_HEADERS],
    related: entry.related.map((c) => ({ code: c, title: catalogue[c]?.title ?? c, status: catalogue[c]?.status ?? null })),
    retrySafe: entry.retrySafe ? RETRY_SAFE_TEXT.yes : RETRY_SAFE_TEXT.no,
    example: JSON.stringify(exampleProblem(code, entry), null, 2),
  }
}

export interface AreaGroup { area: ErrorArea; title: string; codes: { code: string; entry: ErrorEntry }[] }

/** Every code grouped by area, in the areas' order and the catalogue's order within one. */
export function groupByArea (catalogue: Catalogue): AreaGroup[] {
  return (Object.keys(ERROR_AREAS) as ErrorArea[]).map((area) => ({
    area,
    title: ERROR_AREAS[area].title,
    codes: Object.entries(catalogue).filter(([, e]) => e.area === area).map(([code, entry]) => ({ code, entry })),
  })).filter((g) => g.codes.length > 0)
}
