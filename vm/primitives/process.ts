// Process primitives (Kernel-Processes): resume, suspend, terminateActive, yield, Semaphore
// wait and signal, a Process's first context, installing the scheduler, Delay timers. The
// scheduling itself is vm/process.ts; the timer queue vm/timers.ts.
//
// A primitive that switches processes first writes its answer into the calling context
// (receiver and arguments popped, the answer pushed) so that the context is complete when it
// is stored in its Process, then points s.ctx at the next process and answers PRIM_SWITCHED.

import type { PrimFn, VMState } from '../state.ts';
import { PRIM_FAIL, PRIM_SWITCHED } from '../state.ts';
import { lookupMethod, classOf } from '../classes.ts';
import { CTX_STACKP, CTX_TEMPS, newContext } from '../contexts.ts';
import { setSpecialObject } from '../objects.ts';
import { smallInt } from '../oop.ts';
import {
  addLast, activeIsEvaluation, activeProcess, makeReady, PROC_CONTEXT, PROC_LIST, PROC_PRIORITY, removeLink,
  resumeProcess, SCHED_ACTIVE, SCHED_EVALUATION, SCHED_LISTS, schedulerOf, SEM_EXCESS, signalSemaphore, storeActive,
  switchToNext, USER_PRIORITY,
} from '../process.ts';
import { finish } from '../send.ts';
import { Special } from '../special.ts';
import { scheduleDelay, unscheduleDelay } from '../timers.ts';
import { instantiate } from './object.ts';
import { installProcessFilePrimitives } from './process-file.ts';
import { arg, isPointerOop, receiver, smallOf } from './support.ts';

/** Pops receiver and arguments of the running primitive and pushes value, in the heap. */
function answerInPlace(s: VMState, argc: number, value: number): void {
  const heap = s.heap;
  const at = s.sp - argc;
  heap.words[at] = value;
  heap.words[(s.ctx >>> 2) + 2 + CTX_STACKP] = smallInt(at - ((s.ctx >>> 2) + 2 + CTX_TEMPS) + 1);
}

function hasScheduler(s: VMState): boolean {
  return schedulerOf(s.heap) !== s.nil && activeProcess(s.heap) !== s.nil;
}

function isProcessLike(s: VMState, oop: number): boolean {
  return isPointerOop(oop) && s.heap.slotCount(oop) > PROC_LIST;
}

/** Ends the active process: the evaluation ends with nil when it was the evaluation's. */
export function terminateActive(s: VMState): void {
  const heap = s.heap;
  const proc = activeProcess(heap);
  if (proc !== s.nil) {
    heap.store(proc, PROC_CONTEXT, s.nil);
    heap.store(proc, PROC_LIST, s.nil);
  }
  if (activeIsEvaluation(heap)) {
    heap.store(schedulerOf(heap), SCHED_ACTIVE, s.nil);
    finish(s, s.nil);
    return;
  }
  switchToNext(s);
}

export function installProcessPrimitives(table: (PrimFn | undefined)[], named: (module: string, name: string) => number): void {
  // aProcess primResume: ready (or preempting when of higher priority).
  table[named('Process', 'resume')] = (s, argc) => {
    const proc = receiver(s, argc);
    if (!hasScheduler(s) || !isProcessLike(s, proc) || proc === activeProcess(s.heap)) return PRIM_FAIL;
    if (s.heap.fetch(proc, PROC_LIST) !== s.nil || s.heap.fetch(proc, PROC_CONTEXT) === s.nil) return PRIM_FAIL;
    answerInPlace(s, argc, proc);
    resumeProcess(s, proc);
    return PRIM_SWITCHED;
  };
  // aProcess primSuspend: out of its list (answers the list), or the active process stops.
  table[named('Process', 'suspend')] = (s, argc) => {
    const heap = s.heap;
    const proc = receiver(s, argc);
    if (!hasScheduler(s) || !isProcessLike(s, proc)) return PRIM_FAIL;
    if (proc === activeProcess(heap)) {
      answerInPlace(s, argc, s.nil);
      storeActive(s);
      switchToNext(s);
      return PRIM_SWITCHED;
    }
    const list = heap.fetch(proc, PROC_LIST);
    if (list !== s.nil) removeLink(heap, list, proc);
    return list;
  };
  table[named('Process', 'terminateActive')] = (s, argc) => {
    if (!hasScheduler(s)) return PRIM_FAIL;
    answerInPlace(s, argc, s.nil);
    terminateActive(s);
    return PRIM_SWITCHED;
  };
  table[named('Process', 'yield')] = (s, argc) => {
    if (!hasScheduler(s)) return PRIM_FAIL;
    answerInPlace(s, argc, receiver(s, argc));
    const proc = storeActive(s);
    makeReady(s.heap, proc);
    switchToNext(s);
    return PRIM_SWITCHED;
  };
  table[named('Process', 'wait')] = (s, argc) => {
    const heap = s.heap;
    const sem = receiver(s, argc);
    if (!hasScheduler(s) || !isPointerOop(sem) || heap.slotCount(sem) <= SEM_EXCESS) return PRIM_FAIL;
    const excess = smallOf(heap.fetch(sem, SEM_EXCESS)) ?? 0;
    if (excess > 0) {
      heap.store(sem, SEM_EXCESS, smallInt(excess - 1));
      return sem;
    }
    answerInPlace(s, argc, sem);
    addLast(heap, sem, storeActive(s));
    switchToNext(s);
    return PRIM_SWITCHED;
  };
  table[named('Process', 'signal')] = (s, argc) => {
    const sem = receiver(s, argc);
    if (!hasScheduler(s) || !isPointerOop(sem) || s.heap.slotCount(sem) <= SEM_EXCESS) return PRIM_FAIL;
    answerInPlace(s, argc, sem);
    signalSemaphore(s, sem);
    return PRIM_SWITCHED;
  };
  // Process primContextFor: receiver selector: aSymbol — a bottom context (no sender) that runs
  // `receiver aSymbol` (a unary method) when the process first runs.
  table[named('Process', 'newContext')] = (s, argc) => {
    if (argc !== 2) return PRIM_FAIL;
    const heap = s.heap;
    const rcvr = arg(s, argc, 0);
    const method = lookupMethod(heap, classOf(heap, rcvr), arg(s, argc, 1));
    if (method === 0 || method === s.nil) return PRIM_FAIL;
    return newContext(heap, method, s.nil, rcvr, s.nil);
  };
  // aProcessorScheduler primInstallWith: Process — becomes the VM's scheduler; the running
  // evaluation gets a Process of its own.
  table[named('Process', 'installScheduler')] = (s, argc) => {
    const heap = s.heap;
    const sched = receiver(s, argc);
    const processClass = arg(s, argc, 0);
    if (!isPointerOop(sched) || heap.slotCount(sched) <= SCHED_EVALUATION) return PRIM_FAIL;
    const lists = heap.fetch(sched, SCHED_LISTS);
    if (!isPointerOop(lists) || heap.slotCount(lists) < 1) return PRIM_FAIL;
    const proc = instantiate(s, processClass, 0);
    if (proc === 0 || heap.slotCount(proc) <= PROC_LIST) return PRIM_FAIL;
    heap.store(proc, PROC_PRIORITY, smallInt(USER_PRIORITY));
    setSpecialObject(heap, Special.scheduler, sched);
    heap.store(sched, SCHED_ACTIVE, proc);
    heap.store(sched, SCHED_EVALUATION, proc);
    return sched;
  };
  // aDelay primSchedule: its semaphore is signalled delayDuration ms from now.
  table[named('Process', 'scheduleDelay')] = (s, argc) => {
    const delay = receiver(s, argc);
    const ms = smallOf(s.heap.fetch(delay, 0));
    if (!hasScheduler(s) || ms === null || ms < 0) return PRIM_FAIL;
    scheduleDelay(s, delay, s.host.monotonicMillis() + ms);
    return delay;
  };
  table[named('Process', 'unscheduleDelay')] = (s, argc) => {
    if (!hasScheduler(s)) return PRIM_FAIL;
    unscheduleDelay(s, receiver(s, argc));
    return receiver(s, argc);
  };
  installProcessFilePrimitives(table, named);
}
