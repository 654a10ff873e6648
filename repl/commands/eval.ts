// `strata eval EXPR [--image PATH]`: boots the image, evaluates EXPR as a doit and prints
// the printString of its value; an unhandled Smalltalk error prints its description and the
// Smalltalk stack on stderr and exits 1. The VM runs in slices, so Ctrl-C (SIGINT) stops a
// runaway evaluation within a slice (~10 ms) with a trace of where it was.

import { bootWorld, DEFAULT_IMAGE_PATH } from '../../images/world.ts';
import { isStringLike, stringValue } from '../../vm/objects.ts';
import type { Outcome } from '../../vm/state.ts';
import { Exit, UsageError, type CliIO, type Command } from '../command.ts';

export function formatError(o: Extract<Outcome, { kind: 'error' }>): string {
  return [o.description, ...o.trace.map((l) => `  ${l}`)].join('\n') + '\n';
}

export const evalCommand: Command = {
  name: 'eval',
  args: "EXPR [--image PATH]",
  summary: 'evaluate Smalltalk code in an image and print the printString of the result',
  details: [
    `  --image PATH   the image to boot (default ${DEFAULT_IMAGE_PATH})`,
    'An unhandled error prints its description and the Smalltalk stack on stderr (exit 1).',
    'Ctrl-C interrupts a long evaluation and prints where it was.',
  ].join('\n'),
  async run(args, io: CliIO) {
    let image: string | undefined;
    let expr: string | null = null;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--image') {
        image = args[++i];
        if (image === undefined) throw new UsageError('--image needs a PATH', 'eval');
      } else if (a.startsWith('--')) {
        throw new UsageError(`unknown option '${a}'`, 'eval');
      } else if (expr === null) {
        expr = a;
      } else {
        throw new UsageError('eval takes one EXPR (quote it)', 'eval');
      }
    }
    if (expr === null) throw new UsageError('eval needs an EXPR', 'eval');
    const vm = bootWorld(image, { host: undefined });
    const onSigint = (): void => vm.interrupt();
    process.on('SIGINT', onSigint);
    try {
      let outcome: Outcome;
      try {
        outcome = await vm.evaluate(expr);
      } catch (e) {
        io.stderr(`${(e as Error).message}\n`);
        return Exit.error;
      }
      if (outcome.kind === 'error') {
        io.stderr(formatError(outcome));
        return Exit.error;
      }
      const printed = await vm.send(outcome.value, 'printString');
      if (printed.kind === 'error') {
        io.stderr(formatError(printed));
        return Exit.error;
      }
      const text = isStringLike(vm.heap, printed.value) ? stringValue(vm.heap, printed.value) : vm.describe(outcome.value);
      io.stdout(`${text}\n`);
      return Exit.ok;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
