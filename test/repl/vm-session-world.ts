// The base image for the VM session tests: build/base.image when it exists (npm ci builds
// it), else one bootstrapped once into a temporary directory. Each test works on a copy in
// its own directory, so nothing writes next to build/base.image (no stray .changes there).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildBaseImage, DEFAULT_IMAGE_PATH } from '../../images/bootstrap.ts';
import { BufferHost } from '../../vm/host.ts';

let built: string | null = null;

/** A readable base image (never to be written). */
export function baseImage(): string {
  if (fs.existsSync(DEFAULT_IMAGE_PATH)) return DEFAULT_IMAGE_PATH;
  if (built === null) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-base-'));
    built = path.join(dir, 'base.image');
    buildBaseImage(built, { host: new BufferHost() });
  }
  return built;
}

/** A fresh directory holding a copy of the base image as `world.image`; answers its path. */
export function worldCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-session-'));
  const image = path.join(dir, 'world.image');
  fs.copyFileSync(baseImage(), image);
  return image;
}

export function removeWorld(image: string): void {
  fs.rmSync(path.dirname(image), { recursive: true, force: true });
}
