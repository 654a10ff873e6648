import { describe, expect, it } from 'vitest';
import { doit, evalDoit, method, names, ops } from './codegen-helpers.ts';

const noSend = (src: string): string[] => {
  const n = names(method(src));
  expect(n.filter((x) => x === 'SEND' || x === 'PUSH_CLOSURE')).toEqual([]);
  return n;
};

describe('ifTrue: family', () => {
  it('inlines ifTrue: with no send and answers nil when false', () => {
    expect(ops(method('foo: x ^x ifTrue: [1]'))).toEqual([
      'PUSH_TEMP 0', 'JUMP_FALSE 5', 'PUSH_INT 1', 'JUMP 1', 'PUSH_NIL', 'RETURN_TOP',
    ]);
    expect(evalDoit('false ifTrue: [1]')).toBeNull();
    expect(evalDoit('true ifTrue: [1]')).toBe(1);
    expect(evalDoit('true ifFalse: [1]')).toBeNull();
    expect(evalDoit('false ifFalse: [1]')).toBe(1);
  });

  it('leaves nothing on the stack at statement level', () => {
    expect(ops(method('foo: x x ifTrue: [a := 1]'))).toEqual([
      'PUSH_TEMP 0', 'JUMP_FALSE 4', 'PUSH_INT 1', 'POP_STORE_INST_VAR 0', 'RETURN_SELF',
    ]);
  });

  it('inlines ifTrue:ifFalse: and ifFalse:ifTrue:', () => {
    noSend('foo: x ^x ifTrue: [1] ifFalse: [2]');
    noSend('foo: x ^x ifFalse: [1] ifTrue: [2]');
    expect(evalDoit('3 > 2 ifTrue: [#yes] ifFalse: [#no]')).toEqual(expect.objectContaining({ name: 'yes' }));
    expect(evalDoit('3 > 2 ifFalse: [1] ifTrue: [2]')).toBe(2);
    expect(evalDoit('(3 < 2 ifTrue: [1] ifFalse: [2]) + 10')).toBe(12);
  });

  it('answers nil for empty branches', () => {
    expect(evalDoit('true ifTrue: [] ifFalse: [2]')).toBeNull();
    expect(evalDoit('false ifTrue: [1] ifFalse: []')).toBeNull();
  });

  it('supports returns inside branches', () => {
    expect(ops(method('foo: x x ifTrue: [^1] ifFalse: [^2]'))).toEqual([
      'PUSH_TEMP 0', 'JUMP_FALSE 3', 'PUSH_INT 1', 'RETURN_TOP', 'PUSH_INT 2', 'RETURN_TOP', 'RETURN_SELF',
    ]);
    expect(evalDoit('| r | r := false ifTrue: [^1] ifFalse: [5]. r + 1')).toBe(6);
  });

  it('sends when an argument is not a literal block or has parameters', () => {
    expect(names(method('foo: x ^x ifTrue: x'))).toContain('SEND');
    expect(names(method('foo: x ^x ifTrue: [:y | y]'))).toContain('SEND');
    expect(names(method('foo: x ^x ifTrue: [1] ifFalse: x'))).toContain('SEND');
    expect(evalDoit('| b | b := [7]. true ifTrue: b')).toBe(7);
  });
});

describe('and: / or:', () => {
  it('short-circuits', () => {
    noSend('foo: x ^x and: [a]');
    noSend('foo: x ^x or: [a]');
    expect(evalDoit('false and: [1/0]')).toBe(false);
    expect(evalDoit('true and: [3 > 2]')).toBe(true);
    expect(evalDoit('true or: [1/0]')).toBe(true);
    expect(evalDoit('false or: [false]')).toBe(false);
    expect(evalDoit('| n | n := 0. (n > 1 and: [n < 5]) ifTrue: [1] ifFalse: [2]')).toBe(2);
  });

  it('compiles to nothing extra at statement level', () => {
    expect(ops(method('foo: x x and: [self bar]'))).toEqual(['PUSH_TEMP 0', 'JUMP_FALSE 6', 'PUSH_SELF', 'SEND 0 0', 'POP', 'RETURN_SELF']);
  });
});

describe('loops', () => {
  it('inlines whileTrue: and whileFalse: with a backward jump', () => {
    expect(ops(method('foo | i | i := 0. [i < 3] whileTrue: [i := i + 1]. ^i'))).toEqual([
      'PUSH_INT 0', 'POP_STORE_TEMP 0',
      'PUSH_TEMP 0', 'PUSH_INT 3', 'SEND_SPECIAL 2', 'JUMP_FALSE 11',
      'PUSH_TEMP 0', 'PUSH_INT 1', 'SEND_SPECIAL 0', 'POP_STORE_TEMP 0', 'JUMP -20',
      'PUSH_TEMP 0', 'RETURN_TOP',
    ]);
    expect(evalDoit('| i | i := 0. [i >= 5] whileFalse: [i := i + 1]. i')).toBe(5);
    expect(evalDoit('| i | i := 0. [i < 3] whileTrue: [i := i + 1]')).toBeNull();
  });

  it('inlines whileTrue, whileFalse and repeat', () => {
    noSend('foo | i | i := 0. [i := i + 1. i < 3] whileTrue. ^i');
    expect(evalDoit('| i | i := 0. [i := i + 1. i < 3] whileTrue. i')).toBe(3);
    expect(evalDoit('| i | i := 0. [i := i + 1. i >= 4] whileFalse. i')).toBe(4);
    expect(evalDoit('| i | i := 0. [i := i + 1. i = 6 ifTrue: [^i * 10]] repeat')).toBe(60);
    expect(names(method('foo [self bar] repeat'))).toEqual(['PUSH_SELF', 'SEND', 'POP', 'JUMP', 'RETURN_SELF']);
  });

  it('inlines to:do: evaluating the limit once into a hidden temp', () => {
    const m = method('foo: n | s | s := 0. 1 to: n do: [:i | s := s + i]. ^s');
    expect(m.numTemps).toBe(4);
    expect(ops(m)).toEqual([
      'PUSH_INT 0', 'POP_STORE_TEMP 1',
      'PUSH_INT 1', 'POP_STORE_TEMP 2', 'PUSH_TEMP 0', 'POP_STORE_TEMP 3',
      'PUSH_TEMP 2', 'PUSH_TEMP 3', 'SEND_SPECIAL 4', 'JUMP_FALSE 19',
      'PUSH_TEMP 1', 'PUSH_TEMP 2', 'SEND_SPECIAL 0', 'POP_STORE_TEMP 1',
      'PUSH_TEMP 2', 'PUSH_INT 1', 'SEND_SPECIAL 0', 'POP_STORE_TEMP 2', 'JUMP -28',
      'PUSH_TEMP 1', 'RETURN_TOP',
    ]);
    expect(evalDoit('| s | s := 0. 1 to: 10 do: [:i | s := s + i]. s')).toBe(55);
    expect(evalDoit('| s n | s := OrderedCollection new. n := 3. 1 to: n do: [:i | n := 10. s add: i]. s')).toEqual([1, 2, 3]);
  });

  it('uses a literal limit directly and answers the receiver', () => {
    expect(names(method('foo 1 to: 3 do: [:i | self bar: i]'))).not.toContain('POP_STORE_TEMP 1');
    expect(method('foo 1 to: 3 do: [:i | self bar: i]').numTemps).toBe(1);
    expect(evalDoit('5 to: 7 do: [:i | i]')).toBe(5);
  });

  it('inlines to:by:do: with >= for a negative literal step', () => {
    const m = method('foo | s | s := OrderedCollection new. 10 to: 1 by: -3 do: [:i | s add: i]. ^s');
    expect(ops(m)).toContain('SEND_SPECIAL 5');
    expect(ops(m)).not.toContain('SEND_SPECIAL 4');
    expect(evalDoit('| s | s := OrderedCollection new. 10 to: 1 by: -3 do: [:i | s add: i]. s')).toEqual([10, 7, 4, 1]);
    expect(evalDoit('| s | s := OrderedCollection new. 1 to: 2 by: 0.5 do: [:i | s add: i]. s')).toEqual([1, 1.5, 2]);
  });

  it('sends to:by:do: when the step is not a non-zero literal', () => {
    expect(names(method('foo: k 1 to: 10 by: k do: [:i | i]'))).toContain('SEND');
    expect(names(method('foo 1 to: 10 by: 0 do: [:i | i]'))).toContain('SEND');
  });

  it('inlines timesRepeat:', () => {
    noSend('foo | n | n := 0. 3 timesRepeat: [n := n + 1]. ^n');
    expect(evalDoit('| n | n := 0. 4 timesRepeat: [n := n + 2]. n')).toBe(8);
    expect(evalDoit('0 timesRepeat: [^1]. 2')).toBe(2);
  });

  it('resets temps of loop bodies to nil at each iteration', () => {
    expect(evalDoit('| s | s := OrderedCollection new. 1 to: 3 do: [:i | | t | s add: t. t := i]. s')).toEqual([null, null, null]);
    expect(evalDoit('| s n | s := OrderedCollection new. n := 0. [n < 2] whileTrue: [| t | s add: t. t := 5. n := n + 1]. s'))
      .toEqual([null, null]);
  });
});

describe('ifNil: family', () => {
  it('inlines ifNil: answering the receiver when not nil', () => {
    expect(ops(method('foo: x ^x ifNil: [1]'))).toEqual([
      'PUSH_TEMP 0', 'DUP', 'JUMP_NOT_NIL 3', 'POP', 'PUSH_INT 1', 'RETURN_TOP',
    ]);
    expect(evalDoit('nil ifNil: [1]')).toBe(1);
    expect(evalDoit('2 ifNil: [1]')).toBe(2);
  });

  it('inlines ifNotNil: with and without an argument', () => {
    noSend('foo: x ^x ifNotNil: [:y | y + 1]');
    noSend('foo: x ^x ifNotNil: [2]');
    expect(evalDoit('nil ifNotNil: [:y | y + 1]')).toBeNull();
    expect(evalDoit('4 ifNotNil: [:y | y + 1]')).toBe(5);
    expect(evalDoit('4 ifNotNil: [7]')).toBe(7);
  });

  it('inlines ifNil:ifNotNil: and ifNotNil:ifNil:', () => {
    noSend('foo: x ^x ifNil: [0] ifNotNil: [:y | y]');
    noSend('foo: x ^x ifNotNil: [:y | y] ifNil: [0]');
    expect(evalDoit('nil ifNil: [0] ifNotNil: [:y | y * 2]')).toBe(0);
    expect(evalDoit('3 ifNil: [0] ifNotNil: [:y | y * 2]')).toBe(6);
    expect(evalDoit('3 ifNotNil: [:y | y * 2] ifNil: [0]')).toBe(6);
    expect(evalDoit('nil ifNotNil: [:y | y * 2] ifNil: [0]')).toBe(0);
    expect(evalDoit('3 ifNotNil: [9] ifNil: [0]')).toBe(9);
  });

  it('leaves nothing on the stack at statement level', () => {
    for (const src of ['foo: x x ifNil: [a := 1]', 'foo: x x ifNotNil: [:y | a := y]', 'foo: x x ifNotNil: [a := 1]',
      'foo: x x ifNil: [a := 1] ifNotNil: [:y | a := y]']) {
      expect(names(method(src))).not.toContain('POP');
    }
  });
});

describe('inlined block scopes', () => {
  it('makes inlined block temps temps of the enclosing context', () => {
    const m = method('foo: x ^x ifTrue: [| t | t := 1. t] ifFalse: [| t | t := 2. t]');
    expect(m.numTemps).toBe(3);
    expect(evalDoit('true ifTrue: [| t | t := 1. t + 1] ifFalse: [| t | t]')).toBe(2);
  });

  it('evaluates deeply nested inlined constructs', () => {
    const src = '| s | s := OrderedCollection new. 1 to: 4 do: [:i | (i \\\\ 2 = 0) ifTrue: [1 to: i do: [:j | s add: i * 10 + j]]]. s';
    expect(evalDoit(src)).toEqual([21, 22, 41, 42, 43, 44]);
    expect(names(doit(src))).not.toContain('PUSH_CLOSURE');
  });
});
