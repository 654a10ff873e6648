// Sends, activations and returns. Every function here is entered with the registers of the
// active context (s.ctx) stored in it (pc and stackp; see state.ts) and leaves s.ctx pointing
// at the context to run next, also with its registers stored, or sets s.outcome.
//
// Entry with the stack holding receiver and arguments (`send`, `executeMethod`,
// `activateMethod`, `activateClosure`) versus VM-initiated sends (`sendFromVM`: receiver and
// arguments given as oops, used for #doesNotUnderstand:, #mustBeBoolean, #cannotReturn:,
// #aboutToReturn:through:); VM-initiated sends activate the method directly without trying
// its primitive.

import type { Heap } from './heap.ts';
import { ClassSlot } from './class-layout.ts';
import { classAtIndex, className, classIndexOfOop, superclassOf } from './classes.ts';
import {
  CL_NUMARGS, CL_OUTER, CL_STARTPC, CTX_CLOSURE, CTX_METHOD, CTX_PC, CTX_RECEIVER, CTX_SENDER, CTX_STACKP,
  CTX_TEMPS, homeContext, isContext, isDead, isUnwindContext, markDead, newContext,
} from './contexts.ts';
import { newCompiledMethod } from './install.ts';
import type { MethodSpec } from './method-spec.ts';
import { Op } from './opcodes.ts';
import { Format } from './layout.ts';
import {
  bytecodeStart, hasPrimitiveErrorTemp, methodClass, methodSelector, methodFrameSize, methodNumArgs, methodNumTemps, methodPrimitive,
} from './method-layout.ts';
import { isStringLike, newArray, stringValue } from './objects.ts';
import { smallInt } from './oop.ts';
import { ClassIndex, Special } from './special.ts';
import { PRIM_SWITCHED, type VMState } from './state.ts';
import { contextTrace } from './trace.ts';
import { terminateActive } from './primitives/process.ts';

/** Word index of slot i of oop. */
function slot(oop: number, i: number): number {
  return (oop >>> 2) + 2 + i;
}

/** Ends the evaluation with a VM-level error (no Smalltalk handler could be involved). */
export function vmFatal(s: VMState, description: string): void {
  const trace = s.ctx !== 0 ? contextTrace(s.heap, s.ctx, s.baseContext) : [];
  s.outcome = { kind: 'error', description, trace };
  s.ctx = 0;
}

/** Whether ctx runs the base method of an evaluation (vm.ts BASE_SPEC). */
function isEvaluationBase(heap: Heap, ctx: number): boolean {
  const m = heap.fetch(ctx, CTX_METHOD);
  const sel = methodSelector(heap, m);
  return heap.fetch(ctx, CTX_CLOSURE) === heap.nilOop && isStringLike(heap, sel) && stringValue(heap, sel) === VM_SELECTOR;
}

export function finish(s: VMState, value: number): void {
  s.outcome = { kind: 'value', value };
  s.ctx = 0;
}

// ---- sends from the stack ------------------------------------------------------------

/**
 * Sends selector to the receiver below argc arguments on the active stack. `superclass` is 0
 * for an ordinary send, else the class where lookup starts (super sends).
 */
export function send(s: VMState, selector: number, argc: number, superclass: number): void {
  const heap = s.heap;
  s.syncSp();
  s.sendCount++;
  const receiver = heap.words[s.sp - argc];
  const classIndex = superclass === 0 ? classIndexOfOop(heap, receiver) : heap.identityHash(superclass);
  const method = s.cache.lookup(heap, classIndex, selector);
  if (method === 0) {
    doesNotUnderstand(s, selector, argc, classAtIndex(heap, classIndex));
    return;
  }
  executeMethod(s, method, argc);
}

/** A super send from the active method: lookup starts above the method's class. */
export function superSend(s: VMState, selector: number, argc: number): void {
  const heap = s.heap;
  const method = heap.fetch(s.ctx, CTX_METHOD);
  const superclass = superclassOf(heap, methodClass(heap, method));
  if (superclass === s.nil) {
    s.syncSp();
    doesNotUnderstand(s, selector, argc, s.nil);
    return;
  }
  send(s, selector, argc, superclass);
}

/** Runs method's primitive (if any) on the stacked receiver and arguments, else activates it. */
export function executeMethod(s: VMState, method: number, argc: number): void {
  const heap = s.heap;
  const prim = methodPrimitive(heap, method);
  if (prim !== 0) {
    const fn = s.primitives[prim];
    if (fn !== undefined) {
      s.syncSp();
      s.primError = s.nil;
      const result = fn(s, argc);
      if (result === PRIM_SWITCHED) return;
      if (result !== 0) {
        const words = heap.words;
        const at = s.sp - argc;
        words[at] = result;
        words[slot(s.ctx, CTX_STACKP)] = smallInt(at - slot(s.ctx, CTX_TEMPS) + 1);
        return;
      }
    }
  }
  activateMethod(s, method, argc);
}

/** Makes a context for method with the stacked receiver and arguments and makes it active. */
export function activateMethod(s: VMState, method: number, argc: number): void {
  const heap = s.heap;
  const caller = s.ctx;
  s.syncSp();
  const frame = methodFrameSize(heap, method);
  const ctx = heap.allocate(ClassIndex.Context, Format.INDEXABLE, CTX_TEMPS + frame);
  const words = heap.words;
  const at = s.sp - argc;
  const c = slot(ctx, 0);
  words[c + CTX_SENDER] = caller;
  words[c + CTX_PC] = smallInt(0);
  words[c + CTX_STACKP] = smallInt(methodNumTemps(heap, method));
  words[c + CTX_METHOD] = method;
  words[c + CTX_CLOSURE] = s.nil;
  words[c + CTX_RECEIVER] = words[at];
  for (let i = 0; i < argc; i++) words[c + CTX_TEMPS + i] = words[at + 1 + i];
  if (hasPrimitiveErrorTemp(heap, method)) words[c + CTX_TEMPS + argc] = s.primError;
  words[slot(caller, CTX_STACKP)] = smallInt(at - slot(caller, CTX_TEMPS));
  if (ctx >= heap.nurseryEnd) heap.remember(ctx);
  s.ctx = ctx;
}

/**
 * Primitives 201-206 and the value fast path: activates the closure below argc stacked
 * arguments. Answers false (nothing changed) when the closure takes another number of arguments.
 */
export function activateClosure(s: VMState, argc: number): boolean {
  const heap = s.heap;
  let words = heap.words;
  const at = s.sp - argc;
  const closure = words[at];
  const cl = slot(closure, 0);
  if (words[cl + CL_NUMARGS] !== smallInt(argc)) return false;
  const outer = words[cl + CL_OUTER];
  if (!isContext(heap, outer)) return false;
  const method = words[slot(outer, CTX_METHOD)];
  const startpc = words[cl + CL_STARTPC] >> 1;
  const copied = heap.slotCount(closure) - 3;
  const temps = heap.bytes[bytecodeStart(heap, method) + startpc - 3];
  const caller = s.ctx;
  const ctx = heap.allocate(ClassIndex.Context, Format.INDEXABLE, CTX_TEMPS + methodFrameSize(heap, method));
  words = heap.words;
  const c = slot(ctx, 0);
  words[c + CTX_SENDER] = caller;
  words[c + CTX_PC] = smallInt(startpc);
  words[c + CTX_STACKP] = smallInt(argc + copied + temps);
  words[c + CTX_METHOD] = method;
  words[c + CTX_CLOSURE] = closure;
  words[c + CTX_RECEIVER] = words[slot(outer, CTX_RECEIVER)];
  for (let i = 0; i < argc; i++) words[c + CTX_TEMPS + i] = words[at + 1 + i];
  for (let i = 0; i < copied; i++) words[c + CTX_TEMPS + argc + i] = words[cl + 3 + i];
  words[slot(caller, CTX_STACKP)] = smallInt(at - slot(caller, CTX_TEMPS));
  if (ctx >= heap.nurseryEnd) heap.remember(ctx);
  s.ctx = ctx;
  return true;
}

// ---- VM-initiated sends --------------------------------------------------------------

/**
 * Sends selector to receiver with args, looked up from lookupClass (default: the receiver's
 * class). The active context is the sender; its stackp must already be where the answer goes.
 */
export function sendFromVM(s: VMState, receiver: number, selector: number, args: readonly number[], lookupClass = 0): void {
  const heap = s.heap;
  const cls = lookupClass !== 0 ? lookupClass : classAtIndex(heap, classIndexOfOop(heap, receiver));
  const method = cls === s.nil ? 0 : s.cache.lookup(heap, heap.identityHash(cls), selector);
  if (method === 0) {
    const dnu = heap.fetch(heap.specialObjects, Special.doesNotUnderstand);
    if (selector === dnu) {
      vmFatal(s, `${className(heap, cls)} does not understand #doesNotUnderstand:`);
      return;
    }
    const message = newMessage(s, selector, newArray(heap, args), cls);
    sendFromVM(s, receiver, dnu, [message], cls);
    return;
  }
  if (methodNumArgs(heap, method) !== args.length) {
    vmFatal(s, `${className(heap, cls)}>>${stringValue(heap, selector)} takes ${methodNumArgs(heap, method)} arguments, the VM sent ${args.length}`);
    return;
  }
  const caller = s.ctx;
  const ctx = heap.allocate(ClassIndex.Context, Format.INDEXABLE, CTX_TEMPS + methodFrameSize(heap, method));
  heap.store(ctx, CTX_SENDER, caller === 0 ? s.nil : caller);
  heap.store(ctx, CTX_PC, smallInt(0));
  heap.store(ctx, CTX_STACKP, smallInt(methodNumTemps(heap, method)));
  heap.store(ctx, CTX_METHOD, method);
  heap.store(ctx, CTX_CLOSURE, s.nil);
  heap.store(ctx, CTX_RECEIVER, receiver);
  for (let i = 0; i < args.length; i++) heap.store(ctx, CTX_TEMPS + i, args[i]);
  if (ctx >= heap.nurseryEnd) heap.remember(ctx);
  s.ctx = ctx;
}

function newMessage(s: VMState, selector: number, args: number, lookupClass: number): number {
  const heap = s.heap;
  const msg = heap.allocate(ClassIndex.Message, Format.FIXED, 3);
  heap.store(msg, 0, selector);
  heap.store(msg, 1, args);
  heap.store(msg, 2, lookupClass);
  return msg;
}

/** Lookup failed: replaces receiver and arguments by a Message and sends #doesNotUnderstand:. */
export function doesNotUnderstand(s: VMState, selector: number, argc: number, lookupClass: number): void {
  const heap = s.heap;
  const at = s.sp - argc;
  const args: number[] = [];
  for (let i = 0; i < argc; i++) args.push(heap.words[at + 1 + i]);
  const receiver = heap.words[at];
  heap.store(s.ctx, CTX_STACKP, smallInt(at - slot(s.ctx, CTX_TEMPS)));
  const message = newMessage(s, selector, newArray(heap, args), lookupClass);
  const dnu = heap.fetch(heap.specialObjects, Special.doesNotUnderstand);
  if (lookupClass === s.nil || s.cache.lookup(heap, heap.identityHash(lookupClass), dnu) === 0) {
    vmFatal(s, `${describeReceiver(s, receiver)} does not understand #${stringValue(heap, selector)}`);
    return;
  }
  sendFromVM(s, receiver, dnu, [message], lookupClass);
}

function describeReceiver(s: VMState, oop: number): string {
  const name = className(s.heap, classAtIndex(s.heap, classIndexOfOop(s.heap, oop)));
  return /^[AEIOU]/.test(name) ? `an ${name}` : `a ${name}`;
}

/** A conditional jump met a non-Boolean (already popped; the context's pc is at the jump). */
export function mustBeBoolean(s: VMState, value: number): void {
  sendFromVM(s, value, s.heap.fetch(s.heap.specialObjects, Special.mustBeBoolean), []);
}

// ---- returns -------------------------------------------------------------------------

/**
 * Pushes value on target's stack and makes target active. target must be alive.
 */
export function resume(s: VMState, target: number, value: number): void {
  const heap = s.heap;
  const depth = (heap.fetch(target, CTX_STACKP) >> 1) + 1;
  if (CTX_TEMPS + depth > heap.slotCount(target)) {
    vmFatal(s, 'context stack overflow while returning a value');
    return;
  }
  heap.store(target, CTX_TEMPS + depth - 1, value);
  heap.store(target, CTX_STACKP, smallInt(depth));
  s.ctx = target;
}

/**
 * Sends #cannotReturn: value to the active context. Its answer, if the error is resumed, is
 * returned to the caller of the active context (the block's caller) by a trampoline context
 * placed between them, whose one instruction is a return.
 */
function cannotReturn(s: VMState, value: number): void {
  const heap = s.heap;
  const ctx = s.ctx;
  const method = newCompiledMethod(heap, TRAMPOLINE_SPEC, classAtIndex(heap, ClassIndex.UndefinedObject));
  const trampoline = newContext(heap, method, heap.fetch(ctx, CTX_SENDER), s.nil, s.nil);
  s.ctx = trampoline;
  sendFromVM(s, ctx, heap.fetch(heap.specialObjects, Special.cannotReturn), [value]);
}

/** Methods the VM makes for itself have this selector; traces leave their frames out. */
export const VM_SELECTOR = '<vm>';

/** A method the VM makes for itself: one instruction, no literals, traces leave it out. */
export function vmMethodSpec(opcode: number): MethodSpec {
  return {
    selector: VM_SELECTOR,
    className: null,
    category: '',
    numArgs: 0,
    numTemps: 0,
    frameSize: 2,
    primitive: { kind: 'none' },
    pragmas: [],
    literals: [],
    bytecodes: Uint8Array.from([opcode]),
    sourceMap: new Map(),
    source: '',
    undeclared: [],
  };
}

const TRAMPOLINE_SPEC = vmMethodSpec(Op.BLOCK_RETURN);

/**
 * Returns value from the active context to its sender (method return, or a block's
 * BLOCK_RETURN). The context's pc is at the return instruction and its stackp excludes value.
 */
export function localReturn(s: VMState, value: number): void {
  const heap = s.heap;
  const ctx = s.ctx;
  const sender = heap.fetch(ctx, CTX_SENDER);
  if (sender === s.nil) {
    if (ctx === s.baseContext) {
      markDead(heap, ctx);
      finish(s, value);
    } else if (isEvaluationBase(heap, ctx)) {
      // The base of an earlier evaluation whose process was demoted to the background (or
      // resumed from a snapshot): the process ends.
      markDead(heap, ctx);
      terminateActive(s);
    } else {
      cannotReturn(s, value);
    }
    return;
  }
  if (!isContext(heap, sender) || isDead(heap, sender)) {
    cannotReturn(s, value);
    return;
  }
  markDead(heap, ctx);
  resume(s, sender, value);
}

/** `^ value` in the active context: a local return from a method, a non-local one from a block. */
export function methodReturn(s: VMState, value: number): void {
  const heap = s.heap;
  const ctx = s.ctx;
  const nil = s.nil;
  if (heap.fetch(ctx, CTX_CLOSURE) === nil) {
    localReturn(s, value);
    return;
  }
  const home = homeContext(heap, ctx);
  if (home === nil || isDead(heap, home)) {
    cannotReturn(s, value);
    return;
  }
  let unwind = nil;
  let found = false;
  for (let c = heap.fetch(ctx, CTX_SENDER); c !== nil; c = heap.fetch(c, CTX_SENDER)) {
    if (c === home) { found = true; break; }
    if (unwind === nil && isUnwindContext(heap, c)) unwind = c;
  }
  if (!found) {
    cannotReturn(s, value);
    return;
  }
  if (unwind !== nil) {
    sendFromVM(s, ctx, heap.fetch(heap.specialObjects, Special.aboutToReturn), [value, unwind]);
    return;
  }
  const target = heap.fetch(home, CTX_SENDER);
  if (target === nil && home !== s.baseContext) {
    cannotReturn(s, value);
    return;
  }
  if (target !== nil && (!isContext(heap, target) || isDead(heap, target))) {
    cannotReturn(s, value);
    return;
  }
  for (let c = ctx; c !== target && c !== nil;) {
    const next = heap.fetch(c, CTX_SENDER);
    markDead(heap, c);
    c = next;
  }
  if (target === nil) finish(s, value);
  else resume(s, target, value);
}

/** The class where a super send from method starts its lookup. */
export function superclassForSend(s: VMState, method: number): number {
  return s.heap.fetch(methodClass(s.heap, method), ClassSlot.superclass);
}
