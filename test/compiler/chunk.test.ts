import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readChunkFile, writeChunkFile } from '../../compiler/chunk.ts';
import type { ClassDefinition, Definition, MethodDefinition } from '../../compiler/definitions.ts';
import { expectSameDefinitions, formatError } from './source-format-helpers.ts';

const SAMPLE_PATH = join(import.meta.dirname, '../fixtures/sample.st');
const SAMPLE = readFileSync(SAMPLE_PATH, 'utf8');
const read = (text: string) => readChunkFile(text, 'x.st');
const cls = (defs: Definition[], name: string) => defs.find((d) => d.kind === 'class' && d.name === name) as ClassDefinition;
const methods = (defs: Definition[]) => defs.filter((d): d is MethodDefinition => d.kind === 'method');

describe('reading the sample fileout', () => {
  const defs = readChunkFile(SAMPLE, SAMPLE_PATH);

  it('turns definition chunks into definitions and keeps other chunks as doits', () => {
    const kinds = defs.filter((d) => d.kind !== 'method').map((d) => `${d.kind}:${'name' in d ? d.name : d.source.slice(0, 20)}`);
    expect(kinds).toEqual([
      "doit:'From Pharo11.0.0 of",
      'class:SampleShape',
      'class:SampleCircle',
      'class:SampleRectangle',
      'class:SampleBag',
      'extension:Integer',
      'doit:"Initialize the clas',
      "doit:Transcript show: 'Lo",
    ]);
    expect(methods(defs)).toHaveLength(16);
  });

  it('reads class definitions of every form, class-side variables and both comment forms', () => {
    const { position, ...shape } = cls(defs, 'SampleShape');
    expect(shape).toEqual({
      kind: 'class',
      name: 'SampleShape',
      superclass: 'Object',
      instVars: ['name'],
      classVars: ['Count', 'Registry'],
      classInstVars: ['defaultName'],
      pools: [],
      category: 'Sample-Core',
      package: 'Sample',
      tag: 'Core',
      type: 'normal',
      comment: "I am the abstract root of the sample shapes.\nI'm not a string: my text has an apostrophe, a ] bracket and a bang!",
    });
    expect([position.line, position.column]).toEqual([4, 1]);
    expect(cls(defs, 'SampleCircle')).toMatchObject({ category: 'Sample-Shapes', package: 'Sample-Shapes', tag: null, comment: "A circle of a given radius. It's round!" });
    expect(cls(defs, 'SampleRectangle')).toMatchObject({ superclass: 'SampleShape', instVars: ['width', 'height'], pools: ['SampleConstants'], category: 'Sample' });
    expect(cls(defs, 'SampleBag')).toMatchObject({ type: 'variable', category: 'Sample-Util', tag: 'Util' });
  });

  it('reads method sections with their class side, protocol and unescaped source', () => {
    const ms = methods(defs);
    expect(ms[0]).toMatchObject({ className: 'SampleShape', isMeta: true, category: 'instance creation' });
    const describeMethod = ms.find((m) => m.source.startsWith('describe'))!;
    expect(describeMethod.category).toBe('printing');
    expect(describeMethod.source).toContain("nextPutAll: ']!'.\n");
    expect(describeMethod.source).toContain('nextPut: $!.\n');
    expect(describeMethod.source).toContain('"Strings with ] and ! and $] characters"');
    expect(describeMethod.position).toMatchObject({ file: SAMPLE_PATH, line: 43, column: 1 });
    expect(ms.filter((m) => m.className === 'SampleShape' && m.category === 'accessing').map((m) => m.source)).toEqual([
      'name\n\n\t^ name',
      'name: aString\n\n\tname := aString',
    ]);
    expect(ms.find((m) => m.className === 'Integer' && m.isMeta)).toMatchObject({ category: '*Sample', source: 'sampleZero\n\n\t^ 0' });
  });

  it('round-trips: read, write, read gives the same definitions, and writing is then stable', () => {
    const text = writeChunkFile(defs);
    const again = readChunkFile(text, 'again.st');
    expectSameDefinitions(again, defs);
    expect(writeChunkFile(again)).toBe(text);
  });

  it('writes Pharo-style chunks', () => {
    const text = writeChunkFile(defs);
    expect(text).toContain(
      "Object subclass: #SampleShape\n\tinstanceVariableNames: 'name'\n\tclassVariableNames: 'Count Registry'\n\tpackage: 'Sample'\n\ttag: 'Core'!\n\n" +
        "SampleShape class\n\tinstanceVariableNames: 'defaultName'!\n\n" +
        "SampleShape comment: 'I am the abstract root of the sample shapes.\nI''m not a string: my text has an apostrophe, a ] bracket and a bang!!'!\n\n",
    );
    expect(text).toContain("!SampleShape methodsFor: 'accessing'!\nname\n\n\t^ name!\n\nname: aString\n\n\tname := aString! !\n\n");
    expect(text).toContain("SampleShape subclass: #SampleCircle\n\tinstanceVariableNames: 'radius'\n\tclassVariableNames: ''\n\tpackage: 'Sample-Shapes'!");
    expect(text).toContain("Object variableSubclass: #SampleBag\n");
  });
});

describe('chunk details', () => {
  it('tolerates Squeak stamps, prior:, comments between chunks and CR line endings', () => {
    const text = "\"header\"\n!Foo methodsFor: 'a' stamp: 'ab 1/1/2020 10:00' prior: 1234!\nfoo\n\t^ 1! !\n\"between\"\n\n!Foo class methodsFor: 'b'!\nbar\n\t^ 2! !\n";
    const defs = read(text);
    expect(defs.map((d) => d.kind)).toEqual(['extension', 'method', 'method']);
    expect(defs[1]).toMatchObject({ className: 'Foo', isMeta: false, category: 'a', source: 'foo\n\t^ 1' });
    expect(defs[2]).toMatchObject({ className: 'Foo', isMeta: true, category: 'b', source: 'bar\n\t^ 2' });
    expectSameDefinitions(read(text.replace(/\n/g, '\r')), defs);
  });

  it("keeps a hand-written '!' inside a string or comment in its chunk", () => {
    const defs = read("Transcript show: 'Hello!'; cr!\n\"Bye!\" 3 + 4!\nx := $!!.!\n");
    expect(defs.map((d) => (d as { source: string }).source)).toEqual(["Transcript show: 'Hello!'; cr", '"Bye!" 3 + 4', 'x := $!.']);
  });

  it('falls back to the classic rule when a string would run to the end of the file', () => {
    const defs = read("!Foo methodsFor: 'x'!\nfoo\n\t^ 'abc!\n\nbar ^ 2! !\n");
    expect(methods(defs).map((m) => m.source)).toEqual(["foo\n\t^ 'abc", 'bar ^ 2']);
  });

  it('ends a section at an empty chunk and at the end of the file', () => {
    expect(read("!Foo methodsFor: 'x'! !\n3 + 4!\n").map((d) => d.kind)).toEqual(['doit']);
    expect(read("!Foo methodsFor: 'x'!\nfoo ^ 1!").map((d) => d.kind)).toEqual(['extension', 'method']);
  });

  it('skips reorganize chunks and keeps unknown class messages as doits', () => {
    const defs = read("!Foo reorganize!\n('accessing' a b)\n!\nFoo comment: 'not defined here'!\nFoo class instanceVariableNames: 'x'!\n");
    expect(defs.map((d) => d.kind)).toEqual(['doit', 'doit']);
  });

  it('turns a commentStamp of an unknown class into a comment: doit', () => {
    expect(read("!Foo commentStamp: 's' prior: 0!\nIt's me!")).toMatchObject([{ kind: 'doit', source: "Foo comment: 'It''s me'" }]);
  });

  it('reads the class definition variants and round-trips each type', () => {
    const text = [
      "nil subclass: #Root instanceVariableNames: '' classVariableNames: '' poolDictionaries: '' category: 'K-Roots'!",
      "Object variableByteSubclass: #Bytes instanceVariableNames: '' classVariableNames: '' package: 'K'!",
      "Object variableWordSubclass: #Words instanceVariableNames: '' classVariableNames: '' package: 'K'.!",
      "\"a weak one\" Object weakSubclass: #Weak instanceVariableNames: 'a' classVariableNames: '' category: 'K' package: 'K' tag: 'T'!",
    ].join('\n');
    const defs = read(text) as ClassDefinition[];
    expect(defs.map((d) => [d.name, d.superclass, d.type, d.category, d.package, d.tag])).toEqual([
      ['Root', null, 'normal', 'K-Roots', 'K-Roots', null],
      ['Bytes', 'Object', 'bytes', 'K', 'K', null],
      ['Words', 'Object', 'words', 'K', 'K', null],
      ['Weak', 'Object', 'weak', 'K', 'K', 'T'],
    ]);
    expectSameDefinitions(read(writeChunkFile(defs)), defs);
    expect(writeChunkFile(defs)).toContain("\tcategory: 'K'\n\tpackage: 'K'\n\ttag: 'T'!");
  });

  it('keeps a chunk that only looks like a class definition as a doit', () => {
    const defs = read("Object subclass: #Foo instanceVariableNames: 'a'!\nObject subclass: #Foo category: 'K'; yourself!\n");
    expect(defs.map((d) => d.kind)).toEqual(['doit', 'doit']);
  });

  it('refuses to write what would not read back', () => {
    const m: MethodDefinition = { kind: 'method', className: 'Foo', isMeta: false, category: 'x', source: "foo ^ 'abc", position: { file: 'a.st', line: 2, column: 1, offset: 5 } };
    expect(formatError(() => writeChunkFile([m])).reason).toMatch(/^cannot write this as a chunk: a string or comment in it does not close/);
    expect(formatError(() => writeChunkFile([{ ...m, source: '  "only a comment"' }])).reason).toMatch(/^cannot write an empty method/);
    const bad = { ...(read("Object subclass: #Foo instanceVariableNames: '' classVariableNames: '' package: 'K'!")[0] as ClassDefinition), instVars: ['a b'] };
    expect(formatError(() => writeChunkFile([bad])).reason).toMatch(/^cannot write class Foo: bad instance variable name 'a b'/);
  });

  it('leaves out comment-only doits and writes others with their ! doubled', () => {
    const doit = (source: string): Definition => ({ kind: 'doit', source, position: { file: 'a', line: 1, column: 1, offset: 0 } });
    expect(writeChunkFile([doit('"nothing"'), doit("Transcript show: 'hi!'")])).toBe("Transcript show: 'hi!!'!\n\n");
  });
});
