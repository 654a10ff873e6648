// The world reachable from the root, as plain JS values: what tests compare to prove
// that a save and a boot (or a delta chain, or a compacting save) kept the same world.
//
// Objects are numbered in breadth-first order from the special-objects array (number 0),
// visiting slots in index order, so the description depends only on the object graph
// and the objects' contents, never on where the objects lie in the heap. A reference is
// { ref: n }, so shared structure and cycles are described exactly, and two worlds are
// the same graph exactly when their descriptions are deep-equal.

import type { Heap } from '../vm/heap.ts';
import {
  Format, IMMUTABLE_BIT, PINNED_BIT, isBytesFormat, isCompiledMethodFormat,
} from '../vm/layout.ts';
import { characterValue, isCharacter, isPointer, isSmallInt, smallIntValue } from '../vm/oop.ts';
import { ClassIndex } from '../vm/special.ts';

/** One slot's content: a reference to object number n, or an immediate. */
export type DecodedValue =
  | { ref: number }
  | { int: number }
  | { char: number }
  /** A pointer that does not lead to an object (a heap bug the comparison should show). */
  | { bad: number };

export interface DecodedObject {
  classIndex: number;
  /** The object format (vm/layout.ts Format), including the unused-byte count of byte formats. */
  format: number;
  hash: number;
  immutable: boolean;
  pinned: boolean;
  /** Pointer slots (all slots of pointer formats; header words and literals of a method). */
  slots: DecodedValue[];
  /** The byte part of byte formats and compiled methods. */
  bytes: number[];
  /** The 32-bit words of a words object. */
  words: number[];
  /** A Float's value (also in `words`), for readable diffs; null for other objects. */
  float: number | null;
}

export interface DecodedWorld {
  /** objects[0] is the special-objects array. */
  objects: DecodedObject[];
}

/** Decodes the graph reachable from heap.specialObjects. */
export function decodeWorld(heap: Heap): DecodedWorld {
  const numbers = new Map<number, number>();
  const queue: number[] = [];
  const objects: DecodedObject[] = [];
  const limit = heap.capacity;

  const value = (oop: number): DecodedValue => {
    if (isSmallInt(oop)) return { int: smallIntValue(oop) };
    if (isCharacter(oop)) return { char: characterValue(oop) };
    if (!isPointer(oop) || oop + 8 > limit) return { bad: oop };
    let n = numbers.get(oop);
    if (n === undefined) {
      n = queue.length;
      numbers.set(oop, n);
      queue.push(oop);
    }
    return { ref: n };
  };

  value(heap.specialObjects);
  for (let i = 0; i < queue.length; i++) objects.push(decodeObject(heap, queue[i], value));
  return { objects };
}

function decodeObject(heap: Heap, oop: number, value: (oop: number) => DecodedValue): DecodedObject {
  const format = heap.formatOf(oop);
  const header = heap.words[oop >>> 2];
  const pointerSlots = heap.pointerSlotCount(oop);
  const slots: DecodedValue[] = [];
  for (let i = 0; i < pointerSlots; i++) slots.push(value(heap.fetch(oop, i)));
  const object: DecodedObject = {
    classIndex: heap.classIndexOf(oop),
    format,
    hash: heap.identityHash(oop),
    immutable: (header & IMMUTABLE_BIT) !== 0,
    pinned: (header & PINNED_BIT) !== 0,
    slots,
    bytes: isBytesFormat(format) || isCompiledMethodFormat(format) ? Array.from(heap.bytesOf(oop)) : [],
    words: [],
    float: null,
  };
  if (format === Format.WORDS) {
    const start = (oop >>> 2) + 2;
    object.words = Array.from(heap.words.subarray(start, start + heap.slotCount(oop)));
    if (object.classIndex === ClassIndex.Float && object.words.length === 2) object.float = heap.floatValue(oop);
  }
  return object;
}
