// Closures and contexts: 201-206 (value ... valueWithArguments:), 221/222
// (valueNoContextSwitch[:]), 195-199 (unwind/handler search, terminateTo:, the ensure: and
// on:do: markers, which always fail so their Smalltalk bodies run), 210-212 (a context's
// temps and stack as indexable slots), and Strata's Context>>jump / jumpWith:, which let the
// kernel write return:, retry and resume: in Smalltalk.

import type { PrimFn, VMState } from '../state.ts';
import { PRIM_FAIL, PRIM_SWITCHED } from '../state.ts';
import {
  CTX_STACKP, CTX_TEMPS, findNextHandlerContext, findNextUnwindContext, isClosure, isContext, isDead, terminateTo,
} from '../contexts.ts';
import { smallInt } from '../oop.ts';
import { activateClosure } from '../send.ts';
import { ClassIndex } from '../special.ts';
import { arg, isPointerOop, receiver, smallOf } from './support.ts';

function value(s: VMState, argc: number): number {
  if (!isClosure(s.heap, receiver(s, argc))) return PRIM_FAIL;
  return activateClosure(s, argc) ? PRIM_SWITCHED : PRIM_FAIL;
}

function contextArg(s: VMState, oop: number): boolean {
  return oop === s.nil || isContext(s.heap, oop);
}

/**
 * Makes ctx (alive) the active context. The current one is left as if its `jump` send were
 * still waiting for an answer (receiver and arguments popped), so resuming it later with
 * jumpWith: v makes v the value of that send.
 */
function jumpTo(s: VMState, ctx: number, push: boolean, v: number, argc: number): number {
  const heap = s.heap;
  if (!isContext(heap, ctx) || isDead(heap, ctx)) return PRIM_FAIL;
  if (ctx === s.ctx) return push ? v : ctx;
  const active = s.ctx;
  heap.store(active, CTX_STACKP, smallInt(s.sp - argc - 1 - ((active >>> 2) + 2 + CTX_TEMPS) + 1));
  if (push) {
    const depth = (heap.fetch(ctx, CTX_STACKP) >> 1) + 1;
    if (CTX_TEMPS + depth > heap.slotCount(ctx)) return PRIM_FAIL;
    heap.store(ctx, CTX_TEMPS + depth - 1, v);
    heap.store(ctx, CTX_STACKP, smallInt(depth));
  }
  s.ctx = ctx;
  return PRIM_SWITCHED;
}

export function installBlockPrimitives(table: (PrimFn | undefined)[], named: (module: string, name: string) => number): void {
  for (let n = 0; n <= 4; n++) table[201 + n] = value;
  table[221] = value;
  table[222] = value;
  // valueWithArguments: anArray
  table[206] = (s, argc) => {
    const heap = s.heap;
    const closure = receiver(s, argc);
    const args = arg(s, argc, 0);
    if (!isClosure(heap, closure) || !isPointerOop(args) || heap.classIndexOf(args) !== ClassIndex.Array) return PRIM_FAIL;
    const n = heap.slotCount(args);
    if (heap.fetch(closure, 2) !== smallInt(n)) return PRIM_FAIL;
    const ctxTemps = (s.ctx >>> 2) + 2 + CTX_TEMPS;
    const at = s.sp - argc;
    if (at - ctxTemps + 1 + n > heap.slotCount(s.ctx) - CTX_TEMPS) return PRIM_FAIL;
    for (let i = 0; i < n; i++) heap.words[at + 1 + i] = heap.fetch(args, i);
    s.sp = at + n;
    heap.words[(s.ctx >>> 2) + 2 + CTX_STACKP] = smallInt(s.sp - ctxTemps + 1);
    return activateClosure(s, n) ? PRIM_SWITCHED : PRIM_FAIL;
  };
  table[195] = (s, argc) => {
    const r = receiver(s, argc);
    const upTo = arg(s, argc, 0);
    if (!isContext(s.heap, r) || !contextArg(s, upTo)) return PRIM_FAIL;
    return findNextUnwindContext(s.heap, r, upTo);
  };
  table[196] = (s, argc) => {
    const r = receiver(s, argc);
    const previous = arg(s, argc, 0);
    if (!isContext(s.heap, r) || !contextArg(s, previous)) return PRIM_FAIL;
    terminateTo(s.heap, r, previous);
    return r;
  };
  table[197] = (s, argc) => {
    const r = receiver(s, argc);
    return isContext(s.heap, r) ? findNextHandlerContext(s.heap, r) : PRIM_FAIL;
  };
  // 198 (ensure:/ifCurtailed:) and 199 (on:do:) only mark their contexts: always fail.
  table[198] = () => PRIM_FAIL;
  table[199] = () => PRIM_FAIL;
  table[210] = (s, argc) => {
    const heap = s.heap;
    const r = receiver(s, argc);
    const i = smallOf(arg(s, argc, 0));
    if (!isContext(heap, r) || i === null) return PRIM_FAIL;
    const depth = r === s.ctx ? s.sp - ((r >>> 2) + 2 + CTX_TEMPS) + 1 - argc - 1 : heap.fetch(r, CTX_STACKP) >> 1;
    return i >= 1 && i <= depth ? heap.fetch(r, CTX_TEMPS + i - 1) : PRIM_FAIL;
  };
  table[211] = (s, argc) => {
    const heap = s.heap;
    const r = receiver(s, argc);
    const i = smallOf(arg(s, argc, 0));
    const v = arg(s, argc, 1);
    if (!isContext(heap, r) || i === null || r === s.ctx) return PRIM_FAIL;
    const depth = heap.fetch(r, CTX_STACKP) >> 1;
    if (i < 1 || i > depth) return PRIM_FAIL;
    heap.store(r, CTX_TEMPS + i - 1, v);
    return v;
  };
  table[212] = (s, argc) => {
    const r = receiver(s, argc);
    if (!isContext(s.heap, r)) return PRIM_FAIL;
    return r === s.ctx ? smallInt(s.sp - ((r >>> 2) + 2 + CTX_TEMPS) + 1 - argc - 1) : smallInt(s.heap.fetch(r, CTX_STACKP) >> 1);
  };
  table[named('Context', 'jump')] = (s, argc) => jumpTo(s, receiver(s, argc), false, 0, argc);
  table[named('Context', 'jumpWith:')] = (s, argc) => jumpTo(s, receiver(s, argc), true, arg(s, argc, 0), argc);
}
