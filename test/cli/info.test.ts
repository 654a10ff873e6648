import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveImage } from '../../images/writer.ts';
import { runCli } from '../../repl/cli.ts';
import { buildWorld } from '../images/world.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string): string => path.join(dir, name);

/** Runs the real CLI in a child process, as a user would. */
function strata(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/strata.mjs'), ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI in this process (for argument handling, where a child process adds nothing). */
async function inProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { code, stdout, stderr };
}

beforeAll(() => {
  saveImage(buildWorld(), file('world.image'));
  fs.writeFileSync(file('notes.txt'), 'this is not an image\n');
  const bytes = fs.readFileSync(file('world.image'));
  fs.writeFileSync(file('cut.image'), bytes.subarray(0, bytes.length - 100));
});

describe('strata info (child process)', () => {
  it('prints the header, segments, object count and class histograms of a good image', () => {
    const r = strata('info', file('world.image'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const size = fs.statSync(file('world.image')).size;
    expect(r.stdout).toContain(`(${size.toLocaleString('en-US')} bytes)`);
    for (const text of ['Strata image version 2', 'checksum', 'root oop', 'nursery end', 'segments (1)',
      'file offset', 'top classes by count', 'top classes by bytes']) {
      expect(r.stdout).toContain(text);
    }
    expect(r.stdout).toMatch(/^objects\s+\d+ \([\d,]+ bytes\)$/m);
    expect(r.stdout).toMatch(/^\s+1\s+100,024\s+[\d.]+\s+ByteArray$/m);
    expect(r.stdout).toMatch(/\s2\s+32\s+[\d.]+\s+Point$/m);
    expect(r.stdout).toMatch(/\sPoint class$/m);
    expect(r.stdout).toMatch(/\sMetaclass$/m);
  });

  it('refuses a bad file with one line on stderr and exit code 2', () => {
    const text = strata('info', file('notes.txt'));
    expect(text.status).toBe(2);
    expect(text.stdout).toBe('');
    expect(text.stderr).toMatch(/^strata: .*notes\.txt: not an image: .*\n$/);
    const cut = strata('info', file('cut.image'));
    expect(cut.status).toBe(2);
    expect(cut.stderr).toMatch(/^strata: .*cut\.image: truncated: expected \d+ bytes, the file has \d+\n$/);
  });
});

describe('strata command line (in process)', () => {
  it('answers --help, help and --version with exit code 0', async () => {
    const help = await inProcess('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/info FILE/);
    expect(help.stdout).toMatch(/exit codes: 0 ok, 1 Smalltalk error, 2 bad usage or bad file/);
    expect((await inProcess('help', 'info')).stdout).toMatch(/^usage: strata info FILE/);
    expect((await inProcess('info', '--help')).stdout).toMatch(/^usage: strata info FILE/);
    expect((await inProcess('--version')).stdout).toMatch(/^strata \d+\.\d+\.\d+/);
  });

  it('exits with 2 on bad usage', async () => {
    for (const args of [['frob'], ['--frob'], ['info'], ['info', 'a', 'b'], ['info', '--top', 'x', 'f'], ['help', 'nope']]) {
      const r = await inProcess(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^strata: .*\(see strata (--help|help info)\)\n$/);
    }
  });

  it('exits with 2 on a missing file and honours --top', async () => {
    const missing = await inProcess('info', file('missing.image'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read.*ENOENT/);
    const top = await inProcess('info', file('world.image'), '--top', '2');
    expect(top.code).toBe(0);
    const byCount = top.stdout.split('top classes by count\n')[1].split('\n\n')[0].trim().split('\n');
    expect(byCount.length).toBe(3); // the column headings and two classes
  });
});
