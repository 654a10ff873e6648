// `strata save OUT [--image IN] [--delta | --compact]`: boots IN and saves its world at
// OUT: a full image (the default), a delta holding only what differs from IN (IN must stay
// where it is: the delta names it as its parent), or a compacted full image (a delta chain
// flattened, garbage of saved segments dropped). Saving is crash-safe: OUT is written
// beside itself and renamed over, so a kill leaves the old OUT intact.
//
// Also what `strata load` uses to save after loading (saveLoadedWorld).

import { saveWorld } from '../../images/save-hook.ts';
import { bootWorld } from '../../images/world.ts';
import { fullGC } from '../../vm/gc.ts';
import type { SaveKind } from '../../vm/host.ts';
import type { VM } from '../../vm/vm.ts';
import { Exit, UsageError, type Command } from '../command.ts';
import { IMAGE_OPTION_HELP, imagePath, parseArgs, type ParsedArgs } from './args.ts';

export const SAVE_KIND_HELP = [
  '  --delta        save only what differs from IN (a delta image whose parent is IN)',
  '  --compact      save a compacted full image (flattens a delta chain, drops garbage)',
].join('\n');

/** The kind of image asked for by --delta / --compact (full by default). */
export function saveKindOf(parsed: ParsedArgs, command: string): SaveKind {
  const delta = parsed.flags.has('--delta');
  const compact = parsed.flags.has('--compact');
  if (delta && compact) throw new UsageError('--delta and --compact exclude each other', command);
  return delta ? 'delta' : compact ? 'compact' : 'full';
}

/** Collects garbage in old space (a full or delta save keeps what is still there), then saves. */
export function saveVm(vm: VM, out: string, kind: SaveKind): string {
  if (kind !== 'compact') {
    fullGC(vm.heap);
    vm.state.afterGC();
  }
  return saveWorld(vm.heap, out, kind);
}

export const saveCommand: Command = {
  name: 'save',
  args: 'OUT [--image IN] [--delta | --compact]',
  summary: 'boot an image and save it at OUT (full, delta or compacted)',
  details: [
    IMAGE_OPTION_HELP,
    SAVE_KIND_HELP,
    'OUT is written crash-safely (a temporary file renamed over it).',
  ].join('\n'),
  run(args, io) {
    const parsed = parseArgs(args, 'save', { values: [['--image']], flags: ['--delta', '--compact'] });
    const kind = saveKindOf(parsed, 'save');
    if (parsed.positional.length !== 1) {
      throw new UsageError(parsed.positional.length === 0 ? 'save needs an output file OUT' : `one OUT expected, got ${parsed.positional.join(' ')}`, 'save');
    }
    const vm = bootWorld(imagePath(parsed), { host: undefined });
    io.stdout(`${saveVm(vm, parsed.positional[0]!, kind)}\n`);
    return Exit.ok;
  },
};
