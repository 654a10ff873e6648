import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatProblem, formatSummary, loadDefinitions, loadFiles, type LoadProblem } from '../../images/loader.ts';
import { blankShebang, classifySource, hasChunkTerminator } from '../../images/source-kind.ts';
import { bootWorld } from '../../images/world.ts';
import { readChunkFile } from '../../compiler/chunk.ts';
import { BufferHost } from '../../vm/host.ts';
import { isStringLike, stringValue } from '../../vm/objects.ts';
import type { VM } from '../../vm/vm.ts';
import { TestRunner } from '../../repl/test-runner.ts';
import { buildKernelImage, SAMPLES, tempDir, writeFile } from '../cli/kernel-image.ts';

let dir: string;
let image: string;
beforeAll(() => {
  dir = tempDir('strata-loader-');
  image = buildKernelImage(dir);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function world(): { vm: VM; host: BufferHost } {
  const host = new BufferHost();
  return { vm: bootWorld(image, { host }), host };
}

const write = (name: string, text: string): string => writeFile(dir, name, text);

/** The printString of evaluating source (or the error description). */
function evaluate(vm: VM, source: string): string {
  const o = vm.evaluateSync(source);
  if (o.kind === 'error') return `error: ${o.description}`;
  const p = vm.sendSync(o.value, 'printString');
  return p.kind === 'value' && isStringLike(vm.heap, p.value) ? stringValue(vm.heap, p.value) : '?';
}

async function runAllTests(vm: VM, classNames: readonly string[]): Promise<string[]> {
  const runner = new TestRunner(vm, 10_000);
  const problems: string[] = [];
  let count = 0;
  for (const name of classNames) {
    if (!runner.isTestClass(name)) continue;
    for (const selector of await runner.testSelectors(name)) {
      const o = await runner.run(name, selector);
      count++;
      if (o.status !== 'passed') problems.push(`${name}>>${selector}: ${o.status} ${o.description}\n${o.stack.join('\n')}`);
    }
  }
  expect(count).toBeGreaterThan(10);
  return problems;
}

describe('the Bank sample in both formats', () => {
  for (const [format, sample] of [['Tonel', 'tonel/Bank'], ['chunk', 'chunk/bank.st']] as const) {
    it(`loads from ${format} into a fresh world and its SUnit tests pass`, async () => {
      const { vm } = world();
      const problems: LoadProblem[] = [];
      const summary = await loadFiles(vm, [path.join(SAMPLES, sample)], { onProblem: (p) => problems.push(p) });
      expect(problems.map(formatProblem)).toEqual([]);
      expect(summary.classes).toBe(7);
      expect(summary.methods).toBeGreaterThan(50);
      expect(await runAllTests(vm, summary.definedClasses)).toEqual([]);
      expect(evaluate(vm, "(BankAccount owner: 'Zed') number > 1000")).toBe('true');
      expect(evaluate(vm, 'SavingsAccount superclass')).toBe('BankAccount');
      expect(evaluate(vm, 'BankAccount category')).toBe("#'Bank-Core'");
      expect(evaluate(vm, "(BankAccount >> #deposit:) sourceCode lines first")).toBe("'deposit: cents'");
    }, 60_000);
  }

  it('loads the same definitions from both formats', () => {
    const chunkDefs = readChunkFile(fs.readFileSync(path.join(SAMPLES, 'chunk/bank.st'), 'utf8'), 'bank.st');
    const methods = (defs: { kind: string }[]): number => defs.filter((d) => d.kind === 'method').length;
    const files = fs.readdirSync(path.join(SAMPLES, 'tonel/Bank')).filter((f) => f !== 'package.st');
    const tonelMethods = files.reduce((n, f) => n + (fs.readFileSync(path.join(SAMPLES, 'tonel/Bank', f), 'utf8').match(/^\w+( class)? >> /gm) ?? []).length, 0);
    expect(methods(chunkDefs)).toBe(tonelMethods);
  });
});

describe('loading into a live world', () => {
  it('runs the class-side initialize of a Tonel package when it is new or changed, not on an unchanged reload', async () => {
    const pkg = path.join(dir, 'Counter');
    write('Counter/package.st', "Package { #name : #Counter }\n");
    const cls = (body: string): string => `Class {\n\t#name : #CounterThing,\n\t#superclass : #Object,\n\t#classVars : [ 'Count' ],\n\t#category : #Counter\n}\n\n`
      + `{ #category : #init }\nCounterThing class >> initialize [\n\t${body}\n]\n\n{ #category : #access }\nCounterThing class >> count [\n\t^ Count\n]\n`;
    write('Counter/CounterThing.class.st', cls('Count := (Count ifNil: [ 0 ]) + 1'));
    const { vm } = world();
    expect((await loadFiles(vm, [pkg])).initialized).toEqual(['CounterThing']);
    expect((await loadFiles(vm, [pkg])).initialized).toEqual([]);
    expect(evaluate(vm, 'CounterThing count')).toBe('1');
    write('Counter/CounterThing.class.st', cls('Count := (Count ifNil: [ 0 ]) + 10'));
    expect((await loadFiles(vm, [pkg])).initialized).toEqual(['CounterThing']);
    expect(evaluate(vm, 'CounterThing count')).toBe('11');
  });

  it('migrates existing instances when a reloaded class changes shape, and recompiles its methods', async () => {
    const { vm } = world();
    const v1 = write('shape1.st', "Object subclass: #Shape1 instanceVariableNames: 'a b' classVariableNames: '' package: 'T'!\n"
      + "!Shape1 methodsFor: 'x'!\nsetA: x b: y\n\ta := x. b := y!\nsum\n\t^ a + b! !\n\nSmalltalk at: #Kept put: (Shape1 new setA: 3 b: 4)!\n");
    const v2 = write('shape2.st', "Object subclass: #Shape1 instanceVariableNames: 'c b a' classVariableNames: '' package: 'T'!\n"
      + "!Shape1 methodsFor: 'x'!\nc\n\t^ c! !\n");
    expect((await loadFiles(vm, [v1])).problems).toEqual([]);
    expect(evaluate(vm, 'Kept sum')).toBe('7');
    expect((await loadFiles(vm, [v2])).problems).toEqual([]);
    expect(evaluate(vm, 'Kept sum')).toBe('7');
    expect(evaluate(vm, 'Kept c')).toBe('nil');
    expect(evaluate(vm, 'Shape1 instVarNames')).toBe('#(#c #b #a)');
  });

  it('changes class-side instance variables of an existing class', async () => {
    const { vm } = world();
    const a = write('civ1.st', "Object subclass: #Civ instanceVariableNames: '' classVariableNames: '' package: 'T'!\nCiv class instanceVariableNames: 'x'!\n"
      + "!Civ class methodsFor: 'x'!\nx\n\t^ x!\nx: v\n\tx := v! !\n\nCiv x: 5!\n");
    const b = write('civ2.st', "Object subclass: #Civ instanceVariableNames: '' classVariableNames: '' package: 'T'!\nCiv class instanceVariableNames: 'y x'!\n");
    expect((await loadFiles(vm, [a, b])).problems).toEqual([]);
    expect(evaluate(vm, 'Civ x')).toBe('5');
    expect(evaluate(vm, 'Civ class instVarNames')).toBe('#(#y #x)');
  });

  it('reports a syntax error with file:line:col and a caret, and goes on with the next definition', async () => {
    const { vm } = world();
    const file = write('bad.st', "Object subclass: #Bad instanceVariableNames: 'a' classVariableNames: '' package: 'T'!\n\n"
      + "!Bad methodsFor: 'x'!\nbroken\n\t^ a +! \ngood\n\t^ 42! !\n");
    const summary = await loadFiles(vm, [file]);
    expect(summary.problems).toHaveLength(1);
    const [p] = summary.problems;
    expect(p!.kind).toBe('syntax');
    expect(formatProblem(p!)).toBe(`${file}:5:7: expected an argument after +\n\t^ a +\n\t     ^\n`);
    expect(summary.methods).toBe(1);
    expect(evaluate(vm, 'Bad new good')).toBe('42');
  });

  it('skips the methods of a class that cannot be defined, counting them', async () => {
    const { vm } = world();
    const file = write('nosuper.st', "NoSuchSuper subclass: #Orphan instanceVariableNames: '' classVariableNames: '' package: 'T'!\n\n"
      + "!Orphan methodsFor: 'x'!\na\n\t^ 1!\nb\n\t^ 2! !\n\nObject subclass: #Fine instanceVariableNames: '' classVariableNames: '' package: 'T'!\n");
    const summary = await loadFiles(vm, [file]);
    expect(summary.problems.map((p) => `${p.kind} ${p.line}:${p.column} ${p.reason}`)).toEqual([
      'definition 1:1 cannot define Orphan: unknown superclass NoSuchSuper of Orphan',
    ]);
    expect(summary.skipped).toBe(2);
    expect(summary.classes).toBe(1);
    expect(formatSummary(summary)).toEqual([`${file}: 1 class, 0 methods, 1 problem`, 'skipped 2 definitions of classes that failed to load']);
  });

  it('reports a doit that signals an error at the line of the failing statement, with the stack', async () => {
    const { vm, host } = world();
    const file = write('doits.st', "Transcript show: 'one'!\n\n| x |\nx := 3.\nx foo!\nTranscript show: 'two'!\n");
    const summary = await loadFiles(vm, [file]);
    expect(host.stdout).toBe('onetwo');
    expect(summary.doits).toBe(3);
    expect(summary.problems).toHaveLength(1);
    expect(formatProblem(summary.problems[0]!)).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:5: MessageNotUnderstood: SmallInteger>>#foo\n  .*doesNotUnderstand.*\n  UndefinedObject>>DoIt \\(.*doits\\.st:5\\)\n$`));
  });

  it('stops at the first problem with stopOnError, counting the rest as skipped', async () => {
    const { vm, host } = world();
    const file = write('stop.st', "Transcript show: 'a'!\nnil foo!\nTranscript show: 'b'!\nTranscript show: 'c'!\n");
    const summary = await loadFiles(vm, [file], { stopOnError: true });
    expect(host.stdout).toBe('a');
    expect(summary.stopped).toBe(true);
    expect(summary.skipped).toBe(2);
  });

  it('loads the good files of a Tonel package that has a bad one', async () => {
    write('Half/package.st', "Package { #name : #Half }\n");
    write('Half/Good.class.st', "Class {\n\t#name : #HalfGood,\n\t#superclass : #Object,\n\t#category : #Half\n}\n\n{ #category : #x }\nHalfGood >> ok [\n\t^ #ok\n]\n");
    write('Half/Bad.class.st', "Class {\n\t#name : #HalfBad,\n\t#superclass : #Object\n\t#category : #Half\n}\n");
    const { vm } = world();
    const summary = await loadFiles(vm, [path.join(dir, 'Half')]);
    expect(summary.problems).toHaveLength(1);
    expect(summary.problems[0]!.kind).toBe('file');
    expect(summary.problems[0]!.file).toMatch(/Bad\.class\.st$/);
    expect(evaluate(vm, 'HalfGood new ok')).toBe('#ok');
  });

  it('reports a missing path and a directory without packages', async () => {
    const { vm } = world();
    fs.mkdirSync(path.join(dir, 'empty'), { recursive: true });
    const summary = await loadFiles(vm, [path.join(dir, 'nope.st'), path.join(dir, 'empty')]);
    expect(summary.problems.map((p) => formatProblem(p))).toEqual([
      `${path.join(dir, 'nope.st')}: no such file or directory\n`,
      `${path.join(dir, 'empty')}: not a Tonel package (no package.st) and holds no package directories\n`,
    ]);
  });

  it('runs a script as one doit, with its temporaries and a class it defines', async () => {
    const { vm, host } = world();
    const file = write('script.st', "#!/usr/bin/env strata\n| n |\nObject subclass: #ScriptThing instanceVariableNames: '' classVariableNames: '' package: 'S'.\n"
      + "ScriptThing compile: 'twice: x ^ x * 2'.\nn := ScriptThing new twice: 21.\nTranscript show: n printString\n");
    const summary = await loadFiles(vm, [file]);
    expect(summary.problems).toEqual([]);
    expect(summary.files[0]!.kind).toBe('script');
    expect(host.stdout).toBe('42');
  });

  it('loads definitions already read, in fileIn or package order', async () => {
    const { vm } = world();
    const defs = readChunkFile("Object subclass: #Pre instanceVariableNames: '' classVariableNames: '' package: 'T'!\n!Pre methodsFor: 'x'!\nv\n\t^ 5! !\n", 'mem.st');
    const summary = await loadDefinitions(vm, defs, { name: 'mem.st' });
    expect(summary.classes).toBe(1);
    expect(evaluate(vm, 'Pre new v')).toBe('5');
  });
});

describe('what a source path holds', () => {
  it('tells Tonel files, chunk files and scripts apart from their text', () => {
    const tonel = write('kinds/Foo.st', '"a comment"\nClass {\n\t#name : #Foo,\n\t#superclass : #Object,\n\t#category : #X\n}\n');
    const chunk = write('kinds/c.st', "Object subclass: #C\n\tinstanceVariableNames: ''\n\tclassVariableNames: ''\n\tcategory: 'X'!\n");
    const script = write('kinds/s.st', "| a |\na := 'wow!'.\nTranscript show: a. \"not a chunk!\"\n$!\n");
    expect(classifySource(tonel).kind).toBe('tonel-file');
    expect(classifySource(chunk).kind).toBe('chunk');
    expect(classifySource(script).kind).toBe('script');
    expect(classifySource(path.join(SAMPLES, 'tonel/Bank')).kind).toBe('tonel-package');
    expect(classifySource(path.join(SAMPLES, 'tonel')).kind).toBe('package-directory');
    expect(hasChunkTerminator('3 + 4! !')).toBe(true);
    expect(hasChunkTerminator('x := 3 !! 4')).toBe(false);
  });

  it('blanks a shebang line, keeping the line count', () => {
    expect(blankShebang('#!/usr/bin/env strata\nTranscript show: 1')).toBe('\nTranscript show: 1');
    expect(blankShebang('3 + 4')).toBe('3 + 4');
    expect(blankShebang('#!/x')).toBe('');
  });
});
