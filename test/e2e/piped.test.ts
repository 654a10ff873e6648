// End to end: the REPL reading a pipe or a file instead of a terminal, on the real VM.
// `echo '3 + 4' | strata` prints 7; `strata < script.st` runs every input of the script.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseImage } from '../repl/vm-session-world.ts';
import { ROOT, STRATA } from './terminal.ts';

let dir = '';
let image = '';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-piped-'));
  image = path.join(dir, 'world.image');
  fs.copyFileSync(baseImage(), image);
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs bare `strata` (the image from STRATA_IMAGE, never the shared base image) with stdin. */
function strata(stdin: string | { file: string }) {
  const input = typeof stdin === 'string' ? stdin : fs.readFileSync(stdin.file);
  const r = spawnSync(process.execPath, [STRATA], {
    cwd: dir,
    input,
    encoding: 'utf8',
    env: { ...process.env, STRATA_IMAGE: image, STRATA_HISTORY: '', TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.json') },
    timeout: 90_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('strata with stdin that is not a terminal', () => {
  it("prints 7 for echo '3 + 4' | strata", () => {
    expect(strata('3 + 4\n')).toEqual({ code: 0, stdout: '7\n', stderr: '' });
  }, 120_000);

  it('runs a script given as stdin: definitions, Transcript output, results, errors on stderr', () => {
    const script = path.join(dir, 'script.st');
    fs.writeFileSync(script, [
      '"A script for strata < script.st"',
      "Object subclass: #Tally instanceVariableNames: 'n' classVariableNames: '' package: 'Script'",
      'Tally >> add: k [',
      '  n := (n ifNil: [0]) + k',
      ']',
      'Tally >> n [ ^ n ]',
      't := Tally new.',
      '1 to: 4 do: [:i | t add: i. Transcript show: i printString; show: \' \'].',
      'Transcript cr.',
      't n',
      'nil bar',
      "t n * 10",
      '',
    ].join('\n'));
    const r = strata({ file: script });
    expect(r.stdout).toBe(['Tally', 'Tally>>add:', 'Tally>>n', 'a Tally', '1 2 3 4 ', '1', '', 'Transcript', '10', '100', ''].join('\n'));
    expect(r.stderr).toMatch(/^MessageNotUnderstood: UndefinedObject>>#bar\n\s+Object>>doesNotUnderstand:/);
    expect(r.code).toBe(1);
  }, 120_000);
});
