// strata ship: an image (plus optional Tonel packages) made into an app that runs as
// `node OUT.mjs ARGS...` on any machine with Node 20 or later, needing nothing else.
//
//   1. boot the image with the compiler attached; load the --load sources (images/loader.ts:
//      Tonel packages, directories of them, chunk fileouts);
//   2. with --main EXPR, compile `[ EXPR ]` now and keep the block as the image's startup
//      action (Special.startUpAction), so the app never compiles at start; without it the
//      image must already have one (`Smalltalk startUpAction: [...]`);
//   3. save the world as a full image (after a full GC), deflated with --compress;
//   4. bundle images/app-main.ts with esbuild and write OUT.mjs = bundle + payload
//      (ship-assemble.ts); with --binary also a single executable (ship-sea.ts).
//
// Every mistake a user can make (no such image, an EXPR that does not compile, no startup
// action, a package that does not load) is a ShipError with a message saying what to do.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { fullGC } from '../vm/gc.ts';
import { HostCompileError } from '../vm/host.ts';
import { isClosure } from '../vm/contexts.ts';
import { setSpecialObject, specialObject } from '../vm/objects.ts';
import { Special } from '../vm/special.ts';
import type { VM } from '../vm/vm.ts';
import { makePayload, writeAppFile } from './ship-assemble.ts';
import { bundleCompiler, bundleFileApp, bundleSeaApp } from './ship-bundle.ts';
import { formatProblem, loadFiles } from './loader.ts';
import { formatOutcomeError } from './ship-runner.ts';
import { buildSea } from './ship-sea.ts';
import { bootWorld } from './world.ts';
import { saveImage } from './writer.ts';

export interface ShipOptions {
  /** The image file to ship. */
  image: string;
  /** OUT: the app is OUT.mjs (OUT itself if it ends in .mjs); --binary writes OUT without .mjs. */
  out: string;
  /** An expression evaluated when the app starts; else the image's startup action. */
  main?: string;
  /** Sources to load into the image first: Tonel package directories (or directories of them), chunk files. */
  load?: readonly string[];
  binary?: boolean;
  compress?: boolean;
  /** Carry the compiler for run-time compiling (default true); it is loaded only when used. */
  compiler?: boolean;
}

export interface ShipResult {
  mjsPath: string;
  binaryPath: string | null;
  /** Bytes of OUT.mjs's JavaScript, without the payload. */
  bundleBytes: number;
  /** Bytes of the image as embedded (deflated with --compress) and as booted. */
  imageBytes: number;
  rawImageBytes: number;
  /** Bytes of the embedded compiler chunk (deflated; 0 without it). */
  compilerBytes: number;
  fileBytes: number;
  binaryBytes: number;
  /** Modules in the app bundle (project-relative). */
  inputs: string[];
  ms: number;
}

export class ShipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShipError';
  }
}

/** OUT.mjs and the executable's path for -o OUT. */
export function outputPaths(out: string): { mjs: string; binary: string } {
  const mjs = out.endsWith('.mjs') ? out : `${out}.mjs`;
  const base = mjs.slice(0, -'.mjs'.length);
  return { mjs, binary: process.platform === 'win32' ? `${base}.exe` : base };
}

/** Makes `[ expr ]` the world's startup action. */
function setMain(vm: VM, expr: string): void {
  let outcome;
  try {
    outcome = vm.evaluateSync(`[${expr}\n]`);
  } catch (e) {
    if (e instanceof HostCompileError) throw new ShipError(`--main does not compile: ${e.message}`);
    throw e;
  }
  if (outcome.kind === 'error') throw new ShipError(`--main: ${formatOutcomeError(outcome).trimEnd()}`);
  setSpecialObject(vm.heap, Special.startUpAction, outcome.value);
}

/** The world's image bytes, saved to a temporary file and read back (saving is file-based). */
function imageBytes(vm: VM): Uint8Array {
  fullGC(vm.heap);
  vm.state.afterGC();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-ship-'));
  try {
    const file = path.join(dir, 'app.image');
    saveImage(vm.heap, file);
    return fs.readFileSync(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function shipApp(options: ShipOptions): Promise<ShipResult> {
  const t0 = performance.now();
  if (!fs.existsSync(options.image)) throw new ShipError(`${options.image}: no such image file`);
  const { mjs, binary } = outputPaths(options.out);
  const outDir = path.dirname(path.resolve(mjs));
  if (!fs.existsSync(outDir)) throw new ShipError(`${outDir}: no such directory for the output`);

  const vm = bootWorld(options.image);
  if (options.load && options.load.length > 0) {
    const summary = await loadFiles(vm, options.load);
    if (summary.problems.length > 0) {
      throw new ShipError(`loading ${options.load.join(', ')} failed:\n${summary.problems.map(formatProblem).join('').trimEnd()}`);
    }
  }
  if (options.main !== undefined) setMain(vm, options.main);
  const action = specialObject(vm.heap, Special.startUpAction);
  if (!isClosure(vm.heap, action)) {
    throw new ShipError('the image has no startup action: give --main EXPR (e.g. --main \'WordCount main\'), or evaluate `Smalltalk startUpAction: [ ... ]` and save the image');
  }

  const raw = imageBytes(vm);
  const stored = options.compress ? deflateSync(raw, { level: 9 }) : raw;
  const compiler = options.compiler === false ? null : (await bundleCompiler()).code;
  const payload = makePayload(stored, options.compress === true, compiler);
  const app = await bundleFileApp(payload.manifest);
  const fileBytes = writeAppFile(mjs, app.code, payload);

  let binaryBytes = 0;
  if (options.binary) {
    const sea = await bundleSeaApp({ ...payload.manifest, imageBytes: 0, compilerBytes: 0, fixups: [] });
    binaryBytes = await buildSea({ code: sea.code, image: stored, compiler, out: binary });
  }
  return {
    mjsPath: mjs,
    binaryPath: options.binary ? binary : null,
    bundleBytes: Buffer.byteLength(app.code),
    imageBytes: stored.length,
    rawImageBytes: raw.length,
    compilerBytes: payload.manifest.compilerBytes,
    fileBytes,
    binaryBytes,
    inputs: app.inputs,
    ms: performance.now() - t0,
  };
}
