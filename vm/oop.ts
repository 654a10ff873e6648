// Object references (oops). An oop is an unsigned 32-bit word, held in JS as a number in
// 0..2^32-1 exactly as a Uint32Array element reads it:
//
//   ...xxxxxxx1   SmallInteger: the value is the signed 31-bit number oop >> 1
//   ...xxxxxx10   Character: the code point is oop >>> 2 (0..0x10FFFF)
//   ...xxxxx000   object: the byte offset of the object's header in the heap buffer
//                 (objects are 8-byte aligned; offset 0 is never an object)

export const SMALLINT_MIN = -(2 ** 30);
export const SMALLINT_MAX = 2 ** 30 - 1;

export function isSmallInt(oop: number): boolean {
  return (oop & 1) === 1;
}

export function isCharacter(oop: number): boolean {
  return (oop & 3) === 2;
}

export function isPointer(oop: number): boolean {
  return (oop & 3) === 0 && oop !== 0;
}

export function isImmediate(oop: number): boolean {
  return (oop & 3) !== 0;
}

/** The value of a SmallInteger oop (sign-extends bit 31). */
export function smallIntValue(oop: number): number {
  return oop >> 1;
}

/** True when n is an integer that fits a SmallInteger. */
export function fitsSmallInt(n: number): boolean {
  return Number.isInteger(n) && n >= SMALLINT_MIN && n <= SMALLINT_MAX;
}

/** The oop of a SmallInteger; the caller guarantees fitsSmallInt(n). */
export function smallInt(n: number): number {
  return ((n << 1) | 1) >>> 0;
}

export function characterOop(codePoint: number): number {
  return ((codePoint << 2) | 2) >>> 0;
}

export function characterValue(oop: number): number {
  return oop >>> 2;
}
