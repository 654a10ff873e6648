// Shared by the ship tests: a base image that has the current kernel (build/base.image when
// it is newer than every kernel source, else one bootstrapped once per test file into a
// temporary directory), scratch directories, and running a shipped app as a user would.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBaseImage, DEFAULT_IMAGE_PATH, KERNEL_DIR } from '../../images/bootstrap.ts';
import { BufferHost } from '../../vm/host.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

let built: string | null = null;

/** A base image with the current kernel; never written to. */
export function baseImage(): string {
  if (fs.existsSync(DEFAULT_IMAGE_PATH) && fs.statSync(DEFAULT_IMAGE_PATH).mtimeMs > newestIn(KERNEL_DIR)) return DEFAULT_IMAGE_PATH;
  if (built === null) {
    built = path.join(scratchDir('base'), 'base.image');
    buildBaseImage(built, { host: new BufferHost() });
  }
  return built;
}

const scratch: string[] = [];

/** A fresh temporary directory, removed by removeScratch(). */
export function scratchDir(tag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `strata-ship-${tag}-`));
  scratch.push(dir);
  return dir;
}

export function removeScratch(): void {
  for (const dir of scratch.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (bounded by timeoutMs), with input on stdin. */
export function run(command: string, args: readonly string[], options: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Run {
  const r = spawnSync(command, args, {
    input: options.input ?? '',
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `node app.mjs args...` from a directory that has no node_modules anywhere above it. */
export function runApp(app: string, args: readonly string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Run {
  return run(process.execPath, [app, ...args], options);
}
