// Moving a live process between OS processes: `strata run a.st` forks a counter that prints
// each step and, at step 5, saves itself with saveTo: (and stops there); `strata run b.st`,
// a second OS process booted from the same base image, loads it with Process loadFrom:, and
// the counter goes on printing from 6 with the state it had (its collection of steps).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBaseImage, formatReport } from '../../images/bootstrap.ts';
import { BufferHost } from '../../vm/host.ts';
import { STRATA } from './terminal.ts';

let dir = '';
let image = '';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-move-'));
  image = path.join(dir, 'base.image');
  const report = buildBaseImage(image, { host: new BufferHost() });
  if (report.problems.length > 0) throw new Error(formatReport(report));
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const A = (proc: string): string => `| p |
p := [ | n seen |
  n := 0. seen := OrderedCollection new.
  [ n < 10 ] whileTrue: [
    n := n + 1. seen add: n * n.
    Transcript show: 'count ', n printString; cr.
    n = 5 ifTrue: [ Processor activeProcess saveTo: '${proc}' ].
    (Delay forMilliseconds: 5) wait ].
  Transcript show: 'squares ', seen asArray printString; cr ] fork.
[ p isSuspended ] whileFalse: [ (Delay forMilliseconds: 5) wait ].
Transcript show: 'moved out'; cr.
`;

const B = (proc: string): string => `| p |
p := Process loadFrom: '${proc}'.
Transcript show: 'loaded ', p printString; cr.
[ p isTerminated ] whileFalse: [ (Delay forMilliseconds: 5) wait ].
Transcript show: 'done'; cr.
`;

function strata(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [STRATA, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('moving a process between OS processes', () => {
  it('continues a counter from the count it was saved at', () => {
    const proc = path.join(dir, 'counter.proc');
    fs.writeFileSync(path.join(dir, 'a.st'), A(proc));
    fs.writeFileSync(path.join(dir, 'b.st'), B(proc));
    const first = strata(['run', '--image', image, path.join(dir, 'a.st')]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('count 1\ncount 2\ncount 3\ncount 4\ncount 5\nmoved out\n');
    expect(first.status).toBe(0);
    expect(fs.existsSync(proc)).toBe(true);

    const second = strata(['run', '--image', image, path.join(dir, 'b.st')]);
    expect(second.stderr).toBe('');
    expect(second.stdout).toBe([
      'loaded a Process in ready at 40',
      'count 6', 'count 7', 'count 8', 'count 9', 'count 10',
      'squares #(1 4 9 16 25 36 49 64 81 100)',
      'done', '',
    ].join('\n'));
    expect(second.status).toBe(0);

    // A damaged file is a clean Smalltalk error in the second process.
    const bytes = fs.readFileSync(proc);
    fs.writeFileSync(proc, bytes.subarray(0, bytes.length - 1));
    const third = strata(['run', '--image', image, path.join(dir, 'b.st')]);
    expect(third.status).toBe(1);
    expect(third.stderr).toContain('cannot load a process from');
    expect(third.stderr).toContain('truncated');
  }, 120_000);
});
