// Green threads in the heap: Process objects, the ProcessorScheduler `Processor` (the
// special object Special.scheduler) with one ready list per priority, Semaphores and the
// Delay timer queue. Everything a snapshot must keep is in these heap objects; the VM holds
// only the active context (s.ctx), which belongs to Processor's activeProcess.
//
// Layouts (the Smalltalk classes of images/kernel/Kernel-Processes declare these slots in
// this order):
//   Link / Process:     nextLink suspendedContext priority myList name
//   LinkedList / Semaphore: firstLink lastLink [excessSignals]
//   ProcessorScheduler: quiescentProcessLists activeProcess timers clockAtSave evaluationProcess
//   Delay:              delayDuration resumptionTime delaySemaphore beingWaitedOn
// A Process is ready when it is in the ready list of its priority, waiting when it is in a
// Semaphore, suspended when in no list; the active process is in no list and its
// suspendedContext is nil (its context is s.ctx). `timers` is nil or an Array of the
// scheduled Delays; a Delay's resumptionTime is a SmallInteger on the host's monotonic
// millisecond clock. Saving an image records that clock in clockAtSave so a booted VM can
// shift every deadline by the time the image spent on disk (a Delay keeps its remaining time).
// evaluationProcess is the process running the VM's current evaluation (vm.start), or nil.
//
// Switching processes never happens inside the run loop: a primitive (or the slice boundary
// in vm.ts) stores the active context in its Process and sets s.ctx to the next process's
// context; the run loop reloads its registers from s.ctx. When no process is ready, s.ctx is
// 0 and the VM is idle until a timer or the host signals a semaphore.

import type { Heap } from './heap.ts';
import { CTX_SENDER } from './contexts.ts';
import { specialObject } from './objects.ts';
import { smallInt } from './oop.ts';
import { Special } from './special.ts';
import type { VMState } from './state.ts';

export const PROC_NEXT = 0;
export const PROC_CONTEXT = 1;
export const PROC_PRIORITY = 2;
export const PROC_LIST = 3;
export const PROC_NAME = 4;
export const LIST_FIRST = 0;
export const LIST_LAST = 1;
export const SEM_EXCESS = 2;
export const SCHED_LISTS = 0;
export const SCHED_ACTIVE = 1;
export const SCHED_TIMERS = 2;
export const SCHED_CLOCK_AT_SAVE = 3;
export const SCHED_EVALUATION = 4;
export const DELAY_DURATION = 0;
export const DELAY_DEADLINE = 1;
export const DELAY_SEMAPHORE = 2;

export const USER_PRIORITY = 40;

/** Processor, or nil when the world has no scheduler (a bare kernel, early bootstrap). */
export function schedulerOf(heap: Heap): number {
  const sched = specialObject(heap, Special.scheduler);
  return (sched & 3) === 0 && sched !== heap.nilOop && heap.slotCount(sched) > SCHED_EVALUATION ? sched : heap.nilOop;
}

export function activeProcess(heap: Heap): number {
  const sched = schedulerOf(heap);
  return sched === heap.nilOop ? sched : heap.fetch(sched, SCHED_ACTIVE);
}

export function priorityOf(heap: Heap, proc: number): number {
  const p = heap.fetch(proc, PROC_PRIORITY);
  return (p & 1) === 1 ? p >> 1 : USER_PRIORITY;
}

function readyList(heap: Heap, sched: number, priority: number): number {
  const lists = heap.fetch(sched, SCHED_LISTS);
  const n = heap.slotCount(lists);
  return heap.fetch(lists, Math.min(Math.max(priority, 1), n) - 1);
}

// ---- linked lists ---------------------------------------------------------------------

export function isEmptyList(heap: Heap, list: number): boolean {
  return heap.fetch(list, LIST_FIRST) === heap.nilOop;
}

export function addLast(heap: Heap, list: number, link: number): void {
  const nil = heap.nilOop;
  heap.store(link, PROC_NEXT, nil);
  const last = heap.fetch(list, LIST_LAST);
  if (last === nil) heap.store(list, LIST_FIRST, link);
  else heap.store(last, PROC_NEXT, link);
  heap.store(list, LIST_LAST, link);
  heap.store(link, PROC_LIST, list);
}

function addFirst(heap: Heap, list: number, link: number): void {
  const first = heap.fetch(list, LIST_FIRST);
  heap.store(link, PROC_NEXT, first);
  heap.store(list, LIST_FIRST, link);
  if (first === heap.nilOop) heap.store(list, LIST_LAST, link);
  heap.store(link, PROC_LIST, list);
}

export function removeFirst(heap: Heap, list: number): number {
  const nil = heap.nilOop;
  const first = heap.fetch(list, LIST_FIRST);
  if (first === nil) return nil;
  const next = heap.fetch(first, PROC_NEXT);
  heap.store(list, LIST_FIRST, next);
  if (next === nil) heap.store(list, LIST_LAST, nil);
  heap.store(first, PROC_NEXT, nil);
  heap.store(first, PROC_LIST, nil);
  return first;
}

/** Removes link from list; answers whether it was there. */
export function removeLink(heap: Heap, list: number, link: number): boolean {
  const nil = heap.nilOop;
  let prev = nil;
  for (let c = heap.fetch(list, LIST_FIRST); c !== nil; prev = c, c = heap.fetch(c, PROC_NEXT)) {
    if (c !== link) continue;
    const next = heap.fetch(c, PROC_NEXT);
    if (prev === nil) heap.store(list, LIST_FIRST, next);
    else heap.store(prev, PROC_NEXT, next);
    if (heap.fetch(list, LIST_LAST) === c) heap.store(list, LIST_LAST, prev);
    heap.store(c, PROC_NEXT, nil);
    heap.store(c, PROC_LIST, nil);
    return true;
  }
  return false;
}

// ---- scheduling -----------------------------------------------------------------------

/** Puts proc at the end (or front) of the ready list of its priority. */
export function makeReady(heap: Heap, proc: number, front = false): void {
  const list = readyList(heap, schedulerOf(heap), priorityOf(heap, proc));
  if (front) addFirst(heap, list, proc);
  else addLast(heap, list, proc);
}

/** Removes and answers the first process of the highest non-empty ready list, or nil. */
function nextReady(heap: Heap, sched: number, minPriority = 1): number {
  const lists = heap.fetch(sched, SCHED_LISTS);
  for (let p = heap.slotCount(lists); p >= minPriority; p--) {
    const list = heap.fetch(lists, p - 1);
    if (!isEmptyList(heap, list)) return removeFirst(heap, list);
  }
  return heap.nilOop;
}

/** Whether some ready process has at least this priority. */
export function hasReady(heap: Heap, minPriority = 1): boolean {
  const sched = schedulerOf(heap);
  if (sched === heap.nilOop) return false;
  const lists = heap.fetch(sched, SCHED_LISTS);
  for (let p = heap.slotCount(lists); p >= minPriority; p--) if (!isEmptyList(heap, heap.fetch(lists, p - 1))) return true;
  return false;
}

/**
 * Stores the active context into the active process (which stays out of every list: the
 * caller decides where it goes). s.ctx must hold its true pc and stackp.
 */
export function storeActive(s: VMState): number {
  const heap = s.heap;
  const proc = activeProcess(heap);
  if (proc !== heap.nilOop && s.ctx !== 0) heap.store(proc, PROC_CONTEXT, s.ctx);
  return proc;
}

/** Makes proc the active process: s.ctx becomes its context. */
export function activate(s: VMState, proc: number): void {
  const heap = s.heap;
  const nil = heap.nilOop;
  heap.store(schedulerOf(heap), SCHED_ACTIVE, proc);
  if (proc === nil) {
    s.ctx = 0;
    return;
  }
  const ctx = heap.fetch(proc, PROC_CONTEXT);
  heap.store(proc, PROC_CONTEXT, nil);
  heap.store(proc, PROC_LIST, nil);
  s.ctx = ctx === nil ? 0 : ctx;
}

/** The active process has stored itself somewhere (or is gone): run the next ready one. */
export function switchToNext(s: VMState): void {
  activate(s, nextReady(s.heap, schedulerOf(s.heap)));
}

/**
 * Makes a suspended process runnable. A higher priority than the active process preempts it
 * (the preempted process goes to the front of its list: it keeps its turn). Answers whether
 * the active process changed.
 */
export function resumeProcess(s: VMState, proc: number): boolean {
  const heap = s.heap;
  const active = activeProcess(heap);
  if (active === heap.nilOop || s.ctx === 0) {
    makeReady(heap, proc);
    if (s.ctx === 0) switchToNext(s);
    return true;
  }
  if (priorityOf(heap, proc) <= priorityOf(heap, active)) {
    makeReady(heap, proc);
    return false;
  }
  storeActive(s);
  makeReady(heap, active, true);
  activate(s, proc);
  return true;
}

/** Round-robin at a slice boundary: the active process yields to ready ones of its priority. */
export function preemptAtSliceEnd(s: VMState): void {
  const heap = s.heap;
  const active = activeProcess(heap);
  if (active === heap.nilOop || s.ctx === 0) {
    if (s.ctx === 0 && hasReady(heap)) switchToNext(s);
    return;
  }
  if (!hasReady(heap, priorityOf(heap, active))) return;
  storeActive(s);
  makeReady(heap, active);
  switchToNext(s);
}

/** Signals a semaphore: wakes its first waiter, or counts an excess signal. */
export function signalSemaphore(s: VMState, sem: number): boolean {
  const heap = s.heap;
  if (isEmptyList(heap, sem)) {
    const excess = heap.fetch(sem, SEM_EXCESS);
    heap.store(sem, SEM_EXCESS, smallInt(((excess & 1) === 1 ? excess >> 1 : 0) + 1));
    return false;
  }
  return resumeProcess(s, removeFirst(heap, sem));
}

/** The bottom context of ctx's sender chain. */
export function bottomContext(heap: Heap, ctx: number): number {
  const nil = heap.nilOop;
  let c = ctx;
  for (let next = heap.fetch(c, CTX_SENDER); next !== nil; next = heap.fetch(c, CTX_SENDER)) c = next;
  return c;
}

/** Whether the active process runs the VM's current evaluation (always true without a scheduler). */
export function activeIsEvaluation(heap: Heap): boolean {
  const sched = schedulerOf(heap);
  if (sched === heap.nilOop) return true;
  const active = heap.fetch(sched, SCHED_ACTIVE);
  return active !== heap.nilOop && active === heap.fetch(sched, SCHED_EVALUATION);
}
