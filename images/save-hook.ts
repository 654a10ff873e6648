// The host's side of `Smalltalk saveImage:`, `saveDelta:` and `saveCompact:` (the primitive
// is vm/primitives/image.ts; vm/ does not import images/, so images/world.ts installs this
// as Host.saveImage). Also what the CLI and the REPL call to save a world.
//
// As in Squeak, a save from a running world collects all garbage first: the full GC empties
// the nursery and drops dead objects from old space, so a delta holds only live new objects
// (the heap-level saveImage/saveDelta write old space as it is). Call it at a safe point.

import { fullGC } from '../vm/gc.ts';
import type { Heap } from '../vm/heap.ts';
import type { SaveHook, SaveKind } from '../vm/host.ts';
import { saveCompact } from './compact.ts';
import { saveDelta } from './delta.ts';
import { saveImage } from './writer.ts';

/** Saves the heap as an image of `kind` at `path`; answers a one-line summary. Throws ImageError. */
export function saveWorld(heap: Heap, path: string, kind: SaveKind): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  if (kind !== 'compact') fullGC(heap); // a compacting save runs its own
  switch (kind) {
    case 'full': {
      const stats = saveImage(heap, path);
      return `saved ${path}: full image, ${n(stats.bytes)} bytes`;
    }
    case 'delta': {
      const stats = saveDelta(heap, path);
      return `saved ${path}: delta of ${stats.parentPath}, ${n(stats.bytes)} bytes (${n(stats.cardRuns)} card runs, ${n(stats.newBytes)} bytes of new objects)`;
    }
    case 'compact': {
      const { stats, fileBytes } = saveCompact(heap, path);
      return `saved ${path}: compacted full image, ${n(fileBytes)} bytes (dropped ${n(stats.garbageObjects)} objects, ${n(stats.garbageBytes)} bytes of garbage)`;
    }
  }
}

export const saveForHost: SaveHook = saveWorld;
