import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKernelImage, strata, tempDir } from './kernel-image.ts';

let dir: string;
let base: string;
beforeAll(() => {
  dir = tempDir('strata-save-');
  base = buildKernelImage(dir);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('strata save', () => {
  it('saves a full image, a delta and a compacted image of IN, each bootable', () => {
    const full = path.join(dir, 'full.image');
    const r = strata(['save', full, '--image', base]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^saved .*full\.image: full image, [\d,]+ bytes\n$/);
    const delta = path.join(dir, 'small.delta');
    const d = strata(['save', delta, '--image', full, '--delta']);
    expect(d.status).toBe(0);
    expect(d.stdout).toMatch(/^saved .*small\.delta: delta of .*full\.image, [\d,]+ bytes/);
    expect(fs.statSync(delta).size).toBeLessThan(fs.statSync(full).size / 10);
    const compact = path.join(dir, 'compact.image');
    const c = strata(['save', compact, '--image', delta, '--compact']);
    expect(c.status).toBe(0);
    expect(c.stdout).toMatch(/^saved .*compact\.image: compacted full image/);
    expect(strata(['eval', '--image', compact, '3 + 4']).stdout).toBe('7\n');
    expect(strata(['eval', '--image', delta, '(1 to: 3) asArray']).stdout).toBe('#(1 2 3)\n');
  });

  it('takes the image from STRATA_IMAGE', () => {
    const out = path.join(dir, 'env.image');
    const r = strata(['save', out], { env: { STRATA_IMAGE: base } });
    expect(r.status).toBe(0);
    expect(fs.existsSync(out)).toBe(true);
  });

  it('exits with 2 on bad usage and bad images', () => {
    const none = strata(['save', '--image', base]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/save needs an output file OUT/);
    expect(strata(['save', 'a.image', 'b.image', '--image', base]).status).toBe(2);
    expect(strata(['save', path.join(dir, 'x.image'), '--image', base, '--delta', '--compact']).status).toBe(2);
    const notImage = path.join(dir, 'text.image');
    fs.writeFileSync(notImage, 'hello');
    const bad = strata(['save', path.join(dir, 'y.image'), '--image', notImage]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/text\.image: not an image/);
    expect(fs.existsSync(path.join(dir, 'y.image'))).toBe(false);
  });
});
