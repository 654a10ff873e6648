// Host events: things that happen in Node outside any Smalltalk evaluation (an HTTP request
// has arrived, a server is listening) and that Smalltalk code must handle.
//
// The VM runs one evaluation at a time, in slices. A host event is a message to send: the
// receiver is named by its global (a class, so no oop is held across evaluations, which a
// GC may move), with arguments as plain JS values converted to objects when the send
// starts. Primitives post events to the queue of their VMState; whoever drives that VM (a
// shipped app's runner, images/ship-runner.ts) sets `deliver` and then runs each event as
// its own evaluation, in order, between the other evaluations. A VM without a driver has
// `deliver` null: primitives that would produce events fail instead of queueing forever.

import type { VMState } from '../state.ts';

/** What an event carries to Smalltalk: Strings, Integers, Booleans, nil, Arrays of Strings. */
export type EventArgument = string | number | boolean | null | readonly string[];

export interface HostEvent {
  /** The global the message is sent to, e.g. 'HttpServer'. */
  readonly receiver: string;
  readonly selector: string;
  readonly args: readonly EventArgument[];
  /** Called once the evaluation has ended: with null, or with the unhandled error's description. */
  readonly settled: ((error: string | null) => void) | null;
}

export class EventQueue {
  readonly pending: HostEvent[];
  /** Told that an event was posted; null while nobody delivers events for this VM. */
  deliver: (() => void) | null;

  constructor() {
    this.pending = [];
    this.deliver = null;
  }

  get hasDriver(): boolean {
    return this.deliver !== null;
  }

  post(event: HostEvent): void {
    this.pending.push(event);
    this.deliver?.();
  }

  take(): HostEvent | undefined {
    return this.pending.shift();
  }
}

const queues = new WeakMap<VMState, EventQueue>();

/** The event queue of a VM (made on first use). */
export function eventQueueOf(s: VMState): EventQueue {
  let q = queues.get(s);
  if (q === undefined) {
    q = new EventQueue();
    queues.set(s, q);
  }
  return q;
}
