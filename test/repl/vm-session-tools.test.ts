// The REPL's browsing tools over the real base image: .browse, .source, .senders,
// .implementors, .inspect and .dis, and the errors they give for names that do not exist.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVmSession, type VmSession } from '../../repl/vm-session.ts';
import { removeWorld, worldCopy } from './vm-session-world.ts';

let s: VmSession;
let image = '';

beforeAll(async () => {
  image = worldCopy();
  s = await openVmSession(image, { onExit: () => {}, changes: false });
  await s.evaluate("Object subclass: #Pair instanceVariableNames: 'left right' classVariableNames: 'Count' package: 'Demo'");
  await s.evaluate("Pair comment: 'I hold two things.'");
  await s.evaluate("Pair class instanceVariableNames: 'made'");
  await s.defineMethod('Pair', false, 'left\n\t^ left', 'accessing');
  await s.defineMethod('Pair', false, 'left: l right: r\n\t| t |\n\tt := l.\n\tleft := t.\n\tright := r', 'initialization');
  await s.defineMethod('Pair', false, 'sum\n\t^ [:x | x + right] value: left', 'arithmetic');
  await s.defineMethod('Pair', true, 'left: l right: r\n\t^ self new left: l right: r', 'instance creation');
});

afterAll(async () => {
  await s.close();
  removeWorld(image);
});

describe('browsing', () => {
  it('shows a class definition, comment and methods by protocol', async () => {
    const d = await s.browse('Pair');
    expect(d.definition).toBe([
      'Object subclass: #Pair',
      "\tinstanceVariableNames: 'left right'",
      "\tclassVariableNames: 'Count'",
      "\tpackage: 'Demo'",
      '',
      "Pair class instanceVariableNames: 'made'",
    ].join('\n'));
    expect(d.comment).toBe('I hold two things.');
    expect(d.instanceProtocols).toEqual([
      { name: 'accessing', selectors: ['left'] },
      { name: 'arithmetic', selectors: ['sum'] },
      { name: 'initialization', selectors: ['left:right:'] },
    ]);
    expect(d.classProtocols).toEqual([{ name: 'instance creation', selectors: ['left:right:'] }]);
  });

  it('browses kernel classes of every layout', async () => {
    expect((await s.browse('Array')).definition).toMatch(/^ArrayedCollection variableSubclass: #Array/);
    expect((await s.browse('ByteArray')).definition).toMatch(/variableByteSubclass: #ByteArray/);
    expect((await s.browse('OrderedCollection')).instanceProtocols.flatMap((p) => p.selectors)).toContain('add:');
  });

  it('refuses names that are not classes', async () => {
    await expect(s.browse('NoSuchThing')).rejects.toThrow('no class named NoSuchThing');
    await expect(s.browse('Transcript')).rejects.toThrow('Transcript is not a class');
    await expect(s.source({ className: 'Pair', isMeta: false, selector: 'nope' })).rejects.toThrow('Pair has no method #nope');
    await expect(s.disassemble({ className: 'Pair', isMeta: true, selector: 'sum' })).rejects.toThrow('Pair class has no method #sum');
  });

  it('shows sources of both sides', async () => {
    expect(await s.source({ className: 'Pair', isMeta: true, selector: 'left:right:' })).toBe('left: l right: r\n\t^ self new left: l right: r');
    expect(await s.source({ className: 'OrderedCollection', isMeta: false, selector: 'add:' })).toMatch(/^add: /);
  });
});

describe('senders and implementors', () => {
  it('finds implementors on both sides, sorted', async () => {
    expect(await s.implementors('left:right:')).toEqual([
      { className: 'Pair', isMeta: false, selector: 'left:right:' },
      { className: 'Pair', isMeta: true, selector: 'left:right:' },
    ]);
    expect(await s.implementors('noSuchSelectorAnywhere')).toEqual([]);
  });

  it('finds senders through literals and special selectors, not the method itself', async () => {
    expect(await s.senders('left:right:')).toEqual([{ className: 'Pair', isMeta: true, selector: 'left:right:' }]);
    const plus = await s.senders('+');
    expect(plus).toContainEqual({ className: 'Pair', isMeta: false, selector: 'sum' });
    expect(plus.length).toBeGreaterThan(20);
    await s.defineMethod('Pair', false, 'perform\n\t^ self perform: #sum', '');
    const sum = await s.senders('sum');
    expect(sum).toContainEqual({ className: 'Pair', isMeta: false, selector: 'perform' });
    expect(sum).not.toContainEqual({ className: 'Pair', isMeta: false, selector: 'sum' });
  });
});

describe('inspecting', () => {
  it('shows the class, the instance variables with values, and indexed slots', async () => {
    expect(await s.inspect('Pair left: 3 @ 4 right: #(1 2)')).toEqual({
      kind: 'object',
      className: 'Pair',
      printString: 'a Pair',
      namedSlots: [{ name: 'left', printString: '(3@4)' }, { name: 'right', printString: '#(1 2)' }],
      indexedSlots: [],
      indexedSize: 0,
    });
    const oc = await s.inspect('OrderedCollection new add: 5; add: 6; yourself');
    expect(oc).toMatchObject({ kind: 'object', className: 'OrderedCollection', printString: 'an OrderedCollection(5 6)' });
    expect(oc.kind === 'object' && oc.namedSlots.map((x) => x.name)).toEqual(expect.arrayContaining(['array']));
  });

  it('shows strings, byte arrays and big arrays slot by slot, up to a limit', async () => {
    const str = await s.inspect("'hé'");
    expect(str).toMatchObject({ className: 'String', indexedSize: 2, indexedSlots: [{ name: '1', printString: '$h' }, { name: '2', printString: '$é' }] });
    expect(await s.inspect('#[7 8]')).toMatchObject({ className: 'ByteArray', indexedSlots: [{ name: '1', printString: '7' }, { name: '2', printString: '8' }] });
    const big = await s.inspect('(1 to: 500) asArray');
    expect(big).toMatchObject({ className: 'Array', indexedSize: 500 });
    expect(big.kind === 'object' && big.indexedSlots.length).toBe(50);
    expect(await s.inspect('42')).toMatchObject({ kind: 'object', className: 'SmallInteger', printString: '42', namedSlots: [], indexedSize: 0 });
  });

  it('reports an expression that fails instead of an inspection', async () => {
    expect(await s.inspect('nil foo')).toMatchObject({ kind: 'error', description: expect.stringMatching(/MessageNotUnderstood/) });
    expect(await s.inspect('(')).toMatchObject({ kind: 'error' });
  });

  it('keeps the inspected object across garbage collections while printing its slots', async () => {
    await s.defineMethod('Pair', false, 'printOn: aStream\n\t1 to: 20000 do: [:i | Array new: 10].\n\taStream nextPutAll: \'pair\'', 'printing');
    const r = await s.inspect('Pair left: (Pair left: 1 right: 2) right: (Array new: 3)');
    expect(r).toMatchObject({ kind: 'object', printString: 'pair', namedSlots: [{ name: 'left', printString: 'pair' }, { name: 'right', printString: '#(nil nil nil)' }] });
    await s.defineMethod('Pair', false, 'printOn: aStream\n\tsuper printOn: aStream', 'printing');
  });
});

describe('disassembly', () => {
  it('lists the installed bytecodes with temp, instance variable and literal names', async () => {
    const lines = await s.disassemble({ className: 'Pair', isMeta: false, selector: 'left:right:' });
    expect(lines[0]).toBe('Pair>>left:right:  numArgs 2  numTemps 3  frameSize 4');
    expect(lines.join('\n')).toMatch(/POP_STORE_INST_VAR 0 +; left/);
    expect(lines.join('\n')).toMatch(/PUSH_TEMP 2 +; t/);
    const sum = (await s.disassemble({ className: 'Pair', isMeta: false, selector: 'sum' })).join('\n');
    expect(sum).toMatch(/PUSH_CLOSURE/);
    expect(sum).toMatch(/SEND_SPECIAL 0 +; #\+/);
    const meta = (await s.disassemble({ className: 'Pair', isMeta: true, selector: 'left:right:' })).join('\n');
    expect(meta).toMatch(/SEND 0 2 +; #left:right:/);
  });
});
