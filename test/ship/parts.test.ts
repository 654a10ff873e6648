// The pieces of strata ship that can be checked without shipping: the stdin reader, the
// payload layout (written by ship-assemble, read by ship-payload), request-target
// splitting for the HTTP primitives, and booting a shipped image without work per object.

import fs from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { bootImageFromBuffer } from '../../images/reader.ts';
import { makePayload, writeAppFile } from '../../images/ship-assemble.ts';
import { filePayload, memoryPayload } from '../../images/ship-payload.ts';
import { bootWorld } from '../../images/world.ts';
import { saveImage } from '../../images/writer.ts';
import { BufferHost } from '../../vm/host.ts';
import { splitTarget } from '../../vm/primitives/http.ts';
import { StdinReader } from '../../vm/primitives/stdin.ts';
import { VM } from '../../vm/vm.ts';
import { baseImage, removeScratch, scratchDir } from './helpers.ts';

afterAll(removeScratch);

const text = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('utf8'));

describe('StdinReader', () => {
  it('splits lines at LF, drops a CR before it, keeps a last line without LF', () => {
    const r = StdinReader.fromBytes(Buffer.from('a\r\nbb\n\nlast'));
    expect([r.nextLine(), r.nextLine(), r.nextLine(), r.nextLine(), r.nextLine()].map(text)).toEqual(['a', 'bb', '', 'last', null]);
    expect(r.atEnd()).toBe(true);
  });

  it('reads lines longer than its buffer and many chunks', () => {
    const long = 'x'.repeat(200_000);
    const lines = [long, 'short', long + 'y', ...Array.from({ length: 30_000 }, (_, i) => `n${i}`)];
    const r = StdinReader.fromBytes(Buffer.from(`${lines.join('\n')}\n`));
    for (const want of lines) expect(text(r.nextLine())).toBe(want);
    expect(r.nextLine()).toBeNull();
  });

  it('mixes lines with the rest, and answers empty after the end', () => {
    const r = StdinReader.fromBytes(Buffer.from('head\nbody ☃\nmore'));
    expect(text(r.nextLine())).toBe('head');
    expect(text(r.readAll())).toBe('body ☃\nmore');
    expect(r.readAll().length).toBe(0);
    expect(r.atEnd()).toBe(true);
  });

  it('is at its end on empty input', () => {
    const r = StdinReader.fromBytes(new Uint8Array(0));
    expect(r.atEnd()).toBe(true);
    expect(r.nextLine()).toBeNull();
  });
});

describe('the payload of OUT.mjs', () => {
  const image = Uint8Array.from({ length: 70_000 }, (_, i) => (i % 7 === 0 ? 0x2a : i % 7 === 1 ? 0x2f : (i * 31) & 0xff));

  it('round-trips the image and the compiler through the file, compressed or not', () => {
    const dir = scratchDir('payload');
    for (const compressed of [false, true]) {
      const stored = compressed ? deflateSync(image) : image;
      const payload = makePayload(stored, compressed, 'var __strataCompiler = { ok: "*/ and ☃" };');
      expect(Buffer.from(payload.bytes).includes('*/')).toBe(false);
      if (!compressed) expect(payload.manifest.fixups.length).toBe(10_000);
      const file = path.join(dir, `app-${compressed}.mjs`);
      writeAppFile(file, 'console.log("app")', payload);
      const read = filePayload(file, payload.manifest);
      expect(Buffer.compare(Buffer.from(read.readImage()), Buffer.from(image))).toBe(0);
      expect(read.readCompiler()).toBe('var __strataCompiler = { ok: "*/ and ☃" };');
      expect(fs.statSync(file).mode & 0o111).not.toBe(0);
    }
  });

  it('has no compiler when shipped without one', () => {
    const payload = makePayload(image, false, null);
    expect(payload.manifest.hasCompiler).toBe(false);
    expect(memoryPayload('m', image, null).readCompiler()).toBeNull();
  });

  it('is refused when the file was cut', () => {
    const dir = scratchDir('cut');
    const payload = makePayload(image, false, null);
    const file = path.join(dir, 'app.mjs');
    writeAppFile(file, '', payload);
    fs.truncateSync(file, 1000);
    expect(() => filePayload(file, payload.manifest).readImage()).toThrow(/shorter than its payload/);
  });
});

describe('splitTarget', () => {
  it('decodes path segments and query pairs', () => {
    expect(splitTarget('/items/a%2Fb/7?q=a%20b&x=1+2&flag&&e=')).toEqual({
      path: ['items', 'a/b', '7'],
      query: ['q', 'a b', 'x', '1 2', 'flag', '', 'e', ''],
    });
    expect(splitTarget('/')).toEqual({ path: [], query: [] });
    expect(splitTarget('/bad%zz')).toEqual({ path: ['bad%zz'], query: [] });
  });
});

describe('booting a shipped image', () => {
  it('costs the same for many small objects as for the same bytes in one object', () => {
    // Per-object work at boot (parsing, pointer fixing, re-creating objects) would make the
    // image of 300,000 objects much slower than the image of one ByteArray of the same size.
    const dir = scratchDir('boot');
    const world = (expr: string, name: string): Buffer => {
      const vm = bootWorld(baseImage(), { host: new BufferHost() });
      expect(vm.evaluateSync(expr).kind).toBe('value');
      const file = path.join(dir, name);
      saveImage(vm.heap, file);
      return fs.readFileSync(file);
    };
    const many = world('Smalltalk at: #Junk put: ((1 to: 300000) collect: [ :i | i -> nil ]). 0', 'many.image');
    const extra = many.length - fs.statSync(baseImage()).size;
    const bytes = world(`Smalltalk at: #Junk put: (ByteArray new: ${extra}). 0`, 'bytes.image');
    expect(Math.abs(bytes.length - many.length)).toBeLessThan(1024);
    const boot = (image: Buffer): number => {
      const t0 = performance.now();
      const heap = bootImageFromBuffer(image);
      const vm = new VM(heap, new BufferHost());
      expect(vm.heap.nurseryTop).toBe(8);
      return performance.now() - t0;
    };
    const a: number[] = [];
    const b: number[] = [];
    // Alternating which goes first: a boot pays for collecting the heap before it.
    for (let i = 0; i < 12; i++) {
      if (i % 2 === 0) {
        a.push(boot(many));
        b.push(boot(bytes));
      } else {
        b.push(boot(bytes));
        a.push(boot(many));
      }
    }
    // The fastest of each: the run least disturbed by other work on the machine.
    expect(Math.min(...a)).toBeLessThan(Math.min(...b) * 1.5 + 10);
  });
});
