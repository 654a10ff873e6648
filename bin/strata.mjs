#!/usr/bin/env node
// The `strata` command. Runs build/strata.mjs (the esbuild bundle made by `npm ci` through
// tools/bundle-cli.mjs) when it is newer than every TypeScript source; otherwise, as while
// developing, runs repl/main.ts through tsx's loader, so an edited source is never run stale.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'build', 'strata.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'kernel' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (/\.tsx?$/.test(entry.name)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  let built;
  try {
    built = fs.statSync(bundle).mtimeMs;
  } catch {
    return false;
  }
  return ['vm', 'compiler', 'images', 'repl'].every((d) => newestSource(path.join(root, d)) <= built);
}

// A session on a terminal is interactive whatever the environment says: ink reads CI (and
// CONTINUOUS_INTEGRATION) once, when it loads, and would then draw only a final frame, so
// the REPL's prompt would never appear in a terminal opened by a CI job (or a shell that
// exports CI). Those variables mean nothing else to Strata.
if (process.stdin.isTTY && process.stdout.isTTY) {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
}

if (process.env.STRATA_NO_BUNDLE !== '1' && bundleIsFresh()) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  // The project's tsconfig (jsx: react-jsx) whatever the working directory is.
  register({ tsconfig: path.join(root, 'tsconfig.json') });
  await import('../repl/main.ts');
}
