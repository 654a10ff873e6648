import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKernelImage, SAMPLES, strata, tempDir, writeFile } from './kernel-image.ts';

let dir: string;
let base: string;
beforeAll(() => {
  dir = tempDir('strata-load-');
  base = buildKernelImage(dir);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string): string => writeFile(dir, name, text);

function copyOfBase(name: string): string {
  const p = path.join(dir, name);
  fs.copyFileSync(base, p);
  return p;
}

describe('strata load', () => {
  it('loads a Tonel package and saves the world at -o OUT, which then has the classes', () => {
    const out = path.join(dir, 'bank.image');
    const r = strata(['load', path.join(SAMPLES, 'tonel/Bank'), '--image', base, '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/tonel\/Bank: 7 classes, \d+ methods, initialized BankAccount\n/);
    expect(r.stdout).toMatch(new RegExp(`saved ${out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: full image, [\\d,]+ bytes\n$`));
    const e = strata(['eval', '--image', out, "| b a | b := Bank named: 'x'. a := b open: 'Ann'. a deposit: 250. a printString"]);
    expect(e.stderr).toBe('');
    expect(e.stdout).toMatch(/^'Account 1001 \(Ann\): \$2\.50'\n$/);
  });

  it('files a chunk file into IN and saves over it when no -o is given; --delta saves a delta', () => {
    const image = copyOfBase('in-place.image');
    const r = strata(['load', path.join(SAMPLES, 'chunk/bank.st'), '--image', image]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/bank\.st: 7 classes, \d+ methods, 2 doits\n/);
    const extra = write('extra.st', "Object subclass: #Extra instanceVariableNames: '' classVariableNames: '' package: 'X'!\n!Extra methodsFor: 'x'!\nanswer\n\t^ 42! !\n");
    const delta = path.join(dir, 'extra.delta');
    const d = strata(['load', extra, '--image', image, '-o', delta, '--delta']);
    expect(d.status).toBe(0);
    expect(d.stdout).toMatch(/saved .*extra\.delta: delta of .*in-place\.image/);
    const e = strata(['eval', '--image', delta, 'Extra new answer + (SavingsAccount minimumBalance)']);
    expect(e.stdout).toBe('1042\n');
  });

  it('reports every problem with file:line:col and a caret, saves nothing, exits 2; --force saves anyway', () => {
    const image = copyOfBase('untouched.image');
    const before = fs.readFileSync(image);
    const bad = write('bad.st', "Object subclass: #Half instanceVariableNames: 'a' classVariableNames: '' package: 'X'!\n\n"
      + "!Half methodsFor: 'x'!\nbroken\n\t^ a +! \nfine\n\t^ 1!\nalsoBroken\n\t^ zork! !\n");
    const r = strata(['load', bad, '--image', image]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe([
      `${bad}:5:7: expected an argument after +`, '\t^ a +', '\t     ^',
      `${bad}:9:4: undeclared variable zork`, '\t^ zork', '\t  ^',
      `2 problems: ${image} not saved (--force saves anyway)`, '',
    ].join('\n'));
    expect(r.stdout).toBe(`${bad}: 1 class, 1 method, 2 problems\n`);
    expect(fs.readFileSync(image).equals(before)).toBe(true);
    const forced = strata(['load', bad, '--image', image, '--force']);
    expect(forced.status).toBe(2);
    expect(forced.stdout).toMatch(/saved .*untouched\.image/);
    expect(strata(['eval', '--image', image, 'Half new fine']).stdout).toBe('1\n');
  });

  it('exits 1 when a doit fails, and 2 on bad usage', () => {
    const failing = write('failing.st', "Transcript show: 'x'!\nnil foo!\n");
    const r = strata(['load', failing, '--image', copyOfBase('f.image')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/failing\.st:2: MessageNotUnderstood: UndefinedObject>>#foo\n/);
    expect(strata(['load', '--image', base]).status).toBe(2);
    const intoBase = strata(['load', failing], { env: { STRATA_IMAGE: '' } });
    expect(intoBase.status).toBe(2);
    expect(intoBase.stderr).toMatch(/loading into the base image needs -o OUT/);
    expect(strata(['load', failing, '--image', base, '--delta', '--compact', '-o', path.join(dir, 'x.image')]).status).toBe(2);
  });
});
