// Creating and reading heap objects from JavaScript: strings, symbols, arrays, floats,
// integers (SmallInteger or LargePositive/NegativeInteger), associations, characters.
//
// Strings are Latin-1 bytes (class String) unless a character is above 255; then they are
// WideStrings of 32-bit code points. Symbols likewise (Symbol / WideSymbol) and are unique:
// the symbol table (special object Special.symbolTable) is an Array whose slot 0 holds the
// tally (a SmallInteger) and whose slots 1..capacity (a power of two) are open-addressed
// buckets keyed by an FNV-1a hash of the code points. There is deliberately no JS-side
// string -> oop cache: the GC moves young symbols, and probing the table is cheap enough for
// the places that intern (installing methods, primitives).
//
// Large integers are byte objects holding the magnitude little-endian, normalized: no high
// zero bytes and never a value that fits a SmallInteger.

import type { Heap } from './heap.ts';
import { Format, IMMUTABLE_BIT, isBytesFormat } from './layout.ts';
import { fitsSmallInt, isCharacter, isSmallInt, smallInt, smallIntValue } from './oop.ts';
import { ClassIndex, Special } from './special.ts';

const SYMBOL_TABLE_INITIAL = 4096;

export function specialObject(heap: Heap, index: number): number {
  return heap.fetch(heap.specialObjects, index);
}

export function setSpecialObject(heap: Heap, index: number, value: number): void {
  heap.store(heap.specialObjects, index, value);
}

export function nilObject(heap: Heap): number {
  return heap.nilOop;
}

export function booleanObject(heap: Heap, b: boolean): number {
  return specialObject(heap, b ? Special.true : Special.false);
}

export function makeImmutable(heap: Heap, oop: number): number {
  if ((oop & 3) === 0) heap.words[oop >>> 2] = (heap.words[oop >>> 2] | IMMUTABLE_BIT) >>> 0;
  return oop;
}

// ---- strings -------------------------------------------------------------------------

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

function isNarrow(points: readonly number[]): boolean {
  for (const c of points) if (c > 255) return false;
  return true;
}

function newStringOfClass(heap: Heap, points: readonly number[], narrowClass: number, wideClass: number): number {
  if (isNarrow(points)) {
    const oop = heap.allocateBytes(narrowClass, points.length);
    const base = oop + 8;
    const bytes = heap.bytes;
    for (let i = 0; i < points.length; i++) bytes[base + i] = points[i];
    return oop;
  }
  const oop = heap.allocate(wideClass, Format.WORDS, points.length);
  const w = (oop >>> 2) + 2;
  for (let i = 0; i < points.length; i++) heap.words[w + i] = points[i];
  return oop;
}

/** A new String (or WideString) holding s. */
export function newString(heap: Heap, s: string): number {
  return newStringOfClass(heap, codePoints(s), ClassIndex.String, ClassIndex.WideString);
}

/** The code points of a String, Symbol, WideString or WideSymbol (any bytes or words object). */
export function codePointsOf(heap: Heap, oop: number): number[] {
  const format = heap.formatOf(oop);
  if (isBytesFormat(format)) return Array.from(heap.bytesOf(oop));
  if (format === Format.WORDS) {
    const n = heap.slotCount(oop);
    const w = (oop >>> 2) + 2;
    return Array.from(heap.words.subarray(w, w + n));
  }
  throw new TypeError(`object ${oop} is not a string`);
}

/** The JS string of a String, Symbol or their wide variants. */
export function stringValue(heap: Heap, oop: number): string {
  const format = heap.formatOf(oop);
  if (isBytesFormat(format)) {
    const b = heap.bytesOf(oop);
    let s = '';
    for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
    return s;
  }
  return String.fromCodePoint(...codePointsOf(heap, oop));
}

export function isStringLike(heap: Heap, oop: number): boolean {
  if ((oop & 3) !== 0) return false;
  const ci = heap.classIndexOf(oop);
  return ci === ClassIndex.String || ci === ClassIndex.Symbol
    || ci === ClassIndex.WideString || ci === ClassIndex.WideSymbol;
}

export function isSymbol(heap: Heap, oop: number): boolean {
  if ((oop & 3) !== 0) return false;
  const ci = heap.classIndexOf(oop);
  return ci === ClassIndex.Symbol || ci === ClassIndex.WideSymbol;
}

// ---- symbols -------------------------------------------------------------------------

/** FNV-1a over code points: the symbol table's hash (also answered by String>>hash). */
export function stringHash(points: ArrayLike<number>): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < points.length; i++) {
    let c = points[i];
    do {
      h ^= c & 0xff;
      h = Math.imul(h, 0x01000193);
      c >>>= 8;
    } while (c !== 0);
  }
  return h >>> 0;
}

function sameCodePoints(heap: Heap, oop: number, points: readonly number[]): boolean {
  const format = heap.formatOf(oop);
  if (isBytesFormat(format)) {
    if (heap.byteLength(oop) !== points.length) return false;
    const base = oop + 8;
    for (let i = 0; i < points.length; i++) if (heap.bytes[base + i] !== points[i]) return false;
    return true;
  }
  if (heap.slotCount(oop) !== points.length) return false;
  const w = (oop >>> 2) + 2;
  for (let i = 0; i < points.length; i++) if (heap.words[w + i] !== points[i]) return false;
  return true;
}

/** A new, empty symbol table (the caller stores it in the special objects). */
export function newSymbolTable(heap: Heap, capacity = SYMBOL_TABLE_INITIAL): number {
  const table = heap.allocate(ClassIndex.Array, Format.INDEXABLE, capacity + 1);
  heap.store(table, 0, smallInt(0));
  return table;
}

/** The bucket index (1-based slot) where `points` is or would go. */
function probe(heap: Heap, table: number, points: readonly number[]): number {
  const capacity = heap.slotCount(table) - 1;
  const nil = heap.nilOop;
  let i = stringHash(points) & (capacity - 1);
  for (;;) {
    const sym = heap.fetch(table, i + 1);
    if (sym === nil || sameCodePoints(heap, sym, points)) return i + 1;
    i = (i + 1) & (capacity - 1);
  }
}

/** The symbol spelled s, or 0 when none exists. */
export function findSymbol(heap: Heap, s: string): number {
  const table = specialObject(heap, Special.symbolTable);
  const slot = probe(heap, table, codePoints(s));
  const sym = heap.fetch(table, slot);
  return sym === heap.nilOop ? 0 : sym;
}

/** The unique Symbol spelled s, created if needed. */
export function intern(heap: Heap, s: string): number {
  return internCodePoints(heap, codePoints(s));
}

export function internCodePoints(heap: Heap, points: readonly number[]): number {
  let table = specialObject(heap, Special.symbolTable);
  let slot = probe(heap, table, points);
  const found = heap.fetch(table, slot);
  if (found !== heap.nilOop) return found;
  const tally = smallIntValue(heap.fetch(table, 0)) + 1;
  const capacity = heap.slotCount(table) - 1;
  if (tally * 4 > capacity * 3) {
    table = growSymbolTable(heap, table, capacity * 2);
    slot = probe(heap, table, points);
  }
  const sym = newStringOfClass(heap, points, ClassIndex.Symbol, ClassIndex.WideSymbol);
  makeImmutable(heap, sym);
  heap.store(table, slot, sym);
  heap.store(table, 0, smallInt(tally));
  return sym;
}

function growSymbolTable(heap: Heap, old: number, capacity: number): number {
  const table = newSymbolTable(heap, capacity);
  const oldCapacity = heap.slotCount(old) - 1;
  for (let i = 1; i <= oldCapacity; i++) {
    const sym = heap.fetch(old, i);
    if (sym === heap.nilOop) continue;
    heap.store(table, probe(heap, table, codePointsOf(heap, sym)), sym);
  }
  heap.store(table, 0, heap.fetch(old, 0));
  setSpecialObject(heap, Special.symbolTable, table);
  return table;
}

/** Every symbol in the table, in bucket order. */
export function allSymbols(heap: Heap): number[] {
  const table = specialObject(heap, Special.symbolTable);
  const out: number[] = [];
  const n = heap.slotCount(table);
  for (let i = 1; i < n; i++) {
    const sym = heap.fetch(table, i);
    if (sym !== heap.nilOop) out.push(sym);
  }
  return out;
}

// ---- arrays, byte arrays, associations ----------------------------------------------

export function newArray(heap: Heap, elements: readonly number[]): number {
  const oop = heap.allocate(ClassIndex.Array, Format.INDEXABLE, elements.length);
  for (let i = 0; i < elements.length; i++) heap.store(oop, i, elements[i]);
  return oop;
}

export function arrayElements(heap: Heap, oop: number): number[] {
  const n = heap.slotCount(oop);
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = heap.fetch(oop, i);
  return out;
}

export function newByteArray(heap: Heap, bytes: ArrayLike<number>): number {
  const oop = heap.allocateBytes(ClassIndex.ByteArray, bytes.length);
  heap.bytes.set(bytes, oop + 8);
  return oop;
}

export function newAssociation(heap: Heap, key: number, value: number): number {
  const oop = heap.allocate(ClassIndex.Association, Format.FIXED, 2);
  heap.store(oop, 0, key);
  heap.store(oop, 1, value);
  return oop;
}

// ---- numbers -------------------------------------------------------------------------

export function newFloat(heap: Heap, value: number): number {
  const oop = heap.allocate(ClassIndex.Float, Format.WORDS, 2);
  heap.f64[(oop + 8) >>> 3] = value;
  return oop;
}

export function isFloat(heap: Heap, oop: number): boolean {
  return (oop & 3) === 0 && heap.classIndexOf(oop) === ClassIndex.Float;
}

const SMALL_MIN = -(1n << 30n);
const SMALL_MAX = (1n << 30n) - 1n;

/** A SmallInteger when value fits, else a normalized LargePositive/NegativeInteger. */
export function newInteger(heap: Heap, value: bigint | number): number {
  if (typeof value === 'number') {
    if (fitsSmallInt(value)) return smallInt(value);
    if (!Number.isInteger(value)) throw new RangeError(`${value} is not an integer`);
    value = BigInt(value);
  }
  if (value >= SMALL_MIN && value <= SMALL_MAX) return smallInt(Number(value));
  return newLargeInteger(heap, value);
}

/** A LargePositive/NegativeInteger for value (even one that would fit a SmallInteger). */
export function newLargeInteger(heap: Heap, value: bigint): number {
  const negative = value < 0n;
  // Through hexadecimal text: linear in the size, where shifting a BigInt word by word is
  // quadratic (every shift copies the whole number).
  let hex = (negative ? -value : value).toString(16);
  if (hex === '0') hex = '';
  if (hex.length & 1) hex = `0${hex}`;
  const length = Math.max(hex.length >>> 1, 1);
  const cls = negative ? ClassIndex.LargeNegativeInteger : ClassIndex.LargePositiveInteger;
  const oop = heap.allocateBytes(cls, length);
  const bytes = heap.bytes;
  const base = oop + 8;
  for (let i = 0, j = hex.length - 2; j >= 0; i++, j -= 2) bytes[base + i] = parseInt(hex.substr(j, 2), 16);
  return oop;
}

export function isLargeInteger(heap: Heap, oop: number): boolean {
  if ((oop & 3) !== 0) return false;
  const ci = heap.classIndexOf(oop);
  return ci === ClassIndex.LargePositiveInteger || ci === ClassIndex.LargeNegativeInteger;
}

/** The value of a LargeInteger object (its magnitude need not be normalized). */
export function largeIntegerValue(heap: Heap, oop: number): bigint {
  const b = heap.bytesOf(oop);
  let v: bigint;
  if (b.length <= 6) {
    let n = 0;
    for (let i = b.length - 1; i >= 0; i--) n = n * 256 + b[i];
    v = BigInt(n);
  } else {
    // Linear through hexadecimal text (see newLargeInteger).
    let hex = '';
    for (let i = b.length - 1; i >= 0; i--) hex += HEX[b[i]];
    v = BigInt(`0x${hex}`);
  }
  return heap.classIndexOf(oop) === ClassIndex.LargeNegativeInteger ? -v : v;
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The value of a SmallInteger or LargeInteger oop, or null for anything else. */
export function integerValue(heap: Heap, oop: number): bigint | null {
  if (isSmallInt(oop)) return BigInt(smallIntValue(oop));
  if (isLargeInteger(heap, oop)) return largeIntegerValue(heap, oop);
  return null;
}

export function characterCode(oop: number): number | null {
  return isCharacter(oop) ? oop >>> 2 : null;
}
