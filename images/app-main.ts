// The program inside a shipped app (strata ship): boot the embedded image, run its startup
// action, then serve host events (HTTP requests) until nothing is left to wait for.
//
// Startup does no work proportional to the number of objects: bootImageFromBuffer copies
// the image's segments into the heap buffer and checks one checksum (no parsing, no pointer
// fixing, no object creation), the primitive table and method cache are built empty, and
// the first send looks up one method. It imports nothing from compiler/ or repl/: the
// compiler is loaded only when the app compiles at run time (ship-host.ts lazyCompiler).
//
// Exit codes: 0 when the startup action (and every event) ended normally, 1 after an
// unhandled Smalltalk error (its description and Smalltalk stack go to stderr), 2 when the
// embedded image cannot be booted, or whatever the program passes to `Smalltalk exit:`.

import { bootImageFromBuffer } from './reader.ts';
import { AppHost, lazyCompiler, writeFully } from './ship-host.ts';
import type { AppPayload } from './ship-payload.ts';
import { AppRunner, formatOutcomeError } from './ship-runner.ts';
import type { Heap } from '../vm/heap.ts';
import { specialObject } from '../vm/objects.ts';
import { Special } from '../vm/special.ts';
import { VM } from '../vm/vm.ts';

export interface AppOptions {
  /** `Smalltalk arguments`; default the words after the program on the command line. */
  arguments?: readonly string[];
}

/** Boots the payload's image and runs the app. Resolves once the startup action has ended. */
export async function runApp(payload: AppPayload, options: AppOptions = {}): Promise<void> {
  let heap: Heap;
  try {
    heap = bootImageFromBuffer(payload.readImage(), {}, payload.name);
  } catch (e) {
    writeFully(2, `${payload.name}: cannot boot the embedded image: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const host = new AppHost(options.arguments ?? process.argv.slice(2), lazyCompiler(() => payload.readCompiler()));
  const vm = new VM(heap, host);
  const action = specialObject(heap, Special.startUpAction);
  if (action === heap.nilOop) {
    writeFully(2, `${payload.name}: the image has no startup action (ship it with --main EXPR, or set Smalltalk startUpAction: [...] before saving)\n`);
    process.exit(2);
  }
  const runner = new AppRunner(vm, (text) => host.writeStderr(text));
  const outcome = await runner.runBlock(action);
  if (outcome.kind === 'error') {
    runner.detach();
    host.writeStderr(formatOutcomeError(outcome));
    process.exit(1);
  }
}
