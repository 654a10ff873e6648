import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import equal from 'fast-deep-equal';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { contentHashOf, contentHashOfFile, crc32Combine, sha256Hex } from '../../images/content-hash.ts';
import { decodeWorld } from '../../images/decode.ts';
import { findUnmarkedChanges } from '../../images/delta-check.ts';
import { dirtyRanges, saveDelta } from '../../images/delta.ts';
import { Field } from '../../images/format.ts';
import { bootImage, bootImageFromBuffer, loadImage } from '../../images/reader.ts';
import { saveImage } from '../../images/writer.ts';
import { CARD_BYTES } from '../../vm/heap.ts';
import { Format } from '../../vm/layout.ts';
import { smallInt } from '../../vm/oop.ts';
import { ClassIndex } from '../../vm/special.ts';
import { Builder, buildWorld, workspaceOf } from './world.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-delta-save-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => { vi.restoreAllMocks(); });
const file = (name: string): string => path.join(dir, name);

/** A world saved as `name`, with the big Array of the world (a saved object spanning many cards). */
function savedWorld(name: string): { heap: ReturnType<typeof buildWorld>; big: number } {
  const heap = buildWorld();
  saveImage(heap, file(name));
  return { heap, big: heap.fetch(workspaceOf(heap), 12) };
}

describe('content hash and checksum', () => {
  it('stores the SHA-256 of the file (digest fields zeroed) in every header', () => {
    const { heap } = savedWorld('hash.image');
    const bytes = fs.readFileSync(file('hash.image'));
    const { header } = loadImage(file('hash.image'));
    expect(sha256Hex(header.contentSha256)).toBe(sha256Hex(contentHashOf(bytes)));
    expect(sha256Hex(contentHashOfFile(file('hash.image')))).toBe(sha256Hex(header.contentSha256));
    expect(heap.imagePath).toBe(path.resolve(file('hash.image')));
    expect(sha256Hex(heap.imageHash!)).toBe(sha256Hex(header.contentSha256));
    // The CRC32 is the plain CRC of the file with the checksum field read as zero.
    const zeroed = Uint8Array.from(bytes);
    zeroed.fill(0, Field.checksum, Field.checksum + 4);
    expect(crc32(zeroed)).toBe(header.checksum);
    heap.store(workspaceOf(heap), 0, smallInt(5));
    saveDelta(heap, file('hash.delta'));
    const delta = fs.readFileSync(file('hash.delta'));
    expect(sha256Hex(loadImage(file('hash.delta')).header.contentSha256)).toBe(sha256Hex(contentHashOf(delta)));
  });

  it('crc32Combine joins two CRCs like one CRC over both parts', () => {
    const data = Uint8Array.from({ length: 5000 }, (_, i) => (i * 131 + (i >> 3)) & 255);
    for (const cut of [0, 1, 7, 100, 2047, 4999, 5000]) {
      const a = data.subarray(0, cut);
      const b = data.subarray(cut);
      expect(crc32Combine(crc32(a), crc32(b), b.length), `cut ${cut}`).toBe(crc32(data));
    }
  });
});

describe('saving a delta', () => {
  it('writes a header-only delta when nothing changed, twice in a row', () => {
    const { heap } = savedWorld('same.image');
    const first = saveDelta(heap, file('same1.delta'));
    const second = saveDelta(heap, file('same2.delta'));
    for (const stats of [first, second]) {
      expect(stats.cardRuns).toBe(0);
      expect(stats.newBytes).toBe(0);
      expect(stats.bytes).toBeLessThan(256);
    }
    expect(equal(decodeWorld(bootImage(file('same2.delta'))), decodeWorld(heap))).toBe(true);
    expect(loadImage(file('same2.delta')).chain.length).toBe(3);
  });

  it('coalesces adjacent dirty cards into one run, keeps separate ones apart, clips to the saved space', () => {
    const { heap, big } = savedWorld('runs.image');
    const slotAt = (address: number): number => (address - big - 8) >>> 2;
    const firstCard = Math.ceil((big + 8) / CARD_BYTES) * CARD_BYTES;
    heap.store(big, slotAt(firstCard), smallInt(1));
    heap.store(big, slotAt(firstCard + CARD_BYTES), smallInt(2));
    heap.store(big, slotAt(firstCard + 4 * CARD_BYTES + 12), smallInt(3));
    expect(dirtyRanges(heap)).toEqual([
      { start: firstCard, end: firstCard + 2 * CARD_BYTES },
      { start: firstCard + 4 * CARD_BYTES, end: firstCard + 5 * CARD_BYTES },
    ]);
    const b = new Builder(heap, true);
    heap.store(workspaceOf(heap), 1, b.string('new after the base'));
    const stats = saveDelta(heap, file('runs.delta'));
    expect(stats.cardRuns).toBe(3); // the two above and the workspace's card
    expect(stats.newBytes).toBeGreaterThan(0);
    const { header } = loadImage(file('runs.delta'));
    expect(header.cardRuns.map((r) => r.byteSize)).toContain(2 * CARD_BYTES);
    for (const r of header.cardRuns) {
      expect(r.start).toBeGreaterThanOrEqual(header.nurseryEnd);
      expect(r.start + r.byteSize).toBeLessThanOrEqual(header.segmentsStart);
    }
    // The last card of the saved space is clipped at its end.
    const last = heap.savedEnd - 8;
    heap.markDirty(last, 8);
    heap.markDirty(heap.nurseryEnd, 8);
    const ranges = dirtyRanges(heap);
    expect(ranges[0].start).toBe(heap.nurseryEnd);
    expect(ranges[ranges.length - 1].end).toBe(heap.savedEnd);
  });

  it('holds only the dirty cards and the new segment: a small delta of a large world', () => {
    const heap = buildWorld();
    const b = new Builder(heap, false);
    const blocks = Array.from({ length: 200 }, (_, i) => b.bytes(ClassIndex.ByteArray, new Uint8Array(10_000).fill(i)));
    heap.store(workspaceOf(heap), 2, b.array(blocks));
    const base = saveImage(heap, file('large.image'));
    heap.byteAtPut(blocks[77], 5000, 1);
    const stats = saveDelta(heap, file('large.delta'));
    expect(base.bytes).toBeGreaterThan(2_000_000);
    expect(stats.bytes).toBeLessThan(1024);
    expect(stats.cardRuns).toBe(1);
    expect(stats.dirtyBytes).toBe(CARD_BYTES);
    const booted = bootImage(file('large.delta'));
    expect(booted.byteAt(blocks[77], 5000)).toBe(1);
    expect(booted.byteAt(blocks[77], 5001)).toBe(77);
  });

  it('a store that bypasses the barrier is reported, and is missing from the delta', () => {
    const { heap } = savedWorld('bypass.image');
    const data = workspaceOf(heap);
    heap.words[(data >>> 2) + 2 + 5] = smallInt(12345); // no card marked
    const found = findUnmarkedChanges(heap);
    expect(found).toHaveLength(1);
    expect(found[0].object).toBe(data);
    saveDelta(heap, file('bypass.delta'));
    expect(bootImage(file('bypass.delta')).fetch(data, 5)).not.toBe(smallInt(12345));
  });

  it('names its parent relatively, so a directory of images can move', () => {
    const sub = file('project');
    fs.mkdirSync(path.join(sub, 'deltas'), { recursive: true });
    const heap = buildWorld();
    saveImage(heap, path.join(sub, 'base.image'));
    heap.store(workspaceOf(heap), 0, smallInt(1));
    saveDelta(heap, path.join(sub, 'deltas', 'd1.delta'));
    heap.store(workspaceOf(heap), 0, smallInt(2));
    saveDelta(heap, path.join(sub, 'd2.delta'));
    expect(loadImage(path.join(sub, 'd2.delta')).header.parentHint).toBe('deltas/d1.delta');
    expect(loadImage(path.join(sub, 'deltas', 'd1.delta')).header.parentHint).toBe('../base.image');
    const world = decodeWorld(heap);
    fs.renameSync(sub, file('moved'));
    expect(equal(decodeWorld(bootImage(file('moved/d2.delta'))), world)).toBe(true);
  });

  it('saves from a heap booted from memory when told its parent file', () => {
    const { heap } = savedWorld('memory.image');
    const booted = bootImageFromBuffer(fs.readFileSync(file('memory.image')));
    booted.store(workspaceOf(booted), 0, smallInt(77));
    expect(() => saveDelta(booted, file('memory.delta'))).toThrow(/cannot save.*booted from memory/);
    saveDelta(booted, file('memory.delta'), file('memory.image'));
    expect(bootImage(file('memory.delta')).fetch(workspaceOf(heap), 0)).toBe(smallInt(77));
  });
});

describe('refusing to save a delta', () => {
  it('without a parent image', () => {
    const heap = buildWorld();
    expect(() => saveDelta(heap, file('orphan.delta'))).toThrow(/cannot save.*no parent image/);
    expect(fs.existsSync(file('orphan.delta'))).toBe(false);
  });

  it('when the parent file was saved again since, or another image is named', () => {
    const { heap } = savedWorld('moved-on.image');
    saveImage(buildWorld({ young: true, nurseryBytes: 128 * 1024 }), file('moved-on.image'));
    expect(() => saveDelta(heap, file('moved-on.delta'))).toThrow(/cannot save.*moved-on\.image has sha256 [0-9a-f]{64}, but the heap .* sha256 [0-9a-f]{64}/);
    const { heap: other } = savedWorld('other.image');
    const unrelated = buildWorld();
    unrelated.store(workspaceOf(unrelated), 0, smallInt(1));
    saveImage(unrelated, file('unrelated.image'));
    expect(() => saveDelta(other, file('x.delta'), file('unrelated.image'))).toThrow(/cannot save.*unrelated\.image has sha256/);
    saveDelta(other, file('x.delta'), file('other.image'));
  });

  it('over a file of its own parent chain', () => {
    const { heap } = savedWorld('self.image');
    saveDelta(heap, file('self1.delta'));
    expect(() => saveDelta(heap, file('self1.delta'))).toThrow(/part of the delta's own parent chain/);
    expect(() => saveDelta(heap, file('self.image'))).toThrow(/part of the delta's own parent chain/);
    saveDelta(heap, file('self2.delta'));
    expect(loadImage(file('self2.delta')).chain.length).toBe(3);
  });

  it('when the parent is missing', () => {
    const { heap } = savedWorld('gone.image');
    fs.unlinkSync(file('gone.image'));
    expect(() => saveDelta(heap, file('gone.delta'))).toThrow(/cannot save.*gone\.image cannot be booted/);
  });
});

describe('crash-safe delta saves', () => {
  it('keeps the previous delta and the dirty cards when the rename fails, and saves them later', () => {
    const { heap } = savedWorld('crash.image');
    const b = new Builder(heap, true);
    heap.store(workspaceOf(heap), 0, b.array([b.string('first'), smallInt(1)]));
    saveDelta(heap, file('crash.delta'));
    const saved = decodeWorld(heap);
    heap.store(workspaceOf(heap), 1, b.array([b.string('second'), smallInt(2)]));
    const big = b.alloc(ClassIndex.Array, Format.INDEXABLE, 30_000);
    heap.store(workspaceOf(heap), 2, big);
    const changed = decodeWorld(heap);
    vi.spyOn(fs, 'renameSync').mockImplementation(() => { throw Object.assign(new Error('EXDEV: simulated'), { code: 'EXDEV' }); });
    expect(() => saveDelta(heap, file('crash2.delta'))).toThrow(/cannot save.*simulated/);
    vi.restoreAllMocks();
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(fs.existsSync(file('crash2.delta'))).toBe(false);
    expect(equal(decodeWorld(bootImage(file('crash.delta'))), saved)).toBe(true);
    expect(equal(decodeWorld(heap), changed)).toBe(true);
    expect(findUnmarkedChanges(heap)).toEqual([]);
    saveDelta(heap, file('crash2.delta'));
    expect(equal(decodeWorld(bootImage(file('crash2.delta'))), changed)).toBe(true);
  });
});
