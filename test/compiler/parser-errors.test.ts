import { describe, expect, it } from 'vitest';
import { isIncomplete, parseDoit, parseExpression, parseMethod } from '../../compiler/parser.ts';
import { CompileError, lineColumn } from '../../compiler/errors.ts';

function errorOf(parse: () => unknown): CompileError {
  try {
    parse();
  } catch (e) {
    if (e instanceof CompileError) return e;
    throw e;
  }
  throw new Error('expected a CompileError');
}

/** `line:col reason` of the error a doit (or method with kind 'm') raises. */
function err(src: string, kind: 'd' | 'm' | 'e' = 'd'): string {
  const parse = kind === 'm' ? parseMethod : kind === 'e' ? parseExpression : parseDoit;
  const e = errorOf(() => parse(src));
  return `${e.line}:${e.column} ${e.reason}`;
}

describe('CompileError', () => {
  it('formats file:line:col, the source line and a caret', () => {
    const e = errorOf(() => parseMethod('foo\n  ^ 3 +', { file: 'Foo.st' }));
    expect([e.file, e.line, e.column, e.offset, e.reason]).toEqual(['Foo.st', 2, 8, 11, 'expected an argument after +']);
    expect(e.sourceLine).toBe('  ^ 3 +');
    expect(e.format()).toBe('Foo.st:2:8: expected an argument after +\n  ^ 3 +\n       ^');
    expect(e.message).toBe(e.format());
    expect(e).toBeInstanceOf(Error);
  });
  it('defaults the file to <input> and keeps tabs under the caret', () => {
    const e = errorOf(() => parseDoit('a\n\tb: [\n\t\tc'));
    expect(e.format()).toBe('<input>:3:4: expected ] to close the block opened at 2:5\n\t\tc\n\t\t ^');
  });
  it('can be built by other compiler stages from a node offset', () => {
    const e = new CompileError('undeclared variable x', 'foo\r\n  ^x', 8, 'A.st');
    expect(e.format()).toBe('A.st:2:4: undeclared variable x\n  ^x\n   ^');
  });
  it('lineColumn counts \\n, \\r\\n and \\r line breaks', () => {
    expect(lineColumn('ab\ncd', 4)).toMatchObject({ line: 2, column: 2 });
    expect(lineColumn('ab\r\ncd', 5)).toMatchObject({ line: 2, column: 2 });
    expect(lineColumn('ab\rcd\rx', 6)).toMatchObject({ line: 3, column: 1 });
    expect(lineColumn('ab', 99)).toMatchObject({ line: 1, column: 3 });
  });
});

describe('bracket errors name the opener', () => {
  it('unclosed at the end of input', () => {
    expect(err('foo\n  bar: [:x |\n    x baz: [ 3 ]')).toBe('3:17 expected ] to close the block opened at 2:8');
    expect(err('(1 + 2')).toBe('1:7 expected ) to close the parenthesis opened at 1:1');
    expect(err('{1. 2')).toBe('1:6 expected } to close the brace opened at 1:1');
    expect(err('#(1 2')).toBe('1:6 expected ) to close the literal array opened at 1:1');
    expect(err('#[1 2')).toBe('1:6 expected ] to close the byte array opened at 1:1');
  });
  it('closed by the wrong bracket', () => {
    expect(err('(1 + 2]')).toBe('1:7 expected ) to close the parenthesis opened at 1:1');
    expect(err('[ (1 + 2 ]')).toBe('1:10 expected ) to close the parenthesis opened at 1:3');
    expect(err('#(1 2]')).toBe('1:6 expected ) to close the literal array opened at 1:1');
  });
  it('closers without an opener', () => {
    expect(err('x ]')).toBe('1:3 unexpected ]');
    expect(err(')')).toBe('1:1 unexpected )');
    expect(err('x }')).toBe('1:3 unexpected }');
    expect(err('[:x | ]]')).toBe('1:8 unexpected ]');
  });
  it('missing closer before other tokens', () => {
    expect(err('{1 2}')).toBe('1:4 expected . or } to close the brace opened at 1:1');
    expect(err('#( 1 . 2 )')).toBe('1:6 expected a literal or ) to close the literal array opened at 1:1');
    expect(err('#[1 foo]')).toBe('1:5 expected an integer 0..255 or ] to close the byte array opened at 1:1');
    expect(err('foo <primitive: 60', 'm')).toBe('1:19 expected > to close the pragma opened at 1:5');
  });
});

describe('lexical errors', () => {
  it('unterminated strings, symbols and comments point at their start', () => {
    expect(err("x := 'abc")).toBe('1:6 unterminated string');
    expect(err("#'abc")).toBe('1:2 unterminated string');
    expect(err('x "abc')).toBe('1:3 unterminated comment');
  });
  it('bad characters never throw anything but CompileError', () => {
    expect(err('x ¿')).toBe("1:3 unexpected character '¿'");
    expect(err('x \u0001')).toBe('1:3 unexpected character U+0001');
    expect(err('x \u200B')).toBe('1:3 unexpected character U+200B');
    expect(err('x foo: 1 !')).toBe("1:10 unexpected character '!'");
  });
  it('numbers', () => {
    expect(err('37r12')).toBe('1:1 invalid radix 37');
    expect(err('x + -37r12')).toBe('1:5 invalid radix 37');
    expect(err('1r0')).toBe('1:1 invalid radix 1');
    expect(err('8r19')).toBe('1:4 digit 9 is not valid in radix 8');
    expect(err('2r102')).toBe('1:5 digit 2 is not valid in radix 2');
    expect(err('16r')).toBe('1:4 expected a digit after 16r');
    expect(err('16rff')).toBe('1:4 expected a digit after 16r (radix digits are 0-9 and uppercase A-Z)');
    expect(err('1e99999')).toBe('1:2 exponent too large');
  });
  it('$ and # need something after them', () => {
    expect(err('$')).toBe('1:1 expected a character after $');
    expect(err('#')).toBe('1:2 expected a symbol after #');
    expect(err('# foo')).toBe('1:2 expected a symbol, ( or [ after #');
  });
  it('byte array elements', () => {
    expect(err('#[1 256]')).toBe('1:5 byte array element must be 0..255');
    expect(err('#[1 -1]')).toBe('1:5 byte array element must be 0..255');
    expect(err('#[1 1.5]')).toBe('1:5 byte array element must be 0..255');
  });
});

describe('syntax errors', () => {
  it('missing operands', () => {
    expect(err('x := ')).toBe('1:5 expected an expression after :=');
    expect(err('x := 3 + .')).toBe('1:10 expected an argument after +');
    expect(err('x foo: ')).toBe('1:7 expected an argument after foo:');
    expect(err('x foo: ^3')).toBe('1:8 expected an argument after foo:');
    expect(err('^')).toBe('1:2 expected an expression after ^');
    expect(err('[ ^ ]')).toBe('1:5 expected an expression after ^');
    expect(err('( )')).toBe('1:3 expected an expression after (');
  });
  it('statement ends', () => {
    expect(err('x foo 3')).toBe('1:7 expected a selector or statement end');
    expect(err('x ^ y')).toBe('1:3 expected a selector or statement end');
    expect(err('[x foo 3]')).toBe('1:8 expected a selector or statement end');
    expect(err('(x foo 3)')).toBe('1:8 expected ) to close the parenthesis opened at 1:1');
    expect(err('a. b', 'e')).toBe('1:4 expected the end of input after the expression');
  });
  it('assignment targets', () => {
    expect(err('3 := 4')).toBe('1:3 only a variable can be assigned with :=');
    expect(err('x := y foo := 3')).toBe('1:12 only a variable can be assigned with :=');
  });
  it('cascades', () => {
    expect(err('x foo; 3')).toBe('1:8 expected a message after ;');
    expect(err('x; foo')).toBe('1:2 a cascade must follow a message send');
    expect(err('(x foo); bar')).toBe('1:8 a cascade must follow a message send');
    expect(err('x foo; bar baz')).toBe('1:12 expected ; or statement end after a cascaded message');
  });
  it('keywords written together', () => {
    expect(err('x at:put: 3')).toBe('1:3 expected an argument after at:');
  });
  it('blocks and temporaries', () => {
    expect(err('[:x foo]')).toBe('1:5 expected | or ] after the block parameters');
    expect(err('[: 3]')).toBe('1:4 expected a parameter name after :');
    expect(err('| a 3 |')).toBe('1:5 expected a temporary name or | to end the temporaries');
    expect(err('| a b')).toBe('1:6 expected | to end the temporaries');
    expect(err('{ 1. ^2 }')).toBe('1:6 a return (^) is not allowed inside { }');
  });
  it('method patterns and pragmas', () => {
    expect(err('3 + 4', 'm')).toBe('1:1 expected a message pattern (unary, binary or keyword selector with argument names)');
    expect(err('foo: 3', 'm')).toBe('1:6 expected an argument name after foo:');
    expect(err('foo < 3>', 'm')).toBe('1:7 expected a pragma selector after <');
    expect(err('foo <bar: x + 1>', 'm')).toBe('1:13 expected > to close the pragma opened at 1:5');
    expect(err('foo <bar: (1)>', 'm')).toBe('1:11 expected a literal argument after bar:');
  });
  it('the earliest error wins, whichever stage finds it', () => {
    expect(err("x := . 'abc")).toBe('1:6 expected an expression after :=');
    expect(err('x := . ]')).toBe('1:6 expected an expression after :=');
    expect(err("x foo. 'abc")).toBe('1:8 unterminated string');
    expect(err('x := 3 ] . (')).toBe('1:8 unexpected ]');
  });
});

describe('isIncomplete', () => {
  it('open brackets, strings, comments and trailing operators continue', () => {
    for (const src of ['[ :x |', '(1 + 2', '{1.', '#(1 2', "'abc", '"abc', 'x foo: ', 'x +', 'x := ', 'x foo;', '| a b', '^', 'x foo: [:y |\n y bar']) {
      expect(isIncomplete(src), src).toBe(true);
    }
  });
  it('complete input, and input with an error before its end, do not', () => {
    for (const src of ['', 'x foo', 'x foo.', '3 + 4', 'x ]', '(1 + 2]', 'x foo 3 +', "'abc' ¿ [", '[:x | x] value: 3']) {
      expect(isIncomplete(src), src).toBe(false);
    }
  });
});
