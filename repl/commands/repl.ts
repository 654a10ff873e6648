// `strata repl [IMAGE]` (and `strata` alone): the interactive REPL on an image, or the piped
// reader when stdin is not a terminal. The image is IMAGE, else --image, else
// $STRATA_IMAGE, else the built base image (the session opener decides the last).

import { Exit, UsageError, type Command } from '../command.ts';
import type { ReplSession } from '../session.ts';
import { startRepl } from '../start-repl.ts';
import type { StartOptions } from '../start-repl.ts';
import { openVmSession } from '../vm-session.ts';

export interface ReplDeps {
  /** Boots the world; `imagePath` null means the default (base) image. */
  readonly openSession?: (imagePath: string | null) => Promise<ReplSession>;
  readonly env?: NodeJS.ProcessEnv;
  readonly start?: StartOptions;
}

/** The image named by the arguments or the environment; null for the default image. */
export function replImagePath(args: readonly string[], env: NodeJS.ProcessEnv): string | null {
  let image: string | null = null;
  const take = (path: string | undefined, how: string): void => {
    if (path === undefined || path === '') throw new UsageError(`${how} needs an image path`, 'repl');
    if (image !== null) throw new UsageError(`one image expected, got '${image}' and '${path}'`, 'repl');
    image = path;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--image') take(args[++i], '--image');
    else if (arg.startsWith('--image=')) take(arg.slice('--image='.length), '--image');
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}'`, 'repl');
    else take(arg, 'repl');
  }
  const fromEnv = env['STRATA_IMAGE'];
  return image ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : null);
}

export async function replCommand(args: string[], deps: ReplDeps = {}): Promise<number> {
  const imagePath = replImagePath(args, deps.env ?? process.env);
  const session = await (deps.openSession ?? openVmSession)(imagePath);
  try {
    const banner = [`Strata: ${session.imagePath ?? 'base image'}. Type .help for commands, Ctrl-D to exit.`];
    return await startRepl(session, { banner, ...deps.start });
  } finally {
    await session.close();
  }
}

export const replCommandSpec: Command = {
  name: 'repl',
  args: '[IMAGE] [--image IMAGE]',
  summary: 'the interactive REPL (reads inputs from stdin when it is not a terminal)',
  details: [
    'The image is IMAGE or --image, else $STRATA_IMAGE, else the built base image.',
    'Enter evaluates a complete input and prints its printString; open brackets, strings or',
    'comments continue on the next line. Methods: Foo >> bar [ ^ 42 ]. .help lists the commands',
    '(.save .load .browse .source .senders .implementors .inspect .dis .recover .exit) and keys.',
    'History: ~/.strata_history, or $STRATA_HISTORY (empty: none).',
    'Every accepted definition and doit is logged to IMAGE.changes; after a crash, .recover',
    '(or strata recover IMAGE) lists what the image lacks since its last save and replays it.',
    "Piped: echo '3 + 4' | strata repl prints 7; exit code 1 when an input failed.",
  ].join('\n'),
  run: (args) => replCommand(args).then((code) => (code === 130 ? code : code === 0 ? Exit.ok : Exit.error)),
};
