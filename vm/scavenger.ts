// The nursery scavenger. Every live nursery object is copied ("tenured") to the top of old
// space on its first survival; there are no survivor semispaces (see docs/design.md).
//
// Roots: heap.specialObjects, heap.nilOop, the entries of heap.roots (updated in place), the
// remembered set (older objects that may point at nursery objects), and the objects born in
// old space since the last GC ([heap.lastGCTop, oldTop): big objects and nursery overflow),
// which are young in all but address. Copies go right after them, and the whole range
// [lastGCTop, allocation top) is scanned Cheney-style: it is its own queue, so the scan needs
// no stack and no per-object JS allocation.
//
// Forwarding: a copied nursery object gets FORWARDED_BIT in header word 0 and its new oop in
// word 1 (a big object's slot count stays readable in its prefix). The nursery is abandoned
// afterwards, so these headers never outlive the scavenge. A `become:` that leaves forwarders
// behind can use the same encoding: a forwarded nursery object whose target is itself young
// is followed to that target (a scavenge copy's target is always old). Forwarders in old or
// saved space are not followed by either collector yet.
//
// Space: before copying, old space is grown so that even a nursery that survives entirely
// fits; so `words` never changes during a scavenge. Only when maxBytes forbids that and the
// survivors really do not fit does the scavenge throw OutOfMemoryError, leaving the heap
// unusable (there is no way to undo half a scavenge).

import * as layout from './layout.ts';
import * as heapModule from './heap.ts';
import { NURSERY_START, OutOfMemoryError } from './heap.ts';
import type { Heap } from './heap.ts';

// Module-local copies of the constants the loops use: some loaders (vitest's, tsx's
// CommonJS mode) compile imported bindings to property getters, which cost 10x in a hot loop.
const {
  BIG_MARKER, FORMAT_MASK, FORMAT_SHIFT, FORWARDED_BIT, REMEMBERED_BIT, SLOTS_BIG, SLOTS_MASK,
  SLOTS_SHIFT,
} = layout;
const { CARD_SHIFT } = heapModule;
const FIXED = layout.Format.FIXED;
const WEAK = layout.Format.WEAK;
const COMPILED_METHOD = layout.Format.COMPILED_METHOD;

export interface ScavengeStats {
  /** Nursery bytes in use before the scavenge. */
  nurseryBytes: number;
  /** Survivors copied into old space, and the bytes they take there. */
  tenuredObjects: number;
  tenuredBytes: number;
  /** Size of the remembered set before and after. */
  rememberedBefore: number;
  rememberedAfter: number;
  millis: number;
}

/**
 * How many leading slots of an object hold oops, given its header word 0, the word index of
 * its body and its slot count: all of them for pointer formats, the two method headers plus
 * the literals for a compiled method (literal count = low 16 bits of slot 0's SmallInteger,
 * clamped to the slot count so a corrupt header cannot send the GC outside the object), none
 * for bytes and words.
 */
export function pointerSlots(words: Uint32Array, h0: number, body: number, slots: number): number {
  const format = (h0 >>> FORMAT_SHIFT) & FORMAT_MASK;
  if (format >= FIXED && format <= WEAK) return slots;
  if (format >= COMPILED_METHOD) {
    const k = 2 + ((words[body] >>> 1) & 0xffff);
    return k < slots ? k : slots;
  }
  return 0;
}

/** Copying state: one per scavenge. */
class Scavenger {
  readonly words: Uint32Array;
  readonly nurseryEnd: number;
  /** Allocation pointer in old space (a byte address). */
  top: number;
  readonly limit: number;
  readonly maxBytes: number;
  copied: number;

  constructor(heap: Heap) {
    this.words = heap.words;
    this.nurseryEnd = heap.nurseryEnd;
    this.top = heap.oldTop;
    this.limit = heap.capacity;
    this.maxBytes = heap.maxBytes;
    this.copied = 0;
  }

  /** The new oop of oop v if it is a nursery object (copying it on first visit), else v. */
  root(v: number): number {
    return v < this.nurseryEnd && (v & 3) === 0 && v !== 0 ? this.forward(v) : v;
  }

  /** The new oop of nursery object v, copying it to old space on first visit. */
  forward(v: number): number {
    const words = this.words;
    const w = v >>> 2;
    const h0 = words[w];
    if (h0 >= FORWARDED_BIT) {
      const target = words[w + 1];
      return target < this.nurseryEnd && (target & 3) === 0 ? this.forward(target) : target;
    }
    let n = (words[w + 1] >>> SLOTS_SHIFT) & SLOTS_MASK;
    let src = w;
    if (n === SLOTS_BIG) {
      n = words[w - 2];
      src = w - 2;
    }
    const total = (w - src) + 2 + ((n + 1) & ~1);
    const top = this.top;
    const size = total * 4;
    if (top + size > this.limit) throw new OutOfMemoryError(top + size, this.maxBytes);
    const dst = top >>> 2;
    if (total <= 16) {
      for (let i = 0; i < total; i++) words[dst + i] = words[src + i];
    } else {
      words.copyWithin(dst, src, src + total);
    }
    const newOop = top + (w - src) * 4;
    this.top = top + size;
    this.copied++;
    words[w] = (h0 | FORWARDED_BIT) >>> 0;
    words[w + 1] = newOop;
    return newOop;
  }

  /** Cheney scan: forwards the nursery pointers of every object copied since `scan`. */
  scanFrom(scan: number): void {
    const words = this.words;
    const nurseryEnd = this.nurseryEnd;
    while (scan < this.top) {
      let w = scan >>> 2;
      if (words[w + 1] === BIG_MARKER) w += 2;
      const h0 = words[w];
      let n = (words[w + 1] >>> SLOTS_SHIFT) & SLOTS_MASK;
      if (n === SLOTS_BIG) n = words[w - 2];
      const body = w + 2;
      const end = body + pointerSlots(words, h0, body, n);
      for (let i = body; i < end; i++) {
        const x = words[i];
        if (x < nurseryEnd && (x & 3) === 0 && x !== 0) words[i] = this.forward(x);
      }
      scan = (body + ((n + 1) & ~1)) * 4;
    }
  }
}

/** Grows the buffer, if allowed, so that `bytes` more fit in old space. */
function reserveOld(heap: Heap, bytes: number): void {
  const want = heap.oldTop + bytes;
  if (want > heap.capacity && heap.capacity < heap.maxBytes) heap.grow(Math.min(want, heap.maxBytes));
}

/**
 * Forwards the nursery pointers of every remembered object, marking the cards of saved
 * objects it writes to. Keeps in the set only saved objects that still point into unsaved
 * space; old-space objects cannot point at younger ones once the nursery is empty.
 */
function scanRemembered(heap: Heap, s: Scavenger): void {
  const words = s.words;
  const nurseryEnd = heap.nurseryEnd;
  const savedEnd = heap.savedEnd;
  const cards = heap.cards;
  const cardWordShift = CARD_SHIFT - 2;
  const set = heap.remembered;
  let kept = 0;
  for (let j = 0; j < set.length; j++) {
    const r = set[j];
    const w = r >>> 2;
    if (r < nurseryEnd) {
      // Not a valid member (the barrier never remembers young objects); drop it.
      words[w] = (words[w] & ~REMEMBERED_BIT) >>> 0;
      continue;
    }
    let n = (words[w + 1] >>> SLOTS_SHIFT) & SLOTS_MASK;
    if (n === SLOTS_BIG) n = words[w - 2];
    const body = w + 2;
    const end = body + pointerSlots(words, words[w], body, n);
    const saved = r < savedEnd;
    let keep = false;
    for (let i = body; i < end; i++) {
      const x = words[i];
      if ((x & 3) !== 0 || x === 0) continue;
      if (x < nurseryEnd) {
        words[i] = s.forward(x);
        if (saved) cards[i >>> cardWordShift] = 1;
        keep = saved;
      } else if (x >= savedEnd && saved) {
        keep = true;
      }
    }
    if (keep) set[kept++] = r;
    else words[w] = (words[w] & ~REMEMBERED_BIT) >>> 0;
  }
  set.length = kept;
}

/**
 * Empties the nursery: copies every live nursery object into old space and updates every
 * reference to it. Call only at a safe point (every live oop is in the heap or heap.roots).
 */
export function scavenge(heap: Heap): ScavengeStats {
  const t0 = performance.now();
  const nurseryBytes = heap.nurseryTop - NURSERY_START;
  const rememberedBefore = heap.remembered.length;
  reserveOld(heap, nurseryBytes);
  const start = heap.oldTop;
  const bornOld = Math.min(Math.max(heap.lastGCTop, heap.savedEnd), start);
  const s = new Scavenger(heap);

  heap.specialObjects = s.root(heap.specialObjects);
  heap.nilOop = s.root(heap.nilOop);
  const roots = heap.roots;
  for (let i = 0; i < roots.length; i++) roots[i] = s.root(roots[i]);
  scanRemembered(heap, s);
  s.scanFrom(bornOld);

  heap.oldTop = s.top;
  heap.lastGCTop = s.top;
  if (heap.nurseryTop > heap.nurseryHighWater) heap.nurseryHighWater = heap.nurseryTop;
  heap.nurseryTop = NURSERY_START;
  heap.gcRequested = false;
  return {
    nurseryBytes,
    tenuredObjects: s.copied,
    tenuredBytes: s.top - start,
    rememberedBefore,
    rememberedAfter: heap.remembered.length,
    millis: performance.now() - t0,
  };
}
