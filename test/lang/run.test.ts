// The golden runner: every test/lang/**/*.st file is a Smalltalk program checked against
// the expectations written in it.
//
// FORMAT. A file is a sequence of chunks. A chunk is the source text after the previous
// expectation (or the start of the file) up to and including the next expectation comment:
//
//     "expect: TEXT"          the chunk, evaluated as a doit, answers an object whose
//                             printString is exactly TEXT
//     "expect-error: TEXT"    the chunk ends in an unhandled error whose description
//                             (e.g. `ZeroDivide: Division by zero`) contains TEXT
//
// TEXT may span lines; a doubled quote `""` inside it stands for one `"`. Leading and
// trailing blanks of TEXT are ignored. Ordinary comments elsewhere are just Smalltalk
// comments. Text after the last expectation must be blank or comments.
//
// Every file runs in a fresh world booted from a base image built once for the run
// (exercising bootstrap, save and boot); the chunks of one file run in order and share the
// doit workspace, so a variable assigned in one chunk is visible in the next. Each chunk has
// a time limit (a runaway loop fails that chunk, it does not hang the run).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBaseImage, formatReport } from '../../images/bootstrap.ts';
import { bootWorld } from '../../images/world.ts';
import { BufferHost } from '../../vm/host.ts';
import { isStringLike, stringValue } from '../../vm/objects.ts';
import type { Outcome } from '../../vm/state.ts';
import type { VM } from '../../vm/vm.ts';

const LANG_DIR = path.dirname(fileURLToPath(import.meta.url));
const CHUNK_MILLIS = 20_000;

export interface Chunk {
  source: string;
  /** 1-based line where the chunk's code starts. */
  line: number;
  kind: 'value' | 'error';
  expected: string;
}

const EXPECT = /"(expect|expect-error):((?:[^"]|"")*)"/g;

export function parseGolden(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let from = 0;
  for (const m of text.matchAll(EXPECT)) {
    const source = text.slice(from, m.index);
    const skipped = source.length - source.trimStart().length;
    chunks.push({
      source: source.trim(),
      line: text.slice(0, from + skipped).split('\n').length,
      kind: m[1] === 'expect' ? 'value' : 'error',
      expected: m[2].replaceAll('""', '"').trim(),
    });
    from = m.index + m[0].length;
  }
  const rest = text.slice(from).replace(/"(?:[^"]|"")*"/g, '').trim();
  if (rest !== '') throw new Error(`code after the last expectation: ${rest.slice(0, 60)}`);
  return chunks;
}

function goldenFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...goldenFiles(p));
    else if (e.name.endsWith('.st')) out.push(p);
  }
  return out.sort();
}

function runChunk(vm: VM, source: string): Outcome {
  vm.start(vm.compileDoit(source), vm.heap.nilOop);
  const deadline = performance.now() + CHUNK_MILLIS;
  for (;;) {
    const o = vm.step();
    if (o !== null) return o;
    if (performance.now() > deadline) vm.interrupt();
  }
}

function printString(vm: VM, value: number): Outcome | string {
  vm.start(vm.compileDoit('self printString', value), value);
  const o = vm.runSync();
  if (o.kind === 'error') return o;
  return isStringLike(vm.heap, o.value) ? stringValue(vm.heap, o.value) : `<printString answered ${vm.describe(o.value)}>`;
}

function describeError(o: Outcome): string {
  return o.kind === 'error' ? [o.description, ...o.trace.map((l) => `  ${l}`)].join('\n') : 'a value';
}

let imagePath = '';
let tmpDir = '';

beforeAll(() => {
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-golden-'));
  imagePath = path.join(tmpDir, 'base.image');
  const report = buildBaseImage(imagePath, { host: new BufferHost() });
  if (report.problems.length > 0) throw new Error(`the base image has problems:\n${formatReport(report)}`);
});

afterAll(() => {
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
});

for (const file of goldenFiles(LANG_DIR)) {
  const rel = path.relative(LANG_DIR, file);
  describe(rel, () => {
    let vm: VM;
    let chunks: Chunk[];
    beforeAll(() => {
      chunks = parseGolden(fs.readFileSync(file, 'utf8'));
      vm = bootWorld(imagePath, { host: new BufferHost() });
    });
    const text = fs.readFileSync(file, 'utf8');
    parseGolden(text).forEach((chunk, i) => {
      const title = `${rel}:${chunk.line}: ${chunk.source.split('\n')[0].slice(0, 60)}`;
      it(title, () => {
        const c = chunks[i];
        let outcome: Outcome;
        try {
          outcome = runChunk(vm, c.source);
        } catch (e) {
          throw new Error(`${title}: does not compile: ${(e as Error).message}`);
        }
        if (c.kind === 'error') {
          if (outcome.kind === 'value') {
            const shown = printString(vm, outcome.value);
            throw new Error(`expected the error "${c.expected}", got a value: ${typeof shown === 'string' ? shown : describeError(shown)}`);
          }
          expect(outcome.description, describeError(outcome)).toContain(c.expected);
          return;
        }
        if (outcome.kind === 'error') throw new Error(`expected ${c.expected}, got an error:\n${describeError(outcome)}`);
        const shown = printString(vm, outcome.value);
        if (typeof shown !== 'string') throw new Error(`printString failed:\n${describeError(shown)}`);
        expect(shown).toBe(c.expected);
      });
    });
  });
}
