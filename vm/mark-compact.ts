// Full GC of old space: scavenge, mark (vm/gc-marker.ts), then a sliding compaction that
// keeps address order.
//
// Forwarding addresses come from the mark bitmap, as in the Compressor collector: with
// blockLive[b] the number of live granules before bitmap word b, an object whose header is
// granule g moves to oldStart + 8 * (blockLive[g >> 5] + popcount(bitmap[g >> 5] below bit
// g & 31)). The side tables cost 1/32 of old space (a per-granule forwarding table would cost
// half), and the address of any object is computable at any time, so pointers are updated in
// the same pass that slides the objects down: no per-object forwarding word, no third heap walk.
//
// Pinned objects (PINNED_BIT) do not move: each one ends a compaction region. Objects between
// two pinned objects slide down to the end of the lower one, and the gap left below a pinned
// object becomes a free filler (class index 0, format WORDS, never referenced). The pinned
// list is kept sorted, so forwarding an address needs no header read (headers below the
// compaction point have already been overwritten). Pinning a nursery object does not stop the
// scavenger from tenuring it: pin only old objects (a pin primitive scavenges first).

import * as layout from './layout.ts';
import * as heapModule from './heap.ts';
import type { Heap } from './heap.ts';
import * as scavenger from './scavenger.ts';
import type { ScavengeStats } from './scavenger.ts';
import * as marking from './gc-marker.ts';
import { Marker } from './gc-marker.ts';

// Module-local copies of what the loops use (see the note in vm/scavenger.ts).
const { BIG_MARKER, FORMAT_SHIFT, MARK_BIT, REMEMBERED_BIT, SLOTS_BIG, SLOTS_SHIFT } = layout;
const { CARD_SHIFT } = heapModule;
const { pointerSlots, scavenge } = scavenger;
const { slotsAt } = marking;
const WORDS = layout.Format.WORDS;

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

class Compactor {
  readonly heap: Heap;
  readonly words: Uint32Array;
  readonly oldStart: number;
  readonly oldEnd: number;
  readonly bitmap: Uint32Array;
  /** Live granules before each bitmap word. */
  readonly blockLive: Uint32Array;
  /** Live pinned objects, sorted by address. */
  readonly pinned: number[];
  /** For pinned[j]: the address just past it, and the live granules below that address. */
  readonly pinnedEnd: number[];
  readonly pinnedLive: number[];

  constructor(marker: Marker) {
    this.heap = marker.heap;
    this.words = marker.words;
    this.oldStart = marker.oldStart;
    this.oldEnd = marker.oldEnd;
    this.bitmap = marker.bitmap;
    this.blockLive = new Uint32Array(this.bitmap.length);
    this.pinned = marker.pinned.slice().sort((a, b) => a - b);
    this.pinnedEnd = [];
    this.pinnedLive = [];
    this.prepareForwarding();
  }

  /** Fills blockLive and the pinned regions. */
  prepareForwarding(): void {
    const { bitmap, blockLive } = this;
    let total = 0;
    for (let b = 0; b < bitmap.length; b++) {
      blockLive[b] = total;
      total += popcount(bitmap[b]);
    }
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

/**
 * Collects garbage in old space: scavenges, marks, clears dead weak slots, then slides the
 * live objects down in address order. Saved segments are untouched except for pointer
 * updates (with card marking) in remembered objects.
 */
export function fullGC(heap: Heap): FullGCStats {
  const t0 = performance.now();
  const scavengeStats = scavenge(heap);
  const bytesBefore = heap.oldTop - heap.savedEnd;
  const marker = new Marker(heap);
  marker.markAll();
  const weakSlotsCleared = marker.clearDeadWeakSlots();
  const compactor = new Compactor(marker);
  compactor.updateRoots();
  const objectsFreed = compactor.compact();
  heap.lastGCTop = heap.oldTop;
  return {
    scavenge: scavengeStats,
    bytesBefore,
    bytesAfter: heap.oldTop - heap.savedEnd,
    objectsLive: marker.live,
    objectsFreed,
    weakSlotsCleared,
    millis: performance.now() - t0,
  };
}
