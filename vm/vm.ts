// The VM: a heap, the interpreter state, a host. Evaluations run either synchronously
// (bootstrap, tests) or in slices that return to Node's event loop between them
// (ARCHITECTURE §1.5), so timers, I/O and SIGINT are served while Smalltalk runs. An
// interrupt request stops the active evaluation at the next slice boundary with a trace of
// where it was.

import type { Heap } from './heap.ts';
import { OutOfMemoryError } from './heap.ts';
import type { Host } from './host.ts';
import type { MethodSpec } from './method-spec.ts';
import { allInstVarNames, classAtIndex, classOf, className } from './classes.ts';
import { CTX_TEMPS, newContext } from './contexts.ts';
import { lookupBinding, newCompiledMethod } from './install.ts';
import { interpret } from './interpreter.ts';
import { intern, isStringLike, stringValue } from './objects.ts';
import { Op } from './opcodes.ts';
import { PRIMITIVES } from './primitives/index.ts';
import { ClassIndex } from './special.ts';
import { vmMethodSpec } from './send.ts';
import { VMState, type Outcome } from './state.ts';
import { contextTrace } from './trace.ts';
import { SchedulerDriver } from './scheduler-driver.ts';

/** Sends or backward jumps per slice: about 10 ms of work at the interpreter's speed. */
export const SLICE_BUDGET = 100_000;

export class VM {
  readonly heap: Heap;
  readonly state: VMState;
  /** Green threads: the evaluation's process, background processes, timers (scheduler-driver.ts). */
  readonly processes: SchedulerDriver;

  constructor(heap: Heap, host: Host) {
    this.heap = heap;
    this.state = new VMState(heap, host, PRIMITIVES);
    this.processes = new SchedulerDriver(this.state, () => this.step());
  }

  get host(): Host {
    return this.state.host;
  }

  /** Compiles source as a doit (receiver nil) through the host's compiler. */
  compileDoit(source: string, receiver?: number): number {
    const s = this.state;
    const compile = s.host.compile;
    if (compile === null) throw new Error('no compiler is installed in the host');
    const self = receiver ?? this.heap.nilOop;
    const cls = self === this.heap.nilOop ? classAtIndex(this.heap, ClassIndex.UndefinedObject) : classOf(this.heap, self);
    const spec = compile({
      source,
      instVarNames: self === this.heap.nilOop ? [] : allInstVarNames(this.heap, cls),
      isBound: (name) => lookupBinding(this.heap, name, cls, true) !== 0,
      className: null,
      category: '',
      doit: true,
    });
    return newCompiledMethod(this.heap, spec, cls);
  }

  /**
   * Starts a new evaluation of method (with receiver and args). Its sender is a base context
   * whose only instruction returns whatever it receives: so the evaluation's first context
   * has a real sender that Smalltalk can unwind to (ensure: blocks, exceptions), and the
   * base's return, to no sender, ends the evaluation.
   */
  start(method: number, receiver: number, args: readonly number[] = []): void {
    const s = this.state;
    const heap = this.heap;
    if (this.processes.evaluating && !this.processes.resumedPending) throw new Error('an evaluation is already running');
    const baseMethod = newCompiledMethod(heap, BASE_SPEC, classAtIndex(heap, ClassIndex.UndefinedObject));
    const base = newContext(heap, baseMethod, heap.nilOop, heap.nilOop, heap.nilOop);
    const ctx = newContext(heap, method, base, receiver, heap.nilOop);
    args.forEach((a, i) => heap.store(ctx, CTX_TEMPS + i, a));
    s.baseContext = base;
    s.outcome = null;
    s.interruptRequested = false;
    this.processes.startEvaluation(ctx);
  }

  /** Runs one slice; answers the outcome when the evaluation has ended, else null. */
  step(budget = SLICE_BUDGET): Outcome | null {
    const s = this.state;
    if (s.outcome !== null) return this.processes.ended(s.outcome);
    if (s.interruptRequested && this.processes.interruptWaitingEvaluation()) return this.processes.ended(s.outcome as unknown as Outcome);
    if (s.interruptRequested) {
      s.interruptRequested = false;
      const trace = s.ctx !== 0 ? contextTrace(this.heap, s.ctx, s.baseContext) : [];
      s.outcome = { kind: 'error', description: 'Interrupted', trace };
      s.ctx = 0;
      return this.processes.ended(s.outcome);
    }
    this.processes.atSliceBoundary();
    if (s.ctx === 0) return this.processes.idle();
    try {
      interpret(s, budget);
    } catch (e) {
      const trace = s.ctx !== 0 ? safeTrace(this.heap, s.ctx, s.baseContext) : [];
      const description = e instanceof OutOfMemoryError ? `Out of memory: ${e.message}` : `VM error: ${(e as Error).stack ?? e}`;
      s.outcome = { kind: 'error', description, trace };
      s.ctx = 0;
    }
    return s.outcome === null ? null : this.processes.ended(s.outcome);
  }

  /** Runs the current evaluation to its end without yielding (sleeping while only timers are pending). */
  runSync(): Outcome {
    for (;;) {
      const o = this.step();
      if (o !== null) return o;
      if (this.state.ctx === 0) this.processes.sleepSync();
    }
  }

  /** Runs the current evaluation in slices, yielding to the event loop between them. */
  runSlices(): Promise<Outcome> {
    return new Promise((resolve) => {
      const slice = (): void => {
        const o = this.step();
        if (o !== null) resolve(o);
        else if (this.state.ctx === 0) this.processes.wake(slice);
        else setImmediate(slice);
      };
      slice();
    });
  }

  /** Stops the active evaluation at the next slice boundary (safe to call from a signal handler). */
  interrupt(): void {
    if (this.processes.evaluating) this.state.interruptRequested = true;
  }

  evaluateSync(source: string): Outcome {
    this.start(this.compileDoit(source), this.heap.nilOop);
    return this.runSync();
  }

  evaluate(source: string): Promise<Outcome> {
    this.start(this.compileDoit(source), this.heap.nilOop);
    return this.runSlices();
  }

  /** Sends selector to receiver with args, synchronously. */
  sendSync(receiver: number, selector: string, args: readonly number[] = []): Outcome {
    this.start(newCompiledMethod(this.heap, sendSpec(selector, args.length), classOf(this.heap, receiver)), receiver, args);
    return this.runSync();
  }

  send(receiver: number, selector: string, args: readonly number[] = []): Promise<Outcome> {
    this.start(newCompiledMethod(this.heap, sendSpec(selector, args.length), classOf(this.heap, receiver)), receiver, args);
    return this.runSlices();
  }

  /** The printString of oop (sent to it; a native description if that fails). */
  printString(oop: number): string {
    const o = this.sendSync(oop, 'printString');
    if (o.kind === 'value' && isStringLike(this.heap, o.value)) return stringValue(this.heap, o.value);
    return this.describe(oop);
  }

  /** A native `a Foo` description that runs no Smalltalk. */
  describe(oop: number): string {
    const name = className(this.heap, classOf(this.heap, oop));
    if ((oop & 1) === 1) return String(oop >> 1);
    if (oop === this.heap.nilOop) return 'nil';
    if (isStringLike(this.heap, oop)) return stringValue(this.heap, oop);
    return /^[AEIOU]/.test(name) ? `an ${name}` : `a ${name}`;
  }

  symbol(name: string): number {
    return intern(this.heap, name);
  }
}

function safeTrace(heap: Heap, ctx: number, stopAt: number): string[] {
  try {
    return contextTrace(heap, ctx, stopAt);
  } catch {
    return [];
  }
}

/** The base of every evaluation: answers the value it is resumed with. */
const BASE_SPEC = vmMethodSpec(Op.RETURN_TOP);

/** A doit-like method `self <selector> arg1 ... argN` whose arguments are its temps. */
export function sendSpec(selector: string, numArgs: number): MethodSpec {
  const code: number[] = [Op.PUSH_SELF];
  for (let i = 0; i < numArgs; i++) code.push(Op.PUSH_TEMP, i);
  code.push(Op.SEND, 0, 0, numArgs, Op.RETURN_TOP);
  return {
    selector: 'DoIt',
    className: null,
    category: '',
    numArgs,
    numTemps: numArgs,
    frameSize: numArgs * 2 + 1,
    primitive: { kind: 'none' },
    pragmas: [],
    literals: [{ kind: 'symbol', value: selector }],
    bytecodes: Uint8Array.from(code),
    sourceMap: new Map(),
    source: `self ${selector}`,
    undeclared: [],
  };
}
