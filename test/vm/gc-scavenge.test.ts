import { describe, expect, it } from 'vitest';
import equal from 'fast-deep-equal';
import { BIG_OBJECT_BYTES, CARD_SHIFT, NURSERY_START } from '../../vm/heap.ts';
import { FORWARDED_BIT, MARK_BIT, REMEMBERED_BIT } from '../../vm/layout.ts';
import { characterOop, smallInt } from '../../vm/oop.ts';
import { Special } from '../../vm/special.ts';
import { flushForSave, rebuildRememberedSet, scavenge } from '../../vm/gc.ts';
import {
  TestClass, makeHeap, newArray, newBytes, newEmptyArray, newFixed, newFloat, newMethod, newString,
  newWeak, newWords, snapshot,
} from '../helpers/heap-builder.ts';
import type { Heap } from '../../vm/heap.ts';

function same(heap: Heap, before: unknown): boolean {
  return equal(snapshot(heap, [heap.specialObjects, ...heap.roots]), before);
}

function text(heap: Heap, oop: number): string {
  return new TextDecoder().decode(heap.bytesOf(oop));
}

function snap(heap: Heap): unknown {
  return snapshot(heap, [heap.specialObjects, ...heap.roots]);
}

describe('scavenge', () => {
  it('tenures roots, specials and nil; empties the nursery', () => {
    const heap = makeHeap();
    const a = newArray(heap, [smallInt(1), characterOop(0x1f600), smallInt(-5)]);
    heap.roots.push(a, smallInt(42), 0);
    const before = snap(heap);
    const stats = scavenge(heap);
    expect(heap.nurseryTop).toBe(NURSERY_START);
    expect(heap.gcRequested).toBe(false);
    expect(heap.roots[0]).not.toBe(a);
    expect(heap.roots[0]).toBeGreaterThanOrEqual(heap.savedEnd);
    expect(heap.roots.slice(1)).toEqual([smallInt(42), 0]);
    expect(heap.nilOop).toBeGreaterThanOrEqual(heap.savedEnd);
    expect(heap.fetch(heap.specialObjects, Special.nil)).toBe(heap.nilOop);
    expect(heap.fetch(heap.roots[0], 1)).toBe(characterOop(0x1f600));
    expect(heap.fetch(heap.roots[0], 2)).toBe(smallInt(-5));
    expect(stats.tenuredObjects).toBe(5);
    expect(same(heap, before)).toBe(true);
  });

  it('reclaims unreachable nursery objects', () => {
    const heap = makeHeap();
    for (let i = 0; i < 1000; i++) newArray(heap, [smallInt(i)]);
    const keep = newString(heap, 'kept');
    heap.roots.push(keep);
    const stats = scavenge(heap);
    expect(stats.tenuredObjects).toBe(5);
    expect(stats.nurseryBytes).toBeGreaterThan(1000 * 16);
    expect(heap.oldTop - heap.savedEnd).toBe(stats.tenuredBytes);
  });

  it('keeps cycles and shared structure', () => {
    const heap = makeHeap();
    const a = newEmptyArray(heap, 2);
    const b = newFixed(heap, TestClass.Link, [a, smallInt(2)]);
    heap.store(a, 0, b);
    heap.store(a, 1, a);
    heap.roots.push(a, b);
    const before = snap(heap);
    scavenge(heap);
    const [a2, b2] = heap.roots;
    expect(heap.fetch(a2, 0)).toBe(b2);
    expect(heap.fetch(a2, 1)).toBe(a2);
    expect(heap.fetch(b2, 0)).toBe(a2);
    expect(same(heap, before)).toBe(true);
    scavenge(heap);
    expect(heap.roots).toEqual([a2, b2]);
  });

  it('keeps contents of byte, word, float and odd-length objects', () => {
    const heap = makeHeap();
    heap.roots.push(
      newBytes(heap, [1, 2, 3]), newString(heap, 'hello, world'), newBytes(heap, []),
      newWords(heap, [0xffffffff, 0, 0x80000000, 7]), newFloat(heap, -0.1),
      newBytes(heap, [0, 0, 0, 0, 0, 0, 0, 0]),
    );
    const before = snap(heap);
    scavenge(heap);
    expect(same(heap, before)).toBe(true);
    expect(heap.byteLength(heap.roots[0])).toBe(3);
    expect(new TextDecoder().decode(heap.bytesOf(heap.roots[1]))).toBe('hello, world');
    expect(heap.floatValue(heap.roots[4])).toBe(-0.1);
  });

  it('updates literal pointers of compiled methods and keeps their bytecodes', () => {
    const heap = makeHeap();
    const lit = newString(heap, 'literal');
    // Bytecodes that look like nursery pointers must not be touched.
    const code = [8, 0, 0, 0, 16, 0, 0, 0, 24];
    const m = newMethod(heap, [lit, smallInt(3), heap.nilOop], code, 1);
    heap.roots.push(m);
    const before = snap(heap);
    scavenge(heap);
    const m2 = heap.roots[0];
    expect(heap.fetch(m2, 2)).not.toBe(lit);
    expect(new TextDecoder().decode(heap.bytesOf(heap.fetch(m2, 2)))).toBe('literal');
    expect(Array.from(heap.bytesOf(m2))).toEqual(code);
    expect(same(heap, before)).toBe(true);
  });

  it('copies nursery objects of 255+ slots with their prefix', () => {
    const heap = makeHeap();
    const items = Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? newString(heap, `s${i}`) : smallInt(i)));
    const big = newArray(heap, items);
    expect(big).toBeLessThan(heap.nurseryEnd);
    heap.roots.push(big);
    const before = snap(heap);
    scavenge(heap);
    expect(heap.slotCount(heap.roots[0])).toBe(400);
    expect(same(heap, before)).toBe(true);
  });

  it('updates old objects (> 64 KB, born in old space) through the remembered set', () => {
    const heap = makeHeap();
    scavenge(heap); // nil is old from here on
    const n = BIG_OBJECT_BYTES / 4 + 10;
    const big = newEmptyArray(heap, n);
    expect(big).toBeGreaterThanOrEqual(heap.savedEnd);
    heap.roots.push(big);
    for (let i = 0; i < n; i += 97) heap.store(big, i, newArray(heap, [smallInt(i)]));
    heap.store(big, n - 1, characterOop(97));
    const before = snap(heap);
    scavenge(heap);
    expect(heap.roots[0]).toBe(big);
    expect(heap.remembered).toEqual([]);
    expect(heap.words[big >>> 2] & REMEMBERED_BIT).toBe(0);
    expect(heap.fetch(big, n - 1)).toBe(characterOop(97));
    expect(same(heap, before)).toBe(true);
  });

  it('scans objects born in old space since the last GC, even when filled without the barrier', () => {
    const heap = makeHeap({ nurseryBytes: 4096 });
    scavenge(heap);
    const young = newString(heap, 'young');
    let overflow = 0;
    while (!heap.gcRequested) overflow = newEmptyArray(heap, 4);
    expect(overflow).toBeGreaterThanOrEqual(heap.savedEnd);
    heap.roots.push(overflow);
    heap.words[(overflow >>> 2) + 2] = young; // a raw copy: no barrier, not remembered
    expect(heap.remembered).toEqual([]);
    scavenge(heap);
    expect(heap.lastGCTop).toBe(heap.oldTop);
    expect(text(heap, heap.fetch(overflow, 0))).toBe('young');
  });

  it('follows a young forwarder (as a lazy become: would leave) to its target', () => {
    const heap = makeHeap();
    const a = newString(heap, 'a');
    const b = newString(heap, 'b');
    heap.words[a >>> 2] = (heap.words[a >>> 2] | FORWARDED_BIT) >>> 0;
    heap.words[(a >>> 2) + 1] = b;
    heap.roots.push(a, newArray(heap, [a]));
    scavenge(heap);
    expect(text(heap, heap.roots[0])).toBe('b');
    expect(heap.fetch(heap.roots[1], 0)).toBe(heap.roots[0]);
  });

  it('treats weak slots strongly', () => {
    const heap = makeHeap();
    const target = newString(heap, 'only weakly held');
    heap.roots.push(newWeak(heap, [target]));
    scavenge(heap);
    const t2 = heap.fetch(heap.roots[0], 0);
    expect(new TextDecoder().decode(heap.bytesOf(t2))).toBe('only weakly held');
  });

  it('grows the heap when survivors do not fit', () => {
    const heap = makeHeap({ initialBytes: 1, nurseryBytes: 2 * 1024 * 1024 });
    const list = newEmptyArray(heap, 10_000);
    heap.roots.push(list);
    let epoch = heap.epoch;
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 10_000; i++) heap.store(list, i, newBytes(heap, [round, i & 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]));
      const before = snap(heap);
      scavenge(heap);
      expect(same(heap, before)).toBe(true);
      // keep everything alive: chain the old list into the new one
      const next = newEmptyArray(heap, 10_001);
      heap.store(next, 10_000, heap.roots[0]);
      heap.roots[0] = next;
      epoch = Math.max(epoch, heap.epoch);
    }
    expect(heap.epoch).toBeGreaterThan(0);
    expect(heap.capacity).toBeGreaterThan(6 * 10_000 * 32);
  });
});

describe('scavenge with a saved segment', () => {
  function savedWorld() {
    const heap = makeHeap();
    const holder = newEmptyArray(heap, 300);
    const plain = newFixed(heap, TestClass.Point, [smallInt(3), smallInt(4)]);
    heap.roots.push(holder, plain);
    scavenge(heap);
    heap.markSaved('base');
    return { heap, holder: heap.roots[0], plain: heap.roots[1] };
  }

  it('keeps objects reachable only from a saved object and updates the saved slot', () => {
    const { heap, holder } = savedWorld();
    const child = newArray(heap, [newString(heap, 'deep'), smallInt(1)]);
    heap.store(holder, 299, child);
    heap.cards.fill(0);
    const before = snap(heap);
    scavenge(heap);
    const moved = heap.fetch(holder, 299);
    expect(moved).not.toBe(child);
    expect(moved).toBeGreaterThanOrEqual(heap.savedEnd);
    expect(same(heap, before)).toBe(true);
    // the updated slot's card is dirty (a delta must save it)
    const addr = holder + 8 + 299 * 4;
    expect(heap.cards[addr >>> CARD_SHIFT]).toBe(1);
    // still remembered: it points into old space now
    expect(heap.remembered).toEqual([holder]);
  });

  it('drops saved objects from the remembered set once they point only at saved objects', () => {
    const { heap, holder, plain } = savedWorld();
    heap.store(holder, 0, newEmptyArray(heap, 1));
    heap.store(holder, 0, plain);
    scavenge(heap);
    expect(heap.remembered).toEqual([]);
    expect(heap.words[holder >>> 2] & REMEMBERED_BIT).toBe(0);
  });

  it('flushForSave leaves no nursery, no remembered objects and no transient bits', () => {
    const { heap, holder } = savedWorld();
    heap.store(holder, 5, newString(heap, 'new'));
    heap.roots.push(newEmptyArray(heap, 3));
    flushForSave(heap);
    expect(heap.nurseryTop).toBe(NURSERY_START);
    expect(heap.remembered).toEqual([]);
    const transient = (MARK_BIT | REMEMBERED_BIT | FORWARDED_BIT) >>> 0;
    heap.forEachLiveRegion((start, end) => heap.forEachObject(start, end, (oop) => {
      expect(heap.words[oop >>> 2] & transient).toBe(0);
    }));
    expect(heap.bytes.subarray(NURSERY_START, NURSERY_START + 4096).every((b) => b === 0)).toBe(true);
    heap.markSaved('delta');
    expect(heap.segments.map((s) => s.role)).toEqual(['base', 'delta']);
    expect(new TextDecoder().decode(heap.bytesOf(heap.fetch(holder, 5)))).toBe('new');
  });

  it('rebuildRememberedSet restores the set after an aborted save', () => {
    const { heap, holder } = savedWorld();
    heap.store(holder, 5, newString(heap, 'new'));
    flushForSave(heap);
    expect(heap.remembered).toEqual([]);
    rebuildRememberedSet(heap);
    expect(heap.remembered).toEqual([holder]);
  });
});
