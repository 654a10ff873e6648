// Where the project lives, for files found relative to it (the kernel sources, the base
// image, package.json). The code runs from two layouts: the TypeScript sources
// (images/*.ts) and the esbuild bundle (build/strata.mjs), so the root is found by walking
// up from this module to the directory whose package.json names the project.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'strata') return dir;
    } catch {
      // no package.json here: keep walking up
    }
    if (path.dirname(dir) === dir) return path.resolve(start, '..');
  }
}

export const PROJECT_ROOT = findRoot();
