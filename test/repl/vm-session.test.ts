// The REPL session over the real VM and base image: print-it, errors, interrupts, Transcript
// streaming, workspace variables, Tonel method definitions, and saving a world that boots
// back with its classes, globals and workspace variables.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseLog } from '../../repl/changes.ts';
import { openVmSession, type VmSession } from '../../repl/vm-session.ts';
import { baseImage, removeWorld, worldCopy } from './vm-session-world.ts';

const open: VmSession[] = [];
const worlds: string[] = [];

async function session(image = worldCopy(), options: Parameters<typeof openVmSession>[1] = {}): Promise<VmSession> {
  if (!worlds.includes(image)) worlds.push(image);
  const s = await openVmSession(image, { onExit: () => {}, ...options });
  open.push(s);
  return s;
}

beforeAll(() => {
  baseImage();
});

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const w of worlds.splice(0)) removeWorld(w);
});

describe('evaluating', () => {
  it('prints the printString of the result', async () => {
    const s = await session();
    expect(await s.evaluate('3 + 4')).toEqual({ kind: 'value', printString: '7' });
    expect(await s.evaluate("'abc' reversed")).toEqual({ kind: 'value', printString: "'cba'" });
    expect(await s.evaluate('#(1 $a foo) , #(2)')).toEqual({ kind: 'value', printString: '#(1 $a #foo 2)' });
    expect(await s.evaluate('100 factorial printString size')).toEqual({ kind: 'value', printString: '158' });
  });

  it('keeps workspace variables between inputs, auto-declared', async () => {
    const s = await session();
    expect(await s.evaluate('x := 6')).toEqual({ kind: 'value', printString: '6' });
    expect(await s.evaluate('y := x * 7')).toEqual({ kind: 'value', printString: '42' });
    expect(await s.evaluate('x + y')).toEqual({ kind: 'value', printString: '48' });
    expect(s.globalNames()).toEqual(expect.arrayContaining(['x', 'y', 'Object', 'Transcript']));
  });

  it('answers errors with their description and Smalltalk trace, and stays usable', async () => {
    const s = await session();
    const r = await s.evaluate('nil foo');
    expect(r).toMatchObject({ kind: 'error', description: 'MessageNotUnderstood: UndefinedObject>>#foo' });
    expect(r.kind === 'error' && r.trace.at(-1)).toBe('UndefinedObject>>DoIt (1)');
    const z = await s.evaluate('1/0');
    expect(z).toMatchObject({ kind: 'error', description: expect.stringMatching(/ZeroDivide/) });
    expect(await s.evaluate('1 + 1')).toEqual({ kind: 'value', printString: '2' });
  });

  it('reports compile errors with the position and a caret', async () => {
    const s = await session();
    const r = await s.evaluate('3 +');
    expect(r).toEqual({ kind: 'error', description: expect.stringMatching(/1:4: expected an argument after \+/), trace: ['3 +', '   ^'] });
  });

  it('reports a failing printString as the error it is', async () => {
    const s = await session();
    await s.evaluate("Object subclass: #BadPrint instanceVariableNames: '' classVariableNames: '' package: 'T'");
    await s.defineMethod('BadPrint', false, 'printOn: aStream\n\tself error: \'no printing\'', 'printing');
    expect(await s.evaluate('BadPrint new')).toMatchObject({ kind: 'error', description: expect.stringMatching(/no printing/) });
  });

  it('streams Transcript output to listeners while the evaluation still runs (the VM yields between slices)', async () => {
    const s = await session();
    const seen: string[] = [];
    const off = s.onTranscript((text) => seen.push(text));
    let finished = false;
    // 300,000 backward jumps: three slices of the VM at least.
    const result = s.evaluate("Transcript show: 'started'; cr. n := 0. [n < 300000] whileTrue: [n := n + 1]. n")
      .then((r) => { finished = true; return r; });
    const midway = await new Promise((resolve) => {
      const poll = (): void => {
        if (seen.length > 0 || finished) resolve({ text: seen.join(''), finished });
        else setImmediate(poll);
      };
      poll();
    });
    expect(midway).toEqual({ text: 'started\n', finished: false });
    expect(await result).toEqual({ kind: 'value', printString: '300000' });
    off();
  });

  it('interrupts [true] whileTrue within 100 ms, says where it was, and goes on', async () => {
    const s = await session();
    const running = s.evaluate('[true] whileTrue');
    await new Promise((r) => setTimeout(r, 150));
    const t0 = performance.now();
    s.interrupt();
    const r = await running;
    const ms = performance.now() - t0;
    expect(r).toEqual({ kind: 'interrupted', trace: ['UndefinedObject>>DoIt (1)'] });
    expect(ms).toBeLessThan(100);
    expect(await s.evaluate('3 + 4')).toEqual({ kind: 'value', printString: '7' });
  });

  it('interrupts an evaluation that waits on a Delay at once, not when the Delay is due', async () => {
    const s = await session();
    // A base image built before the kernel had processes has no Delay.
    if (!s.globalNames().includes('Delay')) return;
    const running = s.evaluate('(Delay forSeconds: 30) wait. 5');
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    s.interrupt();
    const r = await running;
    expect(performance.now() - t0).toBeLessThan(100);
    expect(r).toMatchObject({ kind: 'interrupted', trace: expect.arrayContaining(['UndefinedObject>>DoIt (1)']) });
  });

  it('leaves the exit to its owner when Smalltalk quits', async () => {
    const codes: number[] = [];
    const s = await session(undefined, { onExit: (c) => { codes.push(c); }, changes: false });
    let shown = '';
    s.onTranscript((t) => { shown += t; });
    const r = await s.evaluate("Transcript show: 'bye'. Smalltalk exit: 3. Transcript show: 'not reached'");
    expect(codes).toEqual([3]);
    expect(r).toEqual({ kind: 'value', printString: '' });
    expect(shown).toBe('bye');
  });
});

describe('definitions', () => {
  it('defines classes by evaluation and methods in Tonel syntax, both sides, with categories', async () => {
    const s = await session();
    expect(await s.evaluate("Object subclass: #Counter instanceVariableNames: 'count' classVariableNames: '' package: 'Demo'"))
      .toEqual({ kind: 'value', printString: 'Counter' });
    expect(await s.defineMethod('Counter', false, 'increment\n\tcount := (count ifNil: [0]) + 1', 'counting'))
      .toEqual({ kind: 'value', printString: 'Counter>>increment' });
    expect(await s.defineMethod('Counter', false, 'count\n\t^ count', 'accessing')).toMatchObject({ kind: 'value' });
    expect(await s.defineMethod('Counter', true, 'startingAt: n\n\t^ self new setCount: n', 'instance creation'))
      .toEqual({ kind: 'value', printString: 'Counter class>>startingAt:' });
    expect(await s.defineMethod('Counter', false, 'setCount: n\n\tcount := n', '')).toMatchObject({ kind: 'value' });
    expect(await s.evaluate('c := Counter startingAt: 41. c increment; count')).toEqual({ kind: 'value', printString: '42' });
    const d = await s.browse('Counter');
    expect(d.instanceProtocols).toEqual([
      { name: 'accessing', selectors: ['count'] },
      { name: 'as yet unclassified', selectors: ['setCount:'] },
      { name: 'counting', selectors: ['increment'] },
    ]);
    expect(d.classProtocols).toEqual([{ name: 'instance creation', selectors: ['startingAt:'] }]);
  });

  it('keeps the protocol of a redefined method when none is given, and uses the new code', async () => {
    const s = await session();
    await s.defineMethod('Object', false, 'answer\n\t^ 41', 'demo');
    await s.defineMethod('Object', false, 'answer\n\t^ 42', '');
    expect(await s.evaluate('nil answer')).toEqual({ kind: 'value', printString: '42' });
    expect((await s.browse('Object')).instanceProtocols.find((p) => p.selectors.includes('answer'))?.name).toBe('demo');
  });

  it('reports an unknown class and a method that does not compile, installing nothing', async () => {
    const s = await session();
    expect(await s.defineMethod('NoSuchClass', false, 'foo\n\t^ 1', '')).toEqual({ kind: 'error', description: 'no class named NoSuchClass', trace: [] });
    const r = await s.defineMethod('Object', false, 'broken\n\t^ zork', '');
    expect(r).toMatchObject({ kind: 'error', description: expect.stringMatching(/undeclared variable zork/) });
    expect(await s.evaluate('nil broken')).toMatchObject({ kind: 'error', description: expect.stringMatching(/broken/) });
  });

  it('knows every implemented selector for completion, new ones included', async () => {
    const s = await session();
    expect(s.selectors()).toEqual(expect.arrayContaining(['printString', 'inject:into:', 'at:put:', '+']));
    expect(s.selectors()).not.toContain('frobnicate:with:');
    await s.defineMethod('Object', false, 'frobnicate: a with: b\n\t^ a', '');
    expect(s.selectors()).toContain('frobnicate:with:');
  });
});

describe('loading', () => {
  it('loads files through the loader, prints problems as they come, and logs the load', async () => {
    const image = worldCopy();
    const dir = path.dirname(image);
    fs.writeFileSync(path.join(dir, 'good.st'), [
      "Object subclass: #Loaded instanceVariableNames: '' classVariableNames: '' package: 'L'!",
      "!Loaded methodsFor: 'x'!",
      'answer',
      '\t^ 42! !',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'bad.st'), "!Loaded methodsFor: 'x'!\nbroken\n\t^ 1 +! !\n");
    const s = await session(image);
    let shown = '';
    s.onTranscript((t) => { shown += t; });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(await s.load(['good.st', 'bad.st'])).toEqual(['good.st: 1 class, 1 method', 'bad.st: 0 classes, 0 methods, 1 problem']);
    } finally {
      process.chdir(cwd);
    }
    expect(shown).toMatch(/bad\.st:3:\d+: .*\n/);
    expect(await s.evaluate('Loaded new answer')).toEqual({ kind: 'value', printString: '42' });
    const logged = parseLog(fs.readFileSync(`${image}.changes`, 'utf8')).filter((r) => r.type === 'change');
    expect(logged.map((r) => r.type === 'change' && r.body)).toEqual([{ kind: 'load', paths: [path.join(dir, 'good.st'), path.join(dir, 'bad.st')] }, expect.anything()]);
    await expect(s.load(['missing.st'])).resolves.toEqual([expect.stringMatching(/missing\.st: .*1 problem/)]);
  });
});

describe('saving', () => {
  it('boots the saved image with its classes, globals and workspace variables', async () => {
    const image = worldCopy();
    const s = await session(image);
    await s.evaluate("Object subclass: #Greeter instanceVariableNames: 'name' classVariableNames: '' package: 'Demo'");
    await s.defineMethod('Greeter', false, 'greet: who\n\t^ \'Hello, \', who', 'greeting');
    await s.evaluate("Smalltalk at: #Answer put: 42");
    await s.evaluate("g := Greeter new. greeting := g greet: 'world'");
    const saved = image.replace(/world\.image$/, 'saved.image');
    expect(await s.save(saved)).toBe(saved);
    expect(s.imagePath).toBe(saved);
    expect(await s.evaluate('greeting size')).toEqual({ kind: 'value', printString: '12' });
    const again = await session(saved);
    expect(await again.evaluate('greeting')).toEqual({ kind: 'value', printString: "'Hello, world'" });
    expect(await again.evaluate("(g greet: 'again') , Answer printString")).toEqual({ kind: 'value', printString: "'Hello, again42'" });
    expect(await again.source({ className: 'Greeter', isMeta: false, selector: 'greet:' })).toBe("greet: who\n\t^ 'Hello, ', who");
  });

  it('saves over its own image by default and refuses a path it cannot write', async () => {
    const image = worldCopy();
    const s = await session(image);
    await s.evaluate('kept := 7');
    expect(await s.save()).toBe(image);
    await expect(s.save('/nonexistent-dir/x.image')).rejects.toThrow(/cannot save/);
    expect(await s.evaluate('kept')).toEqual({ kind: 'value', printString: '7' });
    const again = await session(image);
    expect(await again.evaluate('kept')).toEqual({ kind: 'value', printString: '7' });
  });
});
