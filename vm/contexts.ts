// Contexts and closures as heap objects (layouts in docs/design.md, "Execution model").
//
// Context: named slots sender pc stackp method closureOrNil receiver, then frameSize
// indexable slots (temps, then the operand stack). `stackp` counts the indexable slots in use;
// `pc` is a SmallInteger relative to the method's first bytecode, or nil when the context has
// returned (dead). A context that is not active always holds its true pc and stackp; the
// active one's are in the interpreter's registers until it stores them (at every send,
// primitive call and safe point).
//
// BlockClosure: outerContext startpc numArgs, then the copied values.

import type { Heap } from './heap.ts';
import { Format } from './layout.ts';
import { bytecodeStart, methodFrameSize, methodNumTemps, methodPrimitive } from './method-layout.ts';
import { smallInt } from './oop.ts';
import { ClassIndex } from './special.ts';

export const CTX_SENDER = 0;
export const CTX_PC = 1;
export const CTX_STACKP = 2;
export const CTX_METHOD = 3;
export const CTX_CLOSURE = 4;
export const CTX_RECEIVER = 5;
/** Index of the first temp (first indexable slot). */
export const CTX_TEMPS = 6;

export const CL_OUTER = 0;
export const CL_STARTPC = 1;
export const CL_NUMARGS = 2;
export const CL_COPIED = 3;

export const PRIM_UNWIND_MARK = 198;
export const PRIM_HANDLER_MARK = 199;

export function isContext(heap: Heap, oop: number): boolean {
  return (oop & 3) === 0 && oop !== 0 && heap.classIndexOf(oop) === ClassIndex.Context;
}

export function isClosure(heap: Heap, oop: number): boolean {
  return (oop & 3) === 0 && oop !== 0 && heap.classIndexOf(oop) === ClassIndex.BlockClosure;
}

/** A new context for method: temps nil (none on the stack beyond them), pc 0. */
export function newContext(heap: Heap, method: number, sender: number, receiver: number, closure: number): number {
  const ctx = heap.allocate(ClassIndex.Context, Format.INDEXABLE, CTX_TEMPS + methodFrameSize(heap, method));
  heap.store(ctx, CTX_SENDER, sender);
  heap.store(ctx, CTX_PC, smallInt(0));
  heap.store(ctx, CTX_STACKP, smallInt(methodNumTemps(heap, method)));
  heap.store(ctx, CTX_METHOD, method);
  heap.store(ctx, CTX_CLOSURE, closure);
  heap.store(ctx, CTX_RECEIVER, receiver);
  return ctx;
}

/**
 * PUSH_CLOSURE: a closure over the context outer whose code starts at startpc, copying
 * `copied` values from the word index `from` (the operand stack). May grow the heap.
 */
export function newClosure(heap: Heap, outer: number, startpc: number, numArgs: number, copied: number, from: number): number {
  const closure = heap.allocate(ClassIndex.BlockClosure, Format.INDEXABLE, 3 + copied);
  const words = heap.words;
  const k = (closure >>> 2) + 2;
  words[k + CL_OUTER] = outer;
  words[k + CL_STARTPC] = smallInt(startpc);
  words[k + CL_NUMARGS] = smallInt(numArgs);
  for (let i = 0; i < copied; i++) words[k + CL_COPIED + i] = words[from + i];
  // Born in old space when the nursery is full: it may point at young objects.
  if (closure >= heap.nurseryEnd) heap.remember(closure);
  return closure;
}

export function isDead(heap: Heap, ctx: number): boolean {
  return heap.fetch(ctx, CTX_PC) === heap.nilOop;
}

/** Marks a context as returned: pc and sender become nil. */
export function markDead(heap: Heap, ctx: number): void {
  heap.store(ctx, CTX_PC, heap.nilOop);
  heap.store(ctx, CTX_SENDER, heap.nilOop);
}

/** The method context a block context (or closure chain) belongs to. */
export function homeContext(heap: Heap, ctx: number): number {
  const nil = heap.nilOop;
  let c = ctx;
  for (let guard = 0; guard < 1_000_000; guard++) {
    const closure = heap.fetch(c, CTX_CLOSURE);
    if (closure === nil) return c;
    c = heap.fetch(closure, CL_OUTER);
    if (!isContext(heap, c)) return nil;
  }
  return nil;
}

export function isBlockContext(heap: Heap, ctx: number): boolean {
  return heap.fetch(ctx, CTX_CLOSURE) !== heap.nilOop;
}

function isMarked(heap: Heap, ctx: number, prim: number): boolean {
  if (isBlockContext(heap, ctx)) return false;
  const m = heap.fetch(ctx, CTX_METHOD);
  return (m & 3) === 0 && heap.classIndexOf(m) === ClassIndex.CompiledMethod && methodPrimitive(heap, m) === prim;
}

export function isUnwindContext(heap: Heap, ctx: number): boolean {
  return isMarked(heap, ctx, PRIM_UNWIND_MARK);
}

export function isHandlerContext(heap: Heap, ctx: number): boolean {
  return isMarked(heap, ctx, PRIM_HANDLER_MARK);
}

/** Whether target is ctx or one of its senders. */
export function isOnChain(heap: Heap, ctx: number, target: number): boolean {
  const nil = heap.nilOop;
  for (let c = ctx; c !== nil; c = heap.fetch(c, CTX_SENDER)) if (c === target) return true;
  return false;
}

/** Primitive 195: the first unwind-marked sender of ctx before `upTo` (exclusive), or nil. */
export function findNextUnwindContext(heap: Heap, ctx: number, upTo: number): number {
  const nil = heap.nilOop;
  for (let c = heap.fetch(ctx, CTX_SENDER); c !== nil && c !== upTo; c = heap.fetch(c, CTX_SENDER)) {
    if (isUnwindContext(heap, c)) return c;
  }
  return nil;
}

/** Primitive 197: ctx or its first sender that is a handler (on:do:) context, or nil. */
export function findNextHandlerContext(heap: Heap, ctx: number): number {
  const nil = heap.nilOop;
  for (let c = ctx; c !== nil; c = heap.fetch(c, CTX_SENDER)) if (isHandlerContext(heap, c)) return c;
  return nil;
}

/**
 * Primitive 196: kills every context between ctx and previous (both exclusive) when previous
 * is on ctx's sender chain, then makes previous ctx's sender.
 */
export function terminateTo(heap: Heap, ctx: number, previous: number): void {
  const nil = heap.nilOop;
  if (previous !== nil && isOnChain(heap, heap.fetch(ctx, CTX_SENDER), previous)) {
    let c = heap.fetch(ctx, CTX_SENDER);
    while (c !== previous) {
      const next = heap.fetch(c, CTX_SENDER);
      markDead(heap, c);
      c = next;
    }
  }
  heap.store(ctx, CTX_SENDER, previous);
}

/** The method's byte address for a context's pc register. */
export function contextCodeBase(heap: Heap, ctx: number): number {
  return bytecodeStart(heap, heap.fetch(ctx, CTX_METHOD));
}

/** Senders of ctx (inclusive), at most limit of them. */
export function senderChain(heap: Heap, ctx: number, limit: number): number[] {
  const out: number[] = [];
  const nil = heap.nilOop;
  for (let c = ctx; c !== nil && out.length < limit; c = heap.fetch(c, CTX_SENDER)) out.push(c);
  return out;
}
