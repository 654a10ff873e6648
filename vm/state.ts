// The interpreter's state outside its run loop: the heap, the method cache, the host, the
// active context, the primitive table and how the current evaluation ended. The run loop
// (interpreter.ts) copies the registers into locals; helpers (send.ts, primitives/) work on
// the contexts in the heap and on this object.
//
// Register convention at every helper call: the active context `ctx` holds its true pc and
// stackp, except that while a primitive runs `sp` is the word index (into heap.words) of the
// top of the active context's stack, which holds the receiver and arguments.

import type { Heap } from './heap.ts';
import type { Host } from './host.ts';
import { MethodCache } from './classes.ts';
import { fullGC, scavenge } from './gc.ts';
import { CTX_STACKP, CTX_TEMPS } from './contexts.ts';
import { Special } from './special.ts';

/** A primitive: reads receiver and args below s.sp; answers the result oop, PRIM_FAIL or PRIM_SWITCHED. */
export type PrimFn = (s: VMState, argc: number) => number;

/** The primitive failed: run the method's Smalltalk code. */
export const PRIM_FAIL = 0;
/** The primitive changed the active context itself (block value, perform:, jump): reload registers. */
export const PRIM_SWITCHED = -1;

export type Outcome =
  | { kind: 'value'; value: number }
  | { kind: 'error'; description: string; trace: string[] };

/** Old space may grow to this before the first full GC. */
const MIN_FULL_GC_BYTES = 64 * 1024 * 1024;

export class VMError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VMError';
  }
}

export class VMState {
  readonly heap: Heap;
  readonly cache: MethodCache;
  host: Host;
  readonly primitives: readonly (PrimFn | undefined)[];
  /** The active context; 0 when nothing runs. */
  ctx: number;
  /** While a primitive runs: word index of the active stack's top element. */
  sp: number;
  /** The failure code a failing primitive leaves for `<primitive: n error: ec>` (nil when none). */
  primError: number;
  nil: number;
  trueOop: number;
  falseOop: number;
  /** The context whose return ends the current evaluation. */
  baseContext: number;
  /** Set when the current evaluation has ended. */
  outcome: Outcome | null;
  /** Set (e.g. by SIGINT) to stop the current evaluation at the next slice boundary. */
  interruptRequested: boolean;
  /** Counters for benchmarks and tests. */
  sendCount: number;
  gcCount: number;
  /** Old-space size (bytes) above which the next collection is a full GC instead of a scavenge. */
  fullGCThreshold: number;

  constructor(heap: Heap, host: Host, primitives: readonly (PrimFn | undefined)[]) {
    this.heap = heap;
    this.cache = new MethodCache();
    this.host = host;
    this.primitives = primitives;
    this.ctx = 0;
    this.sp = 0;
    this.primError = heap.nilOop;
    this.nil = 0;
    this.trueOop = 0;
    this.falseOop = 0;
    this.baseContext = 0;
    this.outcome = null;
    this.interruptRequested = false;
    this.sendCount = 0;
    this.gcCount = 0;
    this.fullGCThreshold = MIN_FULL_GC_BYTES;
    this.refreshConstants();
  }

  /** Re-reads oops cached in fields (after a GC, which may move them). */
  refreshConstants(): void {
    const h = this.heap;
    this.nil = h.nilOop;
    this.trueOop = h.fetch(h.specialObjects, Special.true);
    this.falseOop = h.fetch(h.specialObjects, Special.false);
    this.primError = this.nil;
  }

  bool(b: boolean): number {
    return b ? this.trueOop : this.falseOop;
  }

  /**
   * Collects garbage at a safe point: a scavenge, or a full GC once old space has grown past
   * twice what survived the last one (every scavenge tenures, so old space fills with
   * short-lived objects that only a full GC reclaims). The active and base contexts are
   * roots; caches are flushed.
   */
  collectGarbage(extraRoots: number[] = []): number[] {
    const heap = this.heap;
    const roots = heap.roots;
    const base = roots.length;
    roots.push(this.ctx, this.baseContext, ...extraRoots);
    try {
      if (heap.oldTop - heap.savedEnd > this.fullGCThreshold) {
        fullGC(heap);
        this.fullGCThreshold = Math.max(MIN_FULL_GC_BYTES, 2 * (heap.oldTop - heap.savedEnd));
      } else {
        scavenge(heap);
      }
    } finally {
      this.ctx = roots[base];
      this.baseContext = roots[base + 1];
      const moved = roots.slice(base + 2);
      roots.length = base;
      this.afterGC();
      extraRoots.splice(0, extraRoots.length, ...moved);
    }
    return extraRoots;
  }

  /** Everything JS-side that caches oops is dropped or refreshed. */
  afterGC(): void {
    this.gcCount++;
    this.cache.flush();
    this.refreshConstants();
    this.heap.gcRequested = false;
  }

  // ---- stack access for primitives (valid while a primitive runs) -------------------

  /** The value n below the top (0 = top). */
  stackValue(n: number): number {
    return this.heap.words[this.sp - n];
  }

  /** Recomputes sp from the active context's stackp. */
  syncSp(): void {
    this.sp = (this.ctx >>> 2) + 2 + CTX_TEMPS + (this.heap.words[(this.ctx >>> 2) + 2 + CTX_STACKP] >> 1) - 1;
  }
}
