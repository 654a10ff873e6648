import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../images/content-hash.ts';
import { saveDelta } from '../../images/delta.ts';
import { Field, ImageError, type ImageCheck } from '../../images/format.ts';
import { bootImage, bootImageFromBuffer, loadImage } from '../../images/reader.ts';
import { saveImage } from '../../images/writer.ts';
import { smallInt } from '../../vm/oop.ts';
import { Builder, buildWorld, workspaceOf } from './world.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-delta-bad-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string): string => path.join(dir, name);
const small = { maxBytes: 16 * 1024 * 1024 };

/** The ImageError booting `name` throws, or fails the test. */
function refusal(name: string): ImageError {
  try {
    bootImage(file(name), small);
  } catch (e) {
    if (e instanceof ImageError) return e;
    throw new Error(`not an ImageError: ${String(e)}`);
  }
  throw new Error(`${name} booted`);
}

function expectRefused(name: string, check: ImageCheck, ...texts: (string | RegExp)[]): ImageError {
  const e = refusal(name);
  expect(e.check, e.message).toBe(check);
  expect(e.message).not.toContain('\n');
  for (const t of texts) {
    if (typeof t === 'string') expect(e.message).toContain(t);
    else expect(e.message).toMatch(t);
  }
  return e;
}

/** A chain base <- d1 <- d2 in `sub`, each delta with a store and a new object. */
function chain(sub: string): { base: string; d1: string; d2: string; hashes: string[] } {
  fs.mkdirSync(file(sub), { recursive: true });
  const heap = buildWorld();
  const b = new Builder(heap, true);
  const base = `${sub}/base.image`;
  const d1 = `${sub}/d1.delta`;
  const d2 = `${sub}/d2.delta`;
  const hashes = [saveImage(heap, file(base)).contentHash];
  heap.store(workspaceOf(heap), 0, b.string('one'));
  hashes.push(saveDelta(heap, file(d1)).contentHash);
  heap.store(workspaceOf(heap), 1, b.string('two'));
  hashes.push(saveDelta(heap, file(d2)).contentHash);
  return { base, d1, d2, hashes: hashes.map(sha256Hex) };
}

describe('booting a delta whose parent is wrong', () => {
  it('boots the intact chain (the control)', () => {
    const c = chain('control');
    expect(loadImage(file(c.d2)).chain.length).toBe(3);
  });

  it('refuses a missing parent, naming the expected path and hash', () => {
    const c = chain('missing');
    fs.unlinkSync(file(c.d1));
    expectRefused(c.d2, 'parent missing', path.resolve(file(c.d1)), c.hashes[1], 'no such file');
    fs.unlinkSync(file(c.base));
    fs.copyFileSync(file('control/d1.delta'), file(c.d1));
    // d1 is found again (an identical copy from another directory), so now the base is missing.
    expectRefused(c.d2, 'parent missing', path.resolve(file(c.base)), c.hashes[0]);
  });

  it('refuses a missing base deeper in the chain', () => {
    const c = chain('deep');
    fs.unlinkSync(file(c.base));
    const e = expectRefused(c.d2, 'parent missing', path.resolve(file(c.base)), c.hashes[0]);
    expect(e.file).toBe(path.resolve(file(c.d1)));
  });

  it('refuses a parent that was saved again with a change', () => {
    const c = chain('changed');
    const heap = bootImage(file(c.base));
    heap.store(workspaceOf(heap), 3, smallInt(42));
    const resaved = sha256Hex(saveImage(heap, file(c.base)).contentHash);
    expectRefused(c.d1, 'parent different', path.resolve(file(c.base)), c.hashes[0], resaved);
    expectRefused(c.d2, 'parent different', c.hashes[0]);
  });

  it('refuses a parent that is another image, or not an image at all', () => {
    const c = chain('other');
    saveImage(buildWorld({ young: true, nurseryBytes: 64 * 1024 }), file(c.base));
    expectRefused(c.d1, 'parent different', c.hashes[0]);
    fs.writeFileSync(file(c.base), 'not an image at all\n');
    expectRefused(c.d1, 'parent different', c.hashes[0], 'not an image');
  });

  it('refuses a chain in a different order', () => {
    const c = chain('order');
    // d1's place now holds d2: d2's parent would be itself.
    fs.copyFileSync(file(c.d2), file(c.d1));
    expectRefused(c.d2, 'chain out of order', c.hashes[1]);
    // d1 and d2 swapped: d2 (now at d1's name) finds itself where its parent should be.
    const s = chain('swap');
    const d1 = fs.readFileSync(file(s.d1));
    fs.copyFileSync(file(s.d2), file(s.d1));
    fs.writeFileSync(file(s.d2), d1);
    expectRefused(s.d1, 'chain out of order', s.hashes[1]);
    // The base replaced by a delta of its own chain.
    const r = chain('rebased');
    fs.copyFileSync(file(r.d1), file(r.base));
    expectRefused(r.d2, 'chain out of order', r.hashes[0]);
  });

  it('refuses a delta booted from memory', () => {
    const c = chain('memory');
    expect(() => bootImageFromBuffer(fs.readFileSync(file(c.d1)))).toThrow(/delta image/);
  });
});

describe('a damaged delta', () => {
  let c: ReturnType<typeof chain>;
  let delta: Uint8Array;
  beforeAll(() => {
    c = chain('damaged');
    delta = fs.readFileSync(file(c.d2));
  });

  it('is small enough to try every truncation', () => {
    expect(delta.length).toBeLessThan(2048);
    expect(loadImage(file(c.d2)).header.cardRuns.length).toBeGreaterThan(0);
  });

  it('every truncation is refused, never booted', () => {
    fs.copyFileSync(file(c.d2), file('damaged/cut.delta'));
    for (let length = delta.length - 1; length >= 0; length--) {
      fs.truncateSync(file('damaged/cut.delta'), length);
      const e = refusal('damaged/cut.delta');
      expect(e.check, `length ${length}`).toBe(length === 0 ? 'empty file' : 'truncated');
    }
  });

  it('a flip in a byte is refused, never booted, and a corrupt parent hash or hint is blamed on the delta', () => {
    const checks = new Map<string, number>();
    const headerBytes = loadImage(file(c.d2)).header.headerBytes;
    // Every byte of the header, every third byte of the data.
    for (let at = 0; at < delta.length; at += at < headerBytes ? 1 : 3) {
      const bad = Uint8Array.from(delta);
      bad[at] ^= 1 << (at % 8);
      fs.writeFileSync(file('damaged/flip.delta'), bad);
      const e = refusal('damaged/flip.delta');
      checks.set(e.check, (checks.get(e.check) ?? 0) + 1);
      if (at >= Field.parentSha256 && at < Field.parentSha256 + 32) expect(e.check, `byte ${at}`).toBe('checksum mismatch');
    }
    expect(checks.get('checksum mismatch')).toBeGreaterThan(delta.length / 4);
    expect([...checks.keys()].every((k) => ['checksum mismatch', 'bad header', 'not an image', 'unsupported version',
      'wrong word size', 'wrong byte order', 'truncated'].includes(k)), [...checks.keys()].join()).toBe(true);
  });

  it('a damaged base under an intact delta is refused by its checksum', () => {
    const r = chain('damaged-base');
    const base = fs.readFileSync(file(r.base));
    base[base.length - 100] ^= 0x40;
    fs.writeFileSync(file(r.base), base);
    const e = expectRefused(r.d2, 'checksum mismatch');
    expect(e.file).toBe(path.resolve(file(r.base)));
  });
});
