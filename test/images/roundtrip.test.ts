import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import equal from 'fast-deep-equal';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeWorld } from '../../images/decode.ts';
import { bootImage, bootImageFromBuffer, loadImage } from '../../images/reader.ts';
import { saveImage } from '../../images/writer.ts';
import { Format, objectBytes } from '../../vm/layout.ts';
import { smallInt } from '../../vm/oop.ts';
import { ClassIndex } from '../../vm/special.ts';
import { Builder, buildWorld, workspaceOf } from './world.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-roundtrip-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string): string => path.join(dir, name);

describe('save and boot', () => {
  it('boots a world of old-space objects to the same object graph', () => {
    const heap = buildWorld();
    const before = decodeWorld(heap);
    const stats = saveImage(heap, file('old.image'));
    expect(stats.bytes).toBe(fs.statSync(file('old.image')).size);
    expect(stats.segments).toBe(1);
    const booted = bootImage(file('old.image'));
    const after = decodeWorld(booted);
    expect(equal(before, after)).toBe(true);
    expect(after.objects.length).toBeGreaterThan(60);
    expect(booted.specialObjects).toBe(heap.specialObjects);
    expect(booted.nilOop).toBe(heap.nilOop);
    expect(booted.hashSeed).toBe(heap.hashSeed);
    expect(booted.nurseryEnd).toBe(heap.nurseryEnd);
    expect(booted.segments).toEqual(heap.segments);
    expect(booted.savedEnd).toBe(heap.savedEnd);
    expect(booted.oldTop).toBe(booted.savedEnd);
  });

  it('boots a world born in the nursery (the save scavenges first) to the same graph', () => {
    const heap = buildWorld({ young: true });
    expect(heap.nurseryTop).toBeGreaterThan(8);
    const before = decodeWorld(heap);
    saveImage(heap, file('young.image'));
    expect(equal(decodeWorld(heap), before)).toBe(true);
    expect(equal(decodeWorld(bootImage(file('young.image'))), before)).toBe(true);
  });

  it('describes floats, cycles and shared objects faithfully', () => {
    const heap = buildWorld();
    saveImage(heap, file('shape.image'));
    const world = decodeWorld(bootImage(file('shape.image')));
    const floats = world.objects.filter((o) => o.classIndex === ClassIndex.Float).map((o) => o.float);
    expect(floats).toEqual(expect.arrayContaining([3.14, -0, NaN, Infinity, 1e300, 0.5, 2.5]));
    const root = world.objects[0];
    const data = world.objects[(root.slots[13] as { ref: number }).ref];
    expect(data.slots[3]).toEqual(data.slots[4]); // the same String twice: one object
    const a = (data.slots[11] as { ref: number }).ref;
    expect(world.objects[a].slots[1]).toEqual({ ref: a }); // a cycle through itself
  });

  it('decodeWorld notices a changed slot, byte, header bit or identity', () => {
    const heap = buildWorld();
    const before = decodeWorld(heap);
    const data = workspaceOf(heap);
    heap.store(data, 0, smallInt(7));
    expect(equal(decodeWorld(heap), before)).toBe(false);
    heap.store(data, 0, heap.fetch(data, 1));
    expect(equal(decodeWorld(heap), before)).toBe(false);
  });

  it('writes byte-identical files for the same heap state', () => {
    const heap = buildWorld({ young: true });
    saveImage(heap, file('a.image'));
    saveImage(heap, file('b.image'));
    const other = buildWorld({ young: true });
    saveImage(other, file('c.image'));
    const a = fs.readFileSync(file('a.image'));
    expect(a.equals(fs.readFileSync(file('b.image')))).toBe(true);
    expect(a.equals(fs.readFileSync(file('c.image')))).toBe(true);
  });

  it('saves a booted world with new objects as two segments that boot again', () => {
    const heap = buildWorld();
    saveImage(heap, file('gen1.image'));
    const booted = bootImage(file('gen1.image'));
    const b = new Builder(booted, true);
    const data = workspaceOf(booted);
    const fresh = b.array([b.string('added after boot'), b.float(6.25), data]);
    booted.store(data, 0, fresh); // a store into a saved segment, pointing at a young object
    const grown = b.alloc(ClassIndex.Array, Format.INDEXABLE, 20_000); // big: born in old space
    booted.store(fresh, 1, grown);
    const before = decodeWorld(booted);
    const stats = saveImage(booted, file('gen2.image'));
    expect(stats.segments).toBe(2);
    const { heap: again, header } = loadImage(file('gen2.image'));
    expect(header.segments.map((s) => s.role)).toEqual(['base', 'base']);
    expect(header.segments[1].start).toBe(header.segments[0].start + header.segments[0].byteSize);
    expect(again.segments.length).toBe(2);
    expect(equal(decodeWorld(again), before)).toBe(true);
  });

  it('boots a heap that keeps working: allocation, growth, a further save', () => {
    saveImage(buildWorld(), file('live.image'));
    const heap = bootImage(file('live.image'), { maxBytes: 256 * 1024 * 1024 });
    const b = new Builder(heap, false);
    const size = heap.capacity;
    const big = b.alloc(ClassIndex.ByteArray, Format.BYTES, (size >>> 2) + 1000);
    expect(heap.capacity).toBeGreaterThan(size);
    expect(heap.slotCount(big)).toBe((size >>> 2) + 1000);
    expect(objectBytes(heap.slotCount(big))).toBeGreaterThan(size);
    heap.store(workspaceOf(heap), 2, b.array([b.string('after growth'), smallInt(heap.epoch)]));
    saveImage(heap, file('live2.image'));
    expect(equal(decodeWorld(bootImage(file('live2.image'))), decodeWorld(heap))).toBe(true);
  });

  it('boots from a buffer in memory', () => {
    const heap = buildWorld();
    saveImage(heap, file('buf.image'));
    const booted = bootImageFromBuffer(fs.readFileSync(file('buf.image')));
    expect(equal(decodeWorld(booted), decodeWorld(heap))).toBe(true);
  });
});
