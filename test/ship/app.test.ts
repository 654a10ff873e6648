// A shipped app as a user runs it: `node app.mjs ARGS...` from a directory with no
// node_modules, on arguments, environment, stdin (all at once and line by line), files,
// exit codes, unhandled errors (a Smalltalk trace on stderr, exit 1), I/O errors (path and
// reason), and compiling at run time. One app (test/ship/fixtures/Probe) is shipped once;
// its first argument picks the behaviour.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipApp, type ShipResult } from '../../images/ship.ts';
import { baseImage, removeScratch, ROOT, runApp, scratchDir } from './helpers.ts';

let app: string;
let shipped: ShipResult;
let work: string;

beforeAll(async () => {
  const dir = scratchDir('probe');
  shipped = await shipApp({
    image: baseImage(),
    out: path.join(dir, 'probe'),
    load: [path.join(ROOT, 'test/ship/fixtures')],
    main: 'Probe main',
  });
  app = shipped.mjsPath;
  work = scratchDir('work');
});

afterAll(removeScratch);

describe('a shipped app', () => {
  it('is one .mjs file whose bundle has neither the compiler nor the REPL in it', () => {
    expect(app.endsWith('probe.mjs')).toBe(true);
    expect(fs.statSync(app).mode & 0o111).not.toBe(0);
    expect(fs.readFileSync(app, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const forbidden = shipped.inputs.filter((p) => /(^|\/)(compiler|repl)\/|node_modules\/(chevrotain|@chevrotain|ink|react)\//.test(p));
    expect(forbidden).toEqual([]);
    expect(shipped.inputs).toContain('images/app-main.ts');
    expect(shipped.bundleBytes).toBeLessThan(1024 * 1024);
  });

  it('runs from a directory without node_modules', () => {
    const copy = path.join(work, 'copy.mjs');
    fs.copyFileSync(app, copy);
    const r = runApp(copy, ['hello'], { cwd: work });
    expect(r).toEqual({ status: 0, stdout: 'hello\n', stderr: '' });
  });

  it('answers its command-line arguments as Smalltalk arguments', () => {
    const r = runApp(app, ['args', 'a b', 'c', '', 'é☃']);
    expect(r.stdout).toBe('4\n[a b]\n[c]\n[]\n[é☃]\n');
    expect(r.status).toBe(0);
  });

  it('reads environment variables with Smalltalk getenv:', () => {
    const env = { ...process.env, STRATA_PROBE: 'xyz' };
    expect(runApp(app, ['env', 'STRATA_PROBE'], { env }).stdout).toBe("'xyz'\n");
    const { STRATA_PROBE: _, ...without } = env;
    expect(runApp(app, ['env', 'STRATA_PROBE'], { env: without }).stdout).toBe('nil\n');
  });

  it('exits with the code given to Smalltalk exit:', () => {
    expect(runApp(app, ['exit', '3'])).toEqual({ status: 3, stdout: 'before exit\n', stderr: '' });
    expect(runApp(app, ['exit', '0']).status).toBe(0);
  });

  it('prints an unhandled error with its Smalltalk trace on stderr and exits 1', () => {
    const r = runApp(app, ['error']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('dividing\n');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('ZeroDivide: Division by zero');
    expect(r.stderr).toMatch(/^ {2}Probe class>>divide:by: \(\S*Probe\/Probe\.class\.st:\d+\)$/m);
    expect(r.stderr).toMatch(/^ {2}Probe class>>error: \(\S*Probe\/Probe\.class\.st:\d+\)$/m);
  });

  it('signals a missing file as FileDoesNotExist with the path and the reason', () => {
    const missing = path.join(work, 'no-such-file.txt');
    const r = runApp(app, ['missing', missing]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(`FileDoesNotExist: ${missing}: no such file or directory`);
    expect(r.stderr).toContain('FileReference>>contents');
    expect(r.stderr).toContain('Probe class>>missing:');
  });

  it('reports a permission problem as FileAccessDenied', () => {
    if (process.getuid?.() === 0) return; // root reads everything
    const locked = path.join(work, 'locked.txt');
    fs.writeFileSync(locked, 'secret', { mode: 0o000 });
    const r = runApp(app, ['missing', locked]);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`FileAccessDenied: ${locked}: permission denied`);
  });

  it('reads stdin line by line (LF or CR LF, last line without an end)', () => {
    const r = runApp(app, ['lines'], { input: 'a\r\nbb\n\nlast ☃' });
    expect(r.stdout).toBe('1: a (1)\n2: bb (2)\n3:  (0)\n4: last ☃ (6)\nend true\n');
  });

  it('reads long stdin across its buffer boundaries', () => {
    const lines = Array.from({ length: 6000 }, (_, i) => `line ${i} ${'x'.repeat(i % 97)}`);
    const r = runApp(app, ['lines'], { input: `${lines.join('\n')}\n` });
    const out = r.stdout.trimEnd().split('\n');
    expect(out.length).toBe(6001);
    expect(out[5999]).toBe(`6000: ${lines[5999]} (${lines[5999].length})`);
    expect(out[6000]).toBe('end true');
  });

  it('mixes nextLine and contents on stdin, and answers nil at the end', () => {
    const r = runApp(app, ['mixed'], { input: 'x\ny\nz' });
    expect(r.stdout).toBe("first=x\nrest='y\nz'\nthen=nil\n");
  });

  it('keeps running processes forked by the startup action until they end', () => {
    expect(runApp(app, ['fork'])).toEqual({ status: 0, stdout: 'main\nbackground\n', stderr: '' });
  });

  it('writes stdout and stderr', () => {
    expect(runApp(app, ['stderr'])).toEqual({ status: 0, stdout: 'out\n', stderr: 'err\n' });
  });

  it('reads, writes, appends, lists and deletes files', () => {
    const dir = scratchDir('files');
    const r = runApp(app, ['files', dir], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual([
      'false',
      '#(3 5 5)',
      String('☃'.codePointAt(0)),
      String(Buffer.byteLength('one\ntwo ☃\nthree')),
      "'logged 42\n'".split('\n')[0],
      "'",
      "#('notes.txt' 'sub')",
      "{'notes.txt'->false. 'sub'->true}",
      'false',
      "'no such file or directory'",
      '#()',
      `'${fs.realpathSync(dir)}'`,
      '',
    ]);
  });

  it('compiles at run time, loading the compiler only then', () => {
    expect(runApp(app, ['compile', '3 + 4'])).toEqual({ status: 0, stdout: '7\n', stderr: '' });
    const bad = runApp(app, ['compile', '3 +']);
    expect(bad.status).toBe(1);
    expect(bad.stderr.split('\n')[0]).toMatch(/^CodeError: /);
  });
});
