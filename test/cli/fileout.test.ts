import fs from 'node:fs';
import path from 'node:path';
import equal from 'fast-deep-equal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTonelPackage } from '../../compiler/tonel.ts';
import type { Definition } from '../../compiler/definitions.ts';
import { buildKernelImage, strata, tempDir } from './kernel-image.ts';

const SAMPLE = path.resolve('test/fixtures/samples/tonel/Bank');

let dir: string;
let base: string;
beforeAll(() => {
  dir = tempDir('strata-fileout-');
  base = buildKernelImage(dir);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Definitions without positions, in a canonical order, for comparing two readings. */
function canonical(defs: Definition[]): unknown[] {
  return defs
    .map((d) => ({ ...d, position: null }))
    .map((d) => JSON.stringify(d))
    .sort();
}

describe('strata fileout', () => {
  it('writes a loaded package back as Tonel that reads as the same definitions', () => {
    const image = path.join(dir, 'bank.image');
    expect(strata(['load', SAMPLE, '--image', base, '-o', image]).status).toBe(0);
    const out = path.join(dir, 'Bank-out');
    const r = strata(['fileout', 'Bank', out, '--image', image]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^wrote Bank to .*Bank-out: \d+ classes, \d+ methods\n$/);
    const original = readTonelPackage(SAMPLE);
    const written = readTonelPackage(out);
    expect(written.name).toBe('Bank');
    expect(equal(canonical(written.definitions), canonical(original.definitions))).toBe(true);
  });

  it('refuses a package the image does not have, with exit code 2', () => {
    const r = strata(['fileout', 'NoSuchPackage', path.join(dir, 'none'), '--image', base]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no package named NoSuchPackage/);
  });
});
