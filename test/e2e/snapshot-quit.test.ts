// `Smalltalk snapshot: path andQuit: aBoolean` (Squeak's snapshot:andQuit: over saveImage:):
// the saving session answers false and, when asked to, quits once the image is written; a
// session resumed from the image answers true at the same point and does not quit.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBaseImage, formatReport } from '../../images/bootstrap.ts';
import { BufferHost } from '../../vm/host.ts';
import { STRATA } from './terminal.ts';

let dir = '';
let base = '';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-snapquit-'));
  base = path.join(dir, 'base.image');
  const report = buildBaseImage(base, { host: new BufferHost() });
  if (report.problems.length > 0) throw new Error(formatReport(report));
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const SCRIPT = (image: string, quit: string): string => `| r |
Transcript show: 'before'; cr.
r := Smalltalk snapshot: '${image}' andQuit: ${quit}.
Transcript show: 'snapshot answered ', r printString; cr.
`;

function strata(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [STRATA, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('Smalltalk snapshot:andQuit:', () => {
  it('quits after saving when asked; the resumed session answers true and goes on', () => {
    const image = path.join(dir, 'quit.image');
    fs.writeFileSync(path.join(dir, 'quit.st'), SCRIPT(image, 'true'));
    const first = strata(['run', '--image', base, path.join(dir, 'quit.st')]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('before\n');
    expect(first.status).toBe(0);
    const resumed = strata(['resume', image]);
    expect(resumed.stderr).toBe('');
    expect(resumed.stdout).toBe('snapshot answered true\n');
    expect(resumed.status).toBe(0);
  }, 120_000);

  it('goes on after saving when not asked to quit, and refuses a non-Boolean', () => {
    const image = path.join(dir, 'stay.image');
    fs.writeFileSync(path.join(dir, 'stay.st'), SCRIPT(image, 'false'));
    const first = strata(['run', '--image', base, path.join(dir, 'stay.st')]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('before\nsnapshot answered false\n');
    expect(fs.existsSync(image)).toBe(true);
    fs.writeFileSync(path.join(dir, 'bad.st'), SCRIPT(path.join(dir, 'bad.image'), '#yes'));
    const bad = strata(['run', '--image', base, path.join(dir, 'bad.st')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('snapshot:andQuit: needs a Boolean, not #yes');
    expect(fs.existsSync(path.join(dir, 'bad.image'))).toBe(false);
  }, 120_000);
});
