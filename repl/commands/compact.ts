// `strata compact IN OUT`: boots IN (a full image, or a delta with its whole chain) and
// saves its live world as one compacted full image at OUT (images/compact.ts): the chain
// flattened, the garbage saved segments kept dropped, classes with their methods together
// and each class's instances together.

import fs from 'node:fs';
import nodePath from 'node:path';
import { saveCompact } from '../../images/compact.ts';
import { sha256Hex } from '../../images/content-hash.ts';
import { loadImage } from '../../images/reader.ts';
import { Exit, UsageError, type Command } from '../command.ts';

export const compactCommand: Command = {
  name: 'compact',
  args: 'IN OUT',
  summary: 'flatten an image or delta chain into one compacted full image',
  details: [
    'IN is booted with its whole chain (every check runs); its live world is laid out anew,',
    'classes and their methods together, then each class\'s instances together, and saved',
    'crash-safely as a full image at OUT (which may not be a file of IN\'s chain).',
    'Prints the bytes before and after and the garbage dropped.',
  ].join('\n'),
  run(args, io) {
    const files = args.filter((a) => a === '-' || !a.startsWith('-'));
    const option = args.find((a) => a !== '-' && a.startsWith('-'));
    if (option !== undefined) throw new UsageError(`unknown option '${option}'`, 'compact');
    if (files.length !== 2) throw new UsageError('compact needs an input image IN and an output file OUT', 'compact');
    const [input, output] = files;
    const { heap, chain } = loadImage(input);
    const target = nodePath.resolve(output);
    if (chain.some((l) => nodePath.resolve(l.path) === target)) {
      throw new UsageError(`OUT ${output} is a file of IN's chain; write the compacted image elsewhere`, 'compact');
    }
    const filesBefore = chain.reduce((n, l) => n + fs.statSync(l.path).size, 0);
    const { stats, fileBytes, contentHash } = saveCompact(heap, output);
    const row = (name: string, text: string): string => `${name.padEnd(16)}${text}\n`;
    const n = (x: number): string => x.toLocaleString('en-US');
    const pct = (part: number, whole: number): string => (whole === 0 ? '0.0' : ((100 * part) / whole).toFixed(1));
    io.stdout([
      row('compacted', `${input} (${chain.length} file${chain.length === 1 ? '' : 's'}) -> ${output}`),
      row('files', `${n(filesBefore)} -> ${n(fileBytes)} bytes (${pct(filesBefore - fileBytes, filesBefore)}% saved)`),
      row('heap', `${n(stats.bytesBefore)} -> ${n(stats.bytesAfter)} bytes`),
      row('objects', `${n(stats.objectsBefore)} -> ${n(stats.objectsAfter)}`),
      row('garbage dropped', `${n(stats.garbageObjects)} objects, ${n(stats.garbageBytes)} bytes`),
      row('weak slots', `${n(stats.weakSlotsCleared)} cleared`),
      row('order', stats.order === 'class'
        ? 'classes with their methods, then each class\'s instances'
        : 'breadth-first (no class table found)'),
      row('sha256', sha256Hex(contentHash)),
      row('time', `${stats.ms.toFixed(1)} ms`),
    ].join(''));
    return Exit.ok;
  },
};
