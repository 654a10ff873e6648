import { describe, expect, it } from 'vitest';
import { parseDoit, parseExpression, parseMethod } from '../../compiler/parser.ts';
import type { CascadeNode, Expr, MessageNode, MethodNode } from '../../compiler/ast.ts';

/** The AST without source ranges, for shape comparisons. */
function shape(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(shape);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k !== 'start' && k !== 'end' && k !== 'selectorSpan') out[k] = shape(v);
  }
  return out;
}

const v = (name: string) => ({ type: 'variable', name });
const int = (n: number) => ({ type: 'literal', value: { kind: 'integer', value: BigInt(n) } });
const send = (receiver: unknown, selector: string, ...args: unknown[]) => ({ type: 'message', receiver, selector, args });
const expr = (src: string) => shape(parseExpression(src));

describe('message precedence', () => {
  it('unary binds tighter than binary, binary tighter than keyword', () => {
    expect(expr('3 + 4 * 5 foo: 6 bar')).toEqual(
      send(send(send(int(3), '+', int(4)), '*', int(5)), 'foo:', send(int(6), 'bar')));
  });
  it('binary messages are left to right', () => {
    expect(expr('1 - 2 - 3')).toEqual(send(send(int(1), '-', int(2)), '-', int(3)));
  });
  it('unary chains', () => {
    expect(expr('x foo bar')).toEqual(send(send(v('x'), 'foo'), 'bar'));
  });
  it('keyword parts form one selector', () => {
    expect(expr('d at: 1 put: 2 + 3')).toEqual(send(v('d'), 'at:put:', int(1), send(int(2), '+', int(3))));
  });
  it('parentheses override precedence', () => {
    expect(expr('(1 + 2) * 3')).toEqual(send(send(int(1), '+', int(2)), '*', int(3)));
    expect(expr('a foo: (b bar: c)')).toEqual(send(v('a'), 'foo:', send(v('b'), 'bar:', v('c'))));
  });
  it('binary selectors made of any operator characters', () => {
    for (const op of ['->', '~=', '<=', '>=', '==>', ',', '|', '&', '\\\\', '//', '@', '%', '?', '~~', '<', '>', '=', '==']) {
      expect(expr(`a ${op} b`)).toEqual(send(v('a'), op, v('b')));
    }
  });
  it('minus before a digit: binary after an operand, a sign elsewhere', () => {
    expect(expr('3-4')).toEqual(send(int(3), '-', int(4)));
    expect(expr('x-1')).toEqual(send(v('x'), '-', int(1)));
    expect(expr('x -1')).toEqual(send(v('x'), '-', int(1)));
    expect(expr('3 - -4')).toEqual(send(int(3), '-', int(-4)));
    expect(expr('3--4')).toEqual(send(int(3), '-', int(-4)));
    expect(expr('3+-4')).toEqual(send(int(3), '+', int(-4)));
    expect(expr('x at: -1')).toEqual(send(v('x'), 'at:', int(-1)));
    expect(expr('(-1) abs')).toEqual(send(int(-1), 'abs'));
  });
  it('pseudo-variables are variables', () => {
    for (const name of ['self', 'super', 'nil', 'true', 'false', 'thisContext']) expect(expr(name)).toEqual(v(name));
  });
});

describe('cascades', () => {
  it('cascade on the receiver of a keyword message', () => {
    const c = parseExpression("Transcript show: 'a'; cr; yourself") as CascadeNode;
    expect(c.type).toBe('cascade');
    expect(shape(c.receiver)).toEqual(v('Transcript'));
    expect(c.messages.map((m) => m.selector)).toEqual(['show:', 'cr', 'yourself']);
    for (const m of c.messages) expect(m.receiver).toBe(c.receiver);
  });
  it('the receiver is that of the last message', () => {
    const c = parseExpression('OrderedCollection new add: 1; add: 2 + 3; yourself') as CascadeNode;
    expect(shape(c.receiver)).toEqual(send(v('OrderedCollection'), 'new'));
    expect(shape(c.messages[1])).toEqual(send(send(v('OrderedCollection'), 'new'), 'add:', send(int(2), '+', int(3))));
    const b = parseExpression('3 + 4; * 10') as CascadeNode;
    expect(shape(b.receiver)).toEqual(int(3));
    expect(b.messages.map((m) => m.selector)).toEqual(['+', '*']);
    const u = parseExpression('a foo bar; baz') as CascadeNode;
    expect(shape(u.receiver)).toEqual(send(v('a'), 'foo'));
  });
  it('binary cascade parts take a unary argument', () => {
    const c = parseExpression('a + b; - c d') as CascadeNode;
    expect(shape(c.messages[1])).toEqual(send(v('a'), '-', send(v('c'), 'd')));
  });
  it('spans of cascade parts start at their selector', () => {
    const src = "Transcript show: 'a'; cr";
    const c = parseExpression(src) as CascadeNode;
    expect([c.start, c.end]).toEqual([0, src.length]);
    expect(src.slice(c.messages[0].start, c.messages[0].end)).toBe("Transcript show: 'a'");
    expect(src.slice(c.messages[1].start, c.messages[1].end)).toBe('cr');
  });
});

describe('assignments and statements', () => {
  it('chained and spaceless assignment', () => {
    expect(expr('x := y := 3')).toEqual({ type: 'assign', target: v('x'), value: { type: 'assign', target: v('y'), value: int(3) } });
    expect(expr('x:=1')).toEqual({ type: 'assign', target: v('x'), value: int(1) });
  });
  it('statements, empty statements, optional trailing period, returns', () => {
    const m = parseDoit('. a. . b foo. ^c.');
    expect(shape(m.body)).toEqual([
      { type: 'expr', expr: v('a') },
      { type: 'expr', expr: send(v('b'), 'foo') },
      { type: 'return', expr: v('c') },
    ]);
    expect(parseDoit('').body).toEqual([]);
    expect(parseDoit('  "only a comment"  ').body).toEqual([]);
  });
  it('a byte order mark and no-break spaces are blanks; identifiers may use any letters', () => {
    expect(expr('\uFEFFx\u00A0foo')).toEqual(send(v('x'), 'foo'));
    expect(expr('café_2 größe')).toEqual(send(v('café_2'), 'größe'));
  });
  it('comments anywhere; "" is an empty comment', () => {
    expect(expr('"a" x "b" foo: "c" 1 "d" + "" 2 "e"')).toEqual(send(v('x'), 'foo:', send(int(1), '+', int(2))));
  });
});

describe('blocks', () => {
  const block = (src: string) => expr(src) as { params: unknown[]; temps: unknown[]; body: unknown[] };
  it('arguments, temporaries and statements', () => {
    expect(expr('[:x :y | | t | t := x. ^y]')).toEqual({
      type: 'block', params: [v('x'), v('y')], temps: [v('t')],
      body: [{ type: 'expr', expr: { type: 'assign', target: v('t'), value: v('x') } }, { type: 'return', expr: v('y') }],
    });
  });
  it('edge forms', () => {
    expect(block('[]')).toEqual({ type: 'block', params: [], temps: [], body: [] });
    expect(block('[:x]').params).toEqual([v('x')]);
    expect(block('[ :x | ]').params).toEqual([v('x')]);
    expect(block('[ :x || t | ]')).toEqual({ type: 'block', params: [v('x')], temps: [v('t')], body: [] });
    expect(block('[ | a b | a ]').temps).toEqual([v('a'), v('b')]);
    expect(block('[: x | x]').params).toEqual([v('x')]);
  });
  it('block spans cover the brackets', () => {
    const src = 'x do: [:e | e]';
    const m = parseExpression(src) as MessageNode;
    expect(src.slice(m.args[0].start, m.args[0].end)).toBe('[:e | e]');
  });
});

describe('brace arrays', () => {
  it('elements are expressions', () => {
    expect(expr('{1. 2+3}')).toEqual({ type: 'brace', elements: [int(1), send(int(2), '+', int(3))] });
    expect(expr('{}')).toEqual({ type: 'brace', elements: [] });
    expect(expr('{1. 2.}')).toEqual({ type: 'brace', elements: [int(1), int(2)] });
  });
});

describe('methods', () => {
  it('unary, binary and keyword patterns', () => {
    const u = parseMethod('foo ^1');
    expect([u.selector, u.params, u.isDoit]).toEqual(['foo', [], false]);
    const b = parseMethod('+ other ^other');
    expect([b.selector, shape(b.params)]).toEqual(['+', [v('other')]]);
    for (const op of ['-', '<', '>', '|', '==>', ',']) expect(parseMethod(`${op} x ^x`).selector).toBe(op);
    const k = parseMethod('at: i put: v ^v');
    expect([k.selector, shape(k.params)]).toEqual(['at:put:', [v('i'), v('v')]]);
  });
  it('temporaries and pragmas in any order at the start of the body', () => {
    const m = parseMethod(`at: i put: v
	<primitive: 60>
	| a b |
	<foo: 1 bar: #baz>
	<inline>
	^a`);
    expect(shape(m.temps)).toEqual([v('a'), v('b')]);
    expect(m.pragmas.map((p) => [p.keyword, p.args])).toEqual([
      ['primitive:', [{ kind: 'integer', value: 60n }]],
      ['foo:bar:', [{ kind: 'integer', value: 1n }, { kind: 'symbol', value: 'baz' }]],
      ['inline', []],
    ]);
  });
  it('named primitives and error codes', () => {
    const m = parseMethod("foo <primitive: 'name' module: 'm'> ^nil");
    expect(m.pragmas[0]).toMatchObject({ keyword: 'primitive:module:', args: [{ kind: 'string', value: 'name' }, { kind: 'string', value: 'm' }] });
    const e = parseMethod('foo <primitive: 60 error: ec> ^ec');
    expect(e.pragmas[0]).toMatchObject({ keyword: 'primitive:error:', args: [{ kind: 'integer', value: 60n }, { kind: 'symbol', value: 'ec' }] });
  });
  it('pragma arguments are literals; bare words are symbols or true/false/nil', () => {
    const m = parseMethod("foo <a: true b: nil c: #(1 x) d: #[1] e: -1 f: $x g: 'str' h: word> ^1");
    expect(m.pragmas[0].args).toEqual([
      { kind: 'true' }, { kind: 'nil' },
      { kind: 'array', elements: [{ kind: 'integer', value: 1n }, { kind: 'symbol', value: 'x' }] },
      { kind: 'bytes', value: [1] }, { kind: 'integer', value: -1n }, { kind: 'character', value: 120 },
      { kind: 'string', value: 'str' }, { kind: 'symbol', value: 'word' },
    ]);
  });
  it('spans: method covers the source, statements and messages their text', () => {
    const src = 'foo: a\n\t^a bar: 1 + 2';
    const m: MethodNode = parseMethod(src);
    expect([m.start, m.end]).toEqual([0, src.length]);
    const ret = m.body[0];
    expect(src.slice(ret.start, ret.end)).toBe('^a bar: 1 + 2');
    const msg = ret.expr as MessageNode;
    expect(src.slice(msg.start, msg.end)).toBe('a bar: 1 + 2');
    expect(src.slice(msg.selectorSpan.start, msg.selectorSpan.end)).toBe('bar:');
    const arg = msg.args[0] as MessageNode;
    expect(src.slice(arg.start, arg.end)).toBe('1 + 2');
    expect(src.slice(arg.selectorSpan.start, arg.selectorSpan.end)).toBe('+');
    expect(src.slice(m.params[0].start, m.params[0].end)).toBe('a');
  });
  it('a parenthesized expression spans its parentheses', () => {
    const src = '(a + b) * c';
    const m = parseExpression(src) as MessageNode;
    expect(src.slice(m.receiver.start, m.receiver.end)).toBe('(a + b)');
    expect([m.start, m.end]).toEqual([0, src.length]);
  });
});

describe('doits and expressions', () => {
  it('a doit may start with temporaries', () => {
    const d = parseDoit('| a b | a := 3. b := a + 1. b');
    expect([d.selector, d.isDoit, d.params]).toEqual(['DoIt', true, []]);
    expect(shape(d.temps)).toEqual([v('a'), v('b')]);
    expect(d.body).toHaveLength(3);
  });
  it('parseExpression answers one expression and allows a trailing period', () => {
    const e: Expr = parseExpression(' x foo. ');
    expect(shape(e)).toEqual(send(v('x'), 'foo'));
  });
});

describe('a negative literal right after the method pattern', () => {
  it('starts the body with the literal, for every kind of pattern', () => {
    for (const src of ['foo\n\t-1 printString', '+ x\n\t-1 abs', 'at: i put: v\n -2 abs']) {
      const first = parseMethod(src).body[0];
      expect(first.type).toBe('expr');
      const expr = first.expr as { receiver: { type: string } };
      expect(expr.receiver.type).toBe('literal');
    }
  });

  it('keeps binary minus after an operand in the body', () => {
    const ret = parseMethod('foo: x ^x -1').body[0];
    expect((ret.expr as { selector: string }).selector).toBe('-');
  });
});
