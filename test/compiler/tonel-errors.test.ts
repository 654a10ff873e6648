import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTonelFile, readTonelPackage, readTonelPackageName } from '../../compiler/tonel.ts';
import { formatError } from './source-format-helpers.ts';

const HEAD = "Class {\n\t#name : #Foo,\n\t#superclass : #Object,\n\t#category : #Pkg\n}\n";
const read = (text: string) => () => readTonelFile(text, 'Foo.class.st');

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});
function packageDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-tonel-bad-'));
  temps.push(dir);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

describe('Tonel method bodies that do not end', () => {
  it('reports an unterminated body with where it opened', () => {
    const err = formatError(read(HEAD + '\n{ #category : #accessing }\nFoo >> bar [\n\t^ [ 1 ]\n'));
    expect(err.reason).toBe('expected ] to close the method body opened at 8:12');
    expect(err.file).toBe('Foo.class.st');
    expect([err.line, err.column]).toEqual([9, 9]);
    expect(err.message).toBe('Foo.class.st:9:9: expected ] to close the method body opened at 8:12\n\t^ [ 1 ]\n\t       ^');
  });

  it('reports a string that swallows the rest of the file', () => {
    const err = formatError(read(HEAD + "\nFoo >> bar [\n\t^ 'abc]\n]\n"));
    expect(err.reason).toBe("expected ' to close the string opened at 8:4");
  });

  it('reports a comment that does not close', () => {
    expect(formatError(read(HEAD + '\nFoo >> bar [\n\t"abc]\n]\n')).reason).toBe('expected " to close the comment opened at 8:2');
  });

  it('does not end a body at ] inside strings, comments, character literals or blocks', () => {
    const body = "\n\t\"]\" ^ { ']' . $] . $' . $\" . [ :x | #( $] ) ] }";
    const defs = readTonelFile(HEAD + `\nFoo >> bar [${body}\n]\n`, 'Foo.class.st');
    expect(defs[1]).toMatchObject({ source: `bar${body}` });
  });
});

describe('bad Tonel definitions', () => {
  it('refuses bad STON with the place and what was expected', () => {
    const err = formatError(read('Class {\n\t#name : #Foo\n\t#superclass : #Object\n}\n'));
    expect(err.reason).toBe('bad STON: expected , or } after the value of #name');
    expect([err.line, err.column]).toEqual([3, 2]);
    expect(formatError(read('Class { #name #Foo }')).reason).toBe('bad STON: expected : after the key #name');
    expect(formatError(read('Class { #name : #Foo, ')).reason).toMatch(/^bad STON: expected a #symbol or a string as a map key/);
    expect(formatError(read('Class { #name : #Foo, #instVars : [ \'a\' ')).reason).toBe('bad STON: expected ] to close the list opened at 1:35');
    expect(formatError(read('Class { #name : Foo }')).reason).toMatch(/^bad STON: unexpected Foo/);
    expect(formatError(read("Class { #name : 'Foo }")).reason).toBe("bad STON: expected ' to close the string opened at 1:17");
    expect(formatError(read('Class { #name : #Foo, #name : #Bar }')).reason).toBe('bad STON: duplicate key #name');
  });

  it('refuses a class definition without #name, #superclass or #category', () => {
    expect(formatError(read('Class { #superclass : #Object, #category : #P }')).reason).toBe('the class definition has no #name');
    expect(formatError(read('Class { #name : #Foo, #category : #P }')).reason).toMatch(/^the class definition of Foo has no #superclass/);
    expect(formatError(read('Class { #name : #Foo, #superclass : #Object }')).reason).toBe('the class definition of Foo has no #category or #package');
    expect(formatError(() => readTonelFile('Extension { }', 'Foo.extension.st')).reason).toBe('the extension definition has no #name');
  });

  it('refuses bad names', () => {
    expect(formatError(read("Class { #name : #'Foo Bar', #superclass : #Object, #category : #P }")).reason).toBe("bad class name 'Foo Bar': expected an identifier");
    expect(formatError(read("Class { #name : #Foo, #superclass : #'1x', #category : #P }")).reason).toMatch(/^bad superclass name '1x'/);
    expect(formatError(read("Class { #name : #Foo, #superclass : #Object, #instVars : [ 'a-b' ], #category : #P }")).reason).toBe(
      "bad instance variable name 'a-b': expected an identifier",
    );
    expect(formatError(read("Class { #name : #Foo, #superclass : #Object, #classVars : [ 'A', 'A' ], #category : #P }")).reason).toBe(
      'duplicate class variable A',
    );
    expect(formatError(read('Class { #name : #Foo, #superclass : #Object, #instVars : \'a b\', #category : #P }')).reason).toMatch(
      /^#instVars must be a list of instance variable names/,
    );
  });

  it('refuses traits, slots and unknown class types', () => {
    const trait = formatError(() => readTonelFile('"A trait"\nTrait {\n\t#name : #TFoo,\n\t#category : #P\n}\n', 'TFoo.trait.st'));
    expect(trait.reason).toMatch(/^traits are not supported/);
    expect([trait.line, trait.column]).toEqual([2, 1]);
    expect(formatError(read("Class { #name : #Foo, #superclass : #Object, #traits : 'TFoo', #category : #P }")).reason).toMatch(/^traits are not supported/);
    expect(formatError(read("Class { #name : #Foo, #superclass : #Object, #slots : [ '#a => WeakSlot' ], #category : #P }")).reason).toMatch(
      /^slots are not supported/,
    );
    expect(formatError(read('Class { #name : #Foo, #superclass : #Object, #type : #ephemeron, #category : #P }')).reason).toMatch(
      /^class type #ephemeron is not supported/,
    );
  });

  it('refuses files that are not Tonel definitions', () => {
    expect(formatError(read('')).reason).toMatch(/^empty Tonel file/);
    expect(formatError(read('Object subclass: #Foo')).reason).toBe('unknown Tonel definition Object: expected Class { ... } or Extension { ... }');
    expect(formatError(read('Class [ ]')).reason).toBe('bad STON: expected { to open a map');
    expect(formatError(read('42')).reason).toMatch(/^expected Class \{ \.\.\. \} or Extension/);
    expect(formatError(read('Klass { #name : #Foo }')).reason).toMatch(/^unknown Tonel definition Klass/);
    expect(formatError(read('"never closed\nClass { }')).reason).toBe('expected " to close the class comment opened at 1:1');
    expect(formatError(read('Package { #name : #P }')).reason).toMatch(/^this is a package.st file/);
  });
});

describe('bad Tonel methods', () => {
  it('refuses a method whose class name is syntactically bad', () => {
    const err = formatError(read(HEAD + '\nFoo-Bar >> baz [\n]\n'));
    expect(err.reason).toBe("bad class name 'Foo-Bar' in a method definition: expected Foo >> or Foo class >>");
    expect([err.line, err.column]).toEqual([7, 1]);
    expect(formatError(read(HEAD + '\nFoo classSide >> baz [\n]\n')).reason).toMatch(/^bad class name 'Foo classSide'/);
    expect(formatError(read(HEAD + '\n3Foo >> baz [\n]\n')).reason).toMatch(/^bad class name '3Foo'/);
  });

  it('refuses a method of another class than the file defines', () => {
    expect(formatError(read(HEAD + '\nBar >> baz [\n]\n')).reason).toBe('method for Bar in the file that defines Foo');
  });

  it('refuses bad patterns and a missing [', () => {
    expect(formatError(read(HEAD + '\nFoo >> 3 [\n]\n')).reason).toBe('expected a method pattern (a selector and its argument names)');
    expect(formatError(read(HEAD + '\nFoo >> at: [\n]\n')).reason).toBe('expected an argument name after the keyword at:');
    expect(formatError(read(HEAD + '\nFoo >> + [\n]\n')).reason).toBe('expected an argument name after the binary selector +');
    const err = formatError(read(HEAD + '\nFoo >> bar ^ 1 ]\n'));
    expect(err.reason).toBe('expected [ to open the body of Foo >> bar');
    expect([err.line, err.column]).toEqual([7, 12]);
  });

  it('refuses text between methods that is not a method', () => {
    expect(formatError(read(HEAD + '\nFoo >> bar [\n]\n\nhello\n')).reason).toMatch(/^expected a method definition \(Foo >> selector/);
    expect(formatError(read(HEAD + '\n{ #category : #a }\n{ #category : #b }\nFoo >> bar [\n]\n')).reason).toMatch(/^expected a method definition/);
    expect(formatError(read(HEAD + '\n{ #category : [ ] }\nFoo >> bar [\n]\n')).reason).toBe('#category must be a symbol or a string');
  });
});

describe('bad Tonel packages', () => {
  it('needs a package.st with a #name', () => {
    expect(() => readTonelPackage(packageDir({}))).toThrow(/not a Tonel package directory \(no readable package.st\)/);
    expect(formatError(() => readTonelPackageName('Package { }', 'package.st')).reason).toBe('the package definition has no #name');
    expect(formatError(() => readTonelPackageName('Class { #name : #P }', 'package.st')).reason).toMatch(/^expected Package/);
  });

  it('refuses a trait file, a class defined twice and a superclass cycle', () => {
    const pkg = 'Package { #name : #P }\n';
    const cls = (name: string, sup: string) => `Class { #name : #${name}, #superclass : #${sup}, #category : #P }\n`;
    expect(formatError(() => readTonelPackage(packageDir({ 'package.st': pkg, 'T.trait.st': 'Trait { #name : #T }' }))).reason).toMatch(
      /^traits are not supported/,
    );
    expect(formatError(() => readTonelPackage(packageDir({ 'package.st': pkg, 'A.class.st': cls('A', 'Object'), 'B.class.st': cls('A', 'Object') }))).reason).toMatch(
      /^class A is defined twice: also in .*A\.class\.st$/,
    );
    expect(formatError(() => readTonelPackage(packageDir({ 'package.st': pkg, 'A.class.st': cls('A', 'B'), 'B.class.st': cls('B', 'A') }))).reason).toBe(
      'superclass cycle: A -> B -> A',
    );
  });
});
