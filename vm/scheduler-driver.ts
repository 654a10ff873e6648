// The Node side of green threads: which Process runs the VM's current evaluation, slice
// boundaries (timers fire, round-robin within a priority), sleeping on Node when no process
// is ready, and a background driver that keeps running processes forked by an evaluation
// after it has ended (so a REPL's forked process keeps printing while the user types).
//
// Without a scheduler in the heap (a bare kernel, early bootstrap) every method here reduces
// to the VM's old single-evaluation behaviour.

import { globalValue } from './install.ts';
import type { Outcome, VMState } from './state.ts';
import { smallInt } from './oop.ts';
import {
  activate, activeProcess, bottomContext, hasReady, makeReady, preemptAtSliceEnd, PROC_CONTEXT, PROC_LIST,
  PROC_PRIORITY, removeLink, SCHED_ACTIVE, SCHED_EVALUATION, schedulerOf, storeActive, USER_PRIORITY,
} from './process.ts';
import { earliestDeadline, fireTimers, rebaseTimers } from './timers.ts';
import { instantiate } from './primitives/object.ts';
import { contextTrace } from './trace.ts';

const SLEEP_CELL = new Int32Array(new SharedArrayBuffer(4));

export class SchedulerDriver {
  readonly s: VMState;
  private readonly stepFn: () => Outcome | null;
  /** An evaluation (vm.start, or one resumed from a snapshot) has not ended yet. */
  evaluating: boolean;
  /**
   * The pending evaluation is one resumed from a snapshot that nobody has run yet: a new
   * evaluation may start, and then the resumed one goes on in the background.
   */
  resumedPending: boolean;
  /** A background slice (or a wake-up timer for one) is scheduled. */
  private backgroundPending: boolean;
  /** The Node timer of a pending background slice that waits for a Delay, with its deadline. */
  private wakeTimer: ReturnType<typeof setTimeout> | null;
  private wakeAt: number;

  constructor(s: VMState, step: () => Outcome | null) {
    this.s = s;
    this.stepFn = step;
    this.evaluating = false;
    this.resumedPending = false;
    this.backgroundPending = false;
    this.wakeTimer = null;
    this.wakeAt = 0;
    this.boot();
  }

  get enabled(): boolean {
    return schedulerOf(this.s.heap) !== this.s.nil;
  }

  private now(): number {
    return this.s.host.monotonicMillis();
  }

  /**
   * After booting an image: Delays get their remaining time on this clock, and the process
   * that was active when the image was saved continues (as the pending evaluation when it
   * was the evaluation's, e.g. a script that saved a snapshot; else in the background).
   */
  private boot(): void {
    const s = this.s;
    const heap = s.heap;
    if (!this.enabled) return;
    rebaseTimers(heap, this.now());
    const sched = schedulerOf(heap);
    const proc = heap.fetch(sched, SCHED_ACTIVE);
    if (proc === s.nil) {
      this.kick();
      return;
    }
    const ctx = heap.fetch(proc, PROC_CONTEXT);
    if (ctx === s.nil) {
      heap.store(sched, SCHED_ACTIVE, s.nil);
    } else if (proc === heap.fetch(sched, SCHED_EVALUATION)) {
      s.baseContext = bottomContext(heap, ctx);
      activate(s, proc);
      this.evaluating = true;
      this.resumedPending = true;
      return;
    } else {
      heap.store(sched, SCHED_ACTIVE, s.nil);
      makeReady(heap, proc);
    }
    heap.store(sched, SCHED_EVALUATION, s.nil);
    this.kick();
  }

  /** vm.start: ctx runs in a new Process at user priority; a background process is set aside. */
  startEvaluation(ctx: number): void {
    const s = this.s;
    const heap = s.heap;
    this.evaluating = true;
    this.resumedPending = false;
    if (!this.enabled) {
      s.ctx = ctx;
      return;
    }
    const sched = schedulerOf(heap);
    const old = heap.fetch(sched, SCHED_EVALUATION);
    if (old !== s.nil) {
      // A resumed evaluation nobody awaited: it goes on in the background.
      if (old !== activeProcess(heap) && heap.fetch(old, PROC_LIST) === s.nil && heap.fetch(old, PROC_CONTEXT) !== s.nil) makeReady(heap, old);
      heap.store(sched, SCHED_EVALUATION, s.nil);
    }
    if (s.ctx !== 0) makeReady(heap, storeActive(s), true);
    const roots = heap.roots;
    roots.push(ctx);
    const processClass = globalValue(heap, 'Process');
    const proc = processClass === 0 ? 0 : instantiate(s, processClass, 0);
    s.ctx = roots.pop()!;
    if (proc === 0) {
      heap.store(sched, SCHED_ACTIVE, s.nil);
      return;
    }
    heap.store(proc, PROC_PRIORITY, smallInt(USER_PRIORITY));
    heap.store(sched, SCHED_ACTIVE, proc);
    heap.store(sched, SCHED_EVALUATION, proc);
  }

  /** The evaluation has ended with outcome: its process is gone; background work goes on. */
  ended(outcome: Outcome): Outcome {
    if (!this.evaluating) return outcome;
    this.evaluating = false;
    this.resumedPending = false;
    const s = this.s;
    const heap = s.heap;
    if (this.enabled) {
      const sched = schedulerOf(heap);
      const proc = heap.fetch(sched, SCHED_EVALUATION);
      if (proc !== s.nil && proc === heap.fetch(sched, SCHED_ACTIVE)) heap.store(sched, SCHED_ACTIVE, s.nil);
      heap.store(sched, SCHED_EVALUATION, s.nil);
      this.kick();
    }
    return outcome;
  }

  /** An interrupt while the evaluation's process waits (another runs, or none): end the evaluation. */
  interruptWaitingEvaluation(): boolean {
    const s = this.s;
    const heap = s.heap;
    if (!this.evaluating || !this.enabled) return false;
    const sched = schedulerOf(heap);
    const proc = heap.fetch(sched, SCHED_EVALUATION);
    if (proc === s.nil || proc === heap.fetch(sched, SCHED_ACTIVE)) return false;
    const ctx = heap.fetch(proc, PROC_CONTEXT);
    const trace = ctx === s.nil ? [] : contextTrace(heap, ctx, s.baseContext);
    const list = heap.fetch(proc, PROC_LIST);
    if (list !== s.nil) removeLink(heap, list, proc);
    heap.store(proc, PROC_CONTEXT, s.nil);
    s.interruptRequested = false;
    s.outcome = { kind: 'error', description: 'Interrupted', trace };
    return true;
  }

  /** A slice boundary: expired Delays signal their semaphores, then round-robin. */
  atSliceBoundary(): void {
    if (!this.enabled) return;
    fireTimers(this.s, this.now());
    preemptAtSliceEnd(this.s);
  }

  /** No process is ready. The evaluation waits for a timer; with none pending it can never go on. */
  idle(): Outcome | null {
    const s = this.s;
    if (!this.evaluating || earliestDeadline(s.heap) !== null || hasReady(s.heap)) return null;
    const sched = schedulerOf(s.heap);
    const proc = sched === s.nil ? s.nil : s.heap.fetch(sched, SCHED_EVALUATION);
    const ctx = proc === s.nil ? s.nil : s.heap.fetch(proc, PROC_CONTEXT);
    const trace = ctx === s.nil ? [] : contextTrace(s.heap, ctx, s.baseContext);
    s.outcome = { kind: 'error', description: 'Deadlock: every process is waiting and no Delay is pending', trace };
    return this.ended(s.outcome);
  }

  /** Calls next when the earliest Delay is due (the evaluation is idle). */
  wake(next: () => void): void {
    const deadline = earliestDeadline(this.s.heap);
    setTimeout(next, deadline === null ? 0 : Math.max(0, deadline - this.now()));
  }

  /** runSync's idle wait: sleeps the thread until the earliest Delay is due. */
  sleepSync(): void {
    const deadline = earliestDeadline(this.s.heap);
    if (deadline === null) return;
    const ms = deadline - this.now();
    if (ms > 0) Atomics.wait(SLEEP_CELL, 0, 0, ms);
  }

  /** Nothing left to run: no evaluation, no ready or active process, no pending Delay. */
  get quiet(): boolean {
    const s = this.s;
    return !this.evaluating && (!this.enabled || (s.ctx === 0 && !hasReady(s.heap) && earliestDeadline(s.heap) === null));
  }

  /** Resolves once the VM is quiet (background processes have finished or wait forever). */
  whenQuiet(pollMs = 20): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.quiet) resolve();
        else setTimeout(check, pollMs);
      };
      check();
    });
  }

  /**
   * Schedules a background slice when processes are ready or Delays pending and no
   * evaluation runs. A slice already waiting on a Delay's timer is brought forward when a
   * process has become ready or an earlier Delay is pending meanwhile.
   */
  kick(): void {
    const s = this.s;
    if (this.evaluating || !this.enabled) return;
    const ready = s.ctx !== 0 || hasReady(s.heap);
    const deadline = earliestDeadline(s.heap);
    if (!ready && deadline === null) return;
    if (this.backgroundPending) {
      const sooner = ready || (deadline !== null && deadline < this.wakeAt);
      if (this.wakeTimer === null || !sooner) return;
      clearTimeout(this.wakeTimer);
      this.wakeTimer = null;
    }
    this.backgroundPending = true;
    const run = (): void => this.backgroundSlice();
    if (ready) {
      setImmediate(run);
    } else {
      this.wakeAt = deadline ?? 0;
      this.wakeTimer = setTimeout(run, Math.max(0, this.wakeAt - this.now()));
    }
  }

  private backgroundSlice(): void {
    this.backgroundPending = false;
    this.wakeTimer = null;
    if (this.evaluating) return;
    const s = this.s;
    s.outcome = null;
    this.stepFn();
    const o = s.outcome as Outcome | null;
    if (!this.evaluating && o !== null) {
      // A VM-level failure in a background process: report it, drop that process.
      if (o.kind === 'error') s.host.writeStderr(`${o.description}\n${o.trace.map((l) => `  ${l}\n`).join('')}`);
      s.outcome = null;
      s.ctx = 0;
      if (this.enabled) s.heap.store(schedulerOf(s.heap), SCHED_ACTIVE, s.nil);
    }
    this.kick();
  }
}
