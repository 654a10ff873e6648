import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXED_HEADER_BYTES, Field, Flag, ImageError, MAGIC, SEGMENT_ENTRY_BYTES, type ImageCheck,
} from '../../images/format.ts';
import { bootImage, bootImageFromBuffer } from '../../images/reader.ts';
import { saveImage } from '../../images/writer.ts';
import { Heap } from '../../vm/heap.ts';
import { Format, objectBytes } from '../../vm/layout.ts';
import { smallInt } from '../../vm/oop.ts';
import { ClassIndex, SPECIAL_OBJECTS_SIZE } from '../../vm/special.ts';
import { buildWorld } from './world.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bad-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string): string => path.join(dir, name);
/** Keeps each failed boot cheap: a small image never needs more. */
const small = { maxBytes: 8 * 1024 * 1024 };

/** The ImageError a boot of `bytes` throws (through a file), or fails the test. */
function refusal(bytes: Uint8Array, name = 'bad.image'): ImageError {
  fs.writeFileSync(file(name), bytes);
  try {
    bootImage(file(name), small);
  } catch (e) {
    if (e instanceof ImageError) return e;
    throw new Error(`not an ImageError: ${String(e)}`);
  }
  throw new Error('the image booted');
}

function expectRefused(bytes: Uint8Array, check: ImageCheck, text?: RegExp): ImageError {
  const e = refusal(bytes);
  expect(e.check).toBe(check);
  expect(e.message).not.toContain('\n');
  expect(e.message).toContain(check);
  if (text) expect(e.message).toMatch(text);
  return e;
}

/** A tiny world: nil, the special-objects array and a few data objects (a ~700-byte image). */
function tinyImage(): Uint8Array {
  const heap = Heap.create({ nurseryBytes: 1024, initialBytes: 1024 * 1024 });
  const alloc = (cls: number, format: number, slots: number): number =>
    heap.initObject(heap.allocateOld(objectBytes(slots)), cls, format, slots);
  heap.nilOop = alloc(ClassIndex.UndefinedObject, Format.EMPTY, 0);
  heap.specialObjects = alloc(ClassIndex.Array, Format.INDEXABLE, SPECIAL_OBJECTS_SIZE);
  const data = alloc(ClassIndex.Array, Format.INDEXABLE, 4);
  heap.store(data, 0, smallInt(42));
  heap.store(data, 1, data);
  const text = alloc(ClassIndex.String, Format.BYTES + 1, 3);
  heap.bytes.set(new TextEncoder().encode('strata!!!!!'), text + 8);
  heap.store(data, 2, text);
  heap.store(heap.specialObjects, 13, data);
  saveImage(heap, file('tiny.image'));
  return fs.readFileSync(file('tiny.image'));
}

/** A copy of `image` with a header field changed and the checksum made right again. */
function patched(image: Uint8Array, at: number, value: number): Uint8Array {
  const copy = Uint8Array.from(image);
  const view = new DataView(copy.buffer);
  view.setUint32(at, value, true);
  view.setUint32(Field.checksum, 0, true);
  view.setUint32(Field.checksum, crc32(copy), true);
  return copy;
}

let image: Uint8Array;
let world: Uint8Array;
beforeAll(() => {
  image = tinyImage();
  saveImage(buildWorld(), file('world.image'));
  world = fs.readFileSync(file('world.image'));
});

describe('refusing bad files', () => {
  it('boots the untouched images (the controls)', () => {
    expect(bootImage(file('tiny.image'), small).segments.length).toBe(1);
    expect(bootImage(file('world.image'), small).segments.length).toBe(1);
    expect(image.length).toBeLessThan(1024);
  });

  it('an empty file', () => {
    expectRefused(new Uint8Array(0), 'empty file');
  });

  it('a text file', () => {
    expectRefused(new TextEncoder().encode('Transcript show: 3 printString.\n'.repeat(20)), 'not an image', /text file/);
  });

  it('a Squeak/Pharo image', () => {
    const squeak = new Uint8Array(4096);
    const view = new DataView(squeak.buffer);
    view.setUint32(0, 68021, true);
    view.setUint32(4, 128, true);
    expectRefused(squeak, 'not an image', /Squeak\/Pharo image \(format 68021\)/);
  });

  it('binary garbage', () => {
    expectRefused(Uint8Array.from({ length: 300 }, (_, i) => (i * 7 + 3) & 255), 'not an image', /bad magic/);
  });

  it('an unknown version, word size and byte order', () => {
    expectRefused(patched(image, Field.version, 1), 'unsupported version', /version 1; this Strata reads version 2/);
    expectRefused(patched(image, Field.wordSize, 8), 'wrong word size', /8-byte words/);
    expectRefused(patched(image, Field.byteOrder, 0x04030201), 'wrong byte order', /big-endian/);
  });

  it('bad headers: segment table, root oop, flags, length', () => {
    const seg = FIXED_HEADER_BYTES;
    const start = new DataView(image.buffer, image.byteOffset).getUint32(seg, true);
    expectRefused(patched(image, seg, start + 8), 'bad header', /segment 0 starts at/);
    expectRefused(patched(image, seg, start + 4), 'bad header', /segment 0 starts at/);
    expectRefused(patched(image, seg + 4, 12), 'bad header', /size 12/);
    expectRefused(patched(image, seg + 8, 7), 'bad header', /unknown role/);
    expectRefused(patched(image, seg + 16, 8), 'bad header', /file offset/);
    expectRefused(patched(image, Field.rootOop, 12), 'bad header', /root oop/);
    expectRefused(patched(image, Field.rootOop, start - 8), 'bad header', /root oop/);
    expectRefused(patched(image, Field.nilOop, 0x7ffffff8), 'bad header', /nil oop/);
    expectRefused(patched(image, Field.flags, 1 << 7), 'bad header', /unknown flag/);
    expectRefused(patched(image, Field.flags, Flag.compressed), 'bad header', /compressed/);
    expectRefused(patched(image, Field.segmentCount, 0), 'bad header', /segment count 0/);
    expectRefused(patched(image, Field.segmentCount, 2), 'bad header', /header length/);
    expectRefused(patched(image, Field.headerBytes, 4096), 'bad header', /header length/);
    expectRefused(patched(image, Field.fileBytes, image.length + 8), 'bad header', /file length/);
    expectRefused(patched(image, Field.nurseryEnd, 1028), 'bad header', /nursery end/);
    expectRefused(patched(image, Field.parentSha256, 1), 'bad header', /parent/);
    expect(SEGMENT_ENTRY_BYTES).toBe(24);
  });

  it('a full image flagged as a delta has no parent: refused as a bad header', () => {
    expectRefused(patched(image, Field.flags, Flag.delta), 'bad header');
  });

  it('trailing bytes after the image', () => {
    expectRefused(Uint8Array.from([...image, 0, 0, 0, 0, 0, 0, 0, 0]), 'bad header', /more than the/);
  });

  it('a heap limit too small for the image', () => {
    fs.writeFileSync(file('limit.image'), image);
    expect(() => bootImage(file('limit.image'), { maxBytes: 2048 })).toThrow(/out of memory/);
  });

  it('a missing file and a directory', () => {
    expect(() => bootImage(file('missing.image'))).toThrow(ImageError);
    expect(() => bootImage(file('missing.image'))).toThrow(/cannot read.*ENOENT/);
    expect(() => bootImage(dir)).toThrow(/cannot read/);
  });

  it('every truncation of a small image fails as truncated, never boots', () => {
    fs.writeFileSync(file('cut.image'), image);
    const checks = new Map<string, number>();
    for (let length = image.length - 1; length >= 0; length--) {
      fs.truncateSync(file('cut.image'), length);
      let error: unknown = null;
      try { bootImage(file('cut.image'), small); } catch (e) { error = e; }
      expect(error, `length ${length}`).toBeInstanceOf(ImageError);
      const check = (error as ImageError).check;
      expect(check, `length ${length}`).toBe(length === 0 ? 'empty file' : 'truncated');
      checks.set(check, (checks.get(check) ?? 0) + 1);
    }
    expect(checks.get('truncated')).toBe(image.length - 1);
  });

  it('every truncation fails the same way from a buffer', () => {
    for (let length = 0; length < image.length; length++) {
      expect(() => bootImageFromBuffer(image.subarray(0, length), small)).toThrow(ImageError);
    }
    const e = refusal(image.subarray(0, image.length - 8));
    expect(e.message).toMatch(new RegExp(`expected ${image.length} bytes, the file has ${image.length - 8}`));
  });

  it('a flip in every byte of the fixed header and table, and 400 random byte flips, are refused', () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const flips: Array<[number, number]> = [];
    for (let at = 0; at < FIXED_HEADER_BYTES + SEGMENT_ENTRY_BYTES; at++) flips.push([at, 1 << random(8)]);
    for (let i = 0; i < 400; i++) flips.push([random(world.length), 1 + random(255)]);
    const checks = new Map<string, number>();
    for (const [at, mask] of flips) {
      const bad = Uint8Array.from(world);
      bad[at] ^= mask;
      let error: unknown = null;
      try { bootImageFromBuffer(bad, small); } catch (e) { error = e; }
      expect(error, `byte ${at} ^ ${mask}`).toBeInstanceOf(ImageError);
      const check = (error as ImageError).check;
      checks.set(check, (checks.get(check) ?? 0) + 1);
    }
    expect(checks.get('checksum mismatch')).toBeGreaterThan(300);
    expect(checks.get('not an image')).toBeGreaterThanOrEqual(8);
  });

  it('a flipped byte through the file path too', () => {
    for (const at of [0, Field.version, Field.checksum, MAGIC.length + 100, world.length - 1, world.length >> 1]) {
      const bad = Uint8Array.from(world);
      bad[at] ^= 0x10;
      expect(refusal(bad).check).not.toBe('cannot read');
    }
  });
});
