// The dictionaries the VM itself reads and writes: the SystemDictionary `Smalltalk`, class
// pools, the REPL workspace and `Undeclared`. Layout (docs/design.md, "VM contracts"):
// named slots `tally array` first, `array` an Array of Associations or nil, Symbol keys at
// home index `identityHash \\ size` (0-based here), probing linearly and wrapping.
//
// Reads fall back to a full scan when probing misses, so a kernel whose Dictionary hashes
// differently (and rehashes in Smalltalk) is still read correctly; writes by the VM place
// associations where IdentityDictionary would.

import type { Heap } from './heap.ts';
import { Format } from './layout.ts';
import { newAssociation } from './objects.ts';
import { smallInt, smallIntValue } from './oop.ts';
import { ClassIndex } from './special.ts';

export const DICT_TALLY = 0;
export const DICT_ARRAY = 1;
const KEY = 0;
const VALUE = 1;

/** A new dictionary instance of the class with index classIndex (which must have >= 2 named slots). */
export function newDictionary(heap: Heap, classIndex: number, namedSlots = 2, capacity = 32): number {
  const dict = heap.allocate(classIndex, Format.FIXED, namedSlots);
  heap.store(dict, DICT_TALLY, smallInt(0));
  heap.store(dict, DICT_ARRAY, heap.allocate(ClassIndex.Array, Format.INDEXABLE, capacity));
  return dict;
}

/** The Association for key in dict, or 0. */
export function associationAt(heap: Heap, dict: number, key: number): number {
  const nil = heap.nilOop;
  const array = heap.fetch(dict, DICT_ARRAY);
  if (array === nil || (array & 3) !== 0) return 0;
  const size = heap.slotCount(array);
  if (size === 0) return 0;
  const start = heap.identityHash(key) % size;
  for (let n = 0, i = start; n < size; n++, i = (i + 1) % size) {
    const assoc = heap.fetch(array, i);
    if (assoc === nil) break;
    if ((assoc & 3) === 0 && heap.fetch(assoc, KEY) === key) return assoc;
  }
  for (let i = 0; i < size; i++) {
    const assoc = heap.fetch(array, i);
    if (assoc !== nil && (assoc & 3) === 0 && heap.slotCount(assoc) >= 2 && heap.fetch(assoc, KEY) === key) return assoc;
  }
  return 0;
}

/** Every association in dict, in slot order. */
export function associations(heap: Heap, dict: number): number[] {
  const array = heap.fetch(dict, DICT_ARRAY);
  const out: number[] = [];
  if (array === heap.nilOop) return out;
  const size = heap.slotCount(array);
  for (let i = 0; i < size; i++) {
    const assoc = heap.fetch(array, i);
    if (assoc !== heap.nilOop) out.push(assoc);
  }
  return out;
}

/** Adds an existing association (its key must be absent), growing the array at 3/4 full. */
export function addAssociation(heap: Heap, dict: number, assoc: number): void {
  const nil = heap.nilOop;
  let array = heap.fetch(dict, DICT_ARRAY);
  const tally = smallIntValue(heap.fetch(dict, DICT_TALLY)) + 1;
  if (array === nil || tally * 4 > heap.slotCount(array) * 3) {
    const old = array === nil ? [] : associations(heap, dict);
    const size = Math.max(32, (array === nil ? 0 : heap.slotCount(array)) * 2);
    array = heap.allocate(ClassIndex.Array, Format.INDEXABLE, size);
    heap.store(dict, DICT_ARRAY, array);
    for (const a of old) place(heap, array, a);
  }
  place(heap, array, assoc);
  heap.store(dict, DICT_TALLY, smallInt(tally));
}

function place(heap: Heap, array: number, assoc: number): void {
  const size = heap.slotCount(array);
  let i = heap.identityHash(heap.fetch(assoc, KEY)) % size;
  while (heap.fetch(array, i) !== heap.nilOop) i = (i + 1) % size;
  heap.store(array, i, assoc);
}

/** Sets key's value, creating the association if absent; answers the association. */
export function dictionaryAtPut(heap: Heap, dict: number, key: number, value: number): number {
  const found = associationAt(heap, dict, key);
  if (found !== 0) {
    heap.store(found, VALUE, value);
    return found;
  }
  const assoc = newAssociation(heap, key, value);
  addAssociation(heap, dict, assoc);
  return assoc;
}

/** Removes key's association (re-placing the rest so probing stays correct); answers it or 0. */
export function removeKey(heap: Heap, dict: number, key: number): number {
  const found = associationAt(heap, dict, key);
  if (found === 0) return 0;
  const rest = associations(heap, dict).filter((a) => a !== found);
  const array = heap.fetch(dict, DICT_ARRAY);
  heap.words.fill(heap.nilOop, (array >>> 2) + 2, (array >>> 2) + 2 + heap.slotCount(array));
  heap.markDirty(array + 8, heap.slotCount(array) * 4);
  for (const a of rest) place(heap, array, a);
  heap.store(dict, DICT_TALLY, smallInt(rest.length));
  return found;
}

export function associationValue(heap: Heap, assoc: number): number {
  return heap.fetch(assoc, VALUE);
}
