import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { className, formatImageInfo, imageInfo } from '../../images/info.ts';
import { bootImage } from '../../images/reader.ts';
import { saveImage } from '../../images/writer.ts';
import { ClassIndex, Special } from '../../vm/special.ts';
import { POINT_INDEX, buildWorld } from './world.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-info-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('image info', () => {
  const file = path.join(dir, 'world.image');
  saveImage(buildWorld(), file);

  it('counts every object in the segments and sums their bytes', () => {
    const info = imageInfo(file);
    const segmentBytes = info.header.segments.reduce((n, s) => n + s.byteSize, 0);
    expect(info.objectBytes).toBe(segmentBytes);
    expect(info.classes.reduce((n, c) => n + c.count, 0)).toBe(info.objects);
    expect(info.classes.find((c) => c.name === 'Point')?.count).toBe(2);
    expect(info.classes.find((c) => c.name === 'Float')?.count).toBe(8);
    expect(formatImageInfo(info, 5).split('\n').filter((l) => l.endsWith(' Float')).length).toBe(2);
  });

  it('names classes, metaclasses and unknown indexes', () => {
    const heap = bootImage(file);
    expect(className(heap, ClassIndex.Array)).toBe('Array');
    expect(className(heap, POINT_INDEX)).toBe('Point');
    expect(className(heap, heap.classIndexOf(heap.fetch(heap.fetch(heap.specialObjects, Special.classTable), POINT_INDEX)))).toBe('Point class');
    expect(className(heap, ClassIndex.Context)).toBe(`#${ClassIndex.Context}`);
    expect(className(heap, 5000)).toBe('#5000');
    heap.store(heap.specialObjects, Special.classTable, heap.nilOop);
    expect(className(heap, ClassIndex.Array)).toBe(`#${ClassIndex.Array}`);
  });
});
