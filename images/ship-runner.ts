// Runs a shipped app's evaluations: first the startup action, then each host event (an HTTP
// request, a server that started listening) as its own evaluation, one at a time, in the
// order they arrived. The VM has one active evaluation, so an event that arrives while
// another runs waits in the VM's event queue (vm/primitives/events.ts); evaluations run in
// slices, so Node keeps accepting connections and reading requests meanwhile.
//
// Errors: an unhandled error in the startup action is the app's failure (the caller prints
// it and exits 1). One in an event handler is printed on stderr and makes the final exit
// code 1, but the app goes on serving: a server should not die of one bad request (the
// event's `settled` callback answers that request with a 500).
//
// The process lives as long as Node has something to wait for (an open server); when the
// last one closes and no evaluation runs, Node exits by itself.

import { globalValue } from '../vm/install.ts';
import { newInteger, newString } from '../vm/objects.ts';
import { eventQueueOf, type EventArgument, type EventQueue, type HostEvent } from '../vm/primitives/events.ts';
import { newStringArray } from '../vm/primitives/host-io.ts';
import type { Outcome } from '../vm/state.ts';
import type { VM } from '../vm/vm.ts';

/** `Description\n  frame\n  frame\n`: how an unhandled error is printed. */
export function formatOutcomeError(o: Extract<Outcome, { kind: 'error' }>): string {
  return [o.description, ...o.trace.map((l) => `  ${l}`)].join('\n') + '\n';
}

export class AppRunner {
  readonly vm: VM;
  private readonly queue: EventQueue;
  private busy: boolean;
  private readonly report: (text: string) => void;
  /** Unhandled errors in event handlers so far. */
  eventErrors: number;

  constructor(vm: VM, report: (text: string) => void) {
    this.vm = vm;
    this.queue = eventQueueOf(vm.state);
    this.busy = false;
    this.report = report;
    this.eventErrors = 0;
    this.queue.deliver = () => this.pump();
  }

  /** Evaluates `block value` (the startup action); events wait until it has ended. */
  async runBlock(block: number): Promise<Outcome> {
    this.busy = true;
    try {
      return await this.vm.send(block, 'value');
    } finally {
      this.busy = false;
      this.pump();
    }
  }

  /** Stops delivering events (the queue keeps what arrives, unanswered). */
  detach(): void {
    this.queue.deliver = null;
  }

  private pump(): void {
    if (this.busy) return;
    const event = this.queue.take();
    if (event === undefined) return;
    this.busy = true;
    void this.deliver(event).finally(() => {
      this.busy = false;
      // The next event starts on a later turn, so a burst of events never deepens the JS stack.
      setImmediate(() => this.pump());
    });
  }

  private async deliver(event: HostEvent): Promise<void> {
    const heap = this.vm.heap;
    const receiver = globalValue(heap, event.receiver);
    let error: string | null = null;
    if (receiver === 0) {
      error = `no global named ${event.receiver} to receive #${event.selector}`;
    } else {
      const args = event.args.map((a) => this.toObject(a));
      const outcome = await this.vm.send(receiver, event.selector, args);
      if (outcome.kind === 'error') error = formatOutcomeError(outcome).trimEnd();
    }
    if (error !== null) {
      this.eventErrors++;
      process.exitCode = 1;
      this.report(`${error}\n`);
    }
    event.settled?.(error === null ? null : error.split('\n')[0]);
  }

  private toObject(a: EventArgument): number {
    const heap = this.vm.heap;
    const s = this.vm.state;
    if (a === null) return heap.nilOop;
    if (typeof a === 'string') return newString(heap, a);
    if (typeof a === 'number') return newInteger(heap, a);
    if (typeof a === 'boolean') return s.bool(a);
    return newStringArray(heap, a);
  }
}
