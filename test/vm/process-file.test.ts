// Moving a live process between two VMs booted from the same base image file: the process
// continues where it stopped, with the objects it created since boot; damaged files and a
// different base image are refused with the name of the failed check.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBaseImage, formatReport } from '../../images/bootstrap.ts';
import { bootWorld } from '../../images/world.ts';
import { BufferHost } from '../../vm/host.ts';
import { hashHex, readProcessFile, ProcessFileError } from '../../vm/process-file.ts';
import type { VM } from '../../vm/vm.ts';

let dir = '';
let imagePath = '';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-procfile-'));
  imagePath = path.join(dir, 'base.image');
  const report = buildBaseImage(imagePath, { host: new BufferHost() });
  if (report.problems.length > 0) throw new Error(formatReport(report));
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function world(image = imagePath): { vm: VM; host: BufferHost } {
  const host = new BufferHost();
  return { vm: bootWorld(image, { host }), host };
}

async function run(vm: VM, source: string): Promise<string> {
  const o = await vm.evaluate(source);
  if (o.kind === 'error') throw new Error(`${o.description}\n${o.trace.join('\n')}`);
  return vm.printString(o.value);
}

async function errorOf(vm: VM, source: string): Promise<string> {
  const o = await vm.evaluate(source);
  if (o.kind !== 'error') throw new Error(`no error; answered ${vm.printString(o.value)}`);
  return o.description;
}

const WAIT_DONE = (p: string): string => `[ ${p} isTerminated ] whileFalse: [ (Delay forMilliseconds: 1) wait ]`;

describe('moving a process', () => {
  it('a process that saves itself continues in another VM with its new objects', async () => {
    const file = path.join(dir, 'self.proc');
    const a = world();
    await run(a.vm, `p := [ | n log |
        n := 0. log := OrderedCollection new. log add: 3/4.
        [ n < 6 ] whileTrue: [
          n := n + 1. log add: n.
          Transcript show: 'n=', n printString; cr.
          n = 3 ifTrue: [ Processor activeProcess saveTo: '${file}' ].
          Processor yield ].
        Transcript show: 'log ', log asArray printString, ' ', (#movedSymbolXyz == ('movedSymbol', 'Xyz') asSymbol) printString; cr ] fork.
      (Delay forMilliseconds: 30) wait`);
    expect(a.host.stdout).toBe('n=1\nn=2\nn=3\n');
    expect(await run(a.vm, 'p isSuspended')).toBe('true');

    const b = world();
    expect(await run(b.vm, `q := Process loadFrom: '${file}'. ${WAIT_DONE('q')}. q isTerminated`)).toBe('true');
    // The fraction and the collection were made in the first VM; the new symbol stays unique.
    expect(b.host.stdout).toBe('n=4\nn=5\nn=6\nlog {(3/4). 1. 2. 3. 4. 5. 6} true\n');
  });

  it('moves a suspended process and answers it from loadFrom:', async () => {
    const file = path.join(dir, 'suspended.proc');
    const a = world();
    await run(a.vm, `p := [ Transcript show: 'ran with ', (Array with: 1.5 with: (2 raisedTo: 70) with: 'wide ', (WideString with: (Character value: 955))) printString; cr ] newProcess.
      p priority: 35. p saveTo: '${file}'`);
    expect(a.host.stdout).toBe('');
    const b = world();
    expect(await run(b.vm, `q := Process loadFrom: '${file}'. ${WAIT_DONE('q')}. q priority`)).toBe('35');
    expect(b.host.stdout).toBe(`ran with #(1.5 1180591620717411303424 'wide λ')\n`);
  });

  it('an evaluation that moves its own process ends with nil; the loaded one finishes it', async () => {
    const file = path.join(dir, 'evaluation.proc');
    const a = world();
    expect(await run(a.vm, `Processor activeProcess saveTo: '${file}'. Transcript show: 'continued'; cr. 7`)).toBe('nil');
    expect(a.host.stdout).toBe('');
    const b = world();
    expect(await run(b.vm, `q := Process loadFrom: '${file}'. ${WAIT_DONE('q')}. q isTerminated`)).toBe('true');
    expect(b.host.stdout).toBe('continued\n');
  });

  it('refuses a terminated process and a bad path with a Smalltalk error', async () => {
    const a = world();
    expect(await errorOf(a.vm, `p := [ 1 ] fork. Processor yield. p saveTo: '${path.join(dir, 't.proc')}'`))
      .toContain('a terminated process cannot be moved');
    expect(await errorOf(a.vm, `Process loadFrom: '${path.join(dir, 'missing.proc')}'`)).toContain('cannot load a process from');
  });

  it('refuses to carry an instance of a class defined after boot, naming the class', async () => {
    const a = world();
    await run(a.vm, `Object subclass: #MovedThing instanceVariableNames: 'x' classVariableNames: '' package: 'Tests'`);
    const file = path.join(dir, 'newclass.proc');
    expect(await errorOf(a.vm, `t := MovedThing new. p := [ t printString ] newProcess. p saveTo: '${file}'`))
      .toContain('reaches the class MovedThing, and that class was defined after the base image');
    expect(await errorOf(a.vm, `p := [ :x | x printString ] newProcessWith: { MovedThing new }. p saveTo: '${file}'`))
      .toContain('reaches an instance of MovedThing, and that class was defined after the base image');
    expect(fs.existsSync(file)).toBe(false);
    expect(await run(a.vm, 'p isSuspended')).toBe('true');
  });

  it('moves a process waiting on a Semaphore out of it', async () => {
    const file = path.join(dir, 'waiting.proc');
    const a = world();
    expect(await run(a.vm, `s := Semaphore new. p := [ s wait. Transcript show: 'past the wait'; cr ] fork.
      Processor yield. p saveTo: '${file}'. {p isSuspended. s isEmpty}`)).toBe('#(true true)');
    const b = world();
    expect(await run(b.vm, `q := Process loadFrom: '${file}'. ${WAIT_DONE('q')}. q isTerminated`)).toBe('true');
    expect(b.host.stdout).toBe('past the wait\n');
  });

  it('refuses every truncation and every flipped byte, naming the check', async () => {
    const file = path.join(dir, 'small.proc');
    const a = world();
    await run(a.vm, `[ Transcript show: 'x' ] newProcess saveTo: '${file}'`);
    const data = fs.readFileSync(file);
    const b = world();
    const heap = b.vm.state.heap;
    const checks = new Set<string>();
    const refuse = (bytes: Uint8Array): void => {
      try {
        readProcessFile(heap, bytes, heap.imageHash);
      } catch (e) {
        expect(e).toBeInstanceOf(ProcessFileError);
        checks.add((e as ProcessFileError).check);
        return;
      }
      throw new Error('accepted a damaged file');
    };
    for (let n = 0; n < data.length; n++) refuse(data.subarray(0, n));
    for (let i = 0; i < data.length; i++) {
      const flipped = Uint8Array.from(data);
      flipped[i] ^= 0x10;
      refuse(flipped);
    }
    const known = ['checksum mismatch', 'corrupt', 'length mismatch', 'not a process file', 'truncated', 'wrong version'];
    for (const check of checks) expect(known).toContain(check);
    for (const check of ['checksum mismatch', 'not a process file', 'truncated', 'wrong version']) expect(checks).toContain(check);
    // Through Smalltalk: a clean error naming the check.
    fs.writeFileSync(path.join(dir, 'cut.proc'), data.subarray(0, data.length - 9));
    expect(await errorOf(b.vm, `Process loadFrom: '${path.join(dir, 'cut.proc')}'`)).toContain('truncated');
    const flipped = Uint8Array.from(data);
    flipped[data.length - 20] ^= 1;
    fs.writeFileSync(path.join(dir, 'flip.proc'), flipped);
    expect(await errorOf(b.vm, `Process loadFrom: '${path.join(dir, 'flip.proc')}'`)).toContain('checksum mismatch');
  });

  it('refuses a file saved from a different base image, naming the expected hash', async () => {
    const file = path.join(dir, 'other.proc');
    const a = world();
    await run(a.vm, `[ Transcript show: 'x' ] newProcess saveTo: '${file}'`);
    const expected = hashHex(a.vm.state.heap.imageHash!);
    const other = path.join(dir, 'other.image');
    await run(a.vm, `Smalltalk saveImage: '${other}'`);
    const b = world(other);
    // The booted world first finishes the evaluation that saved it (saveImage: answers true there).
    if (b.vm.processes.evaluating) await b.vm.runSlices();
    const message = await errorOf(b.vm, `Process loadFrom: '${file}'`);
    expect(message).toContain('different base image');
    expect(message).toContain(expected);
  });
});
