// Snapshots of running code across OS processes: a script forks three processes (one
// counting in a Delay loop, one blocked on a Semaphore, one waiting on a SharedQueue), then
// saves an image. `strata resume` in a second OS process continues all of them: the saving
// process sees true, the counter goes on from where it was, the waiters are woken.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STRATA } from './terminal.ts';

const SCRIPT = (image: string): string => `| q sem r |
q := SharedQueue new.
sem := Semaphore new.
Smalltalk at: #Counter put: 0.
[ [ Counter < 6 ] whileTrue: [ Counter := Counter + 1. Transcript show: 'tick ', Counter printString; cr. (Delay forMilliseconds: 100) wait ] ] fork.
[ sem wait. Transcript show: 'semaphore signalled'; cr ] fork.
[ Transcript show: 'queue gave ', q next printString; cr ] fork.
(Delay forMilliseconds: 250) wait.
r := Smalltalk saveImage: '${image}'.
Transcript show: 'saveImage answered ', r printString; cr.
r ifTrue: [ sem signal. q nextPut: 42 ].
(Delay forMilliseconds: 800) wait.
Transcript show: 'script done, counter ', Counter printString; cr.
`;

function strata(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [STRATA, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('snapshot of running code', () => {
  it('continues three processes and the saver in a second OS process', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-snap-'));
    const image = path.join(dir, 'x.image');
    const script = path.join(dir, 'snap.st');
    fs.writeFileSync(script, SCRIPT(image));
    const first = strata(['run', script]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('saveImage answered false');
    expect(first.stdout).not.toContain('semaphore signalled');
    const ticksBefore = first.stdout.split('\n').indexOf('saveImage answered false');
    expect(ticksBefore).toBeGreaterThan(0);
    const second = strata(['resume', image]);
    expect(second.stderr).toBe('');
    const lines = second.stdout.trim().split('\n');
    expect(lines[0]).toBe('saveImage answered true');
    expect(lines).toContain('semaphore signalled');
    expect(lines).toContain('queue gave 42');
    const ticks = lines.filter((l) => l.startsWith('tick ')).map((l) => Number(l.slice(5)));
    // The counter continues from where it was at the save (no restart from 1, none skipped).
    expect(ticks[0]).toBe(ticksBefore + 1);
    expect(ticks[ticks.length - 1]).toBe(6);
    expect(lines[lines.length - 1]).toBe('script done, counter 6');
    expect(second.status).toBe(0);
  }, 120_000);
});
