// `strata info FILE`: the header, segments, object count and class histogram of an image.

import { formatImageInfo, imageInfo } from '../../images/info.ts';
import { Exit, UsageError, type Command } from '../command.ts';

export const infoCommand: Command = {
  name: 'info',
  args: 'FILE [--top N]',
  summary: "print an image's header, segment table, object count and class histogram",
  details: [
    'The image is fully checked (magic, version, word size, byte order, header, length,',
    'checksum) and a bad one is refused with the name of the check, exit code 2.',
    '  --top N   how many classes each histogram lists (default 20)',
  ].join('\n'),
  run(args, io) {
    let file: string | null = null;
    let top = 20;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (arg === '--top') {
        const n = Number(args[++i]);
        if (!Number.isInteger(n) || n < 1) throw new UsageError('--top needs a positive whole number', 'info');
        top = n;
      } else if (arg.startsWith('-') && arg !== '-') {
        throw new UsageError(`unknown option '${arg}'`, 'info');
      } else if (file === null) {
        file = arg;
      } else {
        throw new UsageError(`one FILE expected, got '${file}' and '${arg}'`, 'info');
      }
    }
    if (file === null) throw new UsageError('info needs an image FILE', 'info');
    io.stdout(formatImageInfo(imageInfo(file), top));
    return Exit.ok;
  },
};
