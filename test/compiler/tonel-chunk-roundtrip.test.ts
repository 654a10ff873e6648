// Moving a package between the two source formats loses nothing they can both express.

import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readChunkFile, writeChunkFile } from '../../compiler/chunk.ts';
import { readTonelPackage, writeTonelPackage } from '../../compiler/tonel.ts';
import { expectSameDefinitions, withoutPositions } from './source-format-helpers.ts';

const SAMPLE_TONEL = join(import.meta.dirname, '../fixtures/sample-tonel/Sample');
const SAMPLE_CHUNKS = join(import.meta.dirname, '../fixtures/sample.st');

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'strata-roundtrip-'));
  temps.push(d);
  return d;
}

describe('Tonel -> chunk -> Tonel', () => {
  it('reads back the same definitions from the chunk file and writes the same Tonel files', () => {
    const pkg = readTonelPackage(SAMPLE_TONEL);
    const chunks = writeChunkFile(pkg.definitions);
    const fromChunks = readChunkFile(chunks, 'sample-out.st');
    expectSameDefinitions(fromChunks, pkg.definitions);

    const dir = tempDir();
    writeTonelPackage({ name: pkg.name, definitions: fromChunks }, dir);
    expectSameDefinitions(readTonelPackage(dir).definitions, pkg.definitions);
    expect(readdirSync(dir).sort()).toEqual(readdirSync(SAMPLE_TONEL).sort());
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), 'utf8')).toBe(readFileSync(join(SAMPLE_TONEL, f), 'utf8'));
  });
});

describe('chunk -> Tonel -> chunk', () => {
  it('keeps every class and method (Tonel orders them its own way and holds no doits)', () => {
    const defs = readChunkFile(readFileSync(SAMPLE_CHUNKS, 'utf8'), SAMPLE_CHUNKS).filter((d) => d.kind !== 'doit');
    const dir = tempDir();
    writeTonelPackage({ name: 'Sample', definitions: defs }, dir);
    const back = readTonelPackage(dir).definitions;
    const key = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
    expect(key(withoutPositions(back))).toEqual(key(withoutPositions(defs)));
    const again = readChunkFile(writeChunkFile(back), 'again.st');
    expectSameDefinitions(again, back);
  });
});
