// A small shared benchmark harness: time a function several times (after a warm-up run
// and a full JS garbage collection before each run, so one run's garbage does not land
// in the next one's time), take the median, print aligned tables.
//
// Benchmarks compare alternatives in one run of one process on the same data, because
// on a shared machine only ratios measured side by side mean anything.

import v8 from 'node:v8';
import vm from 'node:vm';

export interface Timing {
  label: string;
  /** Milliseconds of each measured run, in run order. */
  samples: number[];
  median: number;
  min: number;
}

export interface MeasureOptions {
  runs?: number;
  warmup?: number;
  /** Runs untimed before each run (e.g. dropping the previous result). */
  before?: () => void;
}

/** A full collection, if one can be had: --expose-gc is switched on at run time when needed. */
export const collectGarbage: () => void = (() => {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    if (typeof gc === 'function') return gc as () => void;
  } catch {
    // Without it the timings just include more collector noise.
  }
  return () => {};
})();

/** Times `fn` (runs times after warmup untimed runs); answers every sample and the median. */
export function measure(label: string, fn: () => unknown, options: MeasureOptions = {}): Timing {
  const runs = options.runs ?? 5;
  const warmup = options.warmup ?? 1;
  const samples: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    options.before?.();
    collectGarbage();
    const t0 = performance.now();
    fn();
    const ms = performance.now() - t0;
    if (i >= warmup) samples.push(ms);
  }
  return timing(label, samples);
}

/** A Timing from samples taken elsewhere (e.g. a phase reported by the code under test). */
export function timing(label: string, samples: number[]): Timing {
  return { label, samples, median: median(samples), min: Math.min(...samples) };
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function formatMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

export function formatMB(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/** Throughput in MB/s (10^6 bytes) of `bytes` handled in `ms`. */
export function formatMBps(bytes: number, ms: number): string {
  return ms > 0 ? ((bytes / 1e6) / (ms / 1e3)).toFixed(0) : '-';
}

export function formatRatio(ratio: number): string {
  return ratio >= 10 ? `${ratio.toFixed(0)}x` : `${ratio.toFixed(2)}x`;
}

/**
 * A table with a heading row; every column is as wide as its widest cell. Columns whose
 * cells look like numbers are right-aligned.
 */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^[-\d.,x%]*$/.test(r[i] ?? '')));
  const line = (cells: string[]): string => cells.map((c, i) =>
    (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export function printTable(headers: string[], rows: string[][]): void {
  console.log(formatTable(headers, rows));
}
