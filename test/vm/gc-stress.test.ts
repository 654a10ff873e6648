// Random object graphs: whatever is reachable from the roots must decode to the same data
// before and after every scavenge and full GC, through rounds of allocation and mutation.

import { describe, expect, it } from 'vitest';
import equal from 'fast-deep-equal';
import type { Heap } from '../../vm/heap.ts';
import { Format, MARK_BIT, isCompiledMethodFormat } from '../../vm/layout.ts';
import { characterOop, smallInt } from '../../vm/oop.ts';
import { fullGC, scavenge } from '../../vm/gc.ts';
import {
  TestClass, makeHeap, newBytes, newEmptyArray, newFloat, newMethod, newWords, snapshot,
} from '../helpers/heap-builder.ts';
import { seededRandom as prng } from '../helpers/random.ts';

class World {
  readonly heap: Heap;
  readonly random: () => number;
  /** Oops known valid right now: the reachable objects plus those allocated since the last GC. */
  pool: number[];

  constructor(heap: Heap, seed: number) {
    this.heap = heap;
    this.random = prng(seed);
    this.pool = [];
  }

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  someValue(): number {
    const r = this.random();
    if (r < 0.15) return smallInt(this.int(2001) - 1000);
    if (r < 0.2) return characterOop(this.int(0x110000));
    if (r < 0.25 || this.pool.length === 0) return this.heap.nilOop;
    return this.pool[this.int(this.pool.length)];
  }

  /** A random object with random contents; pointer slots point into the pool. */
  newObject(): number {
    const heap = this.heap;
    const r = this.random();
    let oop: number;
    if (r < 0.45) {
      const big = this.random() < 0.01;
      oop = newEmptyArray(heap, big ? 255 + this.int(200) : this.int(9));
    } else if (r < 0.6) {
      oop = heap.allocate(TestClass.Point, Format.FIXED, 1 + this.int(4));
    } else if (r < 0.75) {
      oop = newBytes(heap, Array.from({ length: this.int(41) }, () => this.int(256)));
    } else if (r < 0.82) {
      oop = newWords(heap, Array.from({ length: this.int(6) }, () => this.int(2 ** 32)));
    } else if (r < 0.9) {
      oop = newFloat(heap, this.random() * 1e6);
    } else {
      const literals = Array.from({ length: this.int(5) }, () => this.someValue());
      oop = newMethod(heap, literals, Array.from({ length: this.int(20) }, () => this.int(256)), this.int(3));
    }
    for (let i = this.firstMutableSlot(oop); i < heap.pointerSlotCount(oop); i++) heap.store(oop, i, this.someValue());
    this.pool.push(oop);
    return oop;
  }

  /** Slots 0 and 1 of a method are its headers, not references. */
  firstMutableSlot(oop: number): number {
    return isCompiledMethodFormat(this.heap.formatOf(oop)) ? 2 : 0;
  }

  mutate(stores: number): void {
    const heap = this.heap;
    for (let k = 0; k < stores; k++) {
      const target = this.pool[this.int(this.pool.length)];
      const first = this.firstMutableSlot(target);
      const n = heap.pointerSlotCount(target);
      if (n > first) heap.store(target, first + this.int(n - first), this.someValue());
    }
  }

  chooseRoots(count: number): void {
    const roots = this.heap.roots;
    roots.length = 0;
    for (let i = 0; i < count; i++) roots.push(this.someValue());
  }

  /** Every object reachable from the roots (saved ones included), in the order snapshot uses. */
  reachable(): number[] {
    const heap = this.heap;
    const seen = new Set<number>();
    const queue: number[] = [];
    const visit = (v: number) => {
      if ((v & 3) === 0 && v !== 0 && !seen.has(v)) {
        seen.add(v);
        queue.push(v);
      }
    };
    visit(heap.specialObjects);
    heap.roots.forEach(visit);
    for (let q = 0; q < queue.length; q++) {
      const oop = queue[q];
      for (let i = 0; i < heap.pointerSlotCount(oop); i++) visit(heap.fetch(oop, i));
    }
    return queue;
  }

  snap(): unknown {
    return snapshot(this.heap, [this.heap.specialObjects, this.heap.nilOop, ...this.heap.roots]);
  }
}

function checkOldSpace(heap: Heap): number {
  let count = 0;
  heap.forEachObject(heap.savedEnd, heap.oldTop, (oop) => {
    expect(heap.words[oop >>> 2] & MARK_BIT).toBe(0);
    count++;
  });
  return count;
}

function run(seed: number, withSavedSegment: boolean) {
  const heap = makeHeap({ nurseryBytes: 256 * 1024, initialBytes: 1 });
  const world = new World(heap, seed);
  world.pool.push(heap.nilOop);
  for (let i = 0; i < 10_000; i++) world.newObject();
  if (withSavedSegment) {
    // Everything built so far becomes a saved segment; then the world goes on changing.
    heap.roots.push(...world.pool);
    scavenge(heap);
    heap.markSaved('base');
    world.pool = heap.roots.slice();
    heap.roots.length = 0;
  }
  world.mutate(5000);
  world.chooseRoots(200);
  for (let round = 0; round < 8; round++) {
    const before = world.snap();
    if (round % 3 === 2) {
      const stats = fullGC(heap);
      expect(stats.bytesAfter).toBeLessThanOrEqual(stats.bytesBefore);
      expect(checkOldSpace(heap)).toBe(stats.objectsLive);
    } else {
      scavenge(heap);
      checkOldSpace(heap);
    }
    expect(heap.nurseryTop).toBe(8);
    expect(equal(world.snap(), before)).toBe(true);
    // Only reachable objects are valid from here on; then allocate and mutate some more.
    world.pool = world.reachable();
    for (let i = 0; i < 3000; i++) world.newObject();
    world.mutate(4000);
    if (round % 2 === 1) world.chooseRoots(100 + world.int(200));
  }
  const before = world.snap();
  fullGC(heap);
  expect(equal(world.snap(), before)).toBe(true);
  return heap;
}

describe('random object graphs survive GC unchanged', () => {
  it('in a heap without saved segments', () => {
    run(1, false);
  });

  it('in a heap with a saved segment', () => {
    const heap = run(2, true);
    expect(heap.segments.length).toBe(1);
  });

  it('with another seed', () => {
    run(3, true);
  });
});
