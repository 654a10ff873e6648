// Object primitives: identity, class, identity hash, instantiation (70/71), instance
// variable access (73/74), shallowCopy (148), read-only flags, Character conversions
// (170/171), and the perform: family (83/84/100), which re-enters send.ts.

import type { PrimFn, VMState } from '../state.ts';
import { PRIM_FAIL, PRIM_SWITCHED } from '../state.ts';
import { ClassSlot, instFormatOf, instSizeOf } from '../class-layout.ts';
import { classAtIndex, lookupMethod } from '../classes.ts';
import { CTX_STACKP, CTX_TEMPS } from '../contexts.ts';
import { Format, IMMUTABLE_BIT, isBytesFormat, isPointersFormat } from '../layout.ts';
import { methodNumArgs } from '../method-layout.ts';
import { isSymbol, stringValue } from '../objects.ts';
import { characterOop, smallInt } from '../oop.ts';
import { doesNotUnderstand, executeMethod, send } from '../send.ts';
import { ClassIndex } from '../special.ts';
import { arg, classOfOop, isPointerOop, receiver, smallOf, spreadArguments } from './support.ts';

const MAX_NEW_SLOTS = 1 << 28;

/** The class index of cls when cls is a registered class object, else -1. */
export function registeredIndex(s: VMState, cls: number): number {
  const heap = s.heap;
  if (!isPointerOop(cls) || heap.slotCount(cls) <= ClassSlot.format) return -1;
  const index = heap.identityHash(cls);
  return classAtIndex(heap, index) === cls && (heap.fetch(cls, ClassSlot.format) & 1) === 1 ? index : -1;
}

/** A new instance of cls with n indexable elements (n = 0 for fixed classes), or 0. */
export function instantiate(s: VMState, cls: number, n: number): number {
  const heap = s.heap;
  const index = registeredIndex(s, cls);
  if (index < 0 || n < 0 || n > MAX_NEW_SLOTS) return 0;
  const fmt = heap.fetch(cls, ClassSlot.format) >> 1;
  const instSize = instSizeOf(fmt);
  const format = instFormatOf(fmt);
  switch (format) {
    case Format.EMPTY: case Format.FIXED: return n === 0 ? heap.allocate(index, format, instSize) : 0;
    case Format.INDEXABLE: case Format.WEAK: return heap.allocate(index, format, instSize + n);
    case Format.WORDS: return heap.allocate(index, format, n);
    default:
      if (isBytesFormat(format)) return heap.allocateBytes(index, n, Format.BYTES);
      return 0;
  }
}

/** Named instance variables of an object's class. */
function instSizeOfObject(s: VMState, oop: number): number {
  return instSizeOf(s.heap.fetch(classOfOop(s, oop), ClassSlot.format) >> 1);
}

function selectorArity(s: VMState, selector: number): number {
  const name = stringValue(s.heap, selector);
  if (/^[^A-Za-z_]/.test(name)) return 1;
  return (name.match(/:/g) ?? []).length;
}

/** Removes the selector at stack position `at` (shifting the arguments above it down). */
function dropStackSlot(s: VMState, at: number): void {
  const words = s.heap.words;
  for (let i = at; i < s.sp; i++) words[i] = words[i + 1];
  s.sp--;
  words[(s.ctx >>> 2) + 2 + CTX_STACKP] = smallInt(s.sp - ((s.ctx >>> 2) + 2 + CTX_TEMPS) + 1);
}

export function installObjectPrimitives(table: (PrimFn | undefined)[], named: (module: string, name: string) => number): void {
  table[110] = (s, argc) => s.bool(receiver(s, argc) === arg(s, argc, 0));
  table[169] = (s, argc) => s.bool(receiver(s, argc) !== arg(s, argc, 0));
  table[111] = (s, argc) => classOfOop(s, argc === 0 ? receiver(s, 0) : arg(s, argc, 0));
  table[75] = (s, argc) => {
    const r = receiver(s, argc);
    if ((r & 1) === 1) return r;
    if ((r & 3) === 2) return smallInt(r >>> 2);
    return smallInt(s.heap.identityHash(r));
  };
  table[70] = (s, argc) => instantiate(s, receiver(s, argc), 0);
  table[71] = (s, argc) => {
    const n = smallOf(arg(s, argc, 0));
    return n === null ? PRIM_FAIL : instantiate(s, receiver(s, argc), n);
  };
  table[73] = (s, argc) => {
    const r = receiver(s, argc);
    const i = smallOf(arg(s, argc, 0));
    if (!isPointerOop(r) || i === null || !isPointersFormat(s.heap.formatOf(r))) return PRIM_FAIL;
    return i >= 1 && i <= s.heap.slotCount(r) ? s.heap.fetch(r, i - 1) : PRIM_FAIL;
  };
  table[74] = (s, argc) => {
    const r = receiver(s, argc);
    const i = smallOf(arg(s, argc, 0));
    const v = arg(s, argc, 1);
    if (!isPointerOop(r) || i === null || !isPointersFormat(s.heap.formatOf(r))) return PRIM_FAIL;
    if ((s.heap.words[r >>> 2] & IMMUTABLE_BIT) !== 0 || i < 1 || i > s.heap.slotCount(r)) return PRIM_FAIL;
    s.heap.store(r, i - 1, v);
    return v;
  };
  table[148] = (s, argc) => {
    const heap = s.heap;
    const r = receiver(s, argc);
    if (!isPointerOop(r)) return r;
    const n = heap.slotCount(r);
    const copy = heap.allocate(heap.classIndexOf(r), heap.formatOf(r), n);
    const from = (r >>> 2) + 2;
    const to = (copy >>> 2) + 2;
    for (let i = 0; i < n; i++) heap.words[to + i] = heap.words[from + i];
    if (copy >= heap.nurseryEnd) heap.remember(copy);
    return copy;
  };
  table[named('Object', 'isReadOnly')] = (s, argc) => {
    const r = receiver(s, argc);
    return s.bool(!isPointerOop(r) || (s.heap.words[r >>> 2] & IMMUTABLE_BIT) !== 0);
  };
  table[named('Object', 'setReadOnly')] = (s, argc) => {
    const r = receiver(s, argc);
    const flag = arg(s, argc, 0);
    if (!isPointerOop(r) || (flag !== s.trueOop && flag !== s.falseOop)) return PRIM_FAIL;
    const was = s.heap.isImmutable(r);
    s.heap.setImmutable(r, flag === s.trueOop);
    return s.bool(was);
  };
  // Character value: n (class side) and Character>>asInteger / value.
  table[170] = (s, argc) => {
    const n = smallOf(arg(s, argc, 0));
    return n === null || n < 0 || n > 0x10ffff ? PRIM_FAIL : characterOop(n);
  };
  table[171] = (s, argc) => {
    const r = receiver(s, argc);
    return (r & 3) === 2 ? smallInt(r >>> 2) : PRIM_FAIL;
  };
  // perform: sel [with: ...]: drop the selector from the stack and send it.
  table[83] = (s, argc) => {
    const sel = arg(s, argc, 0);
    if (!isSymbol(s.heap, sel) || selectorArity(s, sel) !== argc - 1) return PRIM_FAIL;
    dropStackSlot(s, s.sp - argc + 1);
    send(s, sel, argc - 1, 0);
    return PRIM_SWITCHED;
  };
  table[84] = (s, argc) => performWithArguments(s, argc, 0);
  table[100] = (s, argc) => {
    const cls = arg(s, argc, 2);
    if (registeredIndex(s, cls) < 0) return PRIM_FAIL;
    return performWithArguments(s, argc, cls);
  };
}

/** perform: sel withArguments: anArray [inSuperclass: cls]. */
function performWithArguments(s: VMState, argc: number, lookupClass: number): number {
  const heap = s.heap;
  const sel = arg(s, argc, 0);
  const args = arg(s, argc, 1);
  if (!isSymbol(heap, sel) || !isPointerOop(args) || heap.classIndexOf(args) !== ClassIndex.Array) return PRIM_FAIL;
  const n = heap.slotCount(args);
  if (selectorArity(s, sel) !== n) return PRIM_FAIL;
  const method = lookupClass === 0 ? 0 : lookupMethod(heap, lookupClass, sel);
  if (method !== 0 && methodNumArgs(heap, method) !== n) return PRIM_FAIL;
  if (!spreadArguments(s, argc, args)) return PRIM_FAIL;
  if (lookupClass === 0) send(s, sel, n, 0);
  else if (method === 0) doesNotUnderstand(s, sel, n, lookupClass);
  else executeMethod(s, method, n);
  return PRIM_SWITCHED;
}
