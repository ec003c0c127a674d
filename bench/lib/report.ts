import os from 'node:os'

export interface Figure {
  figure: string
  value: number
  unit: string
  /** The baseline this figure is compared with, and the ratio value/baseline. */
  baseline?: { name: string; value: number }
  ratio?: number
  /** A second baseline shown beside the first (no target), with its ratio: rotations are compared with N and with T. */
  also?: { name: string; value: number; ratio?: number }
  /** The issue's target, as text, and whether this run met it (undefined in a smoke run). */
  target?: string
  pass?: boolean
  /** Answers the phase should not have given ("3 × 503"): the figure fails whatever its value. */
  unexpected?: string
}

export function figure (f: Omit<Figure, 'ratio' | 'pass' | 'also'> & { also?: { name: string; value: number } }, check?: (f: Figure) => boolean, evaluate = true): Figure {
  const out: Figure = { ...f }
  if (!out.unexpected) delete out.unexpected
  if (f.baseline && f.baseline.value !== 0) out.ratio = f.value / f.baseline.value
  if (f.also) out.also = { ...f.also, ...(f.also.value !== 0 ? { ratio: f.value / f.also.value } : {}) }
  if (check && evaluate) out.pass = check(out) && !out.unexpected
  return out
}

const num = (n: number | undefined, digits = 1) => n === undefined || Number.isNaN(n) ? '' : n.toFixed(digits)

export function printTable (figures: Figure[]) {
  const rows = figures.map((f) => [
    f.figure,
    `${num(f.value)} ${f.unit}`,
    f.baseline ? `${f.baseline.name} ${num(f.baseline.value)}` : '',
    f.ratio === undefined ? '' : `${num(f.ratio, 2)}×`,
    f.also ? `${f.also.name} ${num(f.also.value)}${f.also.ratio === undefined ? '' : ` = ${num(f.also.ratio, 2)}×`}` : '',
    f.target ?? '',
    (f.pass === undefined ? '' : f.pass ? 'PASS' : 'FAIL') + (f.unexpected ? ` (also ${f.unexpected})` : ''),
  ])
  const header = ['figure', 'value', 'baseline (same run)', 'ratio', 'other baseline (same run)', 'target', '']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const r of rows) console.log(line(r))
}

export function machine () {
  return { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryMiB: Math.round(os.totalmem() / 2 ** 20), loadAverage: os.loadavg(), node: process.version }
}
