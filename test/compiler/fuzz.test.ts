// Fuzzing the parser: random characters, random token soups and mutations of valid
// methods. Whatever the input, the parser must answer a result or throw a CompileError
// with a sane position and one of our own reasons, and never hang. The generator is
// seeded, so a failure is reproducible from the printed input.

import { describe, expect, it } from 'vitest';
import { isIncomplete, parseDoit, parseExpression, parseMethod } from '../../compiler/parser.ts';
import { CompileError } from '../../compiler/errors.ts';
import { seededRandom as rng } from '../helpers/random.ts';

const SEEDS = [
  `printOn: aStream base: anInteger
	"Print the receiver in the given base."
	| num digits |
	<category: 'printing'>
	num := self abs.
	self < 0 ifTrue: [aStream nextPut: $-].
	digits := OrderedCollection new.
	[num > 0] whileTrue: [digits addFirst: (num \\\\ anInteger) printString. num := num // anInteger].
	digits isEmpty ifTrue: [^aStream nextPutAll: '0'].
	1 to: digits size do: [:k | aStream nextPutAll: (digits at: k)]`,
  `at: index put: value
	<primitive: 61 error: ec>
	^self checkIndex: index; errorSubscriptBounds: index`,
  `literals
	^#(1 $a foo #bar (1 2) true false nil #[1 2] foo:bar: #(3) 'str' + -2 16r1F 1.5e-3 2r1.1 1.5s2 3s #'a b') , {1. 2+3. x := 3 - -4}`,
  `+ other
	| t | t := [:a :b || u | u := a -> b. u] value: self value: other.
	Transcript show: 'it''s'; cr; show: t printString; yourself.
	^thisContext sender ifNil: [super + other] ifNotNil: [:s | s == nil]`,
];

const ALPHABET = 'abcxyzAB019 \t\n:=^.;|[](){}#$\'"-+*/\\~<>=@%&?,!_rse';
const TOKENS = [
  'x', 'foo', 'Bar', 'foo:', 'at:put:', '+', '-', '->', '|', '||', '<', '>', '(', ')', '[', ']', '{', '}',
  '#(', '#[', '.', ';', '^', ':=', ':', ':x', '$a', "'s'", "'", '"', '"c"', '#sym', '#+', '#foo:', '3', '-4',
  '1.5', '16rFF', '2e3', '1.5s2', '37r1', 'primitive:', 'self', 'nil', 'true', '\n', '¿', '##', '$',
];

function randomChars(r: () => number): string {
  const n = Math.floor(r() * 40);
  let s = '';
  for (let i = 0; i < n; i++) {
    s += r() < 0.03 ? String.fromCodePoint(Math.floor(r() * 0x2ffff)) : ALPHABET[Math.floor(r() * ALPHABET.length)];
  }
  return s;
}

function randomTokens(r: () => number): string {
  const n = 1 + Math.floor(r() * 25);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(TOKENS[Math.floor(r() * TOKENS.length)]);
  return parts.join(r() < 0.5 ? ' ' : '');
}

function mutate(r: () => number, src: string): string {
  let s = src;
  const edits = 1 + Math.floor(r() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(r() * (s.length + 1));
    const kind = Math.floor(r() * 4);
    if (kind === 0) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 3));
    else if (kind === 1) s = s.slice(0, at) + ALPHABET[Math.floor(r() * ALPHABET.length)] + s.slice(at);
    else if (kind === 2 && at + 1 < s.length) s = s.slice(0, at) + s[at + 1] + s[at] + s.slice(at + 2);
    else s = s.slice(0, at) + TOKENS[Math.floor(r() * TOKENS.length)] + s.slice(at);
  }
  return s;
}

// Words from chevrotain's default messages that must never reach a user.
const LEAKED = /Expecting|but found|--> .* <--|NoViableAlt|MismatchedToken|EarlyExit|NotAllInput|undefined|\[object/;

function check(src: string, parse: (s: string) => unknown): 'ok' | 'error' {
  try {
    parse(src);
    return 'ok';
  } catch (e) {
    if (!(e instanceof CompileError)) throw new Error(`not a CompileError for ${JSON.stringify(src)}: ${String(e)}`);
    const bad = e.line < 1 || e.column < 1 || e.offset < 0 || e.offset > src.length || e.reason === '' || LEAKED.test(e.reason);
    if (bad) throw new Error(`bad error for ${JSON.stringify(src)}: ${e.format()}`);
    return 'error';
  }
}

describe('parser fuzz', () => {
  it('the seed methods are valid', () => {
    for (const s of SEEDS) expect(check(s, parseMethod)).toBe('ok');
  });

  it('answers a result or a CompileError for 5000 random and mutated inputs', () => {
    const r = rng(20240517);
    const counts = { ok: 0, error: 0 };
    let slowest = 0;
    for (let i = 0; i < 5000; i++) {
      const started = performance.now();
      const kind = i % 3;
      const src = kind === 0 ? randomChars(r) : kind === 1 ? randomTokens(r) : mutate(r, SEEDS[i % SEEDS.length]);
      counts[check(src, parseMethod)]++;
      counts[check(src, parseDoit)]++;
      if (i % 4 === 0) counts[check(src, parseExpression)]++;
      expect(typeof isIncomplete(src)).toBe('boolean');
      slowest = Math.max(slowest, performance.now() - started);
    }
    // Both outcomes must be well represented, or the generator is not exercising the parser.
    expect(counts.ok).toBeGreaterThan(500);
    expect(counts.error).toBeGreaterThan(5000);
    // No input may take long (a wall-clock bound loose enough for a busy machine).
    expect(slowest).toBeLessThan(1000);
  }, 30000);

  it('does not hang or overflow on deep nesting and long inputs', () => {
    const deep = '('.repeat(120) + 'x' + ')'.repeat(120);
    expect(check(deep, parseDoit)).toBe('ok');
    expect(check('[:a | '.repeat(120) + 'x foo: 1' + ']'.repeat(120), parseDoit)).toBe('ok');
    expect(() => parseDoit('['.repeat(100000))).toThrow('1:129: brackets nested more than 128 deep');
    expect(() => parseDoit('#('.repeat(300) + ')'.repeat(300))).toThrow('brackets nested more than 128 deep');
    expect(check('x' + ' foo'.repeat(20000), parseDoit)).toBe('ok');
    expect(check('9'.repeat(20000), parseDoit)).toBe('ok');
    expect(check('#(' + '1 '.repeat(20000) + ')', parseDoit)).toBe('ok');
  });
});
