// `strata run [--image IN] FILE [ARGS...]`: runs a program. FILE is a script (statements,
// run as one doit), a chunk-format file (filed in: definitions, methods and doits in
// order) or a Tonel package (loaded, class-side initializers run). A `#!/usr/bin/env strata`
// first line is ignored, so an executable script runs as `./script.st ARGS`. Everything
// after FILE is the program's: `Smalltalk arguments` answers it as an Array of Strings.
//
// The program's output (Transcript, Stdout) is written synchronously, so nothing is lost
// when it ends with `Smalltalk exit: n`. The image is not saved.
//
// Exit codes: 0 ok; 1 an unhandled Smalltalk error (description and stack on stderr) or an
// interrupt (Ctrl-C); 2 bad usage, or a file that cannot be read or does not compile
// (file:line:col, the source line and a caret on stderr). The first problem ends the run.

import { formatProblem, isBadFile, loadFiles } from '../../images/loader.ts';
import { AppHost } from '../../images/ship-host.ts';
import { bootWorld } from '../../images/world.ts';
import { Exit, UsageError, type Command } from '../command.ts';
import { IMAGE_OPTION_HELP, imagePath, parseArgs } from './args.ts';

export const runCommand: Command = {
  name: 'run',
  args: '[--image IN] FILE [ARGS...]',
  summary: 'run a Smalltalk script, chunk file or Tonel package (Smalltalk arguments answers ARGS)',
  details: [
    IMAGE_OPTION_HELP,
    'FILE is a script of statements, a chunk-format (.st fileout) file or a Tonel package',
    'directory. A first line #!/usr/bin/env strata is skipped: chmod +x a script and run it.',
    'Options go before FILE; every word after FILE is an argument of the program.',
    'Exit codes: 0 ok, 1 Smalltalk error or Ctrl-C, 2 a bad or missing file (file:line:col).',
  ].join('\n'),
  async run(args, io) {
    const parsed = parseArgs(args, 'run', { values: [['--image']], stopAtPositional: true });
    const [file, ...programArgs] = parsed.positional;
    if (file === undefined) throw new UsageError('run needs a FILE', 'run');
    const vm = bootWorld(imagePath(parsed), { host: new AppHost(programArgs, null) });
    const onSigint = (): void => vm.interrupt();
    process.on('SIGINT', onSigint);
    try {
      const summary = await loadFiles(vm, [file], { stopOnError: true, onProblem: (p) => io.stderr(formatProblem(p)) });
      if (summary.problems.length === 0) return Exit.ok;
      return summary.problems.some(isBadFile) ? Exit.usage : Exit.error;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
