// `strata ship IMAGE -o OUT [--main EXPR] [--load PATH]... [--binary] [--compress] [--no-compiler]`:
// makes the image an app (images/ship.ts) and prints what was written.

import { ShipError, shipApp, type ShipOptions } from '../../images/ship.ts';
import { Exit, UsageError, type Command } from '../command.ts';

function kb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}

export const shipCommand: Command = {
  name: 'ship',
  args: 'IMAGE -o OUT [--main EXPR] [--load PATH]... [--binary] [--compress] [--no-compiler]',
  summary: 'make an image a single-file app: node OUT.mjs ARGS... (and a standalone executable)',
  details: [
    '  -o, --out OUT    write OUT.mjs (run it with node OUT.mjs ARGS...; Node 20 or later)',
    "  --main EXPR      what the app evaluates when it starts, e.g. 'WordCount main'",
    '                   (default: the image\'s startup action, Smalltalk startUpAction: [...])',
    '  --load PATH      load a Tonel package (or a directory of them) or a .st fileout first; repeatable',
    '  --binary         also write OUT, a standalone executable (a Node single executable app)',
    '  --compress       store the image deflated (smaller file, inflated at start)',
    '  --no-compiler    leave the compiler out (the app cannot compile at run time)',
    'In the app, Smalltalk arguments answers the words after OUT.mjs; an unhandled error prints',
    'its description and Smalltalk stack on stderr and exits 1; Smalltalk exit: N exits with N.',
  ].join('\n'),
  async run(args, io) {
    let image: string | null = null;
    let out: string | null = null;
    const options: Omit<ShipOptions, 'image' | 'out'> & { load: string[] } = { load: [] };
    const value = (i: number, flag: string): string => {
      const v = args[i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`, 'ship');
      return v;
    };
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '-o' || a === '--out') out = value(++i, a);
      else if (a === '--main') options.main = value(++i, a);
      else if (a === '--load') options.load.push(value(++i, a));
      else if (a === '--binary') options.binary = true;
      else if (a === '--compress') options.compress = true;
      else if (a === '--no-compiler') options.compiler = false;
      else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`, 'ship');
      else if (image === null) image = a;
      else throw new UsageError(`one IMAGE expected, got '${image}' and '${a}'`, 'ship');
    }
    if (image === null) throw new UsageError('ship needs an IMAGE (e.g. build/base.image)', 'ship');
    if (out === null) throw new UsageError('ship needs -o OUT', 'ship');
    let result;
    try {
      result = await shipApp({ image, out, ...options });
    } catch (e) {
      if (e instanceof ShipError) {
        io.stderr(`strata ship: ${e.message}\n`);
        return Exit.usage;
      }
      throw e;
    }
    const lines = [
      `wrote ${result.mjsPath} (${kb(result.fileBytes)}: code ${kb(result.bundleBytes)}, image ${kb(result.imageBytes)}` +
        `${options.compress ? ` deflated from ${kb(result.rawImageBytes)}` : ''}` +
        `${result.compilerBytes > 0 ? `, compiler ${kb(result.compilerBytes)} loaded on demand` : ''})`,
    ];
    if (result.binaryPath !== null) lines.push(`wrote ${result.binaryPath} (${kb(result.binaryBytes)}, standalone executable)`);
    lines.push(`run it: node ${result.mjsPath} ARGS...`);
    io.stdout(`${lines.join('\n')}\n`);
    return Exit.ok;
  },
};
