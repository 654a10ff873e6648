// `strata build [--out PATH]`: bootstraps the base image from the kernel sources
// (images/kernel/) and saves it; prints a summary and every problem found (a method that
// does not compile, a failing class initializer), exiting 1 if there were any.

import { buildBaseImage, DEFAULT_IMAGE_PATH, formatReport } from '../../images/bootstrap.ts';
import { BufferHost } from '../../vm/host.ts';
import { Exit, UsageError, type Command } from '../command.ts';

export const buildCommand: Command = {
  name: 'build',
  args: '[--out PATH] [--quiet]',
  summary: 'build the base image from the kernel sources in images/kernel/',
  details: [
    `  --out PATH   where to write the image (default ${DEFAULT_IMAGE_PATH})`,
    '  --quiet      print only problems',
    'The same sources always give a byte-identical image.',
  ].join('\n'),
  run(args, io) {
    let out = DEFAULT_IMAGE_PATH;
    let quiet = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--out') {
        const p = args[++i];
        if (p === undefined) throw new UsageError('--out needs a PATH', 'build');
        out = p;
      } else if (a === '--quiet') {
        quiet = true;
      } else {
        throw new UsageError(`unknown argument '${a}'`, 'build');
      }
    }
    const t0 = performance.now();
    const report = buildBaseImage(out, { host: new BufferHost() });
    const text = formatReport(report);
    if (report.problems.length > 0) {
      io.stderr(text);
      return Exit.error;
    }
    if (!quiet) io.stdout(`${text.trimEnd()}\nwrote ${out} in ${Math.round(performance.now() - t0)} ms\n`);
    return Exit.ok;
  },
};
