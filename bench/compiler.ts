// Compiler throughput: methods per second, source to MethodSpec (parse + scopes + code
// generation), median of several runs; the parse and code generation shares are timed
// apart. Runs on a generated corpus (bench/compiler-corpus.ts) and, when present, on the
// kernel's Tonel packages under images/kernel.
//
//   npm run bench:compiler [-- --runs 5 --count 6000]

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compileAst, compileMethod, type CompileEnv } from '../compiler/compile.ts';
import type { ClassDefinition, MethodDefinition } from '../compiler/definitions.ts';
import { parseMethod } from '../compiler/parser.ts';
import { readTonelPackage } from '../compiler/tonel.ts';
import { CORPUS_INST_VARS, generateCorpus } from './compiler-corpus.ts';

interface Job {
  source: string;
  env: CompileEnv;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Timing {
  /** Median wall-clock seconds. */
  wall: number;
  /** Median CPU seconds of this process (all threads, so GC helpers count): the figure to
   *  trust when other processes load the machine. */
  cpu: number;
}

/** Medians of `runs` timed calls of `fn` (after one warm-up call). */
function time(runs: number, fn: () => void): Timing {
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    wall.push((performance.now() - t0) / 1000);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

function report(label: string, jobs: Job[], runs: number): void {
  const failures: string[] = [];
  const good = jobs.filter((j) => {
    try {
      compileMethod(j.source, j.env);
      return true;
    } catch (e) {
      failures.push((e as Error).message);
      return false;
    }
  });
  const goodAsts = good.map((j) => parseMethod(j.source));
  const chars = good.reduce((n, j) => n + j.source.length, 0);
  const total = time(runs, () => { for (const j of good) compileMethod(j.source, j.env); });
  const parse = time(runs, () => { for (const j of good) parseMethod(j.source); });
  const codegen = time(runs, () => { good.forEach((j, i) => compileAst(goodAsts[i], j.source, j.env)); });
  const n = good.length;
  const rate = (s: number): string => `${Math.round(n / s).toLocaleString('en-US')}`.padStart(9);
  const row = (what: string, t: Timing): string => `  ${what.padEnd(27)}${rate(t.wall)} methods/s wall  ${rate(t.cpu)} methods/s cpu`;
  console.log(`${label}: ${n} methods (${Math.round(chars / Math.max(n, 1))} chars avg), median of ${runs} runs`);
  console.log(row('compile (parse + codegen):', total));
  console.log(row('parse only:', parse));
  console.log(row('scopes + codegen only:', codegen));
  if (failures.length > 0) {
    console.log(`  ${failures.length} methods did not compile; first: ${failures[0].split('\n')[0]}`);
  }
}

function stFiles(dir: string): string[] {
  return readdirSync(dir).map((f) => join(dir, f)).filter((p) => statSync(p).isDirectory());
}

/** Methods of the kernel packages, each with its class's instance variables and class variables. */
function kernelJobs(root: string): Job[] {
  const classes = new Map<string, ClassDefinition>();
  const methods: MethodDefinition[] = [];
  for (const dir of stFiles(root)) {
    if (!existsSync(join(dir, 'package.st'))) continue;
    for (const def of readTonelPackage(dir).definitions) {
      if (def.kind === 'class') classes.set(def.name, def);
      else if (def.kind === 'method') methods.push(def);
    }
  }
  const chain = (name: string | null): ClassDefinition[] => {
    const out: ClassDefinition[] = [];
    for (let c = name ? classes.get(name) : undefined; c; c = c.superclass ? classes.get(c.superclass) : undefined) out.unshift(c);
    return out;
  };
  return methods.map((m) => {
    const defs = chain(m.className);
    const instVarNames = m.isMeta
      ? [...chain('Class').flatMap((c) => c.instVars), ...defs.flatMap((c) => c.classInstVars)]
      : defs.flatMap((c) => c.instVars);
    const classVars = new Set(defs.flatMap((c) => c.classVars));
    const isBound = (name: string): boolean => classVars.has(name) || /^[A-Z]/.test(name);
    return { source: m.source, env: { instVarNames, isBound } };
  });
}

const [load1] = (await import('node:os')).loadavg();
console.log(`load average ${load1.toFixed(1)} on ${(await import('node:os')).cpus().length} cores`);
const runs = option('runs', 5);
const count = option('count', 6000);
const corpusEnv: CompileEnv = { instVarNames: CORPUS_INST_VARS, isBound: (name) => /^[A-Z]/.test(name) };
report('generated corpus', generateCorpus(count, 42).map((source) => ({ source, env: corpusEnv })), runs);

const kernel = join(import.meta.dirname, '..', 'images', 'kernel');
if (existsSync(kernel)) report('kernel (images/kernel)', kernelJobs(kernel), runs);
else console.log('kernel: images/kernel not found, skipped');
