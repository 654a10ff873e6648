import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../compiler/parser.ts';
import { ratioToFloat } from '../../compiler/literals.ts';
import type { Literal } from '../../vm/method-spec.ts';

function lit(src: string): Literal {
  const e = parseExpression(src);
  if (e.type !== 'literal') throw new Error(`${src} is not a literal but ${e.type}`);
  return e.value;
}
const int = (value: bigint): Literal => ({ kind: 'integer', value });
const float = (value: number): Literal => ({ kind: 'float', value });
const sym = (value: string): Literal => ({ kind: 'symbol', value });
const char = (c: string): Literal => ({ kind: 'character', value: c.codePointAt(0)! });

describe('integers', () => {
  it('decimal, negative and arbitrarily large', () => {
    expect(lit('0')).toEqual(int(0n));
    expect(lit('42')).toEqual(int(42n));
    expect(lit('-3')).toEqual(int(-3n));
    expect(lit('1000000000000000000000')).toEqual(int(1000000000000000000000n));
    expect(lit('-123456789012345678901234567890')).toEqual(int(-123456789012345678901234567890n));
  });
  it('radix', () => {
    expect(lit('16r1F')).toEqual(int(31n));
    expect(lit('2r1010')).toEqual(int(10n));
    expect(lit('-16rFF')).toEqual(int(-255n));
    expect(lit('16r-FF')).toEqual(int(-255n));
    expect(lit('36rZZ')).toEqual(int(1295n));
    expect(lit('8r777')).toEqual(int(511n));
    expect(lit('3r210')).toEqual(int(21n));
    expect(lit('16rFFFFFFFFFFFFFFFFFFFF')).toEqual(int(0xFFFFFFFFFFFFFFFFFFFFn));
  });
  it('exponent makes an integer', () => {
    expect(lit('1e3')).toEqual(int(1000n));
    expect(lit('25e2')).toEqual(int(2500n));
    expect(lit('2r1e3')).toEqual(int(8n));
    expect(lit('1e30')).toEqual(int(10n ** 30n));
  });
  it('a negative exponent on an integer gives the nearest float (no Fraction literal)', () => {
    expect(lit('1e-3')).toEqual(float(0.001));
  });
  it('letters after a number start a unary message', () => {
    const e = parseExpression('3 factorial');
    expect(e).toMatchObject({ type: 'message', selector: 'factorial' });
    expect(parseExpression('3e')).toMatchObject({ type: 'message', selector: 'e' });
  });
});

describe('floats', () => {
  it('are correctly rounded', () => {
    expect(lit('1.5')).toEqual(float(1.5));
    expect(lit('0.1')).toEqual(float(0.1));
    expect(lit('1.5e-3')).toEqual(float(0.0015));
    expect(lit('2.0e+10')).toEqual(float(2e10));
    expect(lit('-0.5')).toEqual(float(-0.5));
    expect(lit('3.141592653589793238462643383279')).toEqual(float(Math.PI));
    expect(lit('2.2250738585072014e-308')).toEqual(float(2.2250738585072014e-308));
    expect(lit('1.7976931348623157e308')).toEqual(float(Number.MAX_VALUE));
    expect(lit('1.0e400')).toEqual(float(Infinity));
    expect(lit('1.5d2')).toEqual(float(150));
    expect(lit('1.5q2')).toEqual(float(150));
  });
  it('radix floats', () => {
    expect(lit('2r1.1')).toEqual(float(1.5));
    expect(lit('16r1.8')).toEqual(float(1.5));
    expect(lit('2r1.1e2')).toEqual(float(6));
    expect(lit('3r0.1')).toEqual(float(1 / 3));
  });
  it('a period not followed by a digit ends the statement', () => {
    expect(lit('1.')).toEqual(int(1n));
  });
  it('ratioToFloat rounds to nearest, ties to even', () => {
    expect(ratioToFloat(1n, 3n)).toBe(1 / 3);
    expect(ratioToFloat(2n ** 53n + 1n, 1n)).toBe(2 ** 53);
    expect(ratioToFloat(2n ** 53n + 3n, 1n)).toBe(2 ** 53 + 4);
    expect(ratioToFloat(1n, 10n)).toBe(0.1);
    expect(ratioToFloat(10n ** 400n, 1n)).toBe(Infinity);
  });
});

describe('scaled decimals', () => {
  it('value is exact, scale is explicit or the digits after the point', () => {
    expect(lit('1.5s2')).toEqual({ kind: 'scaled', numerator: 3n, denominator: 2n, scale: 2 });
    expect(lit('3s')).toEqual({ kind: 'scaled', numerator: 3n, denominator: 1n, scale: 0 });
    expect(lit('3s2')).toEqual({ kind: 'scaled', numerator: 3n, denominator: 1n, scale: 2 });
    expect(lit('1.5s')).toEqual({ kind: 'scaled', numerator: 3n, denominator: 2n, scale: 1 });
    expect(lit('0.1s2')).toEqual({ kind: 'scaled', numerator: 1n, denominator: 10n, scale: 2 });
    expect(lit('-1.25s')).toEqual({ kind: 'scaled', numerator: -5n, denominator: 4n, scale: 2 });
  });
});

describe('characters, strings and symbols', () => {
  it('characters', () => {
    expect(lit('$a')).toEqual(char('a'));
    expect(lit('$ ')).toEqual(char(' '));
    expect(lit("$'")).toEqual(char("'"));
    expect(lit('$$')).toEqual(char('$'));
    expect(lit('$"')).toEqual(char('"'));
    expect(lit('$😀')).toEqual(char('😀'));
  });
  it('strings with doubled quotes', () => {
    expect(lit("'it''s'")).toEqual({ kind: 'string', value: "it's" });
    expect(lit("''")).toEqual({ kind: 'string', value: '' });
    expect(lit("''''")).toEqual({ kind: 'string', value: "'" });
    expect(lit("'a\nb \"not a comment\"'")).toEqual({ kind: 'string', value: 'a\nb "not a comment"' });
  });
  it('symbols', () => {
    expect(lit('#foo')).toEqual(sym('foo'));
    expect(lit('#foo:bar:')).toEqual(sym('foo:bar:'));
    expect(lit('#a:b:')).toEqual(sym('a:b:'));
    expect(lit('#+')).toEqual(sym('+'));
    expect(lit('#->')).toEqual(sym('->'));
    expect(lit('#==>')).toEqual(sym('==>'));
    expect(lit("#'hello world'")).toEqual(sym('hello world'));
    expect(lit('##foo')).toEqual(sym('foo'));
    expect(lit('#with_under2')).toEqual(sym('with_under2'));
  });
});

describe('literal arrays', () => {
  it('nesting and bare words', () => {
    expect(lit("#(1 $a foo #bar (1 2) true false nil #[1 2] foo:bar: #(3) 'str' + )")).toEqual({
      kind: 'array', elements: [
        int(1n), char('a'), sym('foo'), sym('bar'),
        { kind: 'array', elements: [int(1n), int(2n)] },
        { kind: 'true' }, { kind: 'false' }, { kind: 'nil' },
        { kind: 'bytes', value: [1, 2] }, sym('foo:bar:'),
        { kind: 'array', elements: [int(3n)] }, { kind: 'string', value: 'str' }, sym('+'),
      ],
    });
  });
  it('signs, keywords, bars and byte arrays inside', () => {
    expect(lit('#(1 -2 - 3 foo: | [4 5] #foo:bar: 1.5 () #())')).toEqual({
      kind: 'array', elements: [
        int(1n), int(-2n), sym('-'), int(3n), sym('foo:'), sym('|'), { kind: 'bytes', value: [4, 5] },
        sym('foo:bar:'), float(1.5), { kind: 'array', elements: [] }, { kind: 'array', elements: [] },
      ],
    });
  });
  it('spans cover #( to )', () => {
    const src = 'x := #(1 2)';
    const e = parseExpression(src);
    expect(e.type === 'assign' && src.slice(e.value.start, e.value.end)).toBe('#(1 2)');
  });
});

describe('byte arrays', () => {
  it('values 0..255', () => {
    expect(lit('#[1 2 255]')).toEqual({ kind: 'bytes', value: [1, 2, 255] });
    expect(lit('#[]')).toEqual({ kind: 'bytes', value: [] });
    expect(lit('#[16rFF 0]')).toEqual({ kind: 'bytes', value: [255, 0] });
  });
});
