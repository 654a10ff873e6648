// Helpers shared by the primitive files: reading the receiver and arguments below s.sp,
// converting numbers, and allocating results. A primitive answers a result oop, PRIM_FAIL
// or PRIM_SWITCHED (state.ts).

import type { VMState } from '../state.ts';
import { classAtIndex, classIndexOfOop } from '../classes.ts';
import { CTX_STACKP, CTX_TEMPS } from '../contexts.ts';
import { smallInt } from '../oop.ts';
import { isFloat, largeIntegerValue, newInteger, newString, stringValue, isStringLike } from '../objects.ts';
import { ClassIndex } from '../special.ts';

export function receiver(s: VMState, argc: number): number {
  return s.heap.words[s.sp - argc];
}

/** Argument i (0-based) of a primitive called with argc arguments. */
export function arg(s: VMState, argc: number, i: number): number {
  return s.heap.words[s.sp - argc + 1 + i];
}

export function isPointerOop(oop: number): boolean {
  return (oop & 3) === 0 && oop !== 0;
}

export function classIndexOf(s: VMState, oop: number): number {
  return classIndexOfOop(s.heap, oop);
}

export function classOfOop(s: VMState, oop: number): number {
  return classAtIndex(s.heap, classIndexOfOop(s.heap, oop));
}

/** The integer value of a SmallInteger or LargeInteger oop, or null. */
export function bigOf(s: VMState, oop: number): bigint | null {
  if ((oop & 1) === 1) return BigInt(oop >> 1);
  if ((oop & 3) !== 0) return null;
  const ci = s.heap.classIndexOf(oop);
  if (ci === ClassIndex.LargePositiveInteger || ci === ClassIndex.LargeNegativeInteger) return largeIntegerValue(s.heap, oop);
  return null;
}

/** A JS number for a SmallInteger, LargeInteger or Float oop, or null. */
export function numberOf(s: VMState, oop: number): number | null {
  if ((oop & 1) === 1) return oop >> 1;
  if ((oop & 3) !== 0) return null;
  if (isFloat(s.heap, oop)) return s.heap.floatValue(oop);
  const b = bigOf(s, oop);
  return b === null ? null : Number(b);
}

export function intResult(s: VMState, v: bigint): number {
  return newInteger(s.heap, v);
}

/** The JS string of a String/Symbol argument, or null. */
export function stringOf(s: VMState, oop: number): string | null {
  return isStringLike(s.heap, oop) ? stringValue(s.heap, oop) : null;
}

export function stringResult(s: VMState, text: string): number {
  return newString(s.heap, text);
}

/** A SmallInteger argument's value, or null. */
export function smallOf(oop: number): number | null {
  return (oop & 1) === 1 ? oop >> 1 : null;
}

/**
 * Replaces the primitive's arguments on the stack with the elements of the Array `args`,
 * so the receiver (at sp - argc) is followed by them, as a send with those arguments would
 * leave it (perform:withArguments:, withArgs:executeMethod:). Answers false, the stack
 * untouched, when the active context has no room for them.
 */
export function spreadArguments(s: VMState, argc: number, args: number): boolean {
  const heap = s.heap;
  const n = heap.slotCount(args);
  const rcvrAt = s.sp - argc;
  const temps = (s.ctx >>> 2) + 2 + CTX_TEMPS;
  if (rcvrAt - temps + 1 + n > heap.slotCount(s.ctx) - CTX_TEMPS) return false;
  for (let i = 0; i < n; i++) heap.words[rcvrAt + 1 + i] = heap.fetch(args, i);
  s.sp = rcvrAt + n;
  heap.words[(s.ctx >>> 2) + 2 + CTX_STACKP] = smallInt(s.sp - temps + 1);
  return true;
}
