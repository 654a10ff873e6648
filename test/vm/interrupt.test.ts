// SIGINT stops a runaway evaluation in a real `strata eval` child process, promptly and with
// a Smalltalk trace of where it was.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBaseImage } from '../../images/bootstrap.ts';
import { BufferHost } from '../../vm/host.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let dir = '';
let image = '';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-interrupt-'));
  image = path.join(dir, 'base.image');
  buildBaseImage(image, { host: new BufferHost() });
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** stopMillis: from SIGINT to the report appearing on stderr. */
interface Run { code: number | null; stdout: string; stderr: string; stopMillis: number }

function interruptAfterStart(expr: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/strata.mjs'), 'eval', expr, '--image', image], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    let sentAt = 0;
    let reportedAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (sentAt === 0 && stdout.includes('running')) {
        // Let it spin a little, then interrupt.
        setTimeout(() => { sentAt = performance.now(); child.kill('SIGINT'); }, 200);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (reportedAt === 0 && sentAt !== 0 && stderr.includes('Interrupted')) reportedAt = performance.now();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr, stopMillis: (reportedAt || performance.now()) - sentAt }));
    setTimeout(() => child.kill('SIGKILL'), 60_000);
  });
}

describe('interrupting strata eval', () => {
  it('stops [true] whileTrue with a trace', async () => {
    const run = await interruptAfterStart("Transcript show: 'running'; cr. [true] whileTrue");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Interrupted\n/);
    expect(run.stderr).toContain('UndefinedObject>>DoIt (1)');
    // The VM checks at every slice (~10 ms); the bound allows for a heavily loaded machine.
    expect(run.stopMillis).toBeLessThan(2000);
  }, 90_000);

  it('stops a runaway method deep in sends', async () => {
    const run = await interruptAfterStart("Transcript show: 'running'; cr. Integer compile: 'spin ^ self spin'. 3 spin");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Interrupted\n/);
    expect(run.stderr).toContain('Integer>>spin');
  }, 90_000);
});
