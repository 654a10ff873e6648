// Indexed access: 60/61/62 (at:, at:put:, size: basicAt: etc.), 63/64 (character access for
// strings), 105 (replaceFrom:to:with:startingAt:), 145 (atAllPut:). Indexes are 1-based and
// count the indexable part only (after the named instance variables). Strings (String,
// Symbol, WideString, WideSymbol) answer Characters; other byte objects answer integers
// 0-255 and word objects integers. Stores into read-only objects fail.

import type { PrimFn, VMState } from '../state.ts';
import { PRIM_FAIL } from '../state.ts';
import { ClassSlot, instSizeOf } from '../class-layout.ts';
import { Format, IMMUTABLE_BIT, isBytesFormat } from '../layout.ts';
import { literalCount } from '../method-layout.ts';
import { newInteger } from '../objects.ts';
import { characterOop, smallInt } from '../oop.ts';
import { ClassIndex } from '../special.ts';
import { arg, bigOf, classOfOop, isPointerOop, receiver, smallOf } from './support.ts';

function isStringClass(ci: number): boolean {
  return ci === ClassIndex.String || ci === ClassIndex.Symbol || ci === ClassIndex.WideString || ci === ClassIndex.WideSymbol;
}

interface Indexable {
  kind: 'pointers' | 'bytes' | 'words';
  /** Slot of the first indexable element (pointers), or byte offset of the first byte (bytes). */
  offset: number;
  size: number;
}

function indexable(s: VMState, oop: number): Indexable | null {
  if (!isPointerOop(oop)) return null;
  const heap = s.heap;
  const format = heap.formatOf(oop);
  if (format === Format.INDEXABLE || format === Format.WEAK) {
    const fixed = heap.classIndexOf(oop) === ClassIndex.Array ? 0 : instSizeOf(heap.fetch(classOfOop(s, oop), ClassSlot.format) >> 1);
    return { kind: 'pointers', offset: fixed, size: heap.slotCount(oop) - fixed };
  }
  if (isBytesFormat(format)) return { kind: 'bytes', offset: 0, size: heap.byteLength(oop) };
  if (format >= Format.COMPILED_METHOD) {
    // A CompiledMethod indexes its bytecodes (the literals are objectAt:).
    const offset = (2 + literalCount(heap, oop)) * 4;
    return { kind: 'bytes', offset, size: heap.byteLength(oop) - offset };
  }
  if (format === Format.WORDS) return { kind: 'words', offset: 0, size: heap.slotCount(oop) };
  return null;
}

function at(s: VMState, oop: number, index: number, asChars: boolean): number {
  const ix = indexable(s, oop);
  if (ix === null || index < 1 || index > ix.size) return PRIM_FAIL;
  const heap = s.heap;
  switch (ix.kind) {
    case 'pointers': return heap.fetch(oop, ix.offset + index - 1);
    case 'bytes': {
      const b = heap.byteAt(oop, ix.offset + index - 1);
      return asChars ? characterOop(b) : smallInt(b);
    }
    case 'words': {
      const w = heap.fetch(oop, index - 1);
      return asChars ? characterOop(w) : newInteger(heap, w);
    }
  }
}

function atPut(s: VMState, oop: number, index: number, value: number, asChars: boolean): number {
  const ix = indexable(s, oop);
  const heap = s.heap;
  if (ix === null || index < 1 || index > ix.size || (heap.words[oop >>> 2] & IMMUTABLE_BIT) !== 0) return PRIM_FAIL;
  switch (ix.kind) {
    case 'pointers':
      heap.store(oop, ix.offset + index - 1, value);
      return value;
    case 'bytes': {
      const v = asChars ? ((value & 3) === 2 ? value >>> 2 : -1) : smallOf(value) ?? -1;
      if (v < 0 || v > 255) return PRIM_FAIL;
      heap.byteAtPut(oop, ix.offset + index - 1, v);
      return value;
    }
    case 'words': {
      const v = asChars ? ((value & 3) === 2 ? value >>> 2 : -1) : Number(bigOf(s, value) ?? -1n);
      if (v < 0 || v > 0xffffffff) return PRIM_FAIL;
      heap.words[(oop >>> 2) + 2 + index - 1] = v;
      heap.markDirty(oop + 8 + (index - 1) * 4, 4);
      return value;
    }
  }
}

export function installCollectionPrimitives(table: (PrimFn | undefined)[]): void {
  table[60] = (s, argc) => {
    const r = receiver(s, argc);
    const i = smallOf(arg(s, argc, 0));
    if (i === null) return PRIM_FAIL;
    return at(s, r, i, isPointerOop(r) && isStringClass(s.heap.classIndexOf(r)));
  };
  table[61] = (s, argc) => {
    const r = receiver(s, argc);
    const i = smallOf(arg(s, argc, 0));
    if (i === null) return PRIM_FAIL;
    return atPut(s, r, i, arg(s, argc, 1), isPointerOop(r) && isStringClass(s.heap.classIndexOf(r)));
  };
  table[62] = (s, argc) => {
    const ix = indexable(s, receiver(s, argc));
    return ix === null ? smallInt(0) : smallInt(ix.size);
  };
  table[63] = (s, argc) => {
    const i = smallOf(arg(s, argc, 0));
    return i === null ? PRIM_FAIL : at(s, receiver(s, argc), i, true);
  };
  table[64] = (s, argc) => {
    const i = smallOf(arg(s, argc, 0));
    return i === null ? PRIM_FAIL : atPut(s, receiver(s, argc), i, arg(s, argc, 1), true);
  };
  // replaceFrom: start to: stop with: replacement startingAt: repStart
  table[105] = (s, argc) => {
    const heap = s.heap;
    const r = receiver(s, argc);
    const start = smallOf(arg(s, argc, 0));
    const stop = smallOf(arg(s, argc, 1));
    const rep = arg(s, argc, 2);
    const repStart = smallOf(arg(s, argc, 3));
    const dst = indexable(s, r);
    const src = indexable(s, rep);
    if (dst === null || src === null || start === null || stop === null || repStart === null) return PRIM_FAIL;
    const n = stop - start + 1;
    if (n < 0 || start < 1 || stop > dst.size || repStart < 1 || repStart + n - 1 > src.size) {
      return n === 0 && start >= 1 ? r : PRIM_FAIL;
    }
    if ((heap.words[r >>> 2] & IMMUTABLE_BIT) !== 0) return PRIM_FAIL;
    if (dst.kind === 'pointers' && src.kind === 'pointers') {
      const values: number[] = [];
      for (let i = 0; i < n; i++) values.push(heap.fetch(rep, src.offset + repStart - 1 + i));
      for (let i = 0; i < n; i++) heap.store(r, dst.offset + start - 1 + i, values[i]);
      return r;
    }
    if (dst.kind === 'bytes' && src.kind === 'bytes') {
      const to = r + 8 + dst.offset + start - 1;
      const from = rep + 8 + src.offset + repStart - 1;
      heap.bytes.copyWithin(to, from, from + n);
      heap.markDirty(to, n);
      return r;
    }
    if (dst.kind === 'words' && (src.kind === 'words' || src.kind === 'bytes')) {
      for (let i = 0; i < n; i++) {
        const v = src.kind === 'words' ? heap.fetch(rep, repStart - 1 + i) : heap.byteAt(rep, src.offset + repStart - 1 + i);
        heap.words[(r >>> 2) + 2 + start - 1 + i] = v;
      }
      heap.markDirty(r + 8 + (start - 1) * 4, n * 4);
      return r;
    }
    if (dst.kind === 'bytes' && src.kind === 'words') {
      for (let i = 0; i < n; i++) if (heap.fetch(rep, repStart - 1 + i) > 255) return PRIM_FAIL;
      for (let i = 0; i < n; i++) heap.byteAtPut(r, dst.offset + start - 1 + i, heap.fetch(rep, repStart - 1 + i));
      return r;
    }
    return PRIM_FAIL;
  };
  // atAllPut: value
  table[145] = (s, argc) => {
    const heap = s.heap;
    const r = receiver(s, argc);
    const v = arg(s, argc, 0);
    const ix = indexable(s, r);
    if (ix === null || (heap.words[r >>> 2] & IMMUTABLE_BIT) !== 0) return PRIM_FAIL;
    const asChars = isStringClass(heap.classIndexOf(r));
    if (ix.kind === 'pointers') {
      for (let i = 0; i < ix.size; i++) heap.store(r, ix.offset + i, v);
      return r;
    }
    for (let i = 1; i <= ix.size; i++) if (atPut(s, r, i, v, asChars) === PRIM_FAIL) return PRIM_FAIL;
    return r;
  };
}
