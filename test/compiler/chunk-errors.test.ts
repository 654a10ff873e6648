import { describe, expect, it } from 'vitest';
import { readChunkFile } from '../../compiler/chunk.ts';
import { formatError } from './source-format-helpers.ts';

const read = (text: string) => () => readChunkFile(text, 'bad.st');

describe('bad chunk files', () => {
  it('reports a chunk that never ends, with where it started', () => {
    const err = formatError(read("Object subclass: #Foo\n\tinstanceVariableNames: ''!\n\nFoo bar.\nFoo baz\n"));
    expect(err.reason).toBe('expected ! to end the chunk that starts at 4:1');
    expect(err.message).toBe('bad.st:5:8: expected ! to end the chunk that starts at 4:1\nFoo baz\n       ^');
    expect(formatError(read("!Foo methodsFor: 'x'!\nfoo\n\t^ 1")).reason).toBe('expected ! to end the chunk that starts at 2:1');
  });

  it('lets a file end with blanks or comments after its last chunk', () => {
    expect(readChunkFile('3 + 4!\n\n"the end"\n', 'ok.st')).toHaveLength(1);
  });

  it('refuses methodsFor: sent to something that is not a class name', () => {
    const err = formatError(read("3 + 4!\n!Foo-Bar methodsFor: 'x'!\nfoo ^ 1! !\n"));
    expect(err.reason).toBe("bad class name 'Foo-Bar' before methodsFor: expected Foo methodsFor: 'protocol' or Foo class methodsFor: 'protocol'");
    expect([err.line, err.column]).toEqual([2, 2]);
    expect(formatError(read("!Foo class class methodsFor: 'x'!\n")).reason).toMatch(/^bad class name 'Foo class class'/);
    expect(formatError(read("!Foo methodsFor: #x!\n")).reason).toMatch(/^bad class name 'Foo'/);
  });

  it('refuses a class definition with a bad class or variable name', () => {
    const err = formatError(read("Object subclass: #'Foo Bar'\n\tinstanceVariableNames: ''\n\tclassVariableNames: ''\n\tpackage: 'P'!\n"));
    expect(err.reason).toBe("bad class name 'Foo Bar': expected an identifier");
    expect([err.line, err.column]).toEqual([1, 18]);
    const v = formatError(read("Object subclass: #Foo\n\tinstanceVariableNames: 'a 2b'\n\tclassVariableNames: ''\n\tpackage: 'P'!\n"));
    expect(v.reason).toBe("bad instance variable name '2b': expected an identifier");
    expect([v.line, v.column]).toEqual([2, 25]);
    expect(formatError(read("Object subclass: #Foo instanceVariableNames: 'a a' classVariableNames: '' package: 'P'!")).reason).toBe('duplicate instance variable a');
    const civ = "Object subclass: #Foo instanceVariableNames: '' classVariableNames: '' package: 'P'!\nFoo class instanceVariableNames: 'x-y'!";
    expect(formatError(read(civ)).reason).toBe("bad class-side instance variable name 'x-y': expected an identifier");
  });

  it('points past doubled bangs to the right column', () => {
    const text = "\"Wow!! Bang!!\" Object subclass: #Foo instanceVariableNames: '2x' classVariableNames: '' package: 'P'!";
    const err = formatError(read(text));
    expect(err.reason).toBe("bad instance variable name '2x': expected an identifier");
    expect(err.column).toBe(text.indexOf("'2x'") + 1);
  });

  it('refuses a commentStamp: chunk with no comment after it', () => {
    const text = "Object subclass: #Foo instanceVariableNames: '' classVariableNames: '' package: 'P'!\n!Foo commentStamp: 'x' prior: 0!\n";
    expect(formatError(read(text)).reason).toBe('expected the comment of Foo after its commentStamp: chunk');
    expect(formatError(read(text + 'never ended')).reason).toBe('expected ! to end the chunk that starts at 3:1');
  });
});
