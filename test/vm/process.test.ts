// Scheduler semantics on the base image: priority order, round-robin within a priority,
// Semaphore FIFO fairness, terminate running ensure: blocks, critical: releasing on
// non-local return and on errors, Delay ordering, SharedQueue producer/consumer.

import { describe, expect, it } from 'vitest';
import { bootWorld } from '../../images/world.ts';
import { BufferHost } from '../../vm/host.ts';
import type { VM } from '../../vm/vm.ts';

function world(): { vm: VM; host: BufferHost } {
  const host = new BufferHost();
  return { vm: bootWorld(undefined, { host }), host };
}

async function printOf(vm: VM, source: string): Promise<string> {
  const o = await vm.evaluate(source);
  if (o.kind === 'error') throw new Error(`${o.description}\n${o.trace.join('\n')}`);
  return vm.printString(o.value);
}

describe('processes', () => {
  it('runs higher priorities first', async () => {
    const { vm } = world();
    expect(await printOf(vm, `| log | log := OrderedCollection new.
      [ log add: #low ] forkAt: 30.
      [ log add: #high ] forkAt: 50.
      log add: #main.
      (Delay forMilliseconds: 20) wait.
      log asArray`)).toBe('#(#high #main #low)');
  });

  it('round-robins within a priority at yields and slice boundaries', async () => {
    const { vm } = world();
    expect(await printOf(vm, `| log | log := OrderedCollection new.
      [ 1 to: 3 do: [ :i | log add: 'a', i printString. Processor yield ] ] fork.
      [ 1 to: 3 do: [ :i | log add: 'b', i printString. Processor yield ] ] fork.
      (Delay forMilliseconds: 20) wait.
      log asArray`)).toBe("#('a1' 'b1' 'a2' 'b2' 'a3' 'b3')");
    // Busy loops without yields are preempted at slice boundaries.
    expect(await printOf(vm, `| a b | a := 0. b := 0.
      [ [ a < 200000 ] whileTrue: [ a := a + 1 ] ] fork.
      [ [ b < 200000 ] whileTrue: [ b := b + 1 ] ] fork.
      (Delay forMilliseconds: 1) wait.
      [ a < 200000 or: [ b < 200000 ] ] whileTrue: [ Processor yield ].
      a + b`)).toBe('400000');
  });

  it('wakes Semaphore waiters first come, first served', async () => {
    const { vm } = world();
    expect(await printOf(vm, `| s log | s := Semaphore new. log := OrderedCollection new.
      1 to: 4 do: [ :i | [ s wait. log add: i ] fork ].
      Processor yield.
      4 timesRepeat: [ s signal ].
      Processor yield.
      log asArray`)).toBe('#(1 2 3 4)');
  });

  it('terminate runs the ensure: blocks of the terminated process', async () => {
    const { vm } = world();
    expect(await printOf(vm, `| log p | log := OrderedCollection new.
      p := [ [ (Delay forSeconds: 60) wait ] ensure: [ log add: #cleaned ] ] fork.
      Processor yield.
      p terminate.
      log add: p isTerminated.
      log asArray`)).toBe('#(#cleaned true)');
  });

  it('critical: releases on non-local return and on errors', async () => {
    const { vm } = world();
    expect(await printOf(vm, `| s r |
      s := Semaphore forMutualExclusion.
      r := [ :sem | sem critical: [ 7 ] ].
      [ s critical: [ Error signal: 'boom' ] ] on: Error do: [ :e | e return: nil ].
      s critical: [ nil ].
      (Smalltalk at: #NlrProbe put: [ :sem | #( 1 2 ) do: [ :x | sem critical: [ x = 1 ifTrue: [ #found ] ] ] ]).
      s excessSignals`)).toBe('1');
    expect(await printOf(vm, `| s r | s := Semaphore forMutualExclusion.
      Object compile: 'critProbe: sem ^ sem critical: [ #(1 2) do: [ :x | x = 1 ifTrue: [ ^ x ] ]. 0 ]'.
      r := nil critProbe: s.
      Array with: r with: s excessSignals`)).toBe('#(1 1)');
  });

  it('Delays wake in deadline order', async () => {
    const { vm } = world();
    expect(await printOf(vm, `| log | log := OrderedCollection new.
      #(60 10 30) do: [ :ms | [ (Delay forMilliseconds: ms) wait. log add: ms ] fork ].
      (Delay forMilliseconds: 120) wait.
      log asArray`)).toBe('#(10 30 60)');
  });

  it('passes objects through a SharedQueue', async () => {
    const { vm } = world();
    expect(await printOf(vm, `| q got | q := SharedQueue new. got := OrderedCollection new.
      [ 1 to: 5 do: [ :i | got add: q next ] ] fork.
      [ 1 to: 5 do: [ :i | q nextPut: i * i. (Delay forMilliseconds: 2) wait ] ] fork.
      [ got size < 5 ] whileTrue: [ (Delay forMilliseconds: 5) wait ].
      got asArray`)).toBe('#(1 4 9 16 25)');
  });

  it('keeps forked processes running after the evaluation ends', async () => {
    const { vm, host } = world();
    await printOf(vm, `[ 1 to: 3 do: [ :i | Transcript show: 'bg', i printString; cr. (Delay forMilliseconds: 10) wait ] ] fork. 0`);
    await vm.processes.whenQuiet(5);
    expect(host.stdout).toContain('bg3');
  });

  it('reports a deadlock instead of hanging', async () => {
    const { vm } = world();
    const o = await vm.evaluate('Semaphore new wait');
    expect(o.kind).toBe('error');
    if (o.kind === 'error') expect(o.description).toMatch(/Deadlock/);
  });
});

describe('background processes', () => {
  it('run as soon as they are ready, not when an earlier pending Delay fires', async () => {
    const { vm, host } = world();
    await printOf(vm, `[ (Delay forMilliseconds: 3000) wait ] fork`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const t0 = Date.now();
    await printOf(vm, `[ Transcript show: 'ready'; cr ] fork`);
    while (!host.stdout.includes('ready') && Date.now() - t0 < 5000) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(host.stdout).toContain('ready');
    expect(Date.now() - t0).toBeLessThan(1500);
  });
});
