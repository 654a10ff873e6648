import { describe, expect, it } from 'vitest';
import {
  BIG_OBJECT_BYTES, CARD_BYTES, CARD_SHIFT, Heap, NURSERY_START, OutOfMemoryError,
} from '../../vm/heap.ts';
import { BIG_MARKER, Format, REMEMBERED_BIT, objectBytes } from '../../vm/layout.ts';
import { ClassIndex } from '../../vm/special.ts';
import { characterOop, smallInt } from '../../vm/oop.ts';
import { scavenge } from '../../vm/gc.ts';
import { makeHeap, newArray, newBytes, newEmptyArray, newFloat, newMethod, newString } from '../helpers/heap-builder.ts';

describe('allocation and headers', () => {
  it('allocates in the nursery with class, format, slots and nil-filled pointer slots', () => {
    const heap = makeHeap();
    const a = heap.allocate(ClassIndex.Array, Format.INDEXABLE, 3);
    expect(a).toBeGreaterThanOrEqual(NURSERY_START);
    expect(a).toBeLessThan(heap.nurseryEnd);
    expect(a % 8).toBe(0);
    expect(heap.classIndexOf(a)).toBe(ClassIndex.Array);
    expect(heap.formatOf(a)).toBe(Format.INDEXABLE);
    expect(heap.slotCount(a)).toBe(3);
    for (let i = 0; i < 3; i++) expect(heap.fetch(a, i)).toBe(heap.nilOop);
  });

  it('gives identity hashes that stay put and can be set', () => {
    const heap = makeHeap();
    const a = newArray(heap, []);
    const b = newArray(heap, []);
    expect(heap.identityHash(a)).not.toBe(heap.identityHash(b));
    heap.setIdentityHash(a, 12345);
    expect(heap.identityHash(a)).toBe(12345);
    expect(heap.slotCount(a)).toBe(0);
  });

  it('keeps exact byte lengths of byte objects, including odd ones', () => {
    const heap = makeHeap();
    for (const len of [0, 1, 2, 3, 4, 5, 7, 8, 9]) {
      const s = newBytes(heap, Array.from({ length: len }, (_, i) => i + 1));
      expect(heap.byteLength(s)).toBe(len);
      expect(Array.from(heap.bytesOf(s))).toEqual(Array.from({ length: len }, (_, i) => i + 1));
      expect(heap.isBytes(s)).toBe(true);
    }
    expect(new TextDecoder().decode(heap.bytesOf(newString(heap, 'héllo')))).toBe('héllo');
  });

  it('stores floats 8-byte aligned', () => {
    const heap = makeHeap();
    const f = newFloat(heap, Math.PI);
    expect(heap.floatValue(f)).toBe(Math.PI);
  });

  it('separates a compiled method\'s literals from its bytecodes', () => {
    const heap = makeHeap();
    const lit = newString(heap, 'x');
    const m = newMethod(heap, [lit, smallInt(7)], [1, 2, 3, 4, 5]);
    expect(heap.pointerSlotCount(m)).toBe(4);
    expect(heap.fetch(m, 2)).toBe(lit);
    expect(Array.from(heap.bytesOf(m))).toEqual([1, 2, 3, 4, 5]);
    expect(heap.byteLength(m)).toBe(4 * 4 + 5);
  });

  it('gives objects of 255 or more slots a prefix holding the count', () => {
    const heap = makeHeap();
    const a = newEmptyArray(heap, 300);
    expect(heap.slotCount(a)).toBe(300);
    expect(heap.words[(a >>> 2) - 1]).toBe(BIG_MARKER);
    const next = newEmptyArray(heap, 1);
    expect(next).toBe(a + objectBytes(300) - 8);
    const seen: number[] = [];
    heap.forEachObject(NURSERY_START, heap.nurseryTop, (oop) => seen.push(oop));
    expect(seen.slice(-2)).toEqual([a, next]);
  });

  it('allocates objects of 64 KB and more in old space without requesting a GC', () => {
    const heap = makeHeap();
    const big = newEmptyArray(heap, BIG_OBJECT_BYTES / 4);
    expect(big).toBeGreaterThanOrEqual(heap.savedEnd);
    expect(heap.gcRequested).toBe(false);
  });

  it('continues in old space and requests a GC when the nursery is full', () => {
    const heap = makeHeap({ nurseryBytes: 4096 });
    let last = 0;
    while (!heap.gcRequested) last = newEmptyArray(heap, 10);
    expect(last).toBeGreaterThanOrEqual(heap.savedEnd);
    scavenge(heap);
    expect(heap.gcRequested).toBe(false);
    expect(heap.nurseryTop).toBe(NURSERY_START);
  });

  it('updates the nil-filled slots of an old object born while nil is still young', () => {
    const heap = makeHeap();
    const big = newEmptyArray(heap, BIG_OBJECT_BYTES / 4);
    heap.roots.push(big);
    expect(heap.nilOop).toBeLessThan(heap.nurseryEnd);
    scavenge(heap);
    expect(heap.nilOop).toBeGreaterThan(heap.nurseryEnd);
    expect(heap.fetch(big, 0)).toBe(heap.nilOop);
    expect(heap.fetch(big, BIG_OBJECT_BYTES / 4 - 1)).toBe(heap.nilOop);
  });
});

describe('write barrier', () => {
  function savedHeap() {
    const heap = makeHeap();
    const objs = Array.from({ length: 200 }, () => newEmptyArray(heap, 20));
    heap.roots.push(...objs);
    scavenge(heap);
    heap.markSaved('base');
    return { heap, objs: heap.roots.slice() };
  }

  it('marks exactly the card of a store into a saved object', () => {
    const { heap, objs } = savedHeap();
    expect(heap.cards.every((c) => c === 0)).toBe(true);
    const target = objs[100];
    heap.store(target, 17, smallInt(5));
    const addr = target + 8 + 17 * 4;
    const dirty = [...heap.cards.keys()].filter((i) => heap.cards[i] !== 0);
    expect(dirty).toEqual([addr >>> CARD_SHIFT]);
    expect(CARD_BYTES).toBe(1 << CARD_SHIFT);
    // An immediate store dirties the card but remembers nothing.
    expect(heap.remembered).toEqual([]);
  });

  it('remembers a saved object that gets a pointer to a younger object', () => {
    const { heap, objs } = savedHeap();
    const young = newArray(heap, [characterOop(65)]);
    heap.store(objs[3], 0, young);
    expect(heap.remembered).toEqual([objs[3]]);
    expect(heap.words[objs[3] >>> 2] & REMEMBERED_BIT).not.toBe(0);
    heap.store(objs[3], 1, young);
    expect(heap.remembered).toEqual([objs[3]]);
  });

  it('marks nothing for stores into nursery objects', () => {
    const { heap } = savedHeap();
    const a = newEmptyArray(heap, 4);
    const b = newEmptyArray(heap, 4);
    heap.store(a, 0, b);
    heap.store(b, 1, a);
    expect(heap.cards.every((c) => c === 0)).toBe(true);
    expect(heap.remembered).toEqual([]);
  });

  it('remembers old objects that get nursery pointers, but marks no card', () => {
    const heap = makeHeap();
    const old = newEmptyArray(heap, 4);
    heap.roots.push(old);
    scavenge(heap);
    const moved = heap.roots[0];
    const young = newEmptyArray(heap, 1);
    heap.store(moved, 0, young);
    expect(heap.remembered).toEqual([moved]);
    expect(heap.cards.every((c) => c === 0)).toBe(true);
  });

  it('byteAtPut into a saved byte object marks its card', () => {
    const heap = makeHeap();
    heap.roots.push(newBytes(heap, new Uint8Array(3000)));
    scavenge(heap);
    heap.markSaved('base');
    const s = heap.roots[0];
    heap.byteAtPut(s, 2500, 9);
    const dirty = [...heap.cards.keys()].filter((i) => heap.cards[i] !== 0);
    expect(dirty).toEqual([(s + 8 + 2500) >>> CARD_SHIFT]);
  });
});

describe('dirty cards of header and byte changes', () => {
  function savedString(length: number) {
    const heap = makeHeap();
    heap.roots.push(newBytes(heap, new Uint8Array(length)));
    scavenge(heap);
    heap.markSaved('base');
    return { heap, s: heap.roots[0] };
  }
  const dirtyCards = (heap: Heap) => [...heap.cards.keys()].filter((i) => heap.cards[i] !== 0);

  it('header changes of a saved object mark the header card', () => {
    const { heap, s } = savedString(10);
    heap.setIdentityHash(s, 7);
    heap.setImmutable(s, true);
    expect(heap.isImmutable(s)).toBe(true);
    heap.setClassIndex(s, 99);
    expect(heap.classIndexOf(s)).toBe(99);
    expect(heap.identityHash(s)).toBe(7);
    expect(dirtyCards(heap)).toEqual([s >>> CARD_SHIFT]);
  });

  it('markDirty marks every card of a range inside saved segments, and none outside', () => {
    const { heap, s } = savedString(5000);
    heap.markDirty(s + 8, 5000);
    const first = (s + 8) >>> CARD_SHIFT;
    const last = (s + 8 + 4999) >>> CARD_SHIFT;
    expect(dirtyCards(heap)).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
    heap.cards.fill(0);
    heap.markDirty(NURSERY_START, 64);
    heap.markDirty(heap.savedEnd, 64);
    expect(dirtyCards(heap)).toEqual([]);
  });

  it('markSaved turns old space into a segment and clears the cards', () => {
    const { heap, s } = savedString(10);
    expect(heap.segments).toEqual([{ start: heap.nurseryEnd, end: heap.savedEnd, role: 'base' }]);
    expect(s).toBeLessThan(heap.savedEnd);
    heap.byteAtPut(s, 0, 1);
    heap.markSaved('delta');
    expect(heap.segments.length).toBe(1); // nothing new in old space: no empty segment
    expect(dirtyCards(heap)).toEqual([]);
  });
});

describe('growth and limits', () => {
  it('refuses bad slot counts with a RangeError', () => {
    const heap = makeHeap();
    expect(() => heap.allocate(ClassIndex.Array, Format.INDEXABLE, -1)).toThrow(RangeError);
    expect(() => heap.allocate(ClassIndex.Array, Format.INDEXABLE, 1.5)).toThrow(/1.5 slots/);
    expect(() => heap.allocate(ClassIndex.Array, Format.INDEXABLE, 2 ** 32)).toThrow(RangeError);
    expect(() => heap.allocate(ClassIndex.Array, Format.INDEXABLE, 2 ** 30)).toThrow(OutOfMemoryError);
    expect(() => heap.allocateBytes(ClassIndex.String, -1)).toThrow(/-1 bytes/);
  });

  it('grows the buffer past its initial size; oops stay valid and epoch changes', () => {
    const heap = makeHeap({ initialBytes: 1, nurseryBytes: 64 * 1024 });
    const initial = heap.capacity;
    const s = newString(heap, 'keep me');
    heap.roots.push(s);
    const epoch = heap.epoch;
    const bigs: number[] = [];
    while (heap.capacity === initial) bigs.push(newBytes(heap, new Uint8Array(200_000).fill(bigs.length & 255)));
    expect(heap.epoch).toBeGreaterThan(epoch);
    expect(heap.capacity).toBeGreaterThan(initial);
    expect(new TextDecoder().decode(heap.bytesOf(s))).toBe('keep me');
    bigs.forEach((b, i) => expect(heap.bytesOf(b)[199_999]).toBe(i & 255));
  });

  it('throws OutOfMemoryError past maxBytes, not a RangeError', () => {
    const max = 32 * 1024 * 1024;
    const heap = makeHeap({ initialBytes: 8 * 1024 * 1024, nurseryBytes: 1024 * 1024, maxBytes: max });
    let chain = heap.nilOop;
    let error: unknown;
    try {
      for (let i = 0; i < 10_000_000; i++) {
        chain = newArray(heap, [chain, smallInt(i)]);
        if (heap.gcRequested) {
          heap.roots[0] = chain;
          scavenge(heap);
          chain = heap.roots[0];
        }
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect((error as OutOfMemoryError).limit).toBe(max);
    expect(heap.capacity).toBeLessThanOrEqual(max);
  });

  it('refuses an initial size beyond maxBytes', () => {
    expect(() => Heap.create({ initialBytes: 64 * 1024 * 1024, maxBytes: 32 * 1024 * 1024 })).toThrow(OutOfMemoryError);
  });
});
