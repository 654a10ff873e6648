// Deltas saved from Smalltalk (`Smalltalk saveDelta:`, `saveImage:`, `saveCompact:`) in a
// world bootstrapped from the kernel: new classes, changed and removed methods, grown
// collections, become:, removed globals, many new objects and garbage; each session boots
// the delta the one before saved and carries on.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import equal from 'fast-deep-equal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBaseImage } from '../../images/bootstrap.ts';
import { decodeWorld, type DecodedWorld } from '../../images/decode.ts';
import { findUnmarkedChanges } from '../../images/delta-check.ts';
import { bootImage, loadImage } from '../../images/reader.ts';
import { bootWorld } from '../../images/world.ts';
import { openVmSession } from '../../repl/vm-session.ts';
import { BufferHost } from '../../vm/host.ts';
import { stringValue } from '../../vm/objects.ts';
import type { Heap } from '../../vm/heap.ts';
import { SCHED_ACTIVE, SCHED_CLOCK_AT_SAVE, SCHED_EVALUATION, schedulerOf } from '../../vm/process.ts';
import type { VM } from '../../vm/vm.ts';

let dir = '';
const file = (name: string): string => path.join(dir, name);
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-delta-vm-'));
  buildBaseImage(file('base.image'), { host: new BufferHost() });
}, 120_000);
afterAll(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

function boot(image: string): VM {
  return bootWorld(file(image), { host: new BufferHost() });
}

/** Evaluates source and answers the printString of its value; fails the test on an error. */
async function show(vm: VM, source: string): Promise<string> {
  const outcome = await vm.evaluate(source);
  if (outcome.kind === 'error') return expect.fail(`${source}\n${outcome.description}\n${outcome.trace.join('\n')}`);
  const printed = await vm.send(outcome.value, 'printString');
  if (printed.kind !== 'value') expect.fail(`printString of the value of ${source} failed`);
  return stringValue(vm.heap, printed.value);
}

function sameWorld(a: DecodedWorld, b: DecodedWorld): boolean {
  return equal(a, b);
}

/**
 * The world of an image apart from the process that saved it: each save records its own
 * saving process (a snapshot resumes it), and two saves are never at the same pc.
 */
function worldWithoutSaver(heap: Heap): DecodedWorld {
  const scheduler = schedulerOf(heap);
  heap.store(scheduler, SCHED_ACTIVE, heap.nilOop);
  heap.store(scheduler, SCHED_EVALUATION, heap.nilOop);
  heap.store(scheduler, SCHED_CLOCK_AT_SAVE, heap.nilOop);
  return decodeWorld(heap);
}

describe('saving deltas from Smalltalk', () => {
  it('chains base <- d1 <- d2 through three sessions and matches a full image saved at the same moment', async () => {
    const one = boot('base.image');
    await show(one, `Object subclass: #DeltaCounter instanceVariableNames: 'count' classVariableNames: '' package: 'Delta-Tests'`);
    await show(one, `DeltaCounter compile: 'increment count := (count ifNil: [0]) + 1. ^ count'`);
    await show(one, `DeltaCounter compile: 'old ^ #old'`);
    await show(one, `Smalltalk at: #DeltaGlobal put: (DeltaCounter new increment; increment; yourself)`);
    await show(one, `Smalltalk at: #DeltaList put: (OrderedCollection new addAll: (1 to: 10); yourself)`);
    await show(one, `Smalltalk at: #DeltaDoomed put: 'remove me'`);
    expect(findUnmarkedChanges(one.heap)).toEqual([]);
    expect(await show(one, `Smalltalk saveDelta: '${file('d1.delta')}'`)).toBe('false');

    const two = boot('d1.delta');
    expect(await show(two, 'DeltaGlobal increment')).toBe('3');
    expect(await show(two, 'DeltaCounter new old')).toBe('#old');
    await show(two, `DeltaCounter compile: 'increment count := (count ifNil: [0]) + 10. ^ count'`);
    await show(two, `DeltaCounter removeSelector: #old`);
    await show(two, `DeltaList addAll: (11 to: 5000). DeltaList size`);
    await show(two, `Smalltalk removeKey: #DeltaDoomed`);
    await show(two, `Smalltalk at: #DeltaMany put: ((1 to: 20000) collect: [:i | i printString])`);
    await show(two, `| a b | a := 'first' copy. b := 'second' copy. Smalltalk at: #DeltaA put: a. Smalltalk at: #DeltaB put: b. a become: b`);
    await show(two, `(1 to: 5000) do: [:i | Array new: 10]`); // garbage
    expect(findUnmarkedChanges(two.heap)).toEqual([]);
    expect(await show(two, `Smalltalk saveDelta: '${file('d2.delta')}'`)).toBe('false');
    expect(await show(two, `Smalltalk saveImage: '${file('full2.image')}'`)).toBe('false');

    const { chain } = loadImage(file('d2.delta'));
    expect(chain.map((l) => path.basename(l.path))).toEqual(['base.image', 'd1.delta', 'd2.delta']);
    expect(fs.statSync(file('d2.delta')).size).toBeLessThan(fs.statSync(file('full2.image')).size / 3);
    expect(sameWorld(worldWithoutSaver(bootImage(file('d2.delta'))), worldWithoutSaver(bootImage(file('full2.image'))))).toBe(true);

    const three = boot('d2.delta');
    expect(await show(three, 'DeltaGlobal increment')).toBe('13');
    expect(await show(three, `DeltaCounter includesSelector: #old`)).toBe('false');
    expect(await show(three, 'DeltaList size')).toBe('5000');
    expect(await show(three, `Smalltalk includesKey: #DeltaDoomed`)).toBe('false');
    expect(await show(three, 'DeltaMany last')).toBe(`'20000'`);
    expect(await show(three, 'DeltaA , DeltaB')).toBe(`'secondfirst'`);
  }, 120_000);

  it('saveCompact: flattens the chain into one image that boots to the same classes and globals', async () => {
    const one = boot('base.image');
    await show(one, `Smalltalk at: #CompactData put: ((1 to: 3000) collect: [:i | i -> i printString])`);
    await show(one, `Smalltalk saveDelta: '${file('c1.delta')}'`);
    await show(one, `Smalltalk at: #CompactData put: 'small now'`);
    await show(one, `Smalltalk saveDelta: '${file('c2.delta')}'`);
    const two = boot('c2.delta');
    expect(await show(two, `Smalltalk saveCompact: '${file('flat.image')}'`)).toBe('false');
    const { chain, header } = loadImage(file('flat.image'));
    expect(chain).toHaveLength(1);
    expect(header.segments).toHaveLength(1);
    const chainBytes = ['base.image', 'c1.delta', 'c2.delta'].reduce((n, f) => n + fs.statSync(file(f)).size, 0);
    expect(fs.statSync(file('flat.image')).size).toBeLessThan(chainBytes);
    const three = boot('flat.image');
    expect(await show(three, 'CompactData')).toBe(`'small now'`);
    expect(await show(three, '3 + 4')).toBe('7');
  }, 120_000);

  it('fails with a Smalltalk error naming the reason when a delta cannot be saved', async () => {
    const one = boot('base.image');
    const outcome = await one.evaluate(`Smalltalk saveDelta: '${file('base.image')}'`);
    expect(outcome.kind).toBe('error');
    if (outcome.kind === 'error') expect(outcome.description).toMatch(/cannot save.*part of the delta's own parent chain/);
    expect(await show(one, '3 + 4')).toBe('7');
  }, 60_000);

  it('the REPL session saves a delta (.save --delta PATH) that the next session boots', async () => {
    fs.copyFileSync(file('base.image'), file('repl.image'));
    const one = await openVmSession(file('repl.image'), { changes: false });
    expect(await one.evaluate('Smalltalk at: #ReplDelta put: 6 * 7')).toMatchObject({ kind: 'value', printString: '42' });
    expect(await one.save(file('repl1.delta'), 'delta')).toBe(file('repl1.delta'));
    await one.close();
    const two = await openVmSession(file('repl1.delta'), { changes: false });
    expect(await two.evaluate('ReplDelta + 1')).toMatchObject({ kind: 'value', printString: '43' });
    await two.close();
    expect(loadImage(file('repl1.delta')).chain).toHaveLength(2);
  }, 60_000);
});
