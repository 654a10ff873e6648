// Builds small object graphs in a Heap for tests, and decodes what is reachable from a set
// of roots into plain JS data (for comparisons with fast-deep-equal).
//
// makeHeap gives a heap with nil (in the nursery, as during a real bootstrap), true, false
// and a special-objects array; no class table unless installClass is called. Class indexes
// are the VM's fixed ones where they exist, otherwise arbitrary small numbers: the object
// memory and the GC never look classes up (except for a weak object's named slots).

import { Heap } from '../../vm/heap.ts';
import type { HeapOptions } from '../../vm/heap.ts';
import { FORMAT_MASK, FORMAT_SHIFT, Format, IMMUTABLE_BIT, PINNED_BIT, isBytesFormat, isCompiledMethodFormat } from '../../vm/layout.ts';
import { ClassIndex, SPECIAL_OBJECTS_SIZE, Special } from '../../vm/special.ts';
import { CLASS_SLOTS, ClassSlot, encodeClassFormat } from '../../vm/class-layout.ts';
import { characterOop, smallInt } from '../../vm/oop.ts';

/** Class indexes used by tests for classes the VM does not fix. */
export const TestClass = {
  Point: 40,
  Weak: 41,
  Bitmap: 42,
  Link: 43,
  WeakWithName: 44,
} as const;

export function makeHeap(options: HeapOptions = {}): Heap {
  const heap = Heap.create(options);
  heap.nilOop = heap.allocate(ClassIndex.UndefinedObject, Format.EMPTY, 0);
  const specials = heap.allocate(ClassIndex.Array, Format.INDEXABLE, SPECIAL_OBJECTS_SIZE);
  heap.specialObjects = specials;
  heap.store(specials, Special.nil, heap.nilOop);
  heap.store(specials, Special.true, heap.allocate(ClassIndex.True, Format.EMPTY, 0));
  heap.store(specials, Special.false, heap.allocate(ClassIndex.False, Format.EMPTY, 0));
  return heap;
}

export function newArray(heap: Heap, elements: number[] = [], classIndex: number = ClassIndex.Array): number {
  const oop = heap.allocate(classIndex, Format.INDEXABLE, elements.length);
  for (let i = 0; i < elements.length; i++) heap.store(oop, i, elements[i]);
  return oop;
}

/** An Array of `size` slots, all nil. */
export function newEmptyArray(heap: Heap, size: number): number {
  return heap.allocate(ClassIndex.Array, Format.INDEXABLE, size);
}

/** A fixed-format object (e.g. a Point or a Link). */
export function newFixed(heap: Heap, classIndex: number, fields: number[]): number {
  const oop = heap.allocate(classIndex, Format.FIXED, fields.length);
  for (let i = 0; i < fields.length; i++) heap.store(oop, i, fields[i]);
  return oop;
}

export function newWeak(heap: Heap, referents: number[], classIndex: number = TestClass.Weak): number {
  const oop = heap.allocate(classIndex, Format.WEAK, referents.length);
  for (let i = 0; i < referents.length; i++) heap.store(oop, i, referents[i]);
  return oop;
}

export function newBytes(heap: Heap, bytes: ArrayLike<number>, classIndex: number = ClassIndex.ByteArray): number {
  const oop = heap.allocateBytes(classIndex, bytes.length);
  heap.bytesOf(oop).set(bytes);
  return oop;
}

export function newString(heap: Heap, s: string): number {
  return newBytes(heap, new TextEncoder().encode(s), ClassIndex.String);
}

export function newWords(heap: Heap, values: ArrayLike<number>, classIndex: number = TestClass.Bitmap): number {
  const oop = heap.allocate(classIndex, Format.WORDS, values.length);
  for (let i = 0; i < values.length; i++) heap.words[(oop >>> 2) + 2 + i] = values[i];
  return oop;
}

export function newFloat(heap: Heap, value: number): number {
  const oop = heap.allocate(ClassIndex.Float, Format.WORDS, 2);
  heap.setFloatValue(oop, value);
  return oop;
}

/** A CompiledMethod-format object: header slots, literals, then the bytecodes. */
export function newMethod(heap: Heap, literals: number[], bytecodes: ArrayLike<number>, numArgs = 0): number {
  const pointerSlots = 2 + literals.length;
  const byteLength = pointerSlots * 4 + bytecodes.length;
  const slots = (byteLength + 3) >>> 2;
  const oop = heap.allocate(ClassIndex.CompiledMethod, Format.COMPILED_METHOD + (slots * 4 - byteLength), slots);
  heap.store(oop, 0, smallInt(literals.length | (numArgs << 16)));
  heap.store(oop, 1, smallInt(0));
  for (let i = 0; i < literals.length; i++) heap.store(oop, 2 + i, literals[i]);
  heap.bytesOf(oop).set(bytecodes);
  return oop;
}

/**
 * Installs a minimal class object for classIndex in the class table (creating the table in
 * the special-objects array if needed), so that instSize lookups (weak objects) work.
 */
export function installClass(heap: Heap, classIndex: number, instSize: number, format: number): number {
  let table = heap.fetch(heap.specialObjects, Special.classTable);
  if (table === heap.nilOop) {
    table = newEmptyArray(heap, 128);
    heap.store(heap.specialObjects, Special.classTable, table);
  }
  const cls = heap.allocate(ClassIndex.Class, Format.FIXED, CLASS_SLOTS);
  heap.store(cls, ClassSlot.format, smallInt(encodeClassFormat(instSize, format)));
  heap.store(table, classIndex, cls);
  return cls;
}

export { characterOop, smallInt };

/** One decoded object; pointers are `@id` strings (ids are in breadth-first order from the roots). */
export interface DecodedObject {
  cls: number;
  format: number;
  hash: number;
  flags: number;
  /** Pointer slots: immediates as their raw oop, objects as `@id`. */
  slots: (number | string)[];
  /** The non-pointer part: bytes for byte formats and methods, words for word objects. */
  data: number[];
}

/**
 * Decodes everything reachable from `roots` (oops; immediates allowed) into plain data that
 * does not depend on addresses. The first entry is the list of root references.
 */
export function snapshot(heap: Heap, roots: readonly number[]): { roots: (number | string)[]; objects: DecodedObject[] } {
  const ids = new Map<number, number>();
  const queue: number[] = [];
  const ref = (v: number): number | string => {
    if ((v & 3) !== 0 || v === 0) return v;
    let id = ids.get(v);
    if (id === undefined) {
      id = queue.length;
      ids.set(v, id);
      queue.push(v);
    }
    return `@${id}`;
  };
  const rootRefs = roots.map(ref);
  const objects: DecodedObject[] = [];
  for (let q = 0; q < queue.length; q++) {
    const oop = queue[q];
    const h0 = heap.words[oop >>> 2];
    const format = (h0 >>> FORMAT_SHIFT) & FORMAT_MASK;
    const k = heap.pointerSlotCount(oop);
    const slots: (number | string)[] = [];
    for (let i = 0; i < k; i++) slots.push(ref(heap.fetch(oop, i)));
    let data: number[] = [];
    if (isBytesFormat(format) || isCompiledMethodFormat(format)) data = Array.from(heap.bytesOf(oop));
    else if (format === Format.WORDS) {
      const n = heap.slotCount(oop);
      data = Array.from(heap.words.subarray((oop >>> 2) + 2, (oop >>> 2) + 2 + n));
    }
    objects.push({
      cls: heap.classIndexOf(oop),
      format,
      hash: heap.identityHash(oop),
      flags: (h0 & (IMMUTABLE_BIT | PINNED_BIT)) >>> 0,
      slots,
      data,
    });
  }
  return { roots: rootRefs, objects };
}
