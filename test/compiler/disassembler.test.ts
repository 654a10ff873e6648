import { describe, expect, it } from 'vitest';
import { compileDoit, compileMethod } from '../../compiler/compile.ts';
import { disassemble, printFloat, printLiteral } from '../../compiler/disassembler.ts';
import type { MethodSpec } from '../../vm/method-spec.ts';
import { OPCODES } from '../../vm/opcodes.ts';

const env = { instVarNames: ['count'], isBound: (n: string) => /^[A-Z]/.test(n) };

describe('disassemble', () => {
  it('prints a header, one line per instruction with comments, and the literal frame', () => {
    const m = compileMethod('add: x | t | t := count + x. Transcript show: t printString. ^#(1 $a foo)', env, { className: 'Counter' });
    expect(disassemble(m, ['count'])).toBe([
      'Counter>>add:  numArgs 1  numTemps 2  frameSize 4',
      ' 0  PUSH_INST_VAR 0                      ; count',
      ' 2  PUSH_TEMP 0                          ; x',
      ' 4  SEND_SPECIAL 0                       ; #+',
      ' 6  POP_STORE_TEMP 1                     ; t',
      ' 8  PUSH_GLOBAL 0                        ; binding Transcript',
      '11  PUSH_TEMP 1                          ; t',
      '13  SEND 1 0                             ; #printString',
      '17  SEND 2 1                             ; #show:',
      '21  POP',
      '22  PUSH_LITERAL 3                       ; #(1 $a #foo)',
      '25  RETURN_TOP',
      'literals:',
      '0  binding Transcript',
      '1  #printString',
      '2  #show:',
      '3  #(1 $a #foo)',
    ].join('\n'));
  });

  it('indents block bodies and names copied, remote and block temps', () => {
    const m = compileMethod('foo: x | n | n := 0. ^[:y | n := n + x + y. [^n] value]', env);
    const text = disassemble(m);
    expect(text).toContain('PUSH_CLOSURE 2 1 0');
    expect(text).toMatch(/\n\s*\d+ {4}PUSH_REMOTE_TEMP 0 2\s+; n \(vector in temp 2\)/);
    expect(text).toMatch(/\n\s*\d+ {4}PUSH_TEMP 1\s+; x/);
    expect(text).toMatch(/\n\s*\d+ {4}PUSH_TEMP 0\s+; y/);
    expect(text).toMatch(/\n\s*\d+ {6}RETURN_TOP\s+; non-local return/);
    expect(text).toMatch(/\n\s*\d+ {4}BLOCK_RETURN/);
    expect(text).toMatch(/\n\s*\d+ {2}RETURN_TOP$/);
  });

  it('shows jump targets and special selectors', () => {
    const text = disassemble(compileMethod('foo: x ^x ifTrue: [1] ifFalse: [2]', env));
    expect(text).toContain('JUMP_FALSE 5                         ; to 10');
    expect(text).toContain('JUMP 2                               ; to 12');
  });

  it('prints primitives and pragmas', () => {
    const text = disassemble(compileMethod("foo <primitive: 'prim' module: 'M'> <category: 'x'> ^1", env));
    expect(text.split('\n').slice(0, 2)).toEqual([
      "foo  numArgs 0  numTemps 0  frameSize 1  <primitive: 'prim' module: 'M'>",
      "<category: 'x'>",
    ]);
  });

  it('prints every opcode by its table name, even without debug names', () => {
    const m = compileDoit('| a | a := [:x | x]. {a value: 1. thisContext. nil. true. false. 1000. #s. X. X := 3}', env);
    const copy: MethodSpec = { ...m, source: 'not [ valid' };
    const text = disassemble(copy);
    expect(text).not.toContain('; a');
    for (const line of text.split('\n').slice(1)) {
      if (line === 'literals:') break;
      const name = line.trim().split(/\s+/)[1];
      expect(OPCODES.map((o) => o.name)).toContain(name);
    }
  });

  it('recovers temp names from the source of any spec, whatever its environment', () => {
    const m = compileMethod('foo: x | count | count := x. ^[count]', env);
    const text = disassemble({ ...m });
    expect(text).toMatch(/POP_STORE_TEMP 1\s+; count/);
    expect(text).toMatch(/PUSH_TEMP 0\s+; count/);
  });

  it('flags bytes that are not instructions', () => {
    const m = compileDoit('3', env);
    expect(disassemble({ ...m, bytecodes: Uint8Array.from([250, 5]) })).toContain('<bad byte 250>');
  });
});

describe('printLiteral', () => {
  it('prints every literal kind in Smalltalk syntax', () => {
    expect(printLiteral({ kind: 'integer', value: -12345678901234567890n })).toBe('-12345678901234567890');
    expect(printLiteral({ kind: 'scaled', numerator: 3n, denominator: 2n, scale: 2 })).toBe('1.50s2');
    expect(printLiteral({ kind: 'scaled', numerator: -1n, denominator: 3n, scale: 3 })).toBe('-0.333s3');
    expect(printLiteral({ kind: 'scaled', numerator: 3n, denominator: 1n, scale: 0 })).toBe('3s0');
    expect(printLiteral({ kind: 'character', value: 97 })).toBe('$a');
    expect(printLiteral({ kind: 'character', value: 10 })).toBe('(Character value: 10)');
    expect(printLiteral({ kind: 'string', value: "it's" })).toBe("'it''s'");
    expect(printLiteral({ kind: 'symbol', value: 'at:put:' })).toBe('#at:put:');
    expect(printLiteral({ kind: 'symbol', value: '+' })).toBe('#+');
    expect(printLiteral({ kind: 'symbol', value: 'hello world' })).toBe("#'hello world'");
    expect(printLiteral({ kind: 'bytes', value: [1, 255] })).toBe('#[1 255]');
    expect(printLiteral({ kind: 'array', elements: [{ kind: 'nil' }, { kind: 'array', elements: [] }] })).toBe('#(nil ())');
    expect(printLiteral({ kind: 'binding', name: 'Foo' })).toBe('binding Foo');
  });

  it('prints floats with a point and Smalltalk exponents', () => {
    expect(printFloat(1)).toBe('1.0');
    expect(printFloat(1.5)).toBe('1.5');
    expect(printFloat(-0)).toBe('-0.0');
    expect(printFloat(1e100)).toBe('1.0e100');
    expect(printFloat(1.5e-10)).toBe('1.5e-10');
    expect(printFloat(Infinity)).toBe('Float infinity');
    expect(printFloat(NaN)).toBe('Float nan');
  });
});
