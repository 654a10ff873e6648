import { describe, expect, it } from 'vitest';
import equal from 'fast-deep-equal';
import { BIG_OBJECT_BYTES, CARD_SHIFT, NURSERY_START } from '../../vm/heap.ts';
import type { Heap } from '../../vm/heap.ts';
import { Format, MARK_BIT, PINNED_BIT, REMEMBERED_BIT } from '../../vm/layout.ts';
import { characterOop, smallInt } from '../../vm/oop.ts';
import { fullGC, scavenge } from '../../vm/gc.ts';
import {
  TestClass, installClass, makeHeap, newArray, newBytes, newEmptyArray, newFixed, newFloat, newMethod,
  newString, newWeak, newWords, snapshot,
} from '../helpers/heap-builder.ts';

function snap(heap: Heap): unknown {
  return snapshot(heap, [heap.specialObjects, ...heap.roots]);
}

/** Every object of old space, in order; also checks that they tile it exactly. */
function oldObjects(heap: Heap): number[] {
  const all: number[] = [];
  heap.forEachObject(heap.savedEnd, heap.oldTop, (oop) => all.push(oop));
  return all;
}

/** Tenures objs (scavenging) and returns their new oops; they are roots no longer. */
function tenure(heap: Heap, objs: number[]): number[] {
  const at = heap.roots.length;
  heap.roots.push(...objs);
  scavenge(heap);
  return heap.roots.splice(at, objs.length);
}

function text(heap: Heap, oop: number): string {
  return new TextDecoder().decode(heap.bytesOf(oop));
}

describe('fullGC', () => {
  it('reclaims garbage: oldTop shrinks, survivors slide down in order', () => {
    const heap = makeHeap();
    const all = tenure(heap, Array.from({ length: 2000 }, (_, i) => newString(heap, `object ${i}`)));
    heap.roots.push(newArray(heap, all.filter((_, i) => i % 10 === 0)));
    scavenge(heap);
    const before = snap(heap);
    const top = heap.oldTop;
    const stats = fullGC(heap);
    expect(heap.oldTop).toBeLessThan(top);
    expect(stats.bytesBefore).toBe(top - heap.savedEnd);
    expect(stats.bytesAfter).toBe(heap.oldTop - heap.savedEnd);
    expect(stats.objectsFreed).toBe(1800);
    expect(stats.objectsLive).toBe(oldObjects(heap).length);
    expect(equal(snap(heap), before)).toBe(true);
    const arr = heap.roots[0];
    const addrs = Array.from({ length: 200 }, (_, i) => heap.fetch(arr, i));
    expect(addrs).toEqual([...addrs].sort((a, b) => a - b));
    expect(text(heap, addrs[7])).toBe('object 70');
    expect(heap.nurseryTop).toBe(NURSERY_START);
  });

  it('keeps reachable cycles and reclaims unreachable ones', () => {
    const heap = makeHeap();
    const ring = (n: number) => {
      const first = newFixed(heap, TestClass.Link, [heap.nilOop, smallInt(0)]);
      let prev = first;
      for (let i = 1; i < n; i++) {
        const link = newFixed(heap, TestClass.Link, [heap.nilOop, smallInt(i)]);
        heap.store(prev, 0, link);
        prev = link;
      }
      heap.store(prev, 0, first);
      return first;
    };
    const [, kept] = tenure(heap, [ring(500), ring(100), ring(500)]);
    heap.roots.push(kept);
    const before = snap(heap);
    const stats = fullGC(heap);
    expect(stats.objectsFreed).toBe(1000);
    expect(equal(snap(heap), before)).toBe(true);
    let p = heap.roots[0];
    for (let i = 0; i < 100; i++) p = heap.fetch(p, 0);
    expect(p).toBe(heap.roots[0]);
  });

  it('keeps large objects (255+ slots, and > 64 KB born in old space) and their contents', () => {
    const heap = makeHeap();
    scavenge(heap);
    newBytes(heap, new Uint8Array(BIG_OBJECT_BYTES * 2)); // garbage below the survivors
    tenure(heap, [newString(heap, 'garbage')]);
    const mid = newArray(heap, Array.from({ length: 300 }, (_, i) => (i % 50 === 0 ? newString(heap, `m${i}`) : smallInt(i))));
    const hugeBytes = newBytes(heap, Uint8Array.from({ length: BIG_OBJECT_BYTES + 3 }, (_, i) => (i * 7) & 255));
    const hugeArray = newEmptyArray(heap, BIG_OBJECT_BYTES / 4 + 1);
    for (let i = 0; i < BIG_OBJECT_BYTES / 4 + 1; i += 1000) heap.store(hugeArray, i, newFloat(heap, i / 3));
    heap.roots.push(mid, hugeBytes, hugeArray);
    const before = snap(heap);
    fullGC(heap);
    expect(heap.roots[1]).toBeLessThan(hugeBytes);
    expect(heap.byteLength(heap.roots[1])).toBe(BIG_OBJECT_BYTES + 3);
    expect(heap.bytesOf(heap.roots[1])[BIG_OBJECT_BYTES + 2]).toBe(((BIG_OBJECT_BYTES + 2) * 7) & 255);
    expect(heap.slotCount(heap.roots[2])).toBe(BIG_OBJECT_BYTES / 4 + 1);
    expect(heap.floatValue(heap.fetch(heap.roots[2], 3000))).toBe(1000);
    expect(equal(snap(heap), before)).toBe(true);
  });

  it('leaves immediates, byte, word and method objects intact', () => {
    const heap = makeHeap();
    newString(heap, 'garbage');
    const lit = newString(heap, 'lit');
    const code = [0, 8, 16, 24, 32, 40, 48];
    heap.roots.push(
      newArray(heap, [smallInt(-(2 ** 30)), smallInt(2 ** 30 - 1), characterOop(0x10ffff), characterOop(0)]),
      newMethod(heap, [lit, newFloat(heap, 2.5), smallInt(9)], code, 2),
      newBytes(heap, [9, 8, 7, 6, 5]), newWords(heap, [1, 2, 3]), smallInt(77), characterOop(66),
    );
    scavenge(heap);
    newString(heap, 'more garbage');
    scavenge(heap);
    const before = snap(heap);
    fullGC(heap);
    expect(equal(snap(heap), before)).toBe(true);
    const [arr, m, bytes] = heap.roots;
    expect(heap.fetch(arr, 0)).toBe(smallInt(-(2 ** 30)));
    expect(heap.fetch(arr, 2)).toBe(characterOop(0x10ffff));
    expect(text(heap, heap.fetch(m, 2))).toBe('lit');
    expect(heap.floatValue(heap.fetch(m, 3))).toBe(2.5);
    expect(Array.from(heap.bytesOf(m))).toEqual(code);
    expect(heap.byteLength(bytes)).toBe(5);
    expect(heap.roots.slice(4)).toEqual([smallInt(77), characterOop(66)]);
  });

  it('clears mark bits and leaves old space walkable', () => {
    const heap = makeHeap();
    for (let i = 0; i < 300; i++) {
      const a = newArray(heap, [smallInt(i)]);
      if (i % 3 === 0) heap.roots.push(a);
    }
    fullGC(heap);
    fullGC(heap);
    for (const oop of oldObjects(heap)) expect(heap.words[oop >>> 2] & MARK_BIT).toBe(0);
    expect(oldObjects(heap).length).toBe(100 + 4);
  });
});

describe('fullGC with a saved segment', () => {
  function savedWorld() {
    const heap = makeHeap();
    const holder = newEmptyArray(heap, 600);
    const [saved] = tenure(heap, [holder]);
    heap.markSaved('base');
    return { heap, holder: saved };
  }

  it('keeps objects reachable only from a saved object, and updates its slot with a card mark', () => {
    const { heap, holder } = savedWorld();
    tenure(heap, Array.from({ length: 100 }, (_, i) => newString(heap, `garbage ${i}`)));
    const child = newArray(heap, [newString(heap, 'reachable from saved'), smallInt(5)]);
    heap.store(holder, 550, child);
    scavenge(heap);
    const tenured = heap.fetch(holder, 550);
    heap.cards.fill(0);
    const before = snapshot(heap, [holder]);
    const stats = fullGC(heap);
    expect(stats.objectsFreed).toBe(100);
    const moved = heap.fetch(holder, 550);
    expect(moved).toBeLessThan(tenured);
    expect(text(heap, heap.fetch(moved, 0))).toBe('reachable from saved');
    expect(equal(snapshot(heap, [holder]), before)).toBe(true);
    expect(heap.cards[(holder + 8 + 550 * 4) >>> CARD_SHIFT]).toBe(1);
    expect(heap.remembered).toEqual([holder]);
    expect(heap.words[holder >>> 2] & MARK_BIT).toBe(0);
  });

  it('frees an unsaved object once the saved object drops it, and forgets the saved one', () => {
    const { heap, holder } = savedWorld();
    heap.store(holder, 1, newString(heap, 'temporary'));
    fullGC(heap);
    expect(heap.oldTop).toBeGreaterThan(heap.savedEnd);
    heap.store(holder, 1, smallInt(0));
    const stats = fullGC(heap);
    expect(heap.oldTop).toBe(heap.savedEnd);
    expect(stats.objectsFreed).toBe(1);
    expect(heap.remembered).toEqual([]);
    expect(heap.words[holder >>> 2] & REMEMBERED_BIT).toBe(0);
  });

  it('never moves or frees saved objects', () => {
    const { heap, holder } = savedWorld();
    const savedEnd = heap.savedEnd;
    const copy = heap.bytes.slice(heap.nurseryEnd, savedEnd);
    fullGC(heap);
    expect(heap.savedEnd).toBe(savedEnd);
    expect(heap.bytes.slice(heap.nurseryEnd, savedEnd)).toEqual(copy);
    expect(heap.slotCount(holder)).toBe(600);
  });
});

describe('weak objects', () => {
  it('clears weak slots whose referent died, keeps live ones and immediates', () => {
    const heap = makeHeap();
    const live = newString(heap, 'live');
    const dead = newString(heap, 'dead');
    const weak = newWeak(heap, [live, dead, smallInt(3), heap.nilOop, dead]);
    heap.roots.push(weak, live);
    const stats = fullGC(heap);
    const w = heap.roots[0];
    expect(stats.weakSlotsCleared).toBe(2);
    expect(heap.fetch(w, 0)).toBe(heap.roots[1]);
    expect(text(heap, heap.fetch(w, 0))).toBe('live');
    expect([heap.fetch(w, 1), heap.fetch(w, 2), heap.fetch(w, 3), heap.fetch(w, 4)])
      .toEqual([heap.nilOop, smallInt(3), heap.nilOop, heap.nilOop]);
  });

  it('keeps named slots of weak objects strong (instSize from the class table)', () => {
    const heap = makeHeap();
    installClass(heap, TestClass.WeakWithName, 1, Format.WEAK);
    const named = newString(heap, 'named');
    const weakOnly = newString(heap, 'weak only');
    heap.roots.push(newWeak(heap, [named, weakOnly], TestClass.WeakWithName));
    fullGC(heap);
    const w = heap.roots[0];
    expect(text(heap, heap.fetch(w, 0))).toBe('named');
    expect(heap.fetch(w, 1)).toBe(heap.nilOop);
  });

  it('clears weak slots of a saved weak object, with a card mark', () => {
    const heap = makeHeap();
    heap.roots.push(newWeak(heap, [heap.nilOop, heap.nilOop]));
    scavenge(heap);
    heap.markSaved('base');
    const w = heap.roots[0];
    heap.roots.length = 0;
    const live = newString(heap, 'live');
    heap.roots.push(live);
    heap.store(w, 0, live);
    heap.store(w, 1, newString(heap, 'dead'));
    scavenge(heap);
    heap.cards.fill(0);
    fullGC(heap);
    expect(heap.fetch(w, 0)).toBe(heap.roots[0]);
    expect(heap.fetch(w, 1)).toBe(heap.nilOop);
    expect(heap.cards[(w + 8 + 4) >>> CARD_SHIFT]).toBe(1);
    heap.roots.length = 0;
    fullGC(heap);
    expect(heap.fetch(w, 0)).toBe(heap.nilOop);
    expect(heap.remembered).toEqual([]);
    expect(heap.oldTop).toBe(heap.savedEnd);
  });
});

describe('pinned objects', () => {
  function pin(heap: Heap, oop: number): void {
    heap.words[oop >>> 2] = (heap.words[oop >>> 2] | PINNED_BIT) >>> 0;
  }

  it('are not moved; objects above slide down to them; the gap below becomes a filler', () => {
    const heap = makeHeap();
    scavenge(heap);
    const base = heap.oldTop;
    const garbage = () => Array.from({ length: 50 }, (_, i) => newString(heap, `garbage ${i}`));
    const [a, pinned, b, pinnedBig, c] = tenure(heap, [
      ...garbage(), newString(heap, 'a'), newBytes(heap, [1, 2, 3]), ...garbage(),
      newArray(heap, []), newEmptyArray(heap, 1000), newString(heap, 'c'),
    ]).filter((_, i) => i === 50 || i === 51 || i >= 102);
    pin(heap, pinned);
    pin(heap, pinnedBig);
    expect(b).toBeLessThan(pinnedBig); // b dies: replaced by a young array
    const b1 = newArray(heap, [pinned, a]);
    heap.roots.push(a, pinned, b1, pinnedBig, c);
    const before = snap(heap);
    fullGC(heap);
    expect(equal(snap(heap), before)).toBe(true);
    const [a2, p2, b2, big2, c2] = heap.roots;
    expect(p2).toBe(pinned);
    expect(big2).toBe(pinnedBig);
    expect(a2).toBeLessThan(a);
    expect(a2).toBe(base);
    expect(c2).toBe(pinnedBig + 8 + 1000 * 4);
    expect(b2).toBe(c2 + 16); // tenured by fullGC's scavenge, after c
    expect(heap.fetch(b2, 0)).toBe(pinned);
    expect(heap.fetch(b2, 1)).toBe(a2);
    const objs = oldObjects(heap);
    const fillers = objs.filter((o) => heap.classIndexOf(o) === 0);
    expect(fillers.length).toBe(2);
    expect(objs.filter((o) => o >= base && heap.classIndexOf(o) !== 0)).toEqual([a2, p2, big2, c2, b2]);
    // A second GC keeps everything where it is.
    const top = heap.oldTop;
    fullGC(heap);
    expect(heap.roots).toEqual([a2, p2, b2, big2, c2]);
    expect(heap.oldTop).toBe(top);
    // Unpinned, they move down and the fillers go.
    heap.words[pinned >>> 2] = (heap.words[pinned >>> 2] & ~PINNED_BIT) >>> 0;
    heap.words[pinnedBig >>> 2] = (heap.words[pinnedBig >>> 2] & ~PINNED_BIT) >>> 0;
    const again = snap(heap);
    fullGC(heap);
    expect(equal(snap(heap), again)).toBe(true);
    expect(oldObjects(heap).filter((o) => heap.classIndexOf(o) === 0)).toEqual([]);
    expect(heap.roots[1]).toBeLessThan(pinned);
  });

  it('fills gaps of every size with walkable fillers', () => {
    for (const garbageSlots of [0, 1, 2, 200, 252, 253, 254, 255, 256, 300]) {
      const heap = makeHeap();
      scavenge(heap);
      const [, pinned] = tenure(heap, [newEmptyArray(heap, garbageSlots), newEmptyArray(heap, 1)]);
      pin(heap, pinned);
      heap.roots.push(pinned);
      fullGC(heap);
      expect(heap.roots[0]).toBe(pinned);
      const objs = oldObjects(heap);
      expect(objs[objs.length - 1]).toBe(pinned);
      // nil, the specials, true, false; then fillers up to the pinned object
      expect(objs.slice(4, -1).length).toBeGreaterThan(0);
      expect(objs.slice(4, -1).every((o) => heap.classIndexOf(o) === 0)).toBe(true);
    }
  });
});
