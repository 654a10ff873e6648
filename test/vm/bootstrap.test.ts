// The bootstrap builds the base image from images/kernel/ without problems, always to the
// same bytes, and the image boots into a world that evaluates.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBaseImage, buildWorld, formatReport } from '../../images/bootstrap.ts';
import { bootWorld } from '../../images/world.ts';
import { BufferHost } from '../../vm/host.ts';
import { stringValue } from '../../vm/objects.ts';

let dir = '';
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bootstrap-')); });
afterAll(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

describe('the bootstrap', () => {
  it('loads every kernel package without problems', () => {
    const { report } = buildWorld();
    expect(report.problems, formatReport(report)).toEqual([]);
    expect(report.packages.length).toBeGreaterThan(5);
    expect(report.methods).toBeGreaterThan(1000);
    expect(report.undeclared).toEqual([]);
  });

  it('gives byte-identical images for the same sources', () => {
    const a = path.join(dir, 'a.image');
    const b = path.join(dir, 'b.image');
    buildBaseImage(a, { host: new BufferHost() });
    buildBaseImage(b, { host: new BufferHost() });
    expect(fs.readFileSync(a).equals(fs.readFileSync(b))).toBe(true);
  });

  it('boots into a world that runs the done-when examples', async () => {
    const image = path.join(dir, 'c.image');
    buildBaseImage(image, { host: new BufferHost() });
    const host = new BufferHost();
    const vm = bootWorld(image, { host });
    const show = async (src: string): Promise<string> => {
      const o = await vm.evaluate(src);
      if (o.kind === 'error') return `error: ${o.description}`;
      const p = await vm.send(o.value, 'printString');
      return p.kind === 'value' ? stringValue(vm.heap, p.value) : `error: ${p.description}`;
    };
    expect(await show('100 factorial printString size')).toBe('158');
    expect(await show('[:x | x * 2] value: 21')).toBe('42');
    expect(await show('[1/0] on: ZeroDivide do: [:e | e return: -1]')).toBe('-1');
    expect(await show("Transcript show: 'hello'; cr. 3")).toBe('3');
    expect(host.stdout).toContain('hello');
    expect(await show('1/0')).toBe('error: ZeroDivide: Division by zero');
  });
});
