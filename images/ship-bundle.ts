// esbuild bundles for strata ship: the app (images/app-main.ts and the VM, minified and
// tree-shaken, as ESM for OUT.mjs or as CommonJS for a single executable, whose main script
// Node runs as CommonJS), and the compiler chunk that a shipped app evaluates lazily.
//
// The sources are found from the project root, so this works both from the TypeScript
// sources and from the bundled CLI (build/strata.mjs). esbuild is imported by a computed
// name: the CLI bundler must leave it alone (it is a native tool, not bundlable code).

import path from 'node:path';
import type * as Esbuild from 'esbuild';
import { PROJECT_ROOT } from './project-root.ts';
import type { PayloadManifest } from './ship-payload.ts';

export const IMAGES_DIR = path.join(PROJECT_ROOT, 'images');

/** Packages an app bundle must never contain (the REPL's UI and the parser library). */
export const FORBIDDEN_IN_APP = ['chevrotain', 'ink', 'react', 'compiler/', 'repl/'];

export interface Bundle {
  code: string;
  /** Project-relative paths of the modules in the bundle (esbuild's metafile inputs). */
  inputs: string[];
}

let esbuildModule: Promise<typeof Esbuild> | null = null;

function esbuild(): Promise<typeof Esbuild> {
  const name = 'esbuild';
  esbuildModule ??= import(name) as Promise<typeof Esbuild>;
  return esbuildModule;
}

async function bundle(entry: string, options: Esbuild.BuildOptions): Promise<Bundle> {
  const { build } = await esbuild();
  const result = await build({
    stdin: { contents: entry, resolveDir: IMAGES_DIR, loader: 'ts', sourcefile: 'strata-entry.ts' },
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    minify: true,
    treeShaking: true,
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
    ...options,
  });
  const code = result.outputFiles?.[0]?.text;
  if (code === undefined) throw new Error('esbuild produced no output');
  return { code, inputs: Object.keys(result.metafile?.inputs ?? {}) };
}

/** The app for OUT.mjs: ESM, reading its payload from the end of its own file. */
export function bundleFileApp(manifest: PayloadManifest): Promise<Bundle> {
  const entry = [
    "import { fileURLToPath } from 'node:url';",
    "import { runApp } from './app-main.ts';",
    "import { filePayload } from './ship-payload.ts';",
    `void runApp(filePayload(fileURLToPath(import.meta.url), ${JSON.stringify(manifest)}));`,
  ].join('\n');
  return bundle(entry, { format: 'esm', banner: { js: '#!/usr/bin/env node' } });
}

/** The app for a single executable: CommonJS, reading its payload from SEA assets. */
export function bundleSeaApp(manifest: PayloadManifest): Promise<Bundle> {
  const entry = [
    "import * as sea from 'node:sea';",
    "import { runApp } from './app-main.ts';",
    "import { seaPayload } from './ship-payload.ts';",
    `void runApp(seaPayload(sea, ${JSON.stringify(manifest)}));`,
  ].join('\n');
  return bundle(entry, { format: 'cjs' });
}

let compilerChunk: Promise<Bundle> | null = null;

/**
 * The compiler as an IIFE script defining `__strataCompiler` (with compileForHost), evaluated
 * by ship-host.ts lazyCompiler with a `require` for the builtins it may use. The same sources
 * give the same chunk, so it is built once per process.
 */
export function bundleCompiler(): Promise<Bundle> {
  compilerChunk ??= bundle("export { compileForHost } from './compile-hook.ts';", {
    format: 'iife',
    globalName: '__strataCompiler',
  });
  return compilerChunk;
}
