import { describe, expect, it } from 'vitest';
import type { BlockNode, Expr, MessageNode, MethodNode, Statement, VariableNode } from '../../compiler/ast.ts';
import { compileAst, compileDoit, compileMethod } from '../../compiler/compile.ts';
import { CompileError } from '../../compiler/errors.ts';
import { env } from './codegen-helpers.ts';

/** The CompileError compiling `source` throws, checked to point at `at` (an offset, or a substring's first occurrence). */
function errorOf(source: string, at: string | number, compile = compileMethod): CompileError {
  let caught: unknown = null;
  try {
    compile(source, env, { file: 'test.st' });
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(CompileError);
  const err = caught as CompileError;
  expect(err.file).toBe('test.st');
  expect(err.offset).toBe(typeof at === 'number' ? at : source.indexOf(at));
  return err;
}

describe('semantic errors', () => {
  it('rejects assignment to a method or block argument', () => {
    expect(errorOf('foo: x x := 3', 'x :=').reason).toBe('cannot assign to argument x');
    expect(errorOf('foo ^[:y | y := 3]', 'y :=').reason).toBe('cannot assign to argument y');
    expect(errorOf('foo 1 to: 3 do: [:i | i := 3]', 'i :=').reason).toBe('cannot assign to argument i');
    expect(errorOf('foo: x ^[x := 3]', 'x :=').reason).toBe('cannot assign to argument x');
  });

  it('rejects assignment to pseudo-variables', () => {
    for (const name of ['self', 'super', 'thisContext', 'nil', 'true', 'false']) {
      expect(errorOf(`foo ${name} := 3`, `${name} :=`).reason).toBe(`cannot assign to ${name}`);
    }
  });

  it('rejects undeclared variables in methods, naming the first', () => {
    const err = errorOf('foo ^bar + baz', 'bar');
    expect(err.reason).toBe('undeclared variable bar');
    expect(err.line).toBe(1);
    expect(err.column).toBe(6);
    expect(err.format()).toBe('test.st:1:6: undeclared variable bar\nfoo ^bar + baz\n     ^');
    expect(errorOf('foo\n  ^[:x | x + y]', 'y]').line).toBe(2);
    expect(errorOf('foo undefined := 3', 'undefined').reason).toBe('undeclared variable undefined');
  });

  it('does not see temps outside their block', () => {
    expect(errorOf('foo [:x | x]. ^x', 15).reason).toBe('undeclared variable x');
    expect(errorOf('foo true ifTrue: [| t | t := 1]. ^t', 34).reason).toBe('undeclared variable t');
  });

  it('rejects duplicate temporaries and arguments in one scope', () => {
    expect(errorOf('foo | t t | ^t', 't | ^').reason).toBe('duplicate temporary t');
    expect(errorOf('foo: x bar: x ^x', 'x ^').reason).toBe('duplicate argument x');
    expect(errorOf('foo: x | x | ^x', 'x | ^').reason).toBe('duplicate temporary x');
    expect(errorOf('foo ^[:a :a | a]', 'a | a').reason).toBe('duplicate argument a');
    expect(errorOf('foo ^[:a | | a | a]', 'a | a]').reason).toBe('duplicate temporary a');
  });

  it('allows shadowing in nested scopes', () => {
    expect(() => compileMethod('foo: x | t | ^[:t | | x | x := t]', env)).not.toThrow();
  });

  it('rejects pseudo-variables as names', () => {
    expect(errorOf('foo | self | ^1', 'self').reason).toBe('cannot use self as a variable name');
  });

  it('rejects super without a message', () => {
    expect(errorOf('foo ^super', 'super').reason).toBe('super without a message');
    expect(errorOf('foo | x | x := super', 'super').reason).toBe('super without a message');
    expect(errorOf('foo ^{super}', 'super').reason).toBe('super without a message');
  });

  it('rejects more than 15 arguments', () => {
    const params = Array.from({ length: 16 }, (_, i) => `k${i}: a${i}`).join(' ');
    expect(errorOf(`${params} ^1`, 'a15').reason).toBe('too many arguments');
    const blockParams = Array.from({ length: 16 }, (_, i) => `:a${i}`).join(' ');
    expect(errorOf(`foo ^[${blockParams} | 1]`, 'a15').reason).toBe('too many arguments');
    const send = Array.from({ length: 16 }, (_, i) => `k${i}: ${i}`).join(' ');
    expect(errorOf(`foo ^self ${send}`, 'k0:').reason).toBe('too many arguments');
  });

  it('rejects more than 255 temporaries in a context', () => {
    const temps = Array.from({ length: 256 }, (_, i) => `t${i}`).join(' ');
    expect(errorOf(`foo | ${temps} | ^1`, 'foo').reason).toBe('too many temporaries');
    expect(errorOf(`foo ^[| ${temps} | 1]`, '[').reason).toBe('too many temporaries');
    const ok = Array.from({ length: 255 }, (_, i) => `t${i}`).join(' ');
    expect(compileMethod(`foo | ${ok} | ^t254`, env).numTemps).toBe(255);
  });

  // Large inputs are built as ASTs directly: only code generation is under test here.
  const lit = (value: bigint, start: number): Expr => ({ type: 'literal', value: { kind: 'integer', value }, start, end: start + 1 });
  const send = (start: number): Statement => {
    const receiver: Expr = { type: 'variable', name: 'self', start, end: start + 1 };
    const expr: MessageNode = {
      type: 'message', receiver, selector: 'foo:bar:', args: [lit(1n, start), lit(2n, start)], start, end: start + 1,
      selectorSpan: { start, end: start + 1 },
    };
    return { type: 'expr', expr, start, end: start + 1 };
  };
  const methodOf = (body: Statement[], params: VariableNode[] = []): MethodNode =>
    ({ type: 'method', selector: params.length ? 'foo:' : 'foo', params, temps: [], pragmas: [], body, isDoit: false, start: 0, end: 1 });
  const astError = (node: MethodNode): CompileError => {
    try {
      compileAst(node, ' '.repeat(node.end + 1), env);
    } catch (e) {
      if (e instanceof CompileError) return e;
      throw e;
    }
    throw new Error('no error');
  };

  it('rejects more than 65536 literals', () => {
    const body: Statement[] = Array.from({ length: 65537 }, (_, i) => {
      const expr = lit(BigInt(1000 + i), i + 10);
      return { type: 'expr', expr: { type: 'brace', elements: [expr], start: i + 10, end: i + 11 }, start: i + 10, end: i + 11 };
    });
    const node = { ...methodOf(body), end: 70000 };
    const err = astError(node);
    expect(err.reason).toBe('too many literals');
    expect(err.offset).toBe(65536 + 10);
  });

  it('rejects block bodies and jumps too long for their operands', () => {
    const body = Array.from({ length: 7000 }, (_, i) => send(i + 20));
    const block: BlockNode = { type: 'block', params: [], temps: [], body, start: 5, end: 8000 };
    const ret: Statement = { type: 'return', expr: block, start: 4, end: 8000 };
    expect(astError({ ...methodOf([ret]), end: 8000 })).toMatchObject({ reason: 'method too large', offset: 5 });
    const x: VariableNode = { type: 'variable', name: 'x', start: 4, end: 5 };
    const cond: MessageNode = {
      type: 'message', receiver: { ...x, start: 6, end: 7 }, selector: 'ifTrue:', args: [block], start: 6, end: 8000,
      selectorSpan: { start: 8, end: 15 },
    };
    const node = { ...methodOf([{ type: 'expr', expr: cond, start: 6, end: 8000 }], [x]), end: 8000 };
    expect(astError(node)).toMatchObject({ reason: 'method too large', offset: 6 });
  });

  it('checks primitive pragmas', () => {
    expect(errorOf('foo <primitive: 1> <primitive: 2> ^1', '<primitive: 2>').reason).toBe('duplicate primitive pragma');
    expect(errorOf('foo <primitive: 0> ^1', '<primitive').reason).toBe('primitive number must be in 1..65535');
    expect(() => compileMethod('foo <primitive: 1.5> ^1', env)).toThrow(CompileError);
    expect(errorOf('<primitive: 1> 3', '<primitive', compileDoit).reason).toBe('a doit cannot have a primitive');
  });

  it('reports errors in hand-built ASTs at the node span', () => {
    const v = (name: string, start: number): VariableNode => ({ type: 'variable', name, start, end: start + name.length });
    const body: Statement[] = [{ type: 'return', start: 4, end: 8, expr: v('zork', 5) }];
    const node: MethodNode = { type: 'method', selector: 'foo', params: [], temps: [], pragmas: [], body, isDoit: false, start: 0, end: 9 };
    const src = 'foo ^zork';
    expect(() => compileAst(node, src, env)).toThrow(/undeclared variable zork/);
  });
});

describe('doits', () => {
  it('never reports undeclared variables', () => {
    expect(compileDoit('zork := 3. zork + blah', env).undeclared).toEqual(['zork', 'blah']);
  });

  it('still rejects assignments to arguments and pseudo-variables', () => {
    expect(errorOf('[:x | x := 1]', 'x :=', compileDoit).reason).toBe('cannot assign to argument x');
    expect(errorOf('self := 1', 'self', compileDoit).reason).toBe('cannot assign to self');
  });
});
