// The Delay timer queue: Processor's `timers` slot, nil or an Array of the Delays that are
// scheduled (see process.ts for the layouts). The VM fires expired ones at slice boundaries
// (signalling each Delay's semaphore) and, when idle, asks Node to wake it at the earliest
// deadline. Deadlines are SmallIntegers on the host's monotonic millisecond clock; a saved
// image records that clock (clockAtSave) and rebaseTimers shifts every deadline after boot,
// so a Delay keeps the time it had left when the image was saved.

import type { Heap } from './heap.ts';
import { newArray, arrayElements } from './objects.ts';
import { smallInt } from './oop.ts';
import {
  DELAY_DEADLINE, DELAY_SEMAPHORE, SCHED_CLOCK_AT_SAVE, SCHED_TIMERS, schedulerOf, signalSemaphore,
} from './process.ts';
import type { VMState } from './state.ts';

function timerList(heap: Heap): number[] {
  const sched = schedulerOf(heap);
  if (sched === heap.nilOop) return [];
  const t = heap.fetch(sched, SCHED_TIMERS);
  return t === heap.nilOop ? [] : arrayElements(heap, t);
}

function setTimers(heap: Heap, delays: readonly number[]): void {
  heap.store(schedulerOf(heap), SCHED_TIMERS, delays.length === 0 ? heap.nilOop : newArray(heap, delays));
}

export function scheduleDelay(s: VMState, delay: number, deadline: number): void {
  const heap = s.heap;
  heap.store(delay, DELAY_DEADLINE, smallInt(deadline));
  const list = timerList(heap).filter((d) => d !== delay);
  list.push(delay);
  setTimers(heap, list);
}

export function unscheduleDelay(s: VMState, delay: number): void {
  const list = timerList(s.heap);
  if (list.includes(delay)) setTimers(s.heap, list.filter((d) => d !== delay));
}

/** Signals the semaphores of expired Delays, earliest first. */
export function fireTimers(s: VMState, now: number): void {
  const heap = s.heap;
  const list = timerList(heap);
  if (list.length === 0) return;
  const due = list.filter((d) => (heap.fetch(d, DELAY_DEADLINE) >> 1) <= now);
  if (due.length === 0) return;
  due.sort((a, b) => (heap.fetch(a, DELAY_DEADLINE) >> 1) - (heap.fetch(b, DELAY_DEADLINE) >> 1));
  setTimers(heap, list.filter((d) => !due.includes(d)));
  for (const d of due) {
    const sem = heap.fetch(d, DELAY_SEMAPHORE);
    if (sem !== heap.nilOop) signalSemaphore(s, sem);
  }
}

/** The earliest deadline of a scheduled Delay, or null when none is scheduled. */
export function earliestDeadline(heap: Heap): number | null {
  let best: number | null = null;
  for (const d of timerList(heap)) {
    const t = heap.fetch(d, DELAY_DEADLINE) >> 1;
    if (best === null || t < best) best = t;
  }
  return best;
}

/** Before a save: record the clock the deadlines are measured on. */
export function noteClockAtSave(heap: Heap, now: number | null): void {
  const sched = schedulerOf(heap);
  if (sched !== heap.nilOop) heap.store(sched, SCHED_CLOCK_AT_SAVE, now === null ? heap.nilOop : smallInt(now));
}

/** After boot: deadlines move to this session's clock, keeping their remaining time. */
export function rebaseTimers(heap: Heap, now: number): void {
  const sched = schedulerOf(heap);
  if (sched === heap.nilOop) return;
  const saved = heap.fetch(sched, SCHED_CLOCK_AT_SAVE);
  if ((saved & 1) !== 1) return;
  const shift = now - (saved >> 1);
  for (const d of timerList(heap)) heap.store(d, DELAY_DEADLINE, smallInt((heap.fetch(d, DELAY_DEADLINE) >> 1) + shift));
  heap.store(sched, SCHED_CLOCK_AT_SAVE, heap.nilOop);
}
