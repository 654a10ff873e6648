// Runs the VM's current evaluation in slices on Node's event loop, as vm.runSlices does, with
// one difference: while the evaluation sleeps until a Delay is due (no context runs), an
// interrupt wakes it at once, so Ctrl-C ends `(Delay forSeconds: 60) wait` immediately
// instead of when the Delay fires.

import { earliestDeadline } from '../vm/timers.ts';
import type { Outcome } from '../vm/state.ts';
import type { VM } from '../vm/vm.ts';

export class SliceRunner {
  readonly vm: VM;
  /** While the evaluation sleeps: runs its next slice now. */
  private wake: (() => void) | null;

  constructor(vm: VM) {
    this.vm = vm;
    this.wake = null;
  }

  /** Runs the evaluation started with vm.start to its end. */
  run(): Promise<Outcome> {
    const vm = this.vm;
    return new Promise((resolve) => {
      const slice = (): void => {
        this.wake = null;
        const o = vm.step();
        if (o !== null) resolve(o);
        else if (vm.state.ctx !== 0) setImmediate(slice);
        else {
          const deadline = earliestDeadline(vm.heap);
          const timer = setTimeout(slice, deadline === null ? 0 : Math.max(0, deadline - vm.host.monotonicMillis()));
          this.wake = () => {
            clearTimeout(timer);
            this.wake = null;
            setImmediate(slice);
          };
        }
      };
      slice();
    });
  }

  /** Asks the evaluation to stop (vm.interrupt) and wakes it if it sleeps. */
  interrupt(): void {
    this.vm.interrupt();
    this.wake?.();
  }
}
