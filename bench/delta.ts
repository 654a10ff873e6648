// `npm run bench:delta`: incremental images in a world of over 1,000,000 objects.
//
// The world: 250,000 records of four objects each (as in bench/image.ts: an Array(4) of a
// String, a Float, an Array(2) and a SmallInteger) in chunks of 1000, plus "code": 2,000
// CompiledMethod-format objects with literals, reachable from a method-dictionary-like Array
// of selectors and an Array of methods. It is saved once as the base image.
//
// Each round boots the base, then makes the changes a programmer's edit makes: one method
// recompiled (a new CompiledMethod with a new literal stored over the old one in the
// methods array, and a new selector in the dictionary-like array), and one collection
// changed (a chunk replaced by a grown copy, and one record's string changed in place).
// Then it saves a delta of that (parent: the base). In the same run a full image of the
// same heap is saved. Finally it times booting the base alone and base + delta.
//
// Targets (issue 7): delta <= 64 KB, delta save <= 20 ms, boot of base + delta <= 1.2x the
// boot of the base alone.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveChain } from '../images/chain.ts';
import { saveDelta, type DeltaSaveStats } from '../images/delta.ts';
import { loadImage } from '../images/reader.ts';
import { saveImage } from '../images/writer.ts';
import { Heap } from '../vm/heap.ts';
import { Format, objectBytes } from '../vm/layout.ts';
import { smallInt } from '../vm/oop.ts';
import { ClassIndex, SPECIAL_OBJECTS_SIZE, Special } from '../vm/special.ts';
import { collectGarbage, formatMB, formatMs, formatRatio, printTable, timing, type Timing } from './harness.ts';

const RECORDS = 250_000;
const RECORDS_PER_CHUNK = 1000;
const METHODS = 2000;
const LITERALS = 4;
const BYTECODES = 24;

/** Slots of the workspace Array: the record chunks, the selectors, the methods. */
const Root = { chunks: 0, selectors: 1, methods: 2 } as const;

interface World {
  heap: Heap;
  objects: number;
}

function buildWorld(): World {
  const heap = Heap.create({ initialBytes: 64 * 1024 * 1024 });
  let objects = 0;
  const alloc = (cls: number, format: number, slots: number): number => {
    objects++;
    return heap.initObject(heap.allocateOld(objectBytes(slots)), cls, format, slots);
  };
  const string = (text: string, cls: number = ClassIndex.String): number => {
    const slots = (text.length + 3) >>> 2;
    const oop = alloc(cls, Format.BYTES + slots * 4 - text.length, slots);
    for (let k = 0; k < text.length; k++) heap.bytes[oop + 8 + k] = text.charCodeAt(k);
    return oop;
  };
  heap.nilOop = alloc(ClassIndex.UndefinedObject, Format.EMPTY, 0);
  const specials = alloc(ClassIndex.Array, Format.INDEXABLE, SPECIAL_OBJECTS_SIZE);
  heap.specialObjects = specials;
  heap.store(specials, Special.nil, heap.nilOop);
  const root = alloc(ClassIndex.Array, Format.INDEXABLE, 3);
  heap.store(specials, Special.workspace, root);

  const chunkCount = RECORDS / RECORDS_PER_CHUNK;
  const chunks = alloc(ClassIndex.Array, Format.INDEXABLE, chunkCount);
  heap.store(root, Root.chunks, chunks);
  for (let c = 0; c < chunkCount; c++) {
    const chunk = alloc(ClassIndex.Array, Format.INDEXABLE, RECORDS_PER_CHUNK);
    heap.store(chunks, c, chunk);
    for (let r = 0; r < RECORDS_PER_CHUNK; r++) {
      const i = c * RECORDS_PER_CHUNK + r;
      const float = alloc(ClassIndex.Float, Format.WORDS, 2);
      heap.setFloatValue(float, i + 0.25);
      const inner = alloc(ClassIndex.Array, Format.INDEXABLE, 2);
      heap.store(inner, 0, smallInt(i));
      const record = alloc(ClassIndex.Array, Format.INDEXABLE, 4);
      heap.store(record, 0, string(`item-${i}`));
      heap.store(record, 1, float);
      heap.store(record, 2, inner);
      heap.store(record, 3, smallInt(i));
      heap.store(chunk, r, record);
    }
  }
  const selectors = alloc(ClassIndex.Array, Format.INDEXABLE, METHODS * 2);
  const methods = alloc(ClassIndex.Array, Format.INDEXABLE, METHODS * 2);
  heap.store(root, Root.selectors, selectors);
  heap.store(root, Root.methods, methods);
  for (let m = 0; m < METHODS; m++) {
    const selector = string(`method${m}:`, ClassIndex.Symbol);
    heap.store(selectors, m * 2, selector);
    heap.store(methods, m * 2, newMethod(heap, alloc, selector, m));
  }
  return { heap, objects };
}

/** A CompiledMethod-format object: 2 header slots, LITERALS literals, BYTECODES bytes. */
function newMethod(heap: Heap, alloc: (cls: number, format: number, slots: number) => number, selector: number, seed: number): number {
  const bytes = (2 + LITERALS) * 4 + BYTECODES;
  const slots = (bytes + 3) >>> 2;
  const method = alloc(ClassIndex.CompiledMethod, Format.COMPILED_METHOD + slots * 4 - bytes, slots);
  heap.store(method, 0, smallInt(LITERALS));
  heap.store(method, 1, smallInt(0));
  heap.store(method, 2, selector);
  for (let l = 1; l < LITERALS; l++) heap.store(method, 2 + l, smallInt(seed * 10 + l));
  for (let b = 0; b < BYTECODES; b++) heap.bytes[method + 8 + (2 + LITERALS) * 4 + b] = (seed + b) & 255;
  return method;
}

/** One method recompiled and one collection changed, as young objects like a running VM makes. */
function edit(heap: Heap, round: number): void {
  const young = (cls: number, format: number, slots: number): number => heap.allocate(cls, format, slots);
  const root = heap.fetch(heap.specialObjects, Special.workspace);
  const selectors = heap.fetch(root, Root.selectors);
  const methods = heap.fetch(root, Root.methods);
  // The method: a new CompiledMethod with a new literal replaces method 1234.
  const m = 1234;
  const literal = heap.allocateBytes(ClassIndex.String, 12);
  heap.bytesOf(literal).set(new TextEncoder().encode(`round ${round}`.padEnd(12)));
  const method = newMethod(heap, young, heap.fetch(selectors, m * 2), 99_000 + round);
  heap.store(method, 3, literal);
  heap.store(methods, m * 2, method);
  // A new selector in a free slot of the dictionary-like array, with its method.
  const selector = heap.allocateBytes(ClassIndex.Symbol, 9);
  heap.bytesOf(selector).set(new TextEncoder().encode('newMethod'));
  heap.store(selectors, m * 2 + 1, selector);
  heap.store(methods, m * 2 + 1, newMethod(heap, young, selector, 77));
  // The collection: chunk 17 grows by 10 records; one record of chunk 200 gets a new string.
  const chunks = heap.fetch(root, Root.chunks);
  const chunk = heap.fetch(chunks, 17);
  const grown = heap.allocate(ClassIndex.Array, Format.INDEXABLE, RECORDS_PER_CHUNK + 10);
  for (let i = 0; i < RECORDS_PER_CHUNK; i++) heap.store(grown, i, heap.fetch(chunk, i));
  for (let i = 0; i < 10; i++) heap.store(grown, RECORDS_PER_CHUNK + i, smallInt(i));
  heap.store(chunks, 17, grown);
  const record = heap.fetch(heap.fetch(chunks, 200), 500);
  heap.byteAtPut(heap.fetch(record, 0), 0, 'J'.charCodeAt(0));
}

/** Times each function `runs` times (after one warm-up round), round-robin; answers a Timing each. */
function interleaved(runs: number, cases: Array<[string, () => unknown]>): Timing[] {
  const samples = cases.map(() => [] as number[]);
  for (let r = 0; r <= runs; r++) {
    cases.forEach(([, fn], i) => {
      collectGarbage();
      const t0 = performance.now();
      fn();
      if (r > 0) samples[i].push(performance.now() - t0);
    });
  }
  return cases.map(([label], i) => timing(label, samples[i]));
}

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-delta-'));
  const base = path.join(dir, 'base.image');
  const delta = path.join(dir, 'app.delta');
  const full = path.join(dir, 'full.image');
  console.log(`Strata delta benchmark: node ${process.version}, ${os.cpus().length} CPUs, files in ${dir}`);
  try {
    const t0 = performance.now();
    const world = buildWorld();
    const buildMs = performance.now() - t0;
    const baseStats = saveImage(world.heap, base);
    console.log(`world: ${world.objects.toLocaleString('en-US')} objects, base image ${formatMB(baseStats.bytes)} MB, built in ${formatMs(buildMs)} ms, saved in ${formatMs(baseStats.ms)} ms`);
    const rounds = 11;
    const deltas: DeltaSaveStats[] = [];
    const fulls: number[] = [];
    let fullBytes = 0;
    for (let r = 0; r < rounds; r++) {
      const heap = loadImage(base).heap;
      edit(heap, r);
      collectGarbage();
      deltas.push(saveDelta(heap, delta));
      if (r === rounds - 1) {
        // In the same run, the same moment as a full image (the heap's parent is now the delta).
        const stats = saveImage(heap, full);
        fulls.push(stats.ms);
        fullBytes = stats.bytes;
      }
    }
    const deltaStats = deltas.slice(1); // the first round warms the code up
    const pick = (f: (s: DeltaSaveStats) => number, label: string): Timing => timing(label, deltaStats.map(f));
    const last = deltas[deltas.length - 1];
    // The boots alternate, so machine noise (this machine is shared) falls on all three alike.
    const [bootBase, bootChain, bootFull, resolve] = interleaved(15, [
      ['boot base alone', () => loadImage(base).heap],
      ['boot base + delta', () => loadImage(delta).heap],
      ['boot full image (same world)', () => loadImage(full).heap],
      ['  of which: resolving the chain (headers)', () => resolveChain(delta)],
    ]);

    const rows: Array<[Timing, number]> = [
      [pick((s) => s.ms, 'delta save: total'), last.bytes],
      [pick((s) => s.checkMs, '  check parent chain headers'), 0],
      [pick((s) => s.flushMs, '  flush nursery'), 0],
      [pick((s) => s.writeMs, '  hash + checksum + write'), last.bytes],
      [pick((s) => s.syncMs, '  fsync + rename + dir fsync'), 0],
      [timing('full image save (same world)', fulls), fullBytes],
      [bootBase, baseStats.bytes],
      [bootChain, baseStats.bytes + last.bytes],
      [bootFull, fullBytes],
      [resolve, 0],
    ];
    console.log(`delta: ${last.bytes.toLocaleString('en-US')} bytes = header + ${last.cardRuns} card runs (${last.dirtyBytes.toLocaleString('en-US')} bytes) + new segment (${last.newBytes.toLocaleString('en-US')} bytes)`);
    printTable(['operation', 'median ms', 'min ms', 'bytes', 'vs base boot'], rows.map(([t, bytes]) => [
      t.label, formatMs(t.median), formatMs(t.min), bytes === 0 ? '' : bytes.toLocaleString('en-US'),
      formatRatio(t.median / bootBase.median),
    ]));
    const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
    const saveMs = pick((s) => s.ms, '').median;
    const ratio = bootChain.median / bootBase.median;
    const minRatio = bootChain.min / bootBase.min;
    console.log(`delta size ${(last.bytes / 1024).toFixed(1)} KB (target <= 64 KB: ${verdict(last.bytes <= 64 * 1024)}); `
      + `delta save ${formatMs(saveMs)} ms (target <= 20 ms: ${verdict(saveMs <= 20)}); `
      + `boot base + delta ${formatRatio(ratio)} of base alone by medians, ${formatRatio(minRatio)} by minima (target <= 1.2x: ${verdict(ratio <= 1.2)}); `
      + `full image ${(fullBytes / last.bytes).toFixed(0)}x the delta's size`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
