// Whole-heap operations that find or replace references: allInstances, becomeForward and
// two-way become. The heap is flat and has no object table, so they walk every object
// (saved segments, old space, nursery): O(heap), which is fine for their uses (class
// redefinition, development tools), never on a hot path.

import type { Heap } from './heap.ts';
import { isCompiledMethodFormat, isPointersFormat } from './layout.ts';

/** Calls fn(oop) for every object in the heap. */
export function forEachObject(heap: Heap, fn: (oop: number) => void): void {
  heap.forEachLiveRegion((start, end) => heap.forEachObject(start, end, (oop) => {
    if (heap.classIndexOf(oop) !== 0) fn(oop);
  }));
}

/** Every object whose class index is classIndex. */
export function allInstancesOf(heap: Heap, classIndex: number): number[] {
  const out: number[] = [];
  forEachObject(heap, (oop) => {
    if (heap.classIndexOf(oop) === classIndex) out.push(oop);
  });
  return out;
}

function pointerSlotCount(heap: Heap, oop: number): number {
  const format = heap.formatOf(oop);
  if (isPointersFormat(format)) return heap.slotCount(oop);
  if (isCompiledMethodFormat(format)) return Math.min(heap.slotCount(oop), heap.pointerSlotCount(oop));
  return 0;
}

/**
 * Replaces every reference to a key of `map` by its value, in every object and in the
 * heap's roots and special objects. Identity hashes move with the references when
 * `keepHashes` (the new object takes the old one's hash, as becomeForward: copyHash: does).
 */
export function forwardReferences(heap: Heap, map: ReadonlyMap<number, number>, keepHashes = true): void {
  if (map.size === 0) return;
  forEachObject(heap, (oop) => {
    const n = pointerSlotCount(heap, oop);
    for (let i = 0; i < n; i++) {
      const v = heap.fetch(oop, i);
      if ((v & 3) !== 0) continue;
      const to = map.get(v);
      if (to !== undefined) heap.store(oop, i, to);
    }
  });
  for (let i = 0; i < heap.roots.length; i++) {
    const to = map.get(heap.roots[i]);
    if (to !== undefined) heap.roots[i] = to;
  }
  const sp = map.get(heap.specialObjects);
  if (sp !== undefined) heap.specialObjects = sp;
  if (keepHashes) for (const [from, to] of map) if ((to & 3) === 0) heap.setIdentityHash(to, heap.identityHash(from));
}

/** Two-way become: every reference to a[i] now refers to b[i] and vice versa (hashes stay with the objects). */
export function exchangeReferences(heap: Heap, a: readonly number[], b: readonly number[]): void {
  const map = new Map<number, number>();
  a.forEach((x, i) => { map.set(x, b[i]); map.set(b[i], x); });
  forwardReferences(heap, map, false);
}
