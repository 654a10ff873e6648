// Random mutations of the sample files: the readers must answer definitions or a
// SourceFormatError, never another exception or a hang; and whatever they read, the writers
// either write back so that it reads the same or refuse with a SourceFormatError.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readChunkFile, writeChunkFile } from '../../compiler/chunk.ts';
import { SourceFormatError } from '../../compiler/definitions.ts';
import type { Definition, MethodDefinition } from '../../compiler/definitions.ts';
import { readTonelFile, writeTonelClass, writeTonelExtension } from '../../compiler/tonel.ts';
import { expectSameDefinitions, withoutPositions } from './source-format-helpers.ts';
import { seededRandom as random } from '../helpers/random.ts';

const TONEL_DIR = join(import.meta.dirname, '../fixtures/sample-tonel/Sample');
const TONEL_FILES = readdirSync(TONEL_DIR)
  .filter((f) => f !== 'package.st')
  .map((f) => readFileSync(join(TONEL_DIR, f), 'utf8'));
const CHUNKS = readFileSync(join(import.meta.dirname, '../fixtures/sample.st'), 'utf8');
const ROUNDS = 2000;

const SPECIAL = ['[', ']', '!', '!!', "'", '"', '$', '#', '{', '}', ':', '>>', '\n', ' ', '\t', 'class', 'Foo', ',', '(', ')', '\r\n', '\\'];

function mutate(text: string, rnd: () => number): string {
  let t = text;
  const edits = 1 + Math.floor(rnd() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (t.length + 1));
    const kind = Math.floor(rnd() * 4);
    if (kind === 0) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rnd() * 20));
    else if (kind === 1) t = t.slice(0, at) + SPECIAL[Math.floor(rnd() * SPECIAL.length)]! + t.slice(at);
    else if (kind === 2) t = t.slice(0, at);
    else {
      const from = Math.floor(rnd() * t.length);
      t = t.slice(0, at) + t.slice(from, from + Math.floor(rnd() * 40)) + t.slice(at);
    }
  }
  return t;
}

function expectOnlyFormatErrors(f: () => void, input: string): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof SourceFormatError)) throw new Error(`not a SourceFormatError for input ${JSON.stringify(input)}: ${String(e)}`);
  }
}

describe('fuzzing the source formats', () => {
  it(`Tonel: ${ROUNDS} mutated files read or fail cleanly, and what reads writes back the same`, () => {
    const rnd = random(1234);
    let read = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const input = mutate(TONEL_FILES[i % TONEL_FILES.length]!, rnd);
      expectOnlyFormatErrors(() => {
        const defs = readTonelFile(input, 'fuzz.class.st');
        read++;
        const [head, ...methods] = defs as [Definition, ...MethodDefinition[]];
        const text = head.kind === 'class' ? writeTonelClass(head, methods) : writeTonelExtension((head as { name: string }).name, methods);
        const back = readTonelFile(text, 'again.class.st');
        const key = (ds: Definition[]) => withoutPositions(ds).map((d) => JSON.stringify(d)).sort();
        expect(key(back)).toEqual(key(defs));
      }, input);
    }
    expect(read).toBeGreaterThan(ROUNDS / 20);
  });

  it(`chunks: ${ROUNDS} mutated files read or fail cleanly, and what reads writes back the same`, () => {
    const rnd = random(5678);
    let read = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const input = mutate(CHUNKS, rnd);
      expectOnlyFormatErrors(() => {
        const defs = readChunkFile(input, 'fuzz.st');
        read++;
        expectSameDefinitions(readChunkFile(writeChunkFile(defs), 'again.st'), defs);
      }, input);
    }
    expect(read).toBeGreaterThan(ROUNDS / 10);
  });
});
