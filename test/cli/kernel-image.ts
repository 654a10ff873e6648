// A base image bootstrapped from the current kernel sources, once per test file, in a
// temporary directory: the CLI and loader tests need SUnit-Core and must not depend on
// whether build/base.image is up to date (nor write anything beside it).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBaseImage } from '../../images/bootstrap.ts';
import { BufferHost } from '../../vm/host.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SAMPLES = path.join(ROOT, 'test/fixtures/samples');

/** A fresh temporary directory; the caller removes it. */
/** Writes `text` to dir/name (creating folders) and answers the path. */
export function writeFile(dir: string, name: string, text: string): string {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Builds the base image into dir; answers its path. Throws if the kernel has problems. */
export function buildKernelImage(dir: string): string {
  const image = path.join(dir, 'base.image');
  const report = buildBaseImage(image, { host: new BufferHost() });
  if (report.problems.length > 0) throw new Error(`kernel build problems:\n${report.problems.map((p) => `${p.where}: ${p.message}`).join('\n')}`);
  return image;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process, as a user would. */
export function strata(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeout?: number } = {}): Run {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/strata.mjs'), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeout ?? 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
