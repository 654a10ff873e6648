// --binary, --compress and --no-compiler together: the probe app as a Node single
// executable application (image as a SEA asset, deflated), run directly, and the .mjs that
// the same ship writes, which inflates its image at boot.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipApp, type ShipResult } from '../../images/ship.ts';
import { baseImage, removeScratch, ROOT, run, runApp, scratchDir } from './helpers.ts';

let shipped: ShipResult;
let exe: string;

beforeAll(async () => {
  const dir = scratchDir('binary');
  shipped = await shipApp({
    image: baseImage(),
    out: path.join(dir, 'probe'),
    load: [path.join(ROOT, 'test/ship/fixtures')],
    main: 'Probe main',
    binary: true,
    compress: true,
    compiler: false,
  });
  exe = shipped.binaryPath ?? '';
}, 300_000);

afterAll(removeScratch);

describe('strata ship --binary --compress --no-compiler', () => {
  it('writes a deflated image and an executable', () => {
    expect(shipped.imageBytes).toBeLessThan(shipped.rawImageBytes / 2);
    expect(shipped.compilerBytes).toBe(0);
    expect(exe).toBe(path.join(path.dirname(shipped.mjsPath), 'probe'));
    expect(fs.statSync(exe).mode & 0o111).not.toBe(0);
  });

  it('the executable runs the app, with arguments, stdin and exit codes', () => {
    const work = scratchDir('exe-run');
    expect(run(exe, ['hello'], { cwd: work })).toEqual({ status: 0, stdout: 'hello\n', stderr: '' });
    expect(run(exe, ['args', 'x', 'y z']).stdout).toBe('2\n[x]\n[y z]\n');
    expect(run(exe, ['lines'], { input: 'one\ntwo' }).stdout).toBe('1: one (3)\n2: two (3)\nend true\n');
    expect(run(exe, ['exit', '3']).status).toBe(3);
    const error = run(exe, ['error']);
    expect(error.status).toBe(1);
    expect(error.stderr.split('\n')[0]).toBe('ZeroDivide: Division by zero');
  });

  it('the .mjs boots its deflated image', () => {
    expect(runApp(shipped.mjsPath, ['hello'])).toEqual({ status: 0, stdout: 'hello\n', stderr: '' });
  });

  it('without the compiler, compiling at run time is a CodeError that says why', () => {
    for (const r of [run(exe, ['compile', '3 + 4']), runApp(shipped.mjsPath, ['compile', '3 + 4'])]) {
      expect(r.status).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe('CodeError: this app was shipped without the compiler (strata ship --no-compiler)');
    }
  });
});
