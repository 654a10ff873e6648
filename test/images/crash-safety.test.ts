import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import equal from 'fast-deep-equal';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { decodeWorld } from '../../images/decode.ts';
import { ImageError } from '../../images/format.ts';
import { bootImage } from '../../images/reader.ts';
import { saveImage } from '../../images/writer.ts';
import { smallInt } from '../../vm/oop.ts';
import { Builder, buildWorld, workspaceOf } from './world.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-crash-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => { vi.restoreAllMocks(); });
const file = (name: string): string => path.join(dir, name);
const leftovers = (name: string): string[] => fs.readdirSync(dir).filter((f) => f.startsWith(`${name}.tmp-`));

/** Saves a world at `name`, then changes the heap so a second save would differ. */
function savedThenChanged(name: string): { heap: ReturnType<typeof buildWorld>; saved: ReturnType<typeof decodeWorld> } {
  const heap = buildWorld({ young: true });
  saveImage(heap, file(name));
  const saved = decodeWorld(heap);
  const b = new Builder(heap, true);
  heap.store(workspaceOf(heap), 0, b.array([b.string('unsaved change'), smallInt(99)]));
  return { heap, saved };
}

describe('crash-safe saving', () => {
  it('leaves the previous image intact when the rename fails', () => {
    const { heap, saved } = savedThenChanged('rename.image');
    const changed = decodeWorld(heap);
    vi.spyOn(fs, 'renameSync').mockImplementation(() => { throw Object.assign(new Error('EXDEV: simulated'), { code: 'EXDEV' }); });
    expect(() => saveImage(heap, file('rename.image'))).toThrow(ImageError);
    expect(() => saveImage(heap, file('rename.image'))).toThrow(/cannot save.*simulated.*previous image.*unchanged/);
    vi.restoreAllMocks();
    expect(leftovers('rename.image')).toEqual([]);
    expect(equal(decodeWorld(bootImage(file('rename.image'))), saved)).toBe(true);
    // The heap is still whole and saves normally once the failure is gone.
    expect(equal(decodeWorld(heap), changed)).toBe(true);
    saveImage(heap, file('rename.image'));
    expect(equal(decodeWorld(bootImage(file('rename.image'))), changed)).toBe(true);
  });

  it('leaves the previous image intact when a write fails midway (disk full)', () => {
    const { heap, saved } = savedThenChanged('full.image');
    const write = fs.writeSync;
    let calls = 0;
    vi.spyOn(fs, 'writeSync').mockImplementation(((...args: Parameters<typeof fs.writeSync>) => {
      if (++calls === 2) throw Object.assign(new Error('ENOSPC: no space left on device (simulated)'), { code: 'ENOSPC' });
      return (write as (...a: unknown[]) => number)(...args);
    }) as typeof fs.writeSync);
    expect(() => saveImage(heap, file('full.image'))).toThrow(/cannot save.*ENOSPC/);
    vi.restoreAllMocks();
    expect(calls).toBe(2);
    expect(leftovers('full.image')).toEqual([]);
    expect(equal(decodeWorld(bootImage(file('full.image'))), saved)).toBe(true);
  });

  it('leaves the previous image intact when the fsync fails', () => {
    const { heap, saved } = savedThenChanged('sync.image');
    vi.spyOn(fs, 'fsyncSync').mockImplementation(() => { throw Object.assign(new Error('EIO: simulated'), { code: 'EIO' }); });
    expect(() => saveImage(heap, file('sync.image'))).toThrow(/cannot save.*EIO/);
    vi.restoreAllMocks();
    expect(leftovers('sync.image')).toEqual([]);
    expect(equal(decodeWorld(bootImage(file('sync.image'))), saved)).toBe(true);
  });

  it('ignores a temporary file left by a crashed save', () => {
    const { heap, saved } = savedThenChanged('left.image');
    fs.writeFileSync(file(`left.image.tmp-${process.pid}`), 'half an image from a killed save');
    fs.writeFileSync(file('left.image.tmp-999999'), 'another one');
    expect(equal(decodeWorld(bootImage(file('left.image'))), saved)).toBe(true);
    saveImage(heap, file('left.image'));
    expect(equal(decodeWorld(bootImage(file('left.image'))), decodeWorld(heap))).toBe(true);
    expect(leftovers('left.image')).toEqual(['left.image.tmp-999999']);
  });

  it('refuses to save a heap with no world in it', () => {
    const heap = buildWorld();
    heap.specialObjects = 0;
    expect(() => saveImage(heap, file('none.image'))).toThrow(/cannot save.*special-objects/);
    expect(fs.existsSync(file('none.image'))).toBe(false);
  });
});
