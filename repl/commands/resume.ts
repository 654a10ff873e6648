// `strata resume IMAGE`: boots an image saved by running code (`Smalltalk saveImage:` from a
// script or a forked process) and lets what was running go on: the process that saved sees
// its save answer true, every other process continues where it was (a Delay with the time
// it had left). Exits once no process can run any more (exit 1 if the resumed evaluation
// ended with an unhandled error).

import { bootWorld } from '../../images/world.ts';
import { Exit, UsageError, type CliIO, type Command } from '../command.ts';
import { formatError } from './eval.ts';

export const resumeCommand: Command = {
  name: 'resume',
  args: 'IMAGE',
  summary: 'boot an image saved by running code and let its processes continue',
  details: [
    'The process that saved the image continues after its saveImage: (which answers true);',
    'every other process continues as it was. Exits when no process can run any more.',
  ].join('\n'),
  async run(args, io: CliIO) {
    if (args.length !== 1 || args[0].startsWith('--')) throw new UsageError('resume takes one IMAGE', 'resume');
    const vm = bootWorld(args[0]);
    const onSigint = (): void => vm.interrupt();
    process.on('SIGINT', onSigint);
    try {
      let code: number = Exit.ok;
      if (vm.processes.evaluating) {
        const outcome = await vm.runSlices();
        if (outcome.kind === 'error') {
          io.stderr(formatError(outcome));
          code = Exit.error;
        }
      }
      await vm.processes.whenQuiet();
      return code;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
