// Booting an image into a ready VM: read the image (images/reader.ts), attach a host with
// the compiler hook, and answer the VM. This is what `strata eval`, the REPL and tests use.

import fs from 'node:fs';
import { bootImage } from './reader.ts';
import { DEFAULT_IMAGE_PATH } from './bootstrap.ts';
import { compileForHost } from './compile-hook.ts';
import { ImageError } from './format.ts';
import { saveForHost } from './save-hook.ts';
import { NodeHost, type Host } from '../vm/host.ts';
import type { HeapOptions } from '../vm/heap.ts';
import { VM } from '../vm/vm.ts';

export { DEFAULT_IMAGE_PATH };

export interface WorldOptions {
  /** Defaults to a NodeHost (process stdout/stderr). */
  host?: Host;
  heap?: HeapOptions;
}

/** Boots the image at path (default build/base.image) into a VM whose host can compile. */
export function bootWorld(path: string = DEFAULT_IMAGE_PATH, options: WorldOptions = {}): VM {
  if (!fs.existsSync(path)) {
    const hint = path === DEFAULT_IMAGE_PATH ? ': build it with `strata build` (npm ci does)' : '';
    throw new ImageError('cannot read', `no such file${hint}`, path);
  }
  const heap = bootImage(path, options.heap);
  const host = options.host ?? new NodeHost();
  host.compile = compileForHost;
  host.saveImage = saveForHost;
  return new VM(heap, host);
}
