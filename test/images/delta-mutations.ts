// Random mutation scripts over a test world (test/images/world.ts), for the delta
// equivalence tests: every kind of change a running image makes to its heap at the object
// memory level: new objects, stores, grown collections, byte and float changes, identity
// hash and immutability changes, cut references (garbage), many new objects, big objects,
// scavenges and full GCs in between.
//
// Candidates are found afresh before each step by a breadth-first walk from the world's
// workspace, so no oop is held across a GC.

import { fullGC, scavenge } from '../../vm/gc.ts';
import { Heap } from '../../vm/heap.ts';
import { Format, isBytesFormat, isCompiledMethodFormat } from '../../vm/layout.ts';
import { characterOop, isPointer, smallInt } from '../../vm/oop.ts';
import { ClassIndex, Special } from '../../vm/special.ts';
import { Builder, POINT_INDEX, workspaceOf } from './world.ts';

/** A small deterministic generator (xorshift32), so a failing seed can be replayed. */
export class Rng {
  state: number;
  constructor(seed: number) {
    this.state = (seed * 2654435761) >>> 0 || 1;
  }

  next(): number {
    let x = this.state;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  int(n: number): number {
    return this.next() % n;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** A reachable object and where it was first found (its container and slot). */
interface Place {
  oop: number;
  parent: number;
  index: number;
}

/**
 * Objects reachable from the workspace, breadth first, at most `limit`. The class table and
 * the classes are left out: changing them would change how the GC reads weak objects.
 */
export function reachable(heap: Heap, limit = 50_000): Place[] {
  const root = workspaceOf(heap);
  const seen = new Set<number>([root, heap.nilOop, heap.fetch(heap.specialObjects, Special.classTable)]);
  const places: Place[] = [{ oop: root, parent: heap.specialObjects, index: 13 }];
  for (let i = 0; i < places.length && places.length < limit; i++) {
    const oop = places[i].oop;
    const n = heap.pointerSlotCount(oop);
    const first = isCompiledMethodFormat(heap.formatOf(oop)) ? 2 : 0;
    for (let k = first; k < n; k++) {
      const v = heap.fetch(oop, k);
      if (isPointer(v) && !seen.has(v)) {
        seen.add(v);
        places.push({ oop: v, parent: oop, index: k });
      }
    }
  }
  return places;
}

/** A slot that may hold any oop: pointer formats' slots, a method's literals. */
function storableSlots(heap: Heap, oop: number): [number, number] {
  const format = heap.formatOf(oop);
  if (format >= Format.FIXED && format <= Format.WEAK) return [0, heap.slotCount(oop)];
  if (isCompiledMethodFormat(format)) return [2, heap.pointerSlotCount(oop)];
  return [0, 0];
}

export const STEPS = [
  'store', 'new', 'many', 'grow', 'bytes', 'float', 'hash', 'immutable', 'cut', 'big',
  'scavenge', 'fullGC',
] as const;
export type Step = typeof STEPS[number];

/** Applies `count` random steps; answers what was done (for failure messages). */
export function mutate(heap: Heap, rng: Rng, count: number, steps: readonly Step[] = STEPS): string[] {
  const log: string[] = [];
  for (let i = 0; i < count; i++) log.push(step(heap, rng, rng.pick(steps)));
  return log;
}

function step(heap: Heap, rng: Rng, kind: Step): string {
  const b = new Builder(heap, true);
  const places = reachable(heap);
  const containers = places.filter((p) => {
    const [from, to] = storableSlots(heap, p.oop);
    return to > from;
  });
  const storeSomewhere = (value: number): string => {
    const c = rng.pick(containers);
    const [from, to] = storableSlots(heap, c.oop);
    const k = from + rng.int(to - from);
    heap.store(c.oop, k, value);
    return `${c.oop.toString(16)}[${k}]`;
  };
  const newValue = (): number => {
    switch (rng.int(6)) {
      case 0: return b.string(`s${rng.int(1000)}`);
      case 1: return b.float(rng.int(1000) / 8);
      case 2: return b.array([smallInt(rng.int(100)), rng.pick(places).oop, heap.nilOop]);
      case 3: {
        const p = b.alloc(POINT_INDEX, Format.FIXED, 2);
        heap.store(p, 0, smallInt(rng.int(50)));
        heap.store(p, 1, rng.pick(places).oop);
        return p;
      }
      case 4: return b.bytes(ClassIndex.ByteArray, Uint8Array.from({ length: rng.int(40) }, () => rng.int(256)));
      default: return smallInt(rng.int(1 << 20) - (1 << 19));
    }
  };
  switch (kind) {
    case 'store': {
      const choice = rng.int(4);
      const value = choice === 0 ? smallInt(rng.int(999)) : choice === 1 ? characterOop(65 + rng.int(26))
        : choice === 2 ? heap.nilOop : rng.pick(places).oop;
      return `store ${storeSomewhere(value)}`;
    }
    case 'new': {
      const n = 1 + rng.int(20);
      const items: number[] = [];
      for (let k = 0; k < n; k++) items.push(newValue());
      return `new ${n} at ${storeSomewhere(b.array(items))}`;
    }
    case 'many': {
      let list = heap.nilOop;
      heap.roots.push(list);
      for (let k = 0; k < 3000; k++) {
        list = b.array([smallInt(k), list, k % 10 === 0 ? b.string(`n${k}`) : heap.nilOop]);
        heap.roots[heap.roots.length - 1] = list;
      }
      heap.roots.pop();
      return `many at ${storeSomewhere(list)}`;
    }
    case 'grow': {
      const arrays = places.filter((p) => heap.classIndexOf(p.oop) === ClassIndex.Array
        && heap.formatOf(p.oop) === Format.INDEXABLE && p.parent !== heap.specialObjects
        && storableSlots(heap, p.parent)[1] > p.index);
      if (arrays.length === 0) return 'grow (none)';
      const p = rng.pick(arrays);
      const n = heap.slotCount(p.oop);
      const bigger = b.alloc(ClassIndex.Array, Format.INDEXABLE, n + 1 + rng.int(20));
      for (let k = 0; k < n; k++) heap.store(bigger, k, heap.fetch(p.oop, k));
      heap.store(bigger, n, smallInt(n));
      heap.store(p.parent, p.index, bigger);
      return `grow ${p.oop.toString(16)} (${n})`;
    }
    case 'bytes': {
      const bytes = places.filter((p) => isBytesFormat(heap.formatOf(p.oop)) && heap.byteLength(p.oop) > 0);
      if (bytes.length === 0) return 'bytes (none)';
      const p = rng.pick(bytes);
      const k = rng.int(heap.byteLength(p.oop));
      heap.byteAtPut(p.oop, k, rng.int(256));
      return `bytes ${p.oop.toString(16)}[${k}]`;
    }
    case 'float': {
      const floats = places.filter((p) => heap.classIndexOf(p.oop) === ClassIndex.Float);
      if (floats.length === 0) return 'float (none)';
      const p = rng.pick(floats);
      heap.setFloatValue(p.oop, rng.int(1 << 30) / 3);
      return `float ${p.oop.toString(16)}`;
    }
    case 'hash': {
      const p = rng.pick(places);
      heap.setIdentityHash(p.oop, rng.int(1 << 22));
      return `hash ${p.oop.toString(16)}`;
    }
    case 'immutable': {
      const p = rng.pick(places);
      heap.setImmutable(p.oop, !heap.isImmutable(p.oop));
      return `immutable ${p.oop.toString(16)}`;
    }
    case 'cut': {
      const p = rng.pick(places.slice(1));
      if (p === undefined || storableSlots(heap, p.parent)[1] <= p.index) return 'cut (none)';
      heap.store(p.parent, p.index, heap.nilOop);
      return `cut ${p.parent.toString(16)}[${p.index}]`;
    }
    case 'big': {
      const big = b.alloc(ClassIndex.Array, Format.INDEXABLE, 20_000 + rng.int(1000));
      heap.store(big, rng.int(20_000), rng.pick(places).oop);
      return `big at ${storeSomewhere(big)}`;
    }
    case 'scavenge':
      scavenge(heap);
      return 'scavenge';
    case 'fullGC':
      fullGC(heap);
      return 'fullGC';
  }
}

/**
 * An independent copy of a heap (buffer, spaces, cards, remembered set), so a full image can
 * be saved "at the same moment" as a delta without touching the heap the delta comes from.
 */
export function cloneHeap(heap: Heap): Heap {
  const copy = new Heap(heap.buffer.slice(0), heap.nurseryEnd, heap.savedEnd, heap.maxBytes);
  copy.nurseryTop = heap.nurseryTop;
  copy.oldTop = heap.oldTop;
  copy.lastGCTop = heap.lastGCTop;
  copy.segments = heap.segments.map((s) => ({ ...s }));
  copy.cards.set(heap.cards);
  copy.remembered = heap.remembered.slice();
  copy.specialObjects = heap.specialObjects;
  copy.nilOop = heap.nilOop;
  copy.hashSeed = heap.hashSeed;
  return copy;
}
