// The wordcount example shipped through the `strata ship` command and run as a user would,
// on real files and on stdin; counts are checked against a reference count made here (and
// against the system's wc when there is one).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../repl/cli.ts';
import { baseImage, removeScratch, ROOT, runApp, scratchDir } from './helpers.ts';

let app: string;
let dir: string;

/** wc's counts in the C locale. */
function reference(bytes: Uint8Array): [number, number, number] {
  let lines = 0;
  let words = 0;
  let inWord = false;
  for (const b of bytes) {
    if (b === 10) lines++;
    const blank = b === 32 || (b >= 9 && b <= 13);
    if (blank) inWord = false;
    else if (!inWord) {
      words++;
      inWord = true;
    }
  }
  return [lines, words, bytes.length];
}

function numbers(line: string): number[] {
  return line.trim().split(/\s+/).filter((w) => /^\d+$/.test(w)).map(Number);
}

const hasWc = spawnSync('wc', ['--version'], { encoding: 'utf8' }).status === 0;

beforeAll(async () => {
  dir = scratchDir('wc');
  let out = '';
  let err = '';
  const status = await runCli(
    ['ship', baseImage(), '--load', path.join(ROOT, 'examples/wordcount'), '-o', path.join(dir, 'wordcount'), '--main', 'WordCount main'],
    { stdout: (t) => { out += t; }, stderr: (t) => { err += t; } },
  );
  expect(err).toBe('');
  expect(status).toBe(0);
  expect(out).toContain(`wrote ${path.join(dir, 'wordcount.mjs')}`);
  app = path.join(dir, 'wordcount.mjs');
  fs.writeFileSync(path.join(dir, 'poem.txt'), 'The fog comes\non little cat feet.\n\n  It sits looking\tover harbor and city\r\n');
  fs.writeFileSync(path.join(dir, 'unicode.txt'), 'naïve café ☃ snow\nno newline at the end');
  fs.writeFileSync(path.join(dir, 'empty.txt'), '');
  const big = Array.from({ length: 2000 }, (_, i) => `${i} ${'word '.repeat(i % 13)}`).join('\n');
  fs.writeFileSync(path.join(dir, 'big.txt'), big);
});

afterAll(removeScratch);

describe('the wordcount app', () => {
  const files = ['poem.txt', 'unicode.txt', 'empty.txt', 'big.txt'];

  it('counts lines, words and bytes of each file, then a total', () => {
    const r = runApp(app, files, { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(files.length + 1);
    const total = [0, 0, 0];
    files.forEach((f, i) => {
      const want = reference(fs.readFileSync(path.join(dir, f)));
      expect(numbers(lines[i])).toEqual(want);
      expect(lines[i].endsWith(` ${f}`)).toBe(true);
      want.forEach((n, k) => { total[k] += n; });
    });
    expect(numbers(lines[files.length])).toEqual(total);
    expect(lines[files.length].endsWith(' total')).toBe(true);
    // The columns line up: every number is right-aligned to the same width.
    const widths = new Set(lines.map((l) => l.lastIndexOf(' ')));
    expect(widths.size).toBeGreaterThan(0);
  });

  it('agrees with the system wc on ASCII text', () => {
    // (GNU wc in the C locale does not count bytes above 127 as word characters; POSIX and
    // this app do, which only shows on non-ASCII text.)
    if (!hasWc) return;
    const ascii = files.filter((f) => f !== 'unicode.txt');
    const ours = runApp(app, ascii, { cwd: dir }).stdout.trimEnd().split('\n').map(numbers);
    const theirs = spawnSync('wc', ascii, { cwd: dir, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }).stdout.trimEnd().split('\n').map(numbers);
    expect(ours).toEqual(theirs);
  });

  it('counts stdin when no file is given, or for -', () => {
    const text = fs.readFileSync(path.join(dir, 'poem.txt'));
    const r = runApp(app, [], { input: text });
    expect(r.status).toBe(0);
    expect(numbers(r.stdout)).toEqual(reference(text));
    expect(r.stdout).toMatch(/^ {6}\d /);
    const dash = runApp(app, ['-l', '-', 'empty.txt'], { input: text, cwd: dir });
    expect(dash.stdout.trimEnd().split('\n').map(numbers)).toEqual([[reference(text)[0]], [0], [reference(text)[0]]]);
  });

  it('prints only the counts asked for, in wc order', () => {
    const r = runApp(app, ['-c', '-l', 'poem.txt'], { cwd: dir });
    const [l, , c] = reference(fs.readFileSync(path.join(dir, 'poem.txt')));
    expect(numbers(r.stdout)).toEqual([l, c]);
    expect(numbers(runApp(app, ['-w', 'poem.txt'], { cwd: dir }).stdout)).toEqual([reference(fs.readFileSync(path.join(dir, 'poem.txt')))[1]]);
  });

  it('reports a missing file with its reason, counts the others and exits 1', () => {
    const r = runApp(app, ['nosuch.txt', 'poem.txt'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('wordcount: nosuch.txt: no such file or directory\n');
    expect(r.stdout.trimEnd().split('\n').length).toBe(2);
  });

  it('refuses an unknown option with exit 2', () => {
    const r = runApp(app, ['-x']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown option -x');
  });
});
