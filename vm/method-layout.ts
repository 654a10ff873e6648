// Reading CompiledMethod headers and trailing literals (layout in docs/design.md,
// "Execution model"). Slot 0: SmallInteger literalCount | numArgs << 16 | flags << 24;
// slot 1: SmallInteger numTemps | frameSize << 8 | primitive << 16. The literal count
// includes the four trailing literals: properties, source, selector, methodClass.

import type { Heap } from './heap.ts';
import { ClassIndex } from './special.ts';

export function isCompiledMethod(heap: Heap, oop: number): boolean {
  return (oop & 3) === 0 && oop !== 0 && heap.classIndexOf(oop) === ClassIndex.CompiledMethod;
}

export function literalCount(heap: Heap, m: number): number {
  return (heap.fetch(m, 0) >>> 1) & 0xffff;
}

export function methodNumArgs(heap: Heap, m: number): number {
  return (heap.fetch(m, 0) >>> 17) & 0xff;
}

export function hasPrimitiveErrorTemp(heap: Heap, m: number): boolean {
  return ((heap.fetch(m, 0) >>> 25) & 1) === 1;
}

export function methodNumTemps(heap: Heap, m: number): number {
  return (heap.fetch(m, 1) >>> 1) & 0xff;
}

export function methodFrameSize(heap: Heap, m: number): number {
  return (heap.fetch(m, 1) >>> 9) & 0xff;
}

export function methodPrimitive(heap: Heap, m: number): number {
  return (heap.fetch(m, 1) >>> 17) & 0x3fff;
}

/** Literal i (0-based over all literals, trailing ones included). */
export function methodLiteral(heap: Heap, m: number, i: number): number {
  return heap.fetch(m, 2 + i);
}

export function methodProperties(heap: Heap, m: number): number {
  return methodLiteral(heap, m, literalCount(heap, m) - 4);
}

export function methodSource(heap: Heap, m: number): number {
  return methodLiteral(heap, m, literalCount(heap, m) - 3);
}

export function methodSelector(heap: Heap, m: number): number {
  return methodLiteral(heap, m, literalCount(heap, m) - 2);
}

export function methodClass(heap: Heap, m: number): number {
  return methodLiteral(heap, m, literalCount(heap, m) - 1);
}

/** Byte address (in heap.bytes) of bytecode 0. */
export function bytecodeStart(heap: Heap, m: number): number {
  return m + 8 + (2 + literalCount(heap, m)) * 4;
}

export function bytecodeLength(heap: Heap, m: number): number {
  return heap.byteLength(m) - (2 + literalCount(heap, m)) * 4;
}
