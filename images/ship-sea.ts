// strata ship --binary: a standalone executable as a Node single executable application
// (SEA). The CommonJS app bundle is the SEA's main script, the image (and the compiler JS)
// are SEA assets; Node makes the preparation blob (--experimental-sea-config), a copy of
// this very node binary receives it through postject, at the sentinel fuse Node looks for.
//
// The executable runs on machines like this one (same OS and CPU architecture); it needs
// no Node installed. On macOS the copy's signature is removed before injection and an
// ad-hoc one added after (codesign), as Node's documentation describes.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PROJECT_ROOT } from './project-root.ts';
import { COMPILER_ASSET, IMAGE_ASSET } from './ship-payload.ts';

/** The fuse string Node's SEA support searches its binary for. */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export interface SeaInput {
  /** The CommonJS app bundle. */
  code: string;
  /** The image as stored (deflated or not: the manifest in the code says which). */
  image: Uint8Array;
  compiler: string | null;
  /** Where the executable goes. */
  out: string;
}

interface Postject {
  inject(file: string, name: string, data: Buffer, options: { sentinelFuse: string; machoSegmentName?: string; overwrite?: boolean }): Promise<void>;
}

function loadPostject(): Postject {
  try {
    return createRequire(path.join(PROJECT_ROOT, 'package.json'))('postject') as Postject;
  } catch (e) {
    throw new Error(`--binary needs the postject package (npm install --save-dev postject): ${(e as Error).message}`);
  }
}

function run(command: string, args: string[], cwd: string): void {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (r.error) throw new Error(`${command}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim()}`);
}

/** Builds the executable at input.out; answers its size in bytes. */
export async function buildSea(input: SeaInput): Promise<number> {
  const postject = loadPostject();
  const work = fs.mkdtempSync(path.join(path.dirname(path.resolve(input.out)), '.strata-sea-'));
  try {
    fs.writeFileSync(path.join(work, 'main.cjs'), input.code);
    fs.writeFileSync(path.join(work, 'image.bin'), input.image);
    const assets: Record<string, string> = { [IMAGE_ASSET]: 'image.bin' };
    if (input.compiler !== null) {
      fs.writeFileSync(path.join(work, 'compiler.js'), input.compiler);
      assets[COMPILER_ASSET] = 'compiler.js';
    }
    const config = {
      main: 'main.cjs',
      output: 'app.blob',
      disableExperimentalSEAWarning: true,
      // V8's code cache for the main script, made now: the executable skips compiling it.
      useCodeCache: true,
      assets,
    };
    fs.writeFileSync(path.join(work, 'sea-config.json'), JSON.stringify(config));
    run(process.execPath, ['--experimental-sea-config', 'sea-config.json'], work);
    const exe = path.join(work, 'app');
    fs.copyFileSync(process.execPath, exe);
    fs.chmodSync(exe, 0o755);
    if (process.platform === 'darwin') run('codesign', ['--remove-signature', exe], work);
    await postject.inject(exe, 'NODE_SEA_BLOB', fs.readFileSync(path.join(work, 'app.blob')), {
      sentinelFuse: SEA_FUSE,
      ...(process.platform === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {}),
    });
    if (process.platform === 'darwin') run('codesign', ['--sign', '-', exe], work);
    fs.renameSync(exe, input.out);
    return fs.statSync(input.out).size;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
