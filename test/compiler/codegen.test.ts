import { describe, expect, it } from 'vitest';
import { compileAst, compileMethod } from '../../compiler/compile.ts';
import { parseMethod } from '../../compiler/parser.ts';
import { doit, env, evalDoit, method, names, ops, runMethod } from './codegen-helpers.ts';
import { ClassRef, MiniVM, Obj, Sym } from './codegen-vm.ts';

describe('method shape', () => {
  it('counts args and temps and sizes the frame', () => {
    const m = method('foo: x bar: y | t u | t := x + y. ^t');
    expect(m.selector).toBe('foo:bar:');
    expect(m.className).toBe('Foo');
    expect(m.category).toBe('test');
    expect(m.numArgs).toBe(2);
    expect(m.numTemps).toBe(4);
    expect(m.frameSize).toBe(6);
    expect(m.primitive).toEqual({ kind: 'none' });
    expect(ops(m)).toEqual(['PUSH_TEMP 0', 'PUSH_TEMP 1', 'SEND_SPECIAL 0', 'POP_STORE_TEMP 2', 'PUSH_TEMP 2', 'RETURN_TOP']);
  });

  it('ends a method without ^ with RETURN_SELF, and compiles ^self to RETURN_SELF', () => {
    expect(names(method('foo'))).toEqual(['RETURN_SELF']);
    expect(names(method('foo a foo'))).toEqual(['PUSH_INST_VAR', 'SEND', 'POP', 'RETURN_SELF']);
    expect(names(method('foo ^self'))).toEqual(['RETURN_SELF']);
    expect(names(method('foo ^a'))).toEqual(['PUSH_INST_VAR', 'RETURN_TOP']);
  });

  it('returns the last statement of a doit, nil for an empty one', () => {
    expect(ops(doit(''))).toEqual(['PUSH_NIL', 'RETURN_TOP']);
    expect(ops(doit('3 + 4'))).toEqual(['PUSH_INT 3', 'PUSH_INT 4', 'SEND_SPECIAL 0', 'RETURN_TOP']);
    expect(evalDoit('| x | x := 3. x * 5')).toBe(15);
    expect(evalDoit('^7')).toBe(7);
    expect(doit('3').selector).toBe('DoIt');
    expect(doit('3').className).toBeNull();
  });

  it('compiles from a parsed AST with compileAst', () => {
    const src = 'foo ^1';
    const m = compileAst(parseMethod(src), src, env);
    expect(ops(m)).toEqual(['PUSH_INT 1', 'RETURN_TOP']);
    expect(m.source).toBe(src);
    expect(m.category).toBe('');
    expect(m.className).toBeNull();
  });
});

describe('variables', () => {
  it('reads and writes instance variables', () => {
    expect(ops(method('foo b := a. ^b'))).toEqual(['PUSH_INST_VAR 0', 'POP_STORE_INST_VAR 1', 'PUSH_INST_VAR 1', 'RETURN_TOP']);
    expect(ops(method('foo ^b := 3'))).toEqual(['PUSH_INT 3', 'STORE_INST_VAR 1', 'RETURN_TOP']);
  });

  it('lets temps shadow instance variables', () => {
    expect(ops(method('foo | a | a := 1. ^a'))).toEqual(['PUSH_INT 1', 'POP_STORE_TEMP 0', 'PUSH_TEMP 0', 'RETURN_TOP']);
  });

  it('uses one binding literal per global name', () => {
    const m = method('foo Global := Global + 1. ^Global');
    expect(ops(m)).toEqual(['PUSH_GLOBAL 0', 'PUSH_INT 1', 'SEND_SPECIAL 0', 'STORE_GLOBAL 0', 'POP', 'PUSH_GLOBAL 0', 'RETURN_TOP']);
    expect(m.literals).toEqual([{ kind: 'binding', name: 'Global' }]);
    expect(m.undeclared).toEqual([]);
  });

  it('pushes the pseudo-variables', () => {
    expect(names(method('foo ^{self. nil. true. false. thisContext}'))).toEqual([
      'PUSH_SELF', 'PUSH_NIL', 'PUSH_TRUE', 'PUSH_FALSE', 'PUSH_THIS_CONTEXT', 'POP_INTO_ARRAY', 'RETURN_TOP',
    ]);
  });

  it('auto-declares undeclared names in a doit as workspace bindings', () => {
    const d = doit('x := 3. y := x + Known. z');
    expect(d.undeclared).toEqual(['x', 'y', 'z']);
    expect(d.literals).toContainEqual({ kind: 'binding', name: 'x' });
    const vm = new MiniVM();
    expect(vm.run(doit('x := 4. x * x'))).toBe(16);
    expect(vm.globals.get('x')).toBe(4);
    expect(vm.run(doit('x + 1'))).toBe(5);
  });

  it('chains assignments', () => {
    expect(ops(method('foo | x y | x := y := 5'))).toEqual(['PUSH_INT 5', 'STORE_TEMP 1', 'POP_STORE_TEMP 0', 'RETURN_SELF']);
  });

  it('compiles statements without effect to nothing', () => {
    expect(names(method('foo | x | x. 3. #sym. self. [:y | y]'))).toEqual(['RETURN_SELF']);
  });
});

describe('literals', () => {
  it('uses PUSH_INT for -128..127 and literals beyond', () => {
    const m = method('foo ^{-128. 127. 128. -129. 100000000000000000000}');
    expect(ops(m).slice(0, 5)).toEqual(['PUSH_INT -128', 'PUSH_INT 127', 'PUSH_LITERAL 0', 'PUSH_LITERAL 1', 'PUSH_LITERAL 2']);
    expect(m.literals).toEqual([
      { kind: 'integer', value: 128n }, { kind: 'integer', value: -129n }, { kind: 'integer', value: 100000000000000000000n },
    ]);
  });

  it('deduplicates literals by kind and value, deep for arrays', () => {
    const m = method("foo ^{'a'. 'a'. #a. #a. 1.0. 1.0. 1000. 1000. #(1 #(2)). #(1 #(2)). #(1 #(3)). #[1 2]. #[1 2]. $a. $a}");
    expect(m.literals.map((l) => l.kind)).toEqual(['string', 'symbol', 'float', 'integer', 'array', 'array', 'bytes', 'character']);
  });

  it('keeps -0.0 apart from 0.0 and 1 apart from 1.0', () => {
    const m = method('foo ^{0.0. -0.0. 1.0. 1. 1000.0. 1000}');
    expect(m.literals).toHaveLength(5);
    expect(Object.is((m.literals[1] as { value: number }).value, -0)).toBe(true);
  });

  it('shares selector and symbol literals', () => {
    const m = method('foo ^self bar: #bar:');
    expect(m.literals).toEqual([{ kind: 'symbol', value: 'bar:' }]);
  });

  it('pushes nil/true/false literals from literal arrays unchanged', () => {
    expect(method('foo ^#(nil true false)').literals[0]).toEqual({
      kind: 'array', elements: [{ kind: 'nil' }, { kind: 'true' }, { kind: 'false' }],
    });
  });
});

describe('sends', () => {
  it('uses SEND_SPECIAL for every special selector with its arity', () => {
    const m = method('foo: x ^{x + 1. x - 1. x < 1. x > 1. x <= 1. x >= 1. x = 1. x ~= 1. x * 1. x / 1. x \\\\ 1. x // 1. '
      + '(x bitAnd: 1). (x bitOr: 1). (x bitShift: 1). x @ 1. (x at: 1). (x at: 1 put: 2). x size. x value. (x value: 1). '
      + 'x class. x isNil. x notNil. x new. (x new: 1). x == 1. x ~~ 1}');
    const specials = ops(m).filter((s) => s.startsWith('SEND_SPECIAL')).map((s) => Number(s.split(' ')[1]));
    expect(specials).toEqual([...Array(28).keys()]);
    expect(m.literals).toEqual([]);
  });

  it('uses SEND with a selector literal otherwise', () => {
    expect(ops(method('foo ^self bar: 1 baz: 2'))).toEqual(['PUSH_SELF', 'PUSH_INT 1', 'PUSH_INT 2', 'SEND 0 2', 'RETURN_TOP']);
    expect(ops(method('foo ^self value: 1 value: 2'))).toContain('SEND 0 2');
  });

  it('compiles super sends with PUSH_SELF and SUPER_SEND, special selectors included', () => {
    expect(ops(method('foo ^super foo + super size'))).toEqual([
      'PUSH_SELF', 'SUPER_SEND 0 0', 'PUSH_SELF', 'SUPER_SEND 1 0', 'SEND_SPECIAL 0', 'RETURN_TOP',
    ]);
    const sup = method('double: x ^x * 2');
    const sub = method('double: x ^(super double: x) + 1');
    const r = new Obj([], new Map([['double:', sub]]), new Map([['double:', sup]]));
    expect(new MiniVM().run(sub, r, [5])).toBe(11);
  });

  it('does not inline messages sent to super', () => {
    expect(names(method('foo ^super ifTrue: [1]'))).toEqual(['PUSH_SELF', 'PUSH_CLOSURE', 'PUSH_INT', 'BLOCK_RETURN', 'SUPER_SEND', 'RETURN_TOP']);
  });

  it('evaluates receiver then arguments left to right', () => {
    expect(evalDoit('| s | s := OrderedCollection new. (s add: 1) + (s add: 2) * (s add: 3). s')).toEqual([1, 2, 3]);
  });
});

describe('cascades', () => {
  it('evaluates the receiver once, DUPs before all but the last, POPs the intermediates', () => {
    expect(ops(method('foo ^Transcript show: 1; show: 2; yourself'))).toEqual([
      'PUSH_GLOBAL 0', 'DUP', 'PUSH_INT 1', 'SEND 1 1', 'POP', 'DUP', 'PUSH_INT 2', 'SEND 1 1', 'POP', 'SEND 2 0', 'RETURN_TOP',
    ]);
  });

  it('pops the last result at statement level', () => {
    expect(names(method('foo self bar; baz'))).toEqual(['PUSH_SELF', 'DUP', 'SEND', 'POP', 'SEND', 'POP', 'RETURN_SELF']);
  });

  it('answers the last message result', () => {
    const vm = new MiniVM();
    expect(vm.run(doit('OrderedCollection new add: 1; add: 2; yourself'))).toEqual([1, 2]);
    expect(vm.run(doit('(OrderedCollection new) add: 3; add: 4'))).toBe(4);
  });

  it('sends every cascaded message to super when the receiver is super', () => {
    expect(names(method('foo super bar; baz'))).toEqual(['PUSH_SELF', 'DUP', 'SUPER_SEND', 'POP', 'SUPER_SEND', 'POP', 'RETURN_SELF']);
  });

  it('does not inline cascaded control messages', () => {
    expect(names(method('foo: x ^x ifTrue: [1]; ifFalse: [2]'))).toContain('PUSH_CLOSURE');
  });
});

describe('brace arrays', () => {
  it('pushes the elements and POP_INTO_ARRAY n', () => {
    expect(ops(method('foo ^{1. 2. 3}'))).toEqual(['PUSH_INT 1', 'PUSH_INT 2', 'PUSH_INT 3', 'POP_INTO_ARRAY 3', 'RETURN_TOP']);
    expect(ops(method('foo ^{}'))).toEqual(['POP_INTO_ARRAY 0', 'RETURN_TOP']);
    expect(evalDoit('{1+1. {2}. 3}')).toEqual([2, [2], 3]);
  });

  it('builds arrays longer than 255 elements with new: and at:put:', () => {
    const elements = Array.from({ length: 300 }, (_, i) => String(i)).join('. ');
    const m = doit(`{${elements}}`);
    expect(names(m)).not.toContain('POP_INTO_ARRAY');
    const value = new MiniVM().run(m) as number[];
    expect(value).toHaveLength(300);
    expect(value[299]).toBe(299);
  });
});

describe('pragmas', () => {
  it('decodes numbered and named primitives', () => {
    expect(method('at: i <primitive: 60> ^nil').primitive).toEqual({ kind: 'numbered', index: 60 });
    expect(method("foo <primitive: 'primFoo' module: 'M'> ^nil").primitive).toEqual({ kind: 'named', name: 'primFoo', module: 'M' });
    expect(method("foo <primitive: 'primFoo'> ^nil").primitive).toEqual({ kind: 'named', name: 'primFoo', module: null });
  });

  it('keeps other pragmas in order', () => {
    const m = method("foo <foo> <bar: 1 baz: 'x'> <primitive: 1> ^1");
    expect(m.pragmas).toEqual([
      { keyword: 'foo', args: [] },
      { keyword: 'bar:baz:', args: [{ kind: 'integer', value: 1n }, { kind: 'string', value: 'x' }] },
    ]);
  });

  it('declares the primitive error code temp first', () => {
    const m = method('foo: x <primitive: 60 error: ec> | t | t := ec. ^t');
    expect(m.numTemps).toBe(3);
    expect(ops(m)).toEqual(['PUSH_TEMP 1', 'POP_STORE_TEMP 2', 'PUSH_TEMP 2', 'RETURN_TOP']);
  });
});

describe('source map', () => {
  it('maps sends to their message and returns to their statement', () => {
    const src = 'foo ^self bar: 1 + 2';
    const m = method(src);
    const text = (pc: number): string => {
      const r = m.sourceMap.get(pc)!;
      return src.slice(r.start, r.end);
    };
    const pcs = [...m.sourceMap.keys()];
    expect(pcs).toHaveLength(ops(m).length);
    expect(text(0)).toBe('self');
    expect(text(1)).toBe('1');
    expect(text(5)).toBe('1 + 2');
    expect(text(7)).toBe('self bar: 1 + 2');
    expect(text(11)).toBe('^self bar: 1 + 2');
  });
});

describe('entry points', () => {
  it('compileMethod parses and compiles', () => {
    const m = compileMethod('x ^1', env);
    expect(m.className).toBeNull();
    expect(m.selector).toBe('x');
  });

  it('runs methods that send to self', () => {
    const { value } = runMethod('foo ^self twice: 4', [], ['twice: n ^n * 2']);
    expect(value).toBe(8);
  });

  it('handles class refs in the reference VM', () => {
    expect(evalDoit('3 class')).toEqual(new ClassRef('SmallInteger'));
    expect(evalDoit('#foo')).toEqual(new Sym('foo'));
  });
});
