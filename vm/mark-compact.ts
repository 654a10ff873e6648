// Full GC of old space: scavenge, mark, then a sliding compaction that keeps address order.
//
// Marking traces from heap.specialObjects, heap.nilOop, heap.roots and the remembered saved
// objects, and follows pointers into old space only: saved segments are all live and never
// traced, and a saved object that points into old space is always remembered (the barrier's
// invariant, which the scavenger preserves). A marked object gets MARK_BIT in its header and
// every 8-byte granule of its storage (big-object prefix included) set in a side bitmap.
//
// Forwarding addresses come from that bitmap, as in the Compressor collector: with blockLive[b]
// the number of live granules before bitmap word b, an object whose header is granule g moves
// to oldStart + 8 * (blockLive[g >> 5] + popcount(bitmap[g >> 5] below bit g & 31)). The side
// tables cost 1/32 of old space (a per-granule forwarding table would cost half), and the
// address of any object is computable at any time, so pointers are updated in the same pass
// that slides the objects down: no per-object forwarding word, no third heap walk.
//
// Pinned objects (PINNED_BIT) do not move: each one ends a compaction region. Objects between
// two pinned objects slide down to the end of the lower one, and the gap left below a pinned
// object becomes a free filler (class index 0, format WORDS, never referenced). The pinned
// list is kept sorted, so forwarding an address needs no header read (headers below the
// compaction point have already been overwritten).
//
// Weak objects: the named part (instSize from the class table, 0 when the class cannot be
// found) is strong; the indexable slots are not traced, and after marking those whose
// referent in old space died become nil.

import * as layout from './layout.ts';
import * as heapModule from './heap.ts';
import type { Heap } from './heap.ts';
import { ClassSlot, instSizeOf } from './class-layout.ts';
import { Special } from './special.ts';
import * as scavenger from './scavenger.ts';
import type { ScavengeStats } from './scavenger.ts';

// Module-local copies of what the loops use (see the note in vm/scavenger.ts).
const {
  BIG_MARKER, CLASS_INDEX_MASK, FORMAT_MASK, FORMAT_SHIFT, MARK_BIT, PINNED_BIT, REMEMBERED_BIT,
  SLOTS_BIG, SLOTS_MASK, SLOTS_SHIFT, isPointersFormat, slotCountOf,
} = layout;
const { CARD_SHIFT } = heapModule;
const { pointerSlots, scavenge } = scavenger;
const FIXED = layout.Format.FIXED;
const WEAK = layout.Format.WEAK;
const WORDS = layout.Format.WORDS;
const COMPILED_METHOD = layout.Format.COMPILED_METHOD;

export interface FullGCStats {
  /** The scavenge that emptied the nursery first. */
  scavenge: ScavengeStats;
  /** Old-space bytes before compaction (after the scavenge) and after. */
  bytesBefore: number;
  bytesAfter: number;
  objectsLive: number;
  objectsFreed: number;
  /** Weak slots set to nil because their referent died. */
  weakSlotsCleared: number;
  millis: number;
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Slot count of the object whose header word index is w. */
function slotsAt(words: Uint32Array, w: number): number {
  const n = (words[w + 1] >>> SLOTS_SHIFT) & SLOTS_MASK;
  return n === SLOTS_BIG ? words[w - 2] : n;
}

/**
 * Writes free fillers over [start, end): objects of class index 0 and format WORDS that no
 * one references, so the heap stays walkable.
 */
export function writeFiller(words: Uint32Array, start: number, end: number): void {
  while (end - start >= 8) {
    const gap = end - start;
    let w = start >>> 2;
    let slots = (gap - 8) >>> 2;
    if (slots >= SLOTS_BIG) {
      slots = (gap - 16) >>> 2;
      if (slots < SLOTS_BIG) {
        // Too big for a plain header, too small for a canonical big one: split off 8 bytes.
        words[w] = (WORDS << FORMAT_SHIFT) >>> 0;
        words[w + 1] = 0;
        start += 8;
        continue;
      }
      words[w] = slots;
      words[w + 1] = BIG_MARKER;
      w += 2;
    }
    words[w] = (WORDS << FORMAT_SHIFT) >>> 0;
    words[w + 1] = (Math.min(slots, SLOTS_BIG) << SLOTS_SHIFT) >>> 0;
    return;
  }
}

class MarkCompact {
  readonly heap: Heap;
  readonly words: Uint32Array;
  readonly oldStart: number;
  readonly oldEnd: number;
  /** One bit per 8-byte granule of old space: set for every granule of a live object. */
  readonly bitmap: Uint32Array;
  /** Live granules before each bitmap word (filled after marking). */
  readonly blockLive: Uint32Array;
  stack: Uint32Array;
  sp: number;
  /** Weak objects met while marking (old ones marked, saved ones remembered). */
  readonly weak: number[];
  /** Live pinned objects, sorted by address after marking. */
  readonly pinned: number[];
  /** For pinned[j]: the address just past it, and the live granules below that address. */
  readonly pinnedEnd: number[];
  readonly pinnedLive: number[];
  /** The class table array (for weak objects' named slots), or 0. */
  readonly classTable: number;
  live: number;

  constructor(heap: Heap) {
    this.heap = heap;
    this.words = heap.words;
    this.oldStart = heap.savedEnd;
    this.oldEnd = heap.oldTop;
    const blocks = ((this.oldEnd - this.oldStart) >>> 8) + 2;
    this.bitmap = new Uint32Array(blocks);
    this.blockLive = new Uint32Array(blocks);
    this.stack = new Uint32Array(4096);
    this.sp = 0;
    this.weak = [];
    this.pinned = [];
    this.pinnedEnd = [];
    this.pinnedLive = [];
    this.classTable = classTableOf(heap);
    this.live = 0;
  }

  // ---- marking ----------------------------------------------------------------------

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

  // ---- forwarding -------------------------------------------------------------------

  /** Fills blockLive and the pinned regions. */
  prepareForwarding(): void {
    const { bitmap, blockLive } = this;
    let total = 0;
    for (let b = 0; b < bitmap.length; b++) {
      blockLive[b] = total;
      total += popcount(bitmap[b]);
    }
    this.pinned.sort((a, b) => a - b);
    for (const p of this.pinned) {
      const end = p + 8 + ((slotsAt(this.words, p >>> 2) + 1) & ~1) * 4;
      this.pinnedEnd.push(end);
      this.pinnedLive.push(this.liveBelow(end));
    }
  }

  /** Live granules below address a of old space. */
  liveBelow(a: number): number {
    const g = (a - this.oldStart) >>> 3;
    const b = g >>> 5;
    return this.blockLive[b] + popcount(this.bitmap[b] & ((1 << (g & 31)) - 1));
  }

  /** Where live old object v will be after compaction. */
  newOop(v: number): number {
    const live = this.liveBelow(v);
    const pinned = this.pinned;
    if (pinned.length === 0) return this.oldStart + live * 8;
    let lo = 0;
    let hi = pinned.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pinned[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return this.oldStart + live * 8;
    if (pinned[lo - 1] === v) return v;
    return this.pinnedEnd[lo - 1] + (live - this.pinnedLive[lo - 1]) * 8;
  }

  /** Rewrites the old-space pointers in words [from, to); true if any remain. */
  updateSlots(from: number, to: number): boolean {
    const words = this.words;
    const oldStart = this.oldStart;
    let any = false;
    for (let i = from; i < to; i++) {
      const x = words[i];
      if ((x & 3) === 0 && x >= oldStart) {
        words[i] = this.newOop(x);
        any = true;
      }
    }
    return any;
  }

  /** updateSlots for a saved object: marks the card of every slot it changes. */
  updateSavedSlots(from: number, to: number): boolean {
    const words = this.words;
    const cards = this.heap.cards;
    const oldStart = this.oldStart;
    let any = false;
    for (let i = from; i < to; i++) {
      const x = words[i];
      if ((x & 3) === 0 && x >= oldStart) {
        const y = this.newOop(x);
        if (y !== x) {
          words[i] = y;
          cards[i >>> (CARD_SHIFT - 2)] = 1;
        }
        any = true;
      }
    }
    return any;
  }

  updateRoot(v: number): number {
    return (v & 3) === 0 && v >= this.oldStart ? this.newOop(v) : v;
  }

  /** Updates roots and remembered saved objects (dropping those left without old pointers). */
  updateRoots(): void {
    const heap = this.heap;
    const words = this.words;
    heap.specialObjects = this.updateRoot(heap.specialObjects);
    heap.nilOop = this.updateRoot(heap.nilOop);
    const roots = heap.roots;
    for (let i = 0; i < roots.length; i++) roots[i] = this.updateRoot(roots[i]);
    const set = heap.remembered;
    let kept = 0;
    for (const r of set) {
      const w = r >>> 2;
      const body = w + 2;
      const end = body + pointerSlots(words, words[w], body, slotsAt(words, w));
      if (this.updateSavedSlots(body, end)) {
        set[kept++] = r;
      } else {
        words[w] = (words[w] & ~REMEMBERED_BIT) >>> 0;
      }
    }
    set.length = kept;
  }

  // ---- compaction -------------------------------------------------------------------

  /** Updates and slides every live object; returns the number of dead objects passed over. */
  compact(): number {
    const words = this.words;
    const bitmap = this.bitmap;
    const oldStart = this.oldStart;
    const oldEnd = this.oldEnd;
    const pinned = this.pinned;
    let nextPinned = pinned.length > 0 ? pinned[0] : -1;
    let pinnedIndex = 0;
    let free = oldStart;
    let scanned = oldStart;
    let dead = 0;
    let g = 0;
    const granules = (oldEnd - oldStart) >>> 3;
    while (g < granules) {
      // Find the next live granule: the first granule (prefix or header) of a live object.
      let b = g >>> 5;
      let m = bitmap[b] & (-1 << (g & 31));
      while (m === 0 && ++b < bitmap.length) m = bitmap[b];
      if (m === 0) break;
      g = b * 32 + (31 - Math.clz32(m & -m));
      if (g >= granules) break;
      const p = oldStart + g * 8;
      dead += countObjects(words, scanned, p);
      const w = words[(p >>> 2) + 1] === BIG_MARKER ? (p >>> 2) + 2 : p >>> 2;
      const oop = w * 4;
      const h0 = words[w];
      words[w] = (h0 & ~MARK_BIT) >>> 0;
      const n = slotsAt(words, w);
      const body = w + 2;
      this.updateSlots(body, body + pointerSlots(words, h0, body, n));
      const end = (body + ((n + 1) & ~1)) * 4;
      if (oop === nextPinned) {
        writeFiller(words, free, p);
        free = end;
        pinnedIndex++;
        nextPinned = pinnedIndex < pinned.length ? pinned[pinnedIndex] : -1;
      } else {
        if (free !== p) {
          const dst = free >>> 2;
          const src = p >>> 2;
          const total = (end - p) >>> 2;
          // Small objects: a plain loop beats copyWithin's call overhead.
          if (total <= 16) for (let i = 0; i < total; i++) words[dst + i] = words[src + i];
          else words.copyWithin(dst, src, src + total);
        }
        free += end - p;
      }
      scanned = end;
      g = (end - oldStart) >>> 3;
    }
    dead += countObjects(words, scanned, oldEnd);
    this.heap.oldTop = free;
    return dead;
  }
}

/** Counts the (dead) objects in [from, to), checking that they tile it exactly. */
function countObjects(words: Uint32Array, from: number, to: number): number {
  let count = 0;
  let p = from;
  while (p < to) {
    const w = words[(p >>> 2) + 1] === BIG_MARKER ? (p >>> 2) + 2 : p >>> 2;
    p = (w + 2 + ((slotsAt(words, w) + 1) & ~1)) * 4;
    count++;
  }
  if (p !== to) throw new Error(`heap corrupt: objects in old space overrun ${to} (reached ${p})`);
  return count;
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

/**
 * Collects garbage in old space: scavenges, marks, clears dead weak slots, then slides the
 * live objects down in address order. Saved segments are untouched except for pointer
 * updates (with card marking) in remembered objects.
 */
export function fullGC(heap: Heap): FullGCStats {
  const t0 = performance.now();
  const scavengeStats = scavenge(heap);
  const bytesBefore = heap.oldTop - heap.savedEnd;
  const mc = new MarkCompact(heap);
  mc.markAll();
  const weakSlotsCleared = mc.clearDeadWeakSlots();
  mc.prepareForwarding();
  mc.updateRoots();
  const objectsFreed = mc.compact();
  return {
    scavenge: scavengeStats,
    bytesBefore,
    bytesAfter: heap.oldTop - heap.savedEnd,
    objectsLive: mc.live,
    objectsFreed,
    weakSlotsCleared,
    millis: performance.now() - t0,
  };
}
