import { beforeAll, describe, expect, it } from 'vitest';
import { miniWorld, type MiniWorld } from '../fixtures/mini-kernel.ts';
import { arrayElements, integerValue, stringValue } from '../../vm/objects.ts';
import type { Outcome } from '../../vm/state.ts';

let w: MiniWorld;
beforeAll(() => { w = miniWorld(); });

function run(source: string): Outcome {
  return w.vm.evaluateSync(source);
}

function int(source: string): bigint | null {
  const o = run(source);
  if (o.kind !== 'value') throw new Error(`${source}: ${o.description}\n${o.trace.join('\n')}`);
  return integerValue(w.vm.heap, o.value);
}

function show(source: string): string {
  const o = run(source);
  if (o.kind !== 'value') return `error: ${o.description}`;
  return show1(o.value);
}

function show1(oop: number): string {
  const heap = w.vm.heap;
  const v = integerValue(heap, oop);
  if (v !== null) return String(v);
  if (oop === w.vm.state.trueOop) return 'true';
  if (oop === w.vm.state.falseOop) return 'false';
  if (oop === heap.nilOop) return 'nil';
  if ((oop & 3) === 0 && heap.classIndexOf(oop) === 6) return `(${arrayElements(heap, oop).map(show1).join(' ')})`;
  if ((oop & 3) === 0 && (heap.classIndexOf(oop) === 7 || heap.classIndexOf(oop) === 8)) return `#${stringValue(heap, oop)}`;
  return w.vm.describe(oop);
}

describe('the interpreter on a mini kernel', () => {
  it('evaluates arithmetic, with overflow into LargeIntegers', () => {
    expect(int('3 + 4')).toBe(7n);
    expect(int('3 - 10 * 2')).toBe(-14n);
    expect(int('1073741823 + 1')).toBe(1073741824n);
    expect(int('30 factorial')).toBe(265252859812191058636308480000000n);
    expect(int('(30 factorial // 29 factorial)')).toBe(30n);
    expect(int('-7 \\\\ 2')).toBe(1n);
    expect(int('-7 // 2')).toBe(-4n);
    expect(show('7 / 0')).toBe('#notExact');
  });

  it('runs methods, blocks, closures and temp vectors', () => {
    expect(int('20 fib')).toBe(6765n);
    expect(int('[:x | x * 2] value: 21')).toBe(42n);
    expect(int('| sum | sum := 0. 1 to: 10 do: [:i | sum := sum + i]. sum')).toBe(55n);
    expect(int('| b | b := [:x | [:y | x + y]]. (b value: 3) value: 4')).toBe(7n);
    expect(int('| c inc | c := 0. inc := [c := c + 1]. inc value. inc value. c')).toBe(2n);
    expect(show('[:a :b | a] value: 1')).toBe('#wrongArgs');
    expect(int('[:a :b | a - b] valueWithArguments: #(10 3)')).toBe(7n);
    expect(int('| i | i := 0. [i < 100] whileTrue: [i := i + 1]. i')).toBe(100n);
  });

  it('sends doesNotUnderstand: with a Message', () => {
    expect(show('3 foo: 4 bar: 5')).toBe('(#dnu #foo:bar: (4 5))');
  });

  it('perform:', () => {
    expect(int('3 perform: #+ with: 4')).toBe(7n);
    expect(int('3 perform: #- withArguments: #(1)')).toBe(2n);
    expect(show('3 perform: #zork')).toBe('(#dnu #zork ())');
    expect(show('3 perform: #+ with: 1 with: 2')).toContain('dnu');
  });

  it('mustBeBoolean re-tests the answer', () => {
    expect(int('3 ifTrue: [1] ifFalse: [2]')).toBe(1n);
  });

  it('non-local return, from nested blocks and through ensure:', () => {
    w.vm.evaluateSync('Smalltalk');
    expect(int('#(1 2 3) size')).toBe(3n);
    expect(int('[:x | x > 2 ifTrue: [x] ifFalse: [0]] value: 5')).toBe(5n);
    // ^ inside a block inside a doit returns from the doit.
    expect(int('[^ 42] value. 0')).toBe(42n);
    expect(int('[[^ 7] ensure: [nil]] value. 0')).toBe(7n);
    expect(int('| b | b := [:x | [^ x]] value: 9. b value. 0')).toBe(9n);
  });

  it('ensure: blocks run on normal and non-local return', () => {
    expect(show('| log | log := Array new: 2. [1] ensure: [log at: 1 put: #normal]. log')).toBe('(#normal nil)');
    expect(show(`| log blk |
      log := Array new: 2.
      blk := [:k | [k value: 5] ensure: [log at: 1 put: #unwound]].
      blk value: [:v | log at: 2 put: v].
      log`)).toBe('(#unwound 5)');
  });

  it('a block whose home has returned cannot return', () => {
    const o = run('(3 blockReturning) value: 5');
    expect(o.kind).toBe('error');
    if (o.kind === 'error') {
      expect(o.description).toBe('BlockCannotReturn');
      expect(o.trace[0]).toMatch(/^Context>>cannotReturn: /);
      expect(o.trace[1]).toMatch(/^UndefinedObject>>DoIt /);
    }
  });

  it('exceptions built from the context primitives unwind ensure: blocks', () => {
    expect(show(`| log r |
      log := Array new: 2.
      r := [[MiniError new signal. 99] ensure: [log at: 1 put: #cleaned]]
        on: MiniError do: [:e | 17].
      log at: 2 put: r.
      log`)).toBe('(#cleaned 17)');
    const o = run('MiniError new signal');
    expect(o.kind).toBe('error');
    if (o.kind === 'error') {
      expect(o.description).toBe('unhandled MiniError');
      expect(o.trace[0]).toMatch(/^MiniError>>signal \(mini-kernel:\d+\)$/);
      expect(o.trace.at(-1)).toMatch(/^UndefinedObject>>DoIt \(1\)$/);
    }
  });

  it('thisContext and its sender', () => {
    expect(show('thisContext sender')).toBe('a Context');
    expect(show('thisContext sender sender')).toBe('nil');
    expect(show('thisContext receiver')).toBe('nil');
    expect(show('[:x | thisContext sender receiver] value: 3')).toBe('nil');
  });

  it('deep recursion grows the heap, not the JS stack', () => {
    expect(int('100000 depth')).toBe(100000n);
  });
});
