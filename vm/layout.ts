// The object header and body layout. Every object starts at an 8-byte aligned offset
// (its oop) with two 32-bit header words; the body (slots) starts at oop + 8.
//
//   word 0  bits  0-21  class index (into the class table; 0 = free/filler)
//           bits 22-26  format (see Format)
//           bit  27     mark       (full GC)
//           bit  28     remembered (in the remembered set: may point to younger objects)
//           bit  29     immutable  (stores fail)
//           bit  30     pinned     (never moved by the GC)
//           bit  31     forwarded  (GC/become: word 1 holds the new oop)
//   word 1  bits  0-21  identity hash (for a class: its own class index)
//           bits 22-29  slot count, 255 = big object (the real count is in oop - 8)
//           bits 30-31  zero, so word 1 can never equal BIG_MARKER
//
// A big object (255 or more slots) is preceded by an 8-byte prefix: the slot count,
// then BIG_MARKER. A heap walker at position p reads the word at p + 4: BIG_MARKER
// means a prefix, and the object's header is at p + 8.
//
// Slots are 32-bit words. The body takes align8(slots * 4) bytes, so objects stay
// 8-byte aligned and a Float's 64-bit payload sits at an aligned address.

export const HEADER_BYTES = 8;
export const BIG_PREFIX_BYTES = 8;
export const BIG_MARKER = 0xffffffff;
export const SLOTS_BIG = 255;

export const CLASS_INDEX_MASK = 0x3fffff;
export const HASH_MASK = 0x3fffff;
export const FORMAT_SHIFT = 22;
export const FORMAT_MASK = 0x1f;
export const SLOTS_SHIFT = 22;
export const SLOTS_MASK = 0xff;

export const MARK_BIT = 1 << 27;
export const REMEMBERED_BIT = 1 << 28;
export const IMMUTABLE_BIT = 1 << 29;
export const PINNED_BIT = 1 << 30;
export const FORWARDED_BIT = 2 ** 31;

/**
 * Object formats. Byte-like formats carry, in their low 2 bits, how many bytes of the
 * last word are unused, so a byte length is slots * 4 - (format & 3).
 */
export const Format = {
  /** No slots at all (nil, true, false, instances of empty classes). */
  EMPTY: 0,
  /** Named instance variables only. */
  FIXED: 1,
  /** Named instance variables followed by indexable pointer slots. */
  INDEXABLE: 2,
  /** Like INDEXABLE, but the indexable slots do not keep their referents alive. */
  WEAK: 3,
  /** Indexable 32-bit unsigned words (Float is two of them: a little-endian float64). */
  WORDS: 9,
  /** Indexable bytes: 16..19. */
  BYTES: 16,
  /**
   * A CompiledMethod: 24..27. Slot 0 and 1 are SmallInteger headers (see vm/method-layout),
   * then the literals (pointers), then the bytecodes as bytes.
   */
  COMPILED_METHOD: 24,
} as const;

export function isBytesFormat(format: number): boolean {
  return format >= Format.BYTES && format < Format.BYTES + 4;
}

export function isCompiledMethodFormat(format: number): boolean {
  return format >= Format.COMPILED_METHOD;
}

/** True for formats whose slots (all of them) are oops the GC must trace. */
export function isPointersFormat(format: number): boolean {
  return format >= Format.FIXED && format <= Format.WEAK;
}

export function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Bytes an object with `slots` slots occupies, prefix included. */
export function objectBytes(slots: number): number {
  return (slots >= SLOTS_BIG ? BIG_PREFIX_BYTES : 0) + HEADER_BYTES + align8(slots * 4);
}

/** Slot count of the object at oop, read from the raw words. */
export function slotCountOf(words: Uint32Array, oop: number): number {
  const n = (words[(oop >>> 2) + 1] >>> SLOTS_SHIFT) & SLOTS_MASK;
  return n === SLOTS_BIG ? words[(oop >>> 2) - 2] : n;
}

/** Where the next object after the one at oop begins (its prefix, if it has one). */
export function nextObjectStart(words: Uint32Array, oop: number): number {
  return oop + HEADER_BYTES + align8(slotCountOf(words, oop) * 4);
}

/** The oop of the object whose storage begins at position p. */
export function objectAt(words: Uint32Array, p: number): number {
  return words[(p >>> 2) + 1] === BIG_MARKER ? p + BIG_PREFIX_BYTES : p;
}
