import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import equal from 'fast-deep-equal';
import { afterAll, describe, expect, it } from 'vitest';
import { compactHeap, saveCompact } from '../../images/compact.ts';
import { decodeWorld, type DecodedWorld } from '../../images/decode.ts';
import { saveDelta } from '../../images/delta.ts';
import { bootImage, loadImage } from '../../images/reader.ts';
import { saveImage } from '../../images/writer.ts';
import { ClassSlot } from '../../vm/class-layout.ts';
import type { Heap } from '../../vm/heap.ts';
import { Format, isCompiledMethodFormat } from '../../vm/layout.ts';
import { isPointer, smallInt } from '../../vm/oop.ts';
import { ClassIndex, Special } from '../../vm/special.ts';
import { makeHeap, newArray, newString } from '../helpers/heap-builder.ts';
import { Rng, cloneHeap, mutate } from './delta-mutations.ts';
import { Builder, POINT_INDEX, buildWorld, workspaceOf } from './world.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-compact-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string): string => path.join(dir, name);

function expectSameWorld(actual: DecodedWorld, expected: DecodedWorld, what: string): void {
  if (equal(actual, expected)) return;
  if (actual.objects.length !== expected.objects.length) expect.fail(`${what}: ${actual.objects.length} objects vs ${expected.objects.length}`);
  const i = actual.objects.findIndex((o, k) => !equal(o, expected.objects[k]));
  expect.fail(`${what}: object ${i}: ${JSON.stringify(actual.objects[i])} vs ${JSON.stringify(expected.objects[i])}`);
}

/**
 * The world a compaction must keep: the heap's graph with every weak slot whose referent is
 * reachable only through weak slots set to nil (on a copy). The test worlds' weak objects are
 * Arrays, whose slots are all weak.
 */
function expectedWorld(heap: Heap): DecodedWorld {
  const copy = cloneHeap(heap);
  const strong = new Set<number>();
  const queue = [copy.specialObjects, copy.nilOop];
  const weak: number[] = [];
  strong.add(copy.specialObjects).add(copy.nilOop);
  for (let i = 0; i < queue.length; i++) {
    const oop = queue[i];
    if (copy.formatOf(oop) === Format.WEAK) {
      weak.push(oop);
      continue;
    }
    const n = copy.pointerSlotCount(oop);
    for (let k = 0; k < n; k++) {
      const v = copy.fetch(oop, k);
      if (isPointer(v) && !strong.has(v)) {
        strong.add(v);
        queue.push(v);
      }
    }
  }
  for (const w of weak) {
    for (let k = 0; k < copy.slotCount(w); k++) {
      const v = copy.fetch(w, k);
      if (isPointer(v) && !strong.has(v)) copy.store(w, k, copy.nilOop);
    }
  }
  return decodeWorld(copy);
}

/** Gives Point and its metaclass method dictionaries with compiled methods, and many Points. */
function worldWithMethods(): Heap {
  const heap = buildWorld();
  const b = new Builder(heap, false);
  const table = heap.fetch(heap.specialObjects, Special.classTable);
  const method = (name: string): number => {
    const m = b.alloc(ClassIndex.CompiledMethod, Format.COMPILED_METHOD + 1, 4);
    heap.store(m, 0, smallInt(1));
    heap.store(m, 1, smallInt(0));
    heap.store(m, 2, b.string(name, ClassIndex.Symbol));
    return m;
  };
  const dictionary = (cls: number, names: string[]): void => {
    const dict = b.alloc(ClassIndex.MethodDictionary, Format.INDEXABLE, 2 + 4);
    const methods = b.array([heap.nilOop, heap.nilOop, heap.nilOop, heap.nilOop]);
    names.forEach((name, i) => {
      heap.store(dict, 2 + i, b.string(name, ClassIndex.Symbol));
      heap.store(methods, i, method(name));
    });
    heap.store(dict, 0, smallInt(names.length));
    heap.store(dict, 1, methods);
    heap.store(cls, ClassSlot.methodDict, dict);
  };
  const point = heap.fetch(table, POINT_INDEX);
  dictionary(point, ['x', 'y', 'printOn:']);
  dictionary(heap.fetch(table, heap.classIndexOf(point)), ['x:y:']);
  // Points scattered among other objects, from several places.
  const items: number[] = [];
  for (let i = 0; i < 300; i++) {
    const p = b.alloc(POINT_INDEX, Format.FIXED, 2);
    heap.store(p, 0, smallInt(i));
    items.push(b.array([p, b.string(`label ${i}`), b.float(i / 4)]));
  }
  heap.store(workspaceOf(heap), 2, b.array(items));
  return heap;
}

describe('compacting save', () => {
  it('boots to the same world, in one segment', () => {
    const heap = buildWorld({ young: true });
    const world = decodeWorld(heap);
    const result = saveCompact(heap, file('plain.image'));
    const { heap: booted, header } = loadImage(file('plain.image'));
    expect(header.segments).toHaveLength(1);
    expectSameWorld(decodeWorld(booted), world, 'compacted');
    expectSameWorld(decodeWorld(result.heap), world, 'the compacted heap');
    expect(result.stats.order).toBe('class');
    expect(result.stats.garbageObjects).toBeGreaterThanOrEqual(3); // the world's garbage array, its string and float
  });

  it('flattens a chain and drops the garbage saved segments kept', () => {
    const heap = buildWorld();
    saveImage(heap, file('chain.image'));
    const b = new Builder(heap, true);
    const data = workspaceOf(heap);
    const bigBytes = heap.fetch(data, 13);
    heap.store(data, 13, b.string('the 100 KB ByteArray is garbage now'));
    heap.store(data, 0, b.array([b.string('new'), smallInt(1)]));
    saveDelta(heap, file('chain1.delta'));
    heap.store(data, 1, smallInt(2));
    saveDelta(heap, file('chain2.delta'));
    const booted = bootImage(file('chain2.delta'));
    const world = decodeWorld(booted);
    const chainBytes = ['chain.image', 'chain1.delta', 'chain2.delta'].reduce((n, f) => n + fs.statSync(file(f)).size, 0);
    const result = saveCompact(booted, file('flat.image'));
    expectSameWorld(decodeWorld(bootImage(file('flat.image'))), world, 'flattened chain');
    expect(loadImage(file('flat.image')).chain).toHaveLength(1);
    expect(result.stats.garbageBytes).toBeGreaterThan(100_000);
    expect(result.stats.bytesAfter).toBe(result.stats.bytesBefore - result.stats.garbageBytes);
    expect(result.fileBytes).toBeLessThan(chainBytes - 100_000);
    expect(heap.formatOf(bigBytes)).toBe(Format.BYTES + 1); // the old heap is untouched
    // A delta on top of the compacted image works like on any full image.
    result.heap.store(workspaceOf(result.heap), 1, smallInt(3));
    saveDelta(result.heap, file('flat1.delta'));
    expect(bootImage(file('flat1.delta')).fetch(workspaceOf(result.heap), 1)).toBe(smallInt(3));
  });

  it('groups instances by class, with each class followed by its metaclass and their methods', () => {
    const heap = worldWithMethods();
    saveImage(heap, file('methods-base.image'));
    const world = decodeWorld(heap);
    const { heap: fresh, stats } = compactHeap(heap);
    expectSameWorld(decodeWorld(fresh), world, 'compacted in memory');
    const sequence: number[] = [];
    fresh.forEachObject(fresh.nurseryEnd, fresh.oldTop, (oop) => { sequence.push(oop); });
    expect(sequence.length).toBe(stats.objectsAfter);
    const classes = sequence.map((o) => fresh.classIndexOf(o));
    // The classes with their methods come first; then each class index's instances form one
    // run, in class-index order.
    const firstData = classes.findIndex((c) => c < 64 && c !== ClassIndex.Metaclass
      && c !== ClassIndex.MethodDictionary && c !== ClassIndex.CompiledMethod && c !== ClassIndex.Array);
    const data = classes.slice(firstData);
    const runs = data.filter((c, i) => i === 0 || c !== data[i - 1]);
    expect(runs).toEqual([...new Set(runs)].sort((x, y) => x - y));
    expect(data.filter((c) => c === POINT_INDEX)).toHaveLength(302);
    const table = fresh.fetch(fresh.specialObjects, Special.classTable);
    const point = fresh.fetch(table, POINT_INDEX);
    const at = sequence.indexOf(point);
    const kinds = sequence.slice(at, at + 10).map((o) => fresh.classIndexOf(o));
    expect(kinds[1]).toBe(ClassIndex.Metaclass);
    expect(kinds.slice(2, 4)).toEqual([ClassIndex.MethodDictionary, ClassIndex.Array]);
    expect(kinds.slice(4, 7)).toEqual([ClassIndex.CompiledMethod, ClassIndex.CompiledMethod, ClassIndex.CompiledMethod]);
    expect(kinds.slice(7, 10)).toEqual([ClassIndex.MethodDictionary, ClassIndex.Array, ClassIndex.CompiledMethod]);
    expect(isCompiledMethodFormat(fresh.formatOf(sequence[at + 4]))).toBe(true);
  });

  it('clears weak slots whose referent only weak references kept, even in saved segments', () => {
    const heap = buildWorld();
    const b = new Builder(heap, false);
    const lonely = b.string('only weakly held');
    const held = b.string('strongly held');
    const weak = b.alloc(ClassIndex.Array, Format.WEAK, 2);
    heap.store(weak, 0, lonely);
    heap.store(weak, 1, held);
    heap.store(workspaceOf(heap), 0, b.array([weak, held]));
    saveImage(heap, file('weak.image'));
    const expected = expectedWorld(heap);
    const result = saveCompact(heap, file('weak-compact.image'));
    expect(result.stats.weakSlotsCleared).toBe(1);
    expectSameWorld(decodeWorld(bootImage(file('weak-compact.image'))), expected, 'weak');
  });

  it('falls back to breadth-first order without a class table', () => {
    const heap = makeHeap();
    heap.store(heap.specialObjects, Special.workspace, newArray(heap, [newString(heap, 'a'), newArray(heap, [smallInt(1)])]));
    const world = decodeWorld(heap);
    const result = saveCompact(heap, file('bfs.image'));
    expect(result.stats.order).toBe('bfs');
    expectSameWorld(decodeWorld(bootImage(file('bfs.image'))), world, 'bfs');
  });

  for (const seed of [11, 12, 13]) {
    it(`random mutation chain, seed ${seed}: compacting base + d1 + d2 keeps the world`, () => {
      const rng = new Rng(seed);
      const heap = seed === 12 ? worldWithMethods() : buildWorld({ young: true });
      saveImage(heap, file(`r${seed}.image`));
      mutate(heap, rng, 30);
      saveDelta(heap, file(`r${seed}-1.delta`));
      mutate(heap, rng, 30);
      saveDelta(heap, file(`r${seed}-2.delta`));
      const booted = bootImage(file(`r${seed}-2.delta`));
      const expected = expectedWorld(booted);
      const result = saveCompact(booted, file(`r${seed}-flat.image`));
      expectSameWorld(decodeWorld(bootImage(file(`r${seed}-flat.image`))), expected, `seed ${seed}`);
      expect(result.stats.objectsAfter).toBe(expected.objects.length);
    });
  }
});
