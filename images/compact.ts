// The compacting save: the live world, saved segments included, rewritten into one
// segment of a fresh heap in a better order, then saved as a full image. It flattens a
// delta chain and drops the garbage that saved segments keep (the GC never moves or frees
// saved objects; only this can).
//
// Steps:
//   1. full GC of old space (empties the nursery, clears dead weak slots in old space);
//   2. trace everything reachable from the special-objects array and nil, breadth first,
//      through saved segments and old space alike; a weak object's indexable slots are not
//      traced, and those whose referent is not otherwise reachable become nil;
//   3. order the live objects: first, in class-index order, each class followed by its
//      metaclass and their compiled methods (found through their method dictionaries: the
//      dictionary, its methods array, the methods in slot order), so the code lies together;
//      then, in class-index order, all the other instances of each class index, breadth-first
//      among themselves. Without a class table the order is plain breadth-first
//      (stats.order says which was used);
//   4. copy each object to its new address in a fresh heap, rewriting its pointers through
//      a forwarding table indexed by the old address's 8-byte granule;
//   5. save that heap as a full image (one segment).
//
// Identity hashes, immutability and pinning travel with the headers, so the world booted
// from the compacted image is the same graph (images/decode.ts) as the one compacted.

import { ClassSlot, instSizeOf } from '../vm/class-layout.ts';
import { fullGC, type FullGCStats } from '../vm/gc.ts';
import { Heap, NURSERY_START } from '../vm/heap.ts';
import {
  CLASS_INDEX_MASK, FORMAT_MASK, FORMAT_SHIFT, FORWARDED_BIT, Format, MARK_BIT,
  REMEMBERED_BIT, SLOTS_BIG, isPointersFormat, objectBytes, slotCountOf,
} from '../vm/layout.ts';
import { pointerSlots } from '../vm/scavenger.ts';
import { ClassIndex, Special } from '../vm/special.ts';
import { ImageError } from './format.ts';
import { checkSavable, saveImage } from './writer.ts';

export interface CompactStats {
  /** Objects and bytes in the heap before (saved segments, old space, nursery) and after. */
  objectsBefore: number;
  bytesBefore: number;
  objectsAfter: number;
  bytesAfter: number;
  /** What was dropped: unreachable objects in saved segments and old space. */
  garbageObjects: number;
  garbageBytes: number;
  /** Weak slots set to nil because only weak references were left to their referent. */
  weakSlotsCleared: number;
  /** 'class': grouped by class with methods beside their classes; 'bfs': no class table was found. */
  order: 'class' | 'bfs';
  fullGC: FullGCStats;
  ms: number;
}

export interface CompactSaveResult {
  /** The compacted heap, as saved (its image is the file written). */
  heap: Heap;
  stats: CompactStats;
  /** Bytes of the image file written. */
  fileBytes: number;
  contentHash: Uint8Array;
}

/** Compacts the heap's live world into a full image at `path`; the heap itself is left as it is (after a full GC). */
export function saveCompact(heap: Heap, path: string): CompactSaveResult {
  checkSavable(heap, path);
  const { heap: fresh, stats } = compactHeap(heap);
  const saved = saveImage(fresh, path);
  return { heap: fresh, stats, fileBytes: saved.bytes, contentHash: saved.contentHash };
}

/** The heap's live world copied into a fresh heap, in class order, as one old-space region. */
export function compactHeap(heap: Heap): { heap: Heap; stats: CompactStats } {
  const t0 = performance.now();
  const before = census(heap);
  const gc = fullGC(heap);
  const tracer = new Tracer(heap);
  tracer.trace();
  const table = classTableOf(heap);
  const order = table === 0 ? tracer.order.subarray(0, tracer.count) : classOrder(heap, tracer, table);
  const fresh = copyInto(heap, tracer, order);
  const bytesAfter = fresh.oldTop - fresh.nurseryEnd;
  return {
    heap: fresh,
    stats: {
      objectsBefore: before.objects,
      bytesBefore: before.bytes,
      objectsAfter: tracer.count,
      bytesAfter,
      garbageObjects: before.objects - tracer.count,
      garbageBytes: before.bytes - bytesAfter,
      weakSlotsCleared: gc.weakSlotsCleared + tracer.weakCleared,
      order: table === 0 ? 'bfs' : 'class',
      fullGC: gc,
      ms: performance.now() - t0,
    },
  };
}

/** Objects and their bytes in every region of the heap. */
function census(heap: Heap): { objects: number; bytes: number } {
  let objects = 0;
  let bytes = 0;
  heap.forEachLiveRegion((start, end) => {
    heap.forEachObject(start, end, () => { objects++; });
    bytes += end - start;
  });
  return { objects, bytes };
}

/**
 * Breadth-first marking of the whole heap. `forward` has one entry per 8-byte granule of
 * [0, oldTop): 1 once the object at that address is reached, its new oop once placed.
 */
class Tracer {
  readonly heap: Heap;
  readonly words: Uint32Array;
  readonly forward: Uint32Array;
  /** Live objects in breadth-first order; the first `count` entries are used. */
  order: Uint32Array;
  count: number;
  readonly classTable: number;
  weakCleared: number;

  constructor(heap: Heap) {
    this.heap = heap;
    this.words = heap.words;
    this.forward = new Uint32Array((heap.oldTop >>> 3) + 1);
    this.order = new Uint32Array(1 << 16);
    this.count = 0;
    this.classTable = classTableOf(heap);
    this.weakCleared = 0;
  }

  reach(v: number): void {
    if ((v & 3) !== 0 || v === 0) return;
    if (v >= this.heap.oldTop || v < NURSERY_START) {
      throw new ImageError('cannot save', `heap corrupt: a reference to 0x${v.toString(16)} lies outside the heap`, '<compact>');
    }
    const g = v >>> 3;
    if (this.forward[g] !== 0) return;
    this.forward[g] = 1;
    if (this.count === this.order.length) {
      const bigger = new Uint32Array(this.order.length * 2);
      bigger.set(this.order);
      this.order = bigger;
    }
    this.order[this.count++] = v;
  }

  trace(): void {
    const heap = this.heap;
    const words = this.words;
    this.reach(heap.specialObjects);
    this.reach(heap.nilOop);
    for (let i = 0; i < this.count; i++) {
      const w = this.order[i] >>> 2;
      const h0 = words[w];
      const n = slotCountOf(words, w * 4);
      const body = w + 2;
      const strong = ((h0 >>> FORMAT_SHIFT) & FORMAT_MASK) === Format.WEAK
        ? weakNamedSlots(heap, this.classTable, h0 & CLASS_INDEX_MASK, n)
        : pointerSlots(words, h0, body, n);
      for (let k = body; k < body + strong; k++) this.reach(words[k]);
    }
  }
}

/** The live objects in class order (step 3 above). */
function classOrder(heap: Heap, tracer: Tracer, table: number): Uint32Array {
  const { words, forward, count } = tracer;
  const bfs = tracer.order;
  let maxIndex = 0;
  for (let i = 0; i < count; i++) maxIndex = Math.max(maxIndex, words[bfs[i] >>> 2] & CLASS_INDEX_MASK);
  // Counting sort of the breadth-first order by class index (stable).
  const starts = new Uint32Array(maxIndex + 2);
  for (let i = 0; i < count; i++) starts[(words[bfs[i] >>> 2] & CLASS_INDEX_MASK) + 1]++;
  for (let c = 1; c < starts.length; c++) starts[c] += starts[c - 1];
  const byClass = new Uint32Array(count);
  const fill = starts.slice(0, maxIndex + 1);
  for (let i = 0; i < count; i++) byClass[fill[words[bfs[i] >>> 2] & CLASS_INDEX_MASK]++] = bfs[i];

  const order = new Uint32Array(count);
  let placed = 0;
  const PLACED = 2;
  const place = (v: number): void => {
    if ((v & 3) !== 0 || v === 0 || v >= heap.oldTop || forward[v >>> 3] !== 1) return;
    forward[v >>> 3] = PLACED;
    order[placed++] = v;
  };
  const placeMethods = (cls: number): void => {
    const dict = pointerAt(heap, cls, ClassSlot.methodDict);
    if (dict === 0 || forward[dict >>> 3] === 0) return;
    place(dict);
    const methods = pointerAt(heap, dict, 1);
    if (methods === 0) return;
    place(methods);
    const n = heap.slotCount(methods);
    for (let k = 0; k < n; k++) {
      const m = heap.fetch(methods, k);
      if ((m & 3) === 0 && m !== 0 && m < heap.oldTop && heap.formatOf(m) >= Format.COMPILED_METHOD) place(m);
    }
  };
  // First every class with its metaclass and their methods (the code, together), then every
  // class index's instances (so metaclasses, instances of Metaclass, stay beside their class).
  const tableSize = heap.slotCount(table);
  for (let c = 0; c < tableSize; c++) {
    const cls = heap.fetch(table, c);
    if ((cls & 3) !== 0 || cls === 0 || cls === heap.nilOop || cls >= heap.oldTop || forward[cls >>> 3] === 0
      || heap.classIndexOf(cls) === ClassIndex.Metaclass) continue;
    place(cls);
    const metaIndex = heap.classIndexOf(cls);
    const meta = metaIndex < tableSize ? heap.fetch(table, metaIndex) : 0;
    const isMeta = meta !== 0 && (meta & 3) === 0 && meta < heap.oldTop
      && heap.classIndexOf(meta) === ClassIndex.Metaclass && pointerAt(heap, meta, ClassSlot.thisClass) === cls;
    if (isMeta) place(meta);
    placeMethods(cls);
    if (isMeta) placeMethods(meta);
  }
  for (let c = 0; c <= maxIndex; c++) for (let i = starts[c]; i < starts[c + 1]; i++) place(byClass[i]);
  if (placed !== count) throw new Error(`compaction placed ${placed} of ${count} live objects`);
  return order;
}

/** Copies the objects in `order` into a fresh heap, rewriting their pointers. */
function copyInto(heap: Heap, tracer: Tracer, order: Uint32Array): Heap {
  const words = heap.words;
  const forward = tracer.forward;
  let total = 0;
  for (let i = 0; i < order.length; i++) total += objectBytes(slotCountOf(words, order[i]));
  const fresh = Heap.create({
    nurseryBytes: heap.nurseryEnd - NURSERY_START,
    initialBytes: heap.nurseryEnd + total + 1024 * 1024,
    maxBytes: Math.max(heap.maxBytes, heap.nurseryEnd + total + 1024 * 1024),
  });
  let top = fresh.nurseryEnd;
  for (let i = 0; i < order.length; i++) {
    const v = order[i];
    const n = slotCountOf(words, v);
    const prefix = n >= SLOTS_BIG ? 8 : 0;
    forward[v >>> 3] = top + prefix;
    top += objectBytes(n);
  }
  const out = fresh.words;
  const nilNew = forward[heap.nilOop >>> 3];
  const TRANSIENT = MARK_BIT | REMEMBERED_BIT | FORWARDED_BIT;
  for (let i = 0; i < order.length; i++) {
    const v = order[i];
    const w = v >>> 2;
    const n = slotCountOf(words, v);
    const to = forward[v >>> 3] >>> 2;
    const span = 2 + ((n + 1) & ~1);
    if (n >= SLOTS_BIG) {
      out[to - 2] = words[w - 2];
      out[to - 1] = words[w - 1];
    }
    out.set(words.subarray(w, w + span), to);
    const h0 = words[w];
    out[to] = (h0 & ~TRANSIENT) >>> 0;
    const body = to + 2;
    const k = pointerSlots(out, h0, body, n);
    const weakFrom = ((h0 >>> FORMAT_SHIFT) & FORMAT_MASK) === Format.WEAK
      ? weakNamedSlots(heap, tracer.classTable, h0 & CLASS_INDEX_MASK, n) : k;
    for (let j = 0; j < k; j++) {
      const x = out[body + j];
      if ((x & 3) !== 0 || x === 0) continue;
      const y = forward[x >>> 3];
      if (y > 2) {
        out[body + j] = y;
      } else if (j >= weakFrom) {
        out[body + j] = nilNew;
        tracer.weakCleared++;
      } else {
        throw new Error(`compaction: a strong reference to 0x${x.toString(16)} was not traced`);
      }
    }
  }
  fresh.oldTop = top;
  fresh.lastGCTop = top;
  fresh.specialObjects = forward[heap.specialObjects >>> 3];
  fresh.nilOop = nilNew;
  fresh.hashSeed = heap.hashSeed;
  return fresh;
}

/** Slot `index` of a pointers object if it holds an object other than nil, else 0. */
function pointerAt(heap: Heap, oop: number, index: number): number {
  if (!isPointersFormat(heap.formatOf(oop)) || index >= heap.slotCount(oop)) return 0;
  const v = heap.fetch(oop, index);
  return (v & 3) === 0 && v !== 0 && v !== heap.nilOop && v < heap.oldTop ? v : 0;
}

/** The class table of the special-objects array, or 0. */
function classTableOf(heap: Heap): number {
  const specials = heap.specialObjects;
  if ((specials & 3) !== 0 || specials === 0 || heap.slotCount(specials) <= Special.classTable) return 0;
  const table = pointerAt(heap, specials, Special.classTable);
  return table !== 0 && heap.formatOf(table) === Format.INDEXABLE ? table : 0;
}

/** Named (strong) slots of a weak object: its class's instance size, 0 if the class is unknown. */
function weakNamedSlots(heap: Heap, table: number, classIndex: number, n: number): number {
  if (table === 0 || classIndex >= heap.slotCount(table)) return 0;
  const cls = pointerAt(heap, table, classIndex);
  if (cls === 0 || !isPointersFormat(heap.formatOf(cls)) || heap.slotCount(cls) <= ClassSlot.format) return 0;
  const format = heap.fetch(cls, ClassSlot.format);
  if ((format & 1) === 0) return 0;
  return Math.min(instSizeOf(format >> 1), n);
}
