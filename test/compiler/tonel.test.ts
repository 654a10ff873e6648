import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClassDefinition, MethodDefinition } from '../../compiler/definitions.ts';
import { readTonelFile, readTonelPackage, writeTonelClass, writeTonelExtension, writeTonelPackage } from '../../compiler/tonel.ts';
import { expectSameDefinitions, formatError } from './source-format-helpers.ts';

const SAMPLE = join(import.meta.dirname, '../fixtures/sample-tonel/Sample');

const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'strata-tonel-'));
  temps.push(d);
  return d;
}
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

const methodsOf = (defs: { kind: string }[], name: string) =>
  defs.filter((d): d is MethodDefinition => d.kind === 'method' && (d as MethodDefinition).className === name);

describe('reading the sample Tonel package', () => {
  const pkg = readTonelPackage(SAMPLE);

  it('reads package.st and orders classes superclasses first, then extensions', () => {
    expect(pkg.name).toBe('Sample');
    const heads = pkg.definitions.filter((d) => d.kind !== 'method').map((d) => `${d.kind}:${'name' in d ? d.name : ''}`);
    expect(heads).toEqual([
      'class:SampleBag',
      'class:SampleShape',
      'class:SampleCircle',
      'class:SampleRectangle',
      'class:SampleSquare',
      'extension:Integer',
      'extension:Object',
    ]);
  });

  it('reads a class definition with its comment, variables of every kind and package tag', () => {
    const shape = pkg.definitions.find((d) => d.kind === 'class' && d.name === 'SampleShape') as ClassDefinition;
    const { position, ...rest } = shape;
    expect(rest).toEqual({
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
      comment: 'I am the abstract root of the sample shapes.\nMy comment has "quotes", a ] bracket, a ! bang and an apostrophe: it\'s fine.',
    });
    const offset = readFileSync(join(SAMPLE, 'SampleShape.class.st'), 'utf8').indexOf('Class {');
    expect(position).toEqual({ file: join(SAMPLE, 'SampleShape.class.st'), line: 5, column: 1, offset });
  });

  it('reads #type and #pools', () => {
    const bag = pkg.definitions[0] as ClassDefinition;
    expect(bag.type).toBe('variable');
    expect(bag.pools).toEqual(['SampleConstants']);
    expect(bag.tag).toBe('Util');
  });

  it('gives each method its pattern plus the exact body text, and its category and side', () => {
    const describeMethod = methodsOf(pkg.definitions, 'SampleShape').find((m) => m.source.startsWith('describe'))!;
    expect(describeMethod.category).toBe('printing');
    expect(describeMethod.isMeta).toBe(false);
    expect(describeMethod.source).toBe(
      [
        'describe',
        '\t"Strings with ] and ! and $] characters"',
        '',
        '\t| s |',
        '\ts := WriteStream on: String new.',
        "\ts nextPutAll: 'shape ['; nextPutAll: name; nextPutAll: ']!'.",
        "\ts nextPut: $]; nextPut: $[; nextPut: $'; nextPut: $\"; nextPut: $!.",
        '\t^ s contents',
      ].join('\n'),
    );
    const named = methodsOf(pkg.definitions, 'SampleShape').find((m) => m.source.startsWith('named:'))!;
    expect(named.isMeta).toBe(true);
    expect(named.category).toBe('instance creation');
    const plus = methodsOf(pkg.definitions, 'SampleRectangle').find((m) => m.source.startsWith('+'))!;
    expect(plus.source.split('\n')[0]).toBe('+ aPoint');
    const literals = methodsOf(pkg.definitions, 'SampleCircle').find((m) => m.source.startsWith('literals'))!;
    expect(literals.source).toContain("#( nested #( deeper ) ) #[ 1 2 255 ] foo: #+ $' )");
    expect(literals.source.endsWith('value: each ]')).toBe(true);
  });

  it('points a method position at its pattern in the file', () => {
    const m = methodsOf(pkg.definitions, 'SampleCircle').find((d) => d.source.startsWith('literals'))!;
    const text = readFileSync(join(SAMPLE, 'SampleCircle.class.st'), 'utf8');
    expect(m.position.line).toBe(34);
    expect(m.position.column).toBe('SampleCircle >> '.length + 1);
    expect(text.slice(m.position.offset, m.position.offset + 'literals'.length)).toBe('literals');
  });

  it('writes every file back byte for byte as Pharo lays it out', () => {
    for (const d of pkg.definitions) {
      if (d.kind === 'class') {
        expect(writeTonelClass(d, methodsOf(pkg.definitions, d.name))).toBe(readFileSync(join(SAMPLE, `${d.name}.class.st`), 'utf8'));
      } else if (d.kind === 'extension') {
        expect(writeTonelExtension(d.name, methodsOf(pkg.definitions, d.name))).toBe(readFileSync(join(SAMPLE, `${d.name}.extension.st`), 'utf8'));
      }
    }
  });

  it('round-trips: read, write the package, read again gives the same definitions', () => {
    const dir = tempDir();
    writeTonelPackage(pkg, dir);
    expect(readdirSync(dir).sort()).toEqual(readdirSync(SAMPLE).sort());
    expectSameDefinitions(readTonelPackage(dir).definitions, pkg.definitions);
    for (const f of readdirSync(SAMPLE)) expect(readFileSync(join(dir, f), 'utf8')).toBe(readFileSync(join(SAMPLE, f), 'utf8'));
  });
});

describe('Tonel variants', () => {
  it("splits a Pharo 7-11 #category into package and tag when the package is known", () => {
    const text = "Class {\n\t#name : #Foo,\n\t#superclass : #Object,\n\t#category : #'Pkg-Model'\n}\n";
    expect(readTonelFile(text, 'Foo.class.st', 'Pkg')[0]).toMatchObject({ category: 'Pkg-Model', package: 'Pkg', tag: 'Model' });
    expect(readTonelFile(text, 'Foo.class.st')[0]).toMatchObject({ category: 'Pkg-Model', package: 'Pkg-Model', tag: null });
    expect(readTonelFile(text, 'Foo.class.st', 'Other')[0]).toMatchObject({ package: 'Pkg-Model', tag: null });
  });

  it("reads Pharo 12's strings for names and categories", () => {
    const text = [
      'Class {',
      "\t#name : 'Foo',",
      "\t#superclass : 'Object',",
      "\t#instVars : [ 'a' ],",
      "\t#package : 'Pkg',",
      "\t#tag : 'Model'",
      '}',
      '',
      "{ #category : 'instance creation' }",
      'Foo class >> new [',
      '',
      '\t^ super new',
      ']',
    ].join('\n');
    const [cls, m] = readTonelFile(text, 'Foo.class.st');
    expect(cls).toMatchObject({ name: 'Foo', superclass: 'Object', instVars: ['a'], package: 'Pkg', tag: 'Model', category: 'Pkg-Model' });
    expect(m).toMatchObject({ kind: 'method', className: 'Foo', isMeta: true, category: 'instance creation', source: 'new\n\n\t^ super new' });
  });

  it('reads #superclass : #nil as a root class and writes it back', () => {
    const text = 'Class {\n\t#name : #ProtoFoo,\n\t#superclass : #nil,\n\t#category : #Kernel,\n\t#package : #Kernel\n}\n';
    const [cls] = readTonelFile(text, 'ProtoFoo.class.st') as ClassDefinition[];
    expect(cls!.superclass).toBeNull();
    expect(writeTonelClass(cls!, [])).toBe(text);
  });

  it('reads every class type', () => {
    for (const type of ['variable', 'bytes', 'words', 'weak', 'compiledMethod'] as const) {
      const text = `Class { #name : #Foo, #superclass : #Object, #type : #${type}, #category : #K }`;
      expect(readTonelFile(text, 'Foo.class.st')[0]).toMatchObject({ type });
    }
  });

  it('keeps a body on the pattern line and an empty body', () => {
    const text = 'Extension { #name : #Foo }\n\nFoo >> one [ ^ 1 ]\n\nFoo >> nothing [\n]\n\nFoo >> two\n[\n\t^ 2\n]\n';
    const methods = readTonelFile(text, 'Foo.extension.st').slice(1) as MethodDefinition[];
    expect(methods.map((m) => m.source)).toEqual(['one ^ 1', 'nothing', 'two\n\n\t^ 2']);
    expect(methods.map((m) => m.category)).toEqual(['', '', '']);
  });

  it('reads CRLF files like LF files', () => {
    const lf = readFileSync(join(SAMPLE, 'SampleShape.class.st'), 'utf8');
    expectSameDefinitions(readTonelFile(lf.replace(/\n/g, '\r\n'), 'x'), readTonelFile(lf, 'x'));
  });

  it('accepts #key: without a space before the colon and symbols in variable lists', () => {
    const text = "Class { #name : #Foo, #superclass : #Object, #classInstVars: [ #a ], #pools: [ 'P' ], #category : #K }";
    expect(readTonelFile(text, 'Foo.class.st')[0]).toMatchObject({ classInstVars: ['a'], pools: ['P'] });
  });
});

describe('writing Tonel', () => {
  const cls: ClassDefinition = {
    kind: 'class',
    name: 'Foo',
    superclass: 'Object',
    instVars: ['a', 'b'],
    classVars: [],
    classInstVars: [],
    pools: [],
    category: 'Pkg',
    package: 'Pkg',
    tag: null,
    type: 'normal',
    comment: 'Say "hi"',
    position: { file: 'mem', line: 1, column: 1, offset: 0 },
  };
  const method = (source: string, isMeta = false, category = 'accessing'): MethodDefinition => ({
    kind: 'method',
    className: 'Foo',
    isMeta,
    category,
    source,
    position: { file: 'mem', line: 1, column: 1, offset: 0 },
  });

  it('lays out the class as Pharo does: comment, map, class side then instance side by selector', () => {
    const text = writeTonelClass(cls, [method('zeta\n\t^ 1'), method('alpha: x\n\t^ x', false, ''), method('new\n\t^ super new', true)]);
    expect(text).toBe(
      [
        '"',
        'Say ""hi""',
        '"',
        'Class {',
        '\t#name : #Foo,',
        '\t#superclass : #Object,',
        '\t#instVars : [',
        "\t\t'a',",
        "\t\t'b'",
        '\t],',
        '\t#category : #Pkg,',
        '\t#package : #Pkg',
        '}',
        '',
        '{ #category : #accessing }',
        'Foo class >> new [',
        '\t^ super new',
        ']',
        '',
        'Foo >> alpha: x [',
        '\t^ x',
        ']',
        '',
        '{ #category : #accessing }',
        'Foo >> zeta [',
        '\t^ 1',
        ']',
        '',
      ].join('\n'),
    );
    expectSameDefinitions(readTonelFile(text, 'Foo.class.st'), [
      cls,
      method('new\n\t^ super new', true),
      method('alpha: x\n\t^ x', false, ''),
      method('zeta\n\t^ 1'),
    ]);
  });

  it('keeps trailing blanks and blank lines of a body through a round trip', () => {
    const sources = ['a\n\t^ 1\n', 'b\n\t^ 2\n  ', 'c ^ 3', 'd', "e\n\t^ ']' , '[' , $] asString , $[ asString"];
    const text = writeTonelExtension('Foo', sources.map((s) => method(s)));
    expect((readTonelFile(text, 'Foo.extension.st').slice(1) as MethodDefinition[]).map((m) => m.source)).toEqual(sources);
  });

  it('quotes categories that are not simple symbols', () => {
    const text = writeTonelExtension('Foo', [method('a', false, "it's *Pkg-Ext")]);
    expect(text).toContain("{ #category : #'it\\'s *Pkg-Ext' }");
    expect((readTonelFile(text, 'x')[1] as MethodDefinition).category).toBe("it's *Pkg-Ext");
  });

  it('refuses a body whose brackets do not balance and a doit in a package', () => {
    expect(formatError(() => writeTonelExtension('Foo', [method('a\n\t^ [ 1')])).reason).toMatch(/cannot write Foo>>a in Tonel/);
    const doit = { kind: 'doit' as const, source: 'Foo initialize', position: { file: 'x.st', line: 3, column: 1, offset: 9 } };
    expect(formatError(() => writeTonelPackage({ name: 'P', definitions: [doit] }, tempDir())).reason).toMatch(/Tonel cannot hold doits/);
  });

  it('refuses a method of another class', () => {
    expect(() => writeTonelClass(cls, [{ ...method('a'), className: 'Bar' }])).toThrow(/method for Bar/);
  });

  it('rewrites a package directory: stale class files go, other files stay', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'Old.class.st'), 'Class { #name : #Old, #superclass : #Object, #category : #P }\n');
    writeFileSync(join(dir, 'README.md'), 'notes');
    writeTonelPackage({ name: 'P', definitions: [cls, method('a\n\t^ a'), { ...method('printString'), className: 'Object' }] }, dir);
    expect(readdirSync(dir).sort()).toEqual(['Foo.class.st', 'Object.extension.st', 'README.md', 'package.st']);
    expect(readFileSync(join(dir, 'package.st'), 'utf8')).toBe('Package { #name : #P }\n');
    const back = readTonelPackage(dir);
    expect(back.definitions.map((d) => d.kind)).toEqual(['class', 'method', 'extension', 'method']);
  });
});
