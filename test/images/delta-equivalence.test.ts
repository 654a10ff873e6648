import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import equal from 'fast-deep-equal';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeWorld, type DecodedWorld } from '../../images/decode.ts';
import { findUnmarkedChanges } from '../../images/delta-check.ts';
import { saveDelta } from '../../images/delta.ts';
import { bootImage, loadImage } from '../../images/reader.ts';
import { saveImage } from '../../images/writer.ts';
import type { Heap } from '../../vm/heap.ts';
import { Rng, STEPS, cloneHeap, mutate } from './delta-mutations.ts';
import { buildWorld } from './world.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-delta-eq-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string): string => path.join(dir, name);

/** The first object where two decoded worlds differ, for a readable failure. */
function firstDifference(a: DecodedWorld, b: DecodedWorld): string {
  if (a.objects.length !== b.objects.length) return `${a.objects.length} objects vs ${b.objects.length}`;
  const i = a.objects.findIndex((o, k) => !equal(o, b.objects[k]));
  return i < 0 ? 'none' : `object ${i}: ${JSON.stringify(a.objects[i])} vs ${JSON.stringify(b.objects[i])}`;
}

function expectSameWorld(actual: DecodedWorld, expected: DecodedWorld, what: string): void {
  if (!equal(actual, expected)) expect.fail(`${what}: ${firstDifference(actual, expected)}`);
}

/**
 * Mutates `heap`, then saves a delta and (from a copy, at the same moment) a full image, and
 * checks that both boot to the world the heap held, and that every change was carded.
 */
function deltaRound(heap: Heap, rng: Rng, name: string, steps: number): { world: DecodedWorld; log: string[] } {
  const log = mutate(heap, rng, steps);
  expect(findUnmarkedChanges(heap), `unmarked stores after ${log.join('; ')}`).toEqual([]);
  const world = decodeWorld(heap);
  saveImage(cloneHeap(heap), file(`${name}.full.image`));
  saveDelta(heap, file(`${name}.delta`));
  expectSameWorld(decodeWorld(heap), world, `${name}: the heap after its save`);
  expectSameWorld(decodeWorld(bootImage(file(`${name}.full.image`))), world, `${name}: the full image`);
  expectSameWorld(decodeWorld(bootImage(file(`${name}.delta`))), world, `${name}: the delta chain (${log.join('; ')})`);
  return { world, log };
}

describe('delta chains boot to the same world as full images', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`random mutation script, seed ${seed}: base + d1, base + d1 + d2, and a delta of a booted chain`, () => {
      const rng = new Rng(seed);
      const base = `s${seed}`;
      const heap = buildWorld({ young: seed % 2 === 0 });
      saveImage(heap, file(`${base}.image`));
      // Odd seeds continue in the heap that saved the base, even ones in a heap booted from it.
      const live = seed % 2 === 1 ? heap : bootImage(file(`${base}.image`));
      deltaRound(live, rng, `${base}-d1`, 25);
      const { world: w2 } = deltaRound(live, rng, `${base}-d2`, 25);
      const { chain } = loadImage(file(`${base}-d2.delta`));
      expect(chain.map((l) => path.basename(l.path))).toEqual([`${base}.image`, `${base}-d1.delta`, `${base}-d2.delta`]);
      // A heap booted from the chain saves a third delta on top of it.
      const booted = bootImage(file(`${base}-d2.delta`));
      expectSameWorld(decodeWorld(booted), w2, 'the booted chain');
      deltaRound(booted, rng, `${base}-d3`, 25);
      expect(loadImage(file(`${base}-d3.delta`)).chain.length).toBe(4);
    });
  }

  for (const kind of STEPS) {
    it(`one kind of change at a time: ${kind}`, () => {
      const rng = new Rng(kind.length * 7919);
      const heap = buildWorld();
      saveImage(heap, file(`${kind}.image`));
      const steps = kind === 'scavenge' || kind === 'fullGC' ? [kind, 'new', 'store', 'cut'] as const : [kind];
      const log = mutate(heap, rng, 12, steps);
      expect(findUnmarkedChanges(heap), log.join('; ')).toEqual([]);
      const world = decodeWorld(heap);
      saveDelta(heap, file(`${kind}.delta`));
      expectSameWorld(decodeWorld(bootImage(file(`${kind}.delta`))), world, `${kind}: ${log.join('; ')}`);
    });
  }

  it('a full save in between starts a new chain from the full image', () => {
    const rng = new Rng(99);
    const heap = buildWorld();
    saveImage(heap, file('restart.image'));
    deltaRound(heap, rng, 'restart-d1', 10);
    mutate(heap, rng, 10);
    saveImage(heap, file('restart2.image'));
    const { world } = deltaRound(heap, rng, 'restart-d2', 10);
    const { chain } = loadImage(file('restart-d2.delta'));
    expect(chain.map((l) => path.basename(l.path))).toEqual(['restart2.image', 'restart-d2.delta']);
    expectSameWorld(decodeWorld(bootImage(file('restart-d2.delta'))), world, 'restarted chain');
  });
});
