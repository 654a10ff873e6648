// `strata load FILE... [--image IN] [-o OUT] [--delta | --compact] [--force]`: boots IN,
// loads each FILE into it (Tonel package directories, .class.st/.extension.st files, chunk
// fileouts, scripts: images/loader.ts) and saves the world. Without -o the image is saved
// over IN, except the built base image, which `strata build` owns: loading into it needs -o.
//
// Loading goes on after a problem (each is printed on stderr with file:line:col and a caret,
// or with the Smalltalk stack), so one run shows every mistake; but then nothing is saved
// unless --force is given, so a half-loaded world never replaces a good image.
//
// Exit codes: 0 loaded and saved; 1 a Smalltalk error (a doit or class initializer failed);
// 2 bad usage, or a file that cannot be read, is not in a source format or does not compile.

import path from 'node:path';
import { formatProblem, formatSummary, isBadFile, loadFiles } from '../../images/loader.ts';
import { bootWorld, DEFAULT_IMAGE_PATH } from '../../images/world.ts';
import { Exit, UsageError, type Command } from '../command.ts';
import { IMAGE_OPTION_HELP, imagePath, parseArgs } from './args.ts';
import { SAVE_KIND_HELP, saveKindOf, saveVm } from './save.ts';

export const loadCommand: Command = {
  name: 'load',
  args: 'FILE... [--image IN] [-o OUT] [--delta | --compact] [--force]',
  summary: 'load Tonel packages, chunk files or scripts into an image and save it',
  details: [
    IMAGE_OPTION_HELP,
    '  -o, --save OUT where to save (default: over IN; the base image needs -o)',
    SAVE_KIND_HELP,
    '  --force        save even when some definitions failed to load',
    'A Tonel package loads classes first, then methods, then runs the class-side initialize',
    'of its classes whose initialize is new or changed; a chunk file files in in order.',
    'Every problem is printed with file:line:col; after one, nothing is saved without --force.',
    'Exit codes: 0 saved, 1 a Smalltalk error, 2 a bad file or bad usage.',
  ].join('\n'),
  async run(args, io) {
    const parsed = parseArgs(args, 'load', { values: [['--image'], ['--save', '-o']], flags: ['--delta', '--compact', '--force'] });
    const kind = saveKindOf(parsed, 'load');
    if (parsed.positional.length === 0) throw new UsageError('load needs at least one FILE', 'load');
    const image = imagePath(parsed);
    const out = parsed.values.get('--save') ?? image;
    if (path.resolve(out) === path.resolve(DEFAULT_IMAGE_PATH) && !parsed.values.has('--save')) {
      throw new UsageError('loading into the base image needs -o OUT (strata build rewrites the base image)', 'load');
    }
    const vm = bootWorld(image, { host: undefined });
    const onSigint = (): void => vm.interrupt();
    process.on('SIGINT', onSigint);
    try {
      const summary = await loadFiles(vm, parsed.positional, { onProblem: (p) => io.stderr(formatProblem(p)) });
      for (const line of formatSummary(summary)) io.stdout(`${line}\n`);
      const failed = summary.problems.length > 0;
      if (summary.stopped && summary.problems.at(-1)?.reason === 'Interrupted') {
        io.stderr('interrupted: nothing saved\n');
        return Exit.error;
      }
      if (failed && !parsed.flags.has('--force')) {
        const n = summary.problems.length;
        io.stderr(`${n} problem${n === 1 ? '' : 's'}: ${out} not saved (--force saves anyway)\n`);
      } else {
        io.stdout(`${saveVm(vm, out, kind)}\n`);
      }
      if (!failed) return Exit.ok;
      return summary.problems.some(isBadFile) ? Exit.usage : Exit.error;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
