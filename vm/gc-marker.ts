// Marking for the full GC (vm/mark-compact.ts). Traces from heap.specialObjects,
// heap.nilOop, heap.roots and the remembered saved objects, following pointers into old space
// only: saved segments are all live and never traced, and a saved object that points into old
// space is always remembered (the barrier's invariant, which the scavenger preserves). A marked
// object gets MARK_BIT in its header and every 8-byte granule of its storage (big-object
// prefix included) set in `bitmap`, from which the compactor computes forwarding addresses.
// The mark stack is a Uint32Array that doubles when full (at most one entry per live object).
//
// Weak objects: the named part (instSize from the class table, 0 when the class cannot be
// found) is strong; the indexable slots are not traced, and once marking is over those whose
// referent in old space died become nil.

import * as layout from './layout.ts';
import * as heapModule from './heap.ts';
import type { Heap } from './heap.ts';
import { ClassSlot, instSizeOf } from './class-layout.ts';
import { Special } from './special.ts';
import * as scavenger from './scavenger.ts';

// Module-local copies of what the loops use (see the note in vm/scavenger.ts).
const {
  CLASS_INDEX_MASK, FORMAT_MASK, FORMAT_SHIFT, MARK_BIT, PINNED_BIT, SLOTS_BIG, SLOTS_MASK,
  SLOTS_SHIFT, isPointersFormat, slotCountOf,
} = layout;
const { CARD_SHIFT } = heapModule;
const { pointerSlots } = scavenger;
const FIXED = layout.Format.FIXED;
const WEAK = layout.Format.WEAK;
const COMPILED_METHOD = layout.Format.COMPILED_METHOD;

/** Slot count of the object whose header word index is w. */
export function slotsAt(words: Uint32Array, w: number): number {
  const n = (words[w + 1] >>> SLOTS_SHIFT) & SLOTS_MASK;
  return n === SLOTS_BIG ? words[w - 2] : n;
}

export class Marker {
  readonly heap: Heap;
  readonly words: Uint32Array;
  readonly oldStart: number;
  readonly oldEnd: number;
  /** One bit per 8-byte granule of old space: set for every granule of a live object. */
  readonly bitmap: Uint32Array;
  stack: Uint32Array;
  sp: number;
  /** Weak objects met while marking (old ones marked, saved ones remembered). */
  readonly weak: number[];
  /** Live pinned objects, in the order met. */
  readonly pinned: number[];
  /** The class table array (for weak objects' named slots), or 0. */
  readonly classTable: number;
  /** Objects marked. */
  live: number;

  constructor(heap: Heap) {
    this.heap = heap;
    this.words = heap.words;
    this.oldStart = heap.savedEnd;
    this.oldEnd = heap.oldTop;
    // One word per 256 bytes, plus one so the address just past old space has a word.
    this.bitmap = new Uint32Array(((this.oldEnd - this.oldStart) >>> 8) + 2);
    this.stack = new Uint32Array(4096);
    this.sp = 0;
    this.weak = [];
    this.pinned = [];
    this.classTable = classTableOf(heap);
    this.live = 0;
  }

  markIfOld(v: number): void {
    if ((v & 3) === 0 && v >= this.oldStart && (this.words[v >>> 2] & MARK_BIT) === 0) this.mark(v);
  }

  /** Marks old object v (not yet marked), records its granules and queues it for scanning. */
  mark(v: number): void {
    const words = this.words;
    const w = v >>> 2;
    const h0 = words[w];
    words[w] = (h0 | MARK_BIT) >>> 0;
    this.live++;
    let n = (words[w + 1] >>> SLOTS_SHIFT) & SLOTS_MASK;
    let first = v;
    if (n === SLOTS_BIG) {
      n = words[w - 2];
      first = v - 8;
    }
    const end = v + 8 + ((n + 1) & ~1) * 4;
    this.setBits((first - this.oldStart) >>> 3, (end - this.oldStart) >>> 3);
    if ((h0 & PINNED_BIT) !== 0) this.pinned.push(v);
    const format = (h0 >>> FORMAT_SHIFT) & FORMAT_MASK;
    if ((format >= FIXED && format <= WEAK) || format >= COMPILED_METHOD) {
      if (this.sp === this.stack.length) this.growStack();
      this.stack[this.sp++] = v;
    }
  }

  growStack(): void {
    const bigger = new Uint32Array(this.stack.length * 2);
    bigger.set(this.stack);
    this.stack = bigger;
  }

  /** Sets bitmap bits [g0, g1). */
  setBits(g0: number, g1: number): void {
    const bitmap = this.bitmap;
    const b0 = g0 >>> 5;
    const b1 = (g1 - 1) >>> 5;
    const m0 = -1 << (g0 & 31);
    const m1 = -1 >>> (31 - ((g1 - 1) & 31));
    if (b0 === b1) {
      bitmap[b0] |= m0 & m1;
      return;
    }
    this.setBitsAcross(b0, b1, m0, m1);
  }

  setBitsAcross(b0: number, b1: number, m0: number, m1: number): void {
    const bitmap = this.bitmap;
    bitmap[b0] |= m0;
    if (b1 > b0 + 1) bitmap.fill(0xffffffff, b0 + 1, b1);
    bitmap[b1] |= m1;
  }

  /** Marks the referents in the strong slots of object v (old or saved). */
  scanObject(v: number): void {
    const words = this.words;
    const w = v >>> 2;
    const h0 = words[w];
    const n = slotsAt(words, w);
    const body = w + 2;
    let k: number;
    if (((h0 >>> FORMAT_SHIFT) & FORMAT_MASK) === WEAK) {
      k = weakFixedSlots(words, this.classTable, h0 & CLASS_INDEX_MASK, n);
      this.weak.push(v);
    } else {
      k = pointerSlots(words, h0, body, n);
    }
    const oldStart = this.oldStart;
    for (let i = body; i < body + k; i++) {
      const x = words[i];
      if ((x & 3) === 0 && x >= oldStart && (words[x >>> 2] & MARK_BIT) === 0) this.mark(x);
    }
  }

  markAll(): void {
    const heap = this.heap;
    this.markIfOld(heap.specialObjects);
    this.markIfOld(heap.nilOop);
    for (const r of heap.roots) this.markIfOld(r);
    for (const r of heap.remembered) this.scanObject(r);
    while (this.sp > 0) this.scanObject(this.stack[--this.sp]);
  }

  /** Sets to nil the weak slots whose referent in old space was not marked. */
  clearDeadWeakSlots(): number {
    const words = this.words;
    const nil = this.heap.nilOop;
    const cards = this.heap.cards;
    let cleared = 0;
    for (const v of this.weak) {
      const w = v >>> 2;
      const n = slotsAt(words, w);
      const body = w + 2;
      const saved = v < this.oldStart;
      for (let i = body + weakFixedSlots(words, this.classTable, words[w] & CLASS_INDEX_MASK, n); i < body + n; i++) {
        const x = words[i];
        if ((x & 3) === 0 && x >= this.oldStart && (words[x >>> 2] & MARK_BIT) === 0) {
          words[i] = nil;
          if (saved) cards[i >>> (CARD_SHIFT - 2)] = 1;
          cleared++;
        }
      }
    }
    return cleared;
  }
}

/** The class table array of the special-objects array, or 0 if there is none yet. */
function classTableOf(heap: Heap): number {
  const specials = heap.specialObjects;
  if ((specials & 3) !== 0 || specials === 0) return 0;
  if (!isPointersFormat(heap.formatOf(specials)) || heap.slotCount(specials) <= Special.classTable) return 0;
  const table = heap.fetch(specials, Special.classTable);
  if ((table & 3) !== 0 || table === 0 || !isPointersFormat(heap.formatOf(table))) return 0;
  return table;
}

/** Named (strong) slots of a weak object of class `classIndex` with n slots. */
function weakFixedSlots(words: Uint32Array, classTable: number, classIndex: number, n: number): number {
  if (classTable === 0 || classIndex >= slotCountOf(words, classTable)) return 0;
  const cls = words[(classTable >>> 2) + 2 + classIndex];
  if ((cls & 3) !== 0 || cls === 0) return 0;
  const clsFormat = (words[cls >>> 2] >>> FORMAT_SHIFT) & FORMAT_MASK;
  if (!isPointersFormat(clsFormat) || slotCountOf(words, cls) <= ClassSlot.format) return 0;
  const format = words[(cls >>> 2) + 2 + ClassSlot.format];
  if ((format & 1) === 0) return 0;
  const instSize = instSizeOf(format >> 1);
  return instSize < n ? instSize : n;
}
