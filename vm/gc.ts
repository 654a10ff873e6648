// The garbage collector's entry points. The work is in vm/scavenger.ts (nursery) and
// vm/mark-compact.ts (old space); this module adds what an image writer needs around them.
//
// All of them move objects, so they run only at safe points: every live oop is in the heap,
// in heap.specialObjects / heap.nilOop, or in heap.roots (whose entries are updated in place).
// Views of heap.words/bytes held across a call must be refreshed (a scavenge may grow the
// buffer; compare heap.epoch).

import { BIG_MARKER, FORWARDED_BIT, MARK_BIT, REMEMBERED_BIT, SLOTS_BIG, SLOTS_MASK, SLOTS_SHIFT } from './layout.ts';
import { NURSERY_START } from './heap.ts';
import type { Heap } from './heap.ts';
import { pointerSlots, scavenge } from './scavenger.ts';
import type { ScavengeStats } from './scavenger.ts';

export { scavenge, pointerSlots } from './scavenger.ts';
export type { ScavengeStats } from './scavenger.ts';
export { fullGC, writeFiller } from './mark-compact.ts';
export type { FullGCStats } from './mark-compact.ts';

const TRANSIENT_BITS = MARK_BIT | REMEMBERED_BIT | FORWARDED_BIT;

/**
 * Prepares the heap for writing as an image: the nursery is emptied (and zeroed, so no
 * forwarded headers from any earlier scavenge linger in it), no object carries a transient
 * header bit (mark, remembered, forwarded), and the remembered set is emptied. The writer
 * must then call heap.markSaved, which turns old space into a saved segment, so no saved
 * object points into unsaved space any more. If the write fails instead, call
 * rebuildRememberedSet.
 */
export function flushForSave(heap: Heap): ScavengeStats {
  const stats = scavenge(heap);
  // Above the high-water mark the nursery was never written since it was last zeroed.
  heap.bytes.fill(0, NURSERY_START, heap.nurseryHighWater);
  heap.nurseryHighWater = NURSERY_START;
  const words = heap.words;
  for (const r of heap.remembered) words[r >>> 2] = (words[r >>> 2] & ~REMEMBERED_BIT) >>> 0;
  heap.remembered.length = 0;
  clearTransientBits(words, heap.savedEnd, heap.oldTop);
  return stats;
}

/** Clears mark, remembered and forwarded bits of every object in [start, end). */
function clearTransientBits(words: Uint32Array, start: number, end: number): void {
  let p = start;
  while (p < end) {
    const w = words[(p >>> 2) + 1] === BIG_MARKER ? (p >>> 2) + 2 : p >>> 2;
    const h0 = words[w];
    if ((h0 & TRANSIENT_BITS) !== 0) words[w] = (h0 & ~TRANSIENT_BITS) >>> 0;
    let n = (words[w + 1] >>> SLOTS_SHIFT) & SLOTS_MASK;
    if (n === SLOTS_BIG) n = words[w - 2];
    p = (w + 2 + ((n + 1) & ~1)) * 4;
  }
}

/**
 * Restores the barrier's invariant after flushForSave when the image was not written: every
 * saved object that points into the nursery or old space is remembered again (the set's
 * other members are kept). Costs a walk of every saved object.
 */
export function rebuildRememberedSet(heap: Heap): void {
  const words = heap.words;
  const savedEnd = heap.savedEnd;
  const nurseryEnd = heap.nurseryEnd;
  for (const segment of heap.segments) {
    let p = segment.start;
    while (p < segment.end) {
      const w = words[(p >>> 2) + 1] === BIG_MARKER ? (p >>> 2) + 2 : p >>> 2;
      let n = (words[w + 1] >>> SLOTS_SHIFT) & SLOTS_MASK;
      if (n === SLOTS_BIG) n = words[w - 2];
      const body = w + 2;
      const end = body + pointerSlots(words, words[w], body, n);
      for (let i = body; i < end; i++) {
        const x = words[i];
        if ((x & 3) === 0 && x !== 0 && (x >= savedEnd || x < nurseryEnd)) {
          heap.remember(w * 4);
          break;
        }
      }
      p = (body + ((n + 1) & ~1)) * 4;
    }
  }
}
