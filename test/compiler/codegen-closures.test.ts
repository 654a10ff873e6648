import { describe, expect, it } from 'vitest';
import { doit, evalDoit, method, names, ops, runMethod } from './codegen-helpers.ts';

/** A doit that runs `body` (which may start with temps) and answers the values of the blocks it adds to `blocks`. */
const collectValues = (body: string): string => {
  const temps = /^\|([^|]*)\|/.exec(body);
  const rest = temps ? body.slice(temps[0].length) : body;
  return `| blocks ${temps ? temps[1] : ''} | blocks := OrderedCollection new. ${rest}. blocks collect: [:b | b value]`;
};

describe('blocks', () => {
  it('compiles a block as inline code after PUSH_CLOSURE', () => {
    expect(ops(method('foo ^[:x :y | | z | z := x + y. z]'))).toEqual([
      'PUSH_CLOSURE 0 2 1 11',
      'PUSH_TEMP 0', 'PUSH_TEMP 1', 'SEND_SPECIAL 0', 'POP_STORE_TEMP 2', 'PUSH_TEMP 2', 'BLOCK_RETURN',
      'RETURN_TOP',
    ]);
    expect(evalDoit('[:x :y | x * y] value: 3 value: 4')).toBe(12);
  });

  it('answers nil from empty blocks, with or without parameters', () => {
    expect(ops(method('foo ^[]'))).toEqual(['PUSH_CLOSURE 0 0 0 2', 'PUSH_NIL', 'BLOCK_RETURN', 'RETURN_TOP']);
    expect(ops(method('foo ^[:x]'))).toEqual(['PUSH_CLOSURE 0 1 0 2', 'PUSH_NIL', 'BLOCK_RETURN', 'RETURN_TOP']);
    expect(evalDoit('[] value')).toBeNull();
    expect(evalDoit('[:x] value: 3')).toBeNull();
    expect(evalDoit('[:x | | t | ] value: 3')).toBeNull();
  });

  it('answers the last statement value, the assigned value for an assignment', () => {
    expect(evalDoit('| t | [t := 4] value')).toBe(4);
    expect(evalDoit('[1. 2. 3] value')).toBe(3);
  });

  it('counts inlined-block temps and hidden temps as block temps', () => {
    expect(ops(method('foo ^[:x | x ifTrue: [| t | t := 1]. 1 to: x do: [:i | i]]'))[0]).toBe('PUSH_CLOSURE 0 1 3 39');
  });

  it('sizes the frame for the deepest block context', () => {
    const m = method('foo ^[:a :b :c | | d e | {a. b. c. d. e. 1. 2}]');
    expect(m.numTemps).toBe(0);
    expect(m.frameSize).toBe(12);
  });

  it('pushes thisContext inside blocks', () => {
    expect(names(method('foo ^[thisContext]'))).toContain('PUSH_THIS_CONTEXT');
  });
});

describe('captured variables', () => {
  it('copies a variable that is never written after capture', () => {
    expect(ops(method('foo: x ^[x + 1]'))).toEqual([
      'PUSH_TEMP 0', 'PUSH_CLOSURE 1 0 0 7', 'PUSH_TEMP 0', 'PUSH_INT 1', 'SEND_SPECIAL 0', 'BLOCK_RETURN', 'RETURN_TOP',
    ]);
    const m = method('foo | t | t := 3. ^[t]');
    expect(names(m)).not.toContain('PUSH_NEW_ARRAY');
    expect(evalDoit('| t b | t := 3. b := [t]. b value')).toBe(3);
  });

  it('keeps a variable written after capture in a temp vector shared with the block', () => {
    const m = method('foo | t b | b := [t]. t := 5. ^b value');
    expect(ops(m).slice(0, 2)).toEqual(['PUSH_NEW_ARRAY 1', 'POP_STORE_TEMP 1']);
    expect(names(m)).toContain('POP_STORE_REMOTE_TEMP');
    expect(names(m)).toContain('PUSH_REMOTE_TEMP');
    expect(evalDoit('| t b | b := [t]. t := 5. b value')).toBe(5);
  });

  it('keeps a variable written inside a block in a temp vector', () => {
    const m = method('foo | n | n := 0. #(1 2 3) do: [:e | n := n + e]. ^n');
    expect(ops(m)).toContain('STORE_REMOTE_TEMP 0 1');
    expect(runMethod('foo | n | n := 0. #(1 2 3) do: [:e | n := n + e]. ^n').value).toBe(6);
  });

  it('treats `v := [v]` as a write after capture', () => {
    expect(names(method('foo | v | v := [v]. ^v'))).toContain('PUSH_NEW_ARRAY');
  });

  it('passes copied values and vectors through intermediate blocks', () => {
    expect(evalDoit('| x | x := 7. [[x]] value value')).toBe(7);
    expect(evalDoit('| n | n := 0. [[n := n + 1] value] value. [[n := n + 10] value] value. n')).toBe(11);
    const m = method('foo: x ^[[x]]');
    expect(ops(m)).toEqual([
      'PUSH_TEMP 0', 'PUSH_CLOSURE 1 0 0 12', 'PUSH_TEMP 0', 'PUSH_CLOSURE 1 0 0 3', 'PUSH_TEMP 0', 'BLOCK_RETURN',
      'BLOCK_RETURN', 'RETURN_TOP',
    ]);
  });

  it('shares one vector among sibling blocks', () => {
    const src = '| n inc get | n := 0. inc := [n := n + 1]. get := [n]. inc value. inc value. get value';
    expect(evalDoit(src)).toBe(2);
    expect(names(doit(src)).filter((n) => n === 'PUSH_NEW_ARRAY')).toHaveLength(1);
  });

  it('copies block parameters and inlined ifNotNil: arguments', () => {
    expect(evalDoit('([:a | [a * 2]] value: 4) value')).toBe(8);
    expect(evalDoit('(5 ifNotNil: [:y | [y + 1]]) value')).toBe(6);
  });

  it('places remote and local variables of one scope apart', () => {
    const m = method('foo | a1 b1 c1 | a1 := 1. c1 := 3. [b1 := a1 + c1] value. ^b1');
    expect(m.numTemps).toBe(3);
    expect(runMethod('foo | a1 b1 c1 | a1 := 1. c1 := 3. [b1 := a1 + c1] value. ^b1').value).toBe(4);
  });
});

describe('loops and fresh bindings', () => {
  it('gives the to:do: variable a fresh binding per iteration', () => {
    const src = collectValues('1 to: 3 do: [:i | blocks add: [i]]');
    expect(evalDoit(src)).toEqual([1, 2, 3]);
    expect(names(doit(src))).not.toContain('PUSH_NEW_ARRAY');
  });

  it('makes a fresh temp vector per iteration for loop temps written after capture', () => {
    const src = collectValues('1 to: 3 do: [:i | | t | t := i. blocks add: [t]. t := t * 10]');
    expect(evalDoit(src)).toEqual([10, 20, 30]);
    const list = ops(doit(src));
    const newArray = list.indexOf('PUSH_NEW_ARRAY 1');
    const test = list.findIndex((s) => s.startsWith('JUMP_FALSE'));
    const back = list.findIndex((s, i) => i > test && s.startsWith('JUMP -'));
    expect(newArray).toBeGreaterThan(test);
    expect(newArray).toBeLessThan(back);
  });

  it('copies loop temps written only before capture', () => {
    const src = collectValues('1 to: 3 do: [:i | | t | t := i * 2. blocks add: [t]]');
    expect(evalDoit(src)).toEqual([2, 4, 6]);
    expect(names(doit(src))).not.toContain('PUSH_NEW_ARRAY');
  });

  it('shares an outer variable written in the loop that captures it', () => {
    const src = collectValues('| t | 1 to: 3 do: [:i | t := i. blocks add: [t]]');
    expect(evalDoit(src)).toEqual([3, 3, 3]);
    expect(names(doit(src))).toContain('PUSH_NEW_ARRAY');
  });

  it('gives whileTrue: and timesRepeat: bodies fresh bindings too', () => {
    expect(evalDoit(collectValues('| n | n := 0. [n < 3] whileTrue: [| k | n := n + 1. k := n. blocks add: [k]. k := k * 100]')))
      .toEqual([100, 200, 300]);
    expect(evalDoit(collectValues('| n | n := 0. 3 timesRepeat: [| k | n := n + 1. k := n. blocks add: [k]]')))
      .toEqual([1, 2, 3]);
  });

  it('lets a block in a to:do: see the loop variable of each iteration inside nested loops', () => {
    expect(evalDoit(collectValues('1 to: 2 do: [:i | 1 to: 2 do: [:j | blocks add: [i * 10 + j]]]'))).toEqual([11, 12, 21, 22]);
  });

  it('captures a variable from a condition block of whileTrue:', () => {
    expect(evalDoit(collectValues('| n | n := 0. [| c | c := n. blocks add: [c]. n := n + 1. n < 3] whileTrue')))
      .toEqual([0, 1, 2]);
  });
});

describe('non-local return', () => {
  it('compiles ^ inside a block to RETURN_TOP and returns from the home method', () => {
    const src = 'foo #(1 2 3) do: [:e | e = 2 ifTrue: [^e * 10]]. ^0';
    const list = ops(method(src));
    expect(list.filter((s) => s === 'RETURN_TOP')).toHaveLength(2);
    expect(list.filter((s) => s === 'BLOCK_RETURN')).toHaveLength(1);
    expect(runMethod(src).value).toBe(20);
  });

  it('compiles ^self inside a block to RETURN_SELF', () => {
    expect(names(method('foo [^self] value. ^1'))).toEqual([
      'PUSH_CLOSURE', 'RETURN_SELF', 'SEND_SPECIAL', 'POP', 'PUSH_INT', 'RETURN_TOP',
    ]);
  });

  it('returns through several block levels', () => {
    expect(runMethod('foo [:x | [:y | ^x + y] value: 2] value: 1. ^0').value).toBe(3);
  });
});
