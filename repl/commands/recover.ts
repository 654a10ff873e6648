// `strata recover [IMAGE] [all | N N-M ...] [--out PATH]`: the REPL's `.recover` from the
// command line, for after a crash. Without picks it lists the changes logged in
// IMAGE.changes since the image's last save that the image lacks; with picks it replays
// them (oldest first), then saves the world over IMAGE (or to --out), so the next boot has
// them. The image is IMAGE, else --image, else $STRATA_IMAGE, else the built base image.

import { CommandError, parseIndexes } from '../repl-commands.ts';
import { resultLines } from '../log.ts';
import { Exit, UsageError, type CliIO, type Command } from '../command.ts';
import { openVmSession, type VmSession } from '../vm-session.ts';
import type { RecoverableChange } from '../session.ts';

export interface RecoverArgs {
  readonly image: string | null;
  /** Indexes and ranges as typed ('all', '1', '3-5'); empty: just list. */
  readonly picks: readonly string[];
  readonly out: string | null;
}

const PICK = /^(all|\d+(-\d+)?)(,\d+(-\d+)?)*$/;

export function parseRecoverArgs(args: readonly string[], env: NodeJS.ProcessEnv): RecoverArgs {
  let image: string | null = null;
  let out: string | null = null;
  const picks: string[] = [];
  const value = (i: number, option: string): string => {
    const v = args[i];
    if (v === undefined || v === '') throw new UsageError(`${option} needs a path`, 'recover');
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--out') out = value(++i, '--out');
    else if (a === '--image') image = setOnce(image, value(++i, '--image'));
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`, 'recover');
    else if (PICK.test(a)) picks.push(a);
    else image = setOnce(image, a);
  }
  const fromEnv = env['STRATA_IMAGE'];
  return { image: image ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : null), picks, out };
}

function setOnce(current: string | null, next: string): string {
  if (current !== null) throw new UsageError(`one image expected, got '${current}' and '${next}'`, 'recover');
  return next;
}

function listLine(c: RecoverableChange): string {
  return `${String(c.index).padStart(3)}  ${c.timestamp}  ${c.kind.padEnd(6)} ${c.label}`;
}

async function recover(session: VmSession, a: RecoverArgs, io: CliIO): Promise<number> {
  const changes = await session.recoverable();
  if (a.picks.length === 0) {
    if (changes.length === 0) {
      io.stdout(`nothing to recover: ${session.imagePath} has every change logged in ${session.changesPath ?? 'its changes log'}\n`);
      return Exit.ok;
    }
    io.stdout(changes.map(listLine).join('\n') + '\n');
    io.stdout(`replay with: strata recover ${session.imagePath} all (or numbers such as 1 3-5); the image is saved afterwards\n`);
    return Exit.ok;
  }
  let picked: number[];
  try {
    picked = parseIndexes(a.picks.join(' '), changes.length);
  } catch (e) {
    if (e instanceof CommandError) throw new UsageError(e.message, 'recover');
    throw e;
  }
  if (picked.length === 0) {
    io.stdout('nothing to recover\n');
    return Exit.ok;
  }
  const results = await session.replay(picked);
  let failed = false;
  results.forEach((r, i) => {
    const label = changes[picked[i]! - 1]?.label ?? String(picked[i]);
    if (r.kind === 'value') {
      io.stdout(`replayed ${label}\n`);
      return;
    }
    failed = true;
    resultLines(r).forEach((l, j) => io.stderr(`${j === 0 ? `${label}: ` : ''}${l.text}\n`));
  });
  io.stdout(`saved ${await session.save(a.out ?? undefined)}\n`);
  return failed ? Exit.error : Exit.ok;
}

export const recoverCommand: Command = {
  name: 'recover',
  args: '[IMAGE] [all | N N-M ...] [--out PATH]',
  summary: "list the changes logged since an image's last save that it lacks; replay them and save",
  details: [
    'Every definition and doit accepted in the REPL is appended to IMAGE.changes beside the image.',
    'Without picks, lists the changes made after the last save that the image lacks (after a',
    'crash: the lost work). With `all` or numbers (1 3-5), replays those changes in order and',
    'saves the image (over IMAGE, or to --out PATH). The same as .recover in the REPL.',
    'The image is IMAGE or --image, else $STRATA_IMAGE, else the built base image.',
  ].join('\n'),
  async run(args, io) {
    const a = parseRecoverArgs(args, process.env);
    const session = await openVmSession(a.image, { onExit: () => {} });
    const unsubscribe = session.onTranscript((t) => io.stdout(t));
    try {
      return await recover(session, a, io);
    } finally {
      unsubscribe();
      await session.close();
    }
  },
};
