// `npm run bench:image`: saving and booting an image against serializing the same object
// graph with v8.serialize/deserialize and JSON, with a plain fs.readFileSync of the image
// file as the floor any boot must pay. Two worlds: 1,000,000 small objects, and the same
// mix scaled to about 100 MB of image.
//
// The world is a tree of records, each four objects in the heap:
//   record Array(4) = [String 'item-<i>', Float i + 0.25, Array(2) [i, nil], i]
// grouped 1000 to a chunk Array, the chunks in one root Array (the workspace slot of the
// special-objects array). The JS graph is the same tree of plain JS values:
//   [['item-<i>', i + 0.25, [i, null], i], ...] per chunk,
// a tree (no sharing, no cycles) so JSON holds exactly the same graph as the others.
//
// `npm run bench:image -- --small` runs the first world only.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { loadImage } from '../images/reader.ts';
import { saveImage } from '../images/writer.ts';
import { Heap } from '../vm/heap.ts';
import { Format, objectBytes } from '../vm/layout.ts';
import { smallInt } from '../vm/oop.ts';
import { ClassIndex, SPECIAL_OBJECTS_SIZE, Special } from '../vm/special.ts';
import {
  collectGarbage, formatMB, formatMBps, formatMs, formatRatio, measure, printTable, timing, type Timing,
} from './harness.ts';

const RECORDS_PER_CHUNK = 1000;
const OBJECTS_PER_RECORD = 4;

interface World {
  heap: Heap;
  graph: unknown[][];
  objects: number;
}

function buildWorld(records: number): World {
  const chunks = Math.ceil(records / RECORDS_PER_CHUNK);
  const estimate = records * 96 + chunks * objectBytes(RECORDS_PER_CHUNK) + 1024 * 1024;
  const heap = Heap.create({ initialBytes: 4 * 1024 * 1024 + estimate });
  const alloc = (cls: number, format: number, slots: number): number =>
    heap.initObject(heap.allocateOld(objectBytes(slots)), cls, format, slots);
  heap.nilOop = alloc(ClassIndex.UndefinedObject, Format.EMPTY, 0);
  const nil = heap.nilOop;
  const specials = alloc(ClassIndex.Array, Format.INDEXABLE, SPECIAL_OBJECTS_SIZE);
  heap.specialObjects = specials;
  heap.store(specials, Special.nil, nil);
  const root = alloc(ClassIndex.Array, Format.INDEXABLE, chunks);
  heap.store(specials, Special.workspace, root);
  let objects = 3;
  const graph: unknown[][] = [];
  for (let c = 0; c < chunks; c++) {
    const count = Math.min(RECORDS_PER_CHUNK, records - c * RECORDS_PER_CHUNK);
    const chunk = alloc(ClassIndex.Array, Format.INDEXABLE, count);
    heap.store(root, c, chunk);
    const jsChunk: unknown[] = [];
    for (let r = 0; r < count; r++) {
      const i = c * RECORDS_PER_CHUNK + r;
      const text = `item-${i}`;
      const slots = (text.length + 3) >>> 2;
      const string = alloc(ClassIndex.String, Format.BYTES + slots * 4 - text.length, slots);
      for (let k = 0; k < text.length; k++) heap.bytes[string + 8 + k] = text.charCodeAt(k);
      const float = alloc(ClassIndex.Float, Format.WORDS, 2);
      heap.setFloatValue(float, i + 0.25);
      const inner = alloc(ClassIndex.Array, Format.INDEXABLE, 2);
      heap.store(inner, 0, smallInt(i));
      const record = alloc(ClassIndex.Array, Format.INDEXABLE, 4);
      heap.store(record, 0, string);
      heap.store(record, 1, float);
      heap.store(record, 2, inner);
      heap.store(record, 3, smallInt(i));
      heap.store(chunk, r, record);
      jsChunk.push([text, i + 0.25, [i, null], i]);
    }
    graph.push(jsChunk);
    objects += 1 + count * OBJECTS_PER_RECORD;
  }
  return { heap, graph, objects: objects + 1 };
}

interface Row {
  timing: Timing;
  bytes: number;
}

function benchWorld(name: string, records: number, runs: number, slowRuns: number, file: string): void {
  const t = performance.now();
  const world = buildWorld(records);
  const buildMs = performance.now() - t;

  // Save: the writer reports the checksum+write phase apart from fsync and rename.
  const writes: number[] = [];
  const syncs: number[] = [];
  const totals: number[] = [];
  let imageBytes = 0;
  for (let i = 0; i < runs + 1; i++) {
    collectGarbage();
    const stats = saveImage(world.heap, file);
    imageBytes = stats.bytes;
    if (i === 0) continue; // the first save also clears header bits of every object: a warm-up
    writes.push(stats.writeMs);
    syncs.push(stats.syncMs);
    totals.push(stats.ms);
  }

  let booted: Heap | null = null;
  const boot = measure('image boot (bootImage)', () => { booted = loadImage(file).heap; }, { runs, before: () => { booted = null; } });
  verifyBoot(world.heap, booted);
  booted = null;
  let read: Buffer | null = null;
  const readFile = measure('fs.readFileSync of the image (floor)', () => { read = fs.readFileSync(file); }, { runs, before: () => { read = null; } });
  read = null;

  // What any boot must pay before reading a byte: the kernel mapping fresh pages for the image.
  let fresh: Uint8Array | null = null;
  const faults = measure('touch a fresh buffer of the image size', () => {
    fresh = new Uint8Array(imageBytes);
    for (let p = 0; p < imageBytes; p += 4096) fresh[p] = 1;
  }, { runs, before: () => { fresh = null; } });
  fresh = null;

  let serialized: Buffer = Buffer.alloc(0);
  const v8Save = measure('v8.serialize', () => { serialized = v8.serialize(world.graph); }, { runs: slowRuns });
  let copy: unknown = null;
  const v8Boot = measure('v8.deserialize', () => { copy = v8.deserialize(serialized); }, { runs: slowRuns, before: () => { copy = null; } });
  if ((copy as unknown[]).length !== world.graph.length) throw new Error('v8 round trip lost data');
  copy = null;
  const v8Bytes = serialized.length;
  serialized = Buffer.alloc(0);
  let json = '';
  const jsonSave = measure('JSON.stringify', () => { json = JSON.stringify(world.graph); }, { runs: slowRuns });
  const jsonParse = measure('JSON.parse', () => { copy = JSON.parse(json); }, { runs: slowRuns, before: () => { copy = null; } });
  if ((copy as unknown[]).length !== world.graph.length) throw new Error('JSON round trip lost data');
  copy = null;
  const jsonBytes = Buffer.byteLength(json);
  json = '';

  const save = timing('image save: checksum + write', writes);
  const sync = timing('image save: fsync + rename + dir fsync', syncs);
  const saveAll = timing('image save: total', totals);
  const rows: Row[] = [
    { timing: save, bytes: imageBytes }, { timing: sync, bytes: imageBytes }, { timing: saveAll, bytes: imageBytes },
    { timing: boot, bytes: imageBytes }, { timing: readFile, bytes: imageBytes }, { timing: faults, bytes: imageBytes },
    { timing: v8Save, bytes: v8Bytes }, { timing: v8Boot, bytes: v8Bytes },
    { timing: jsonSave, bytes: jsonBytes }, { timing: jsonParse, bytes: jsonBytes },
  ];
  console.log(`\n${name}: ${world.objects.toLocaleString('en-US')} objects (${records.toLocaleString('en-US')} records), built in ${formatMs(buildMs)} ms`);
  console.log(`sizes: image ${formatMB(imageBytes)} MB, v8.serialize ${formatMB(v8Bytes)} MB, JSON ${formatMB(jsonBytes)} MB`);
  printTable(['operation', 'median ms', 'min ms', 'MB', 'MB/s', 'vs boot'], rows.map((r) => [
    r.timing.label, formatMs(r.timing.median), formatMs(r.timing.min), formatMB(r.bytes),
    formatMBps(r.bytes, r.timing.median), formatRatio(r.timing.median / boot.median),
  ]));
  const vsV8 = v8Boot.median / boot.median;
  const vsRead = boot.median / readFile.median;
  const saveRate = imageBytes / 1e6 / (save.median / 1e3);
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  console.log(`boot is ${formatRatio(vsV8)} faster than v8.deserialize (target >= 20x: ${verdict(vsV8 >= 20)}), `
    + `${formatRatio(jsonParse.median / boot.median)} faster than JSON.parse`);
  console.log(`boot takes ${formatRatio(vsRead)} the time of readFileSync (target <= 2x: ${verdict(vsRead <= 2)})`);
  console.log(`save writes ${saveRate.toFixed(0)} MB/s before fsync (target >= 500 MB/s: ${verdict(saveRate >= 500)}), `
    + `${formatRatio(v8Save.median / save.median)} faster than v8.serialize`);
}

/** The booted heap holds exactly the saved bytes. */
function verifyBoot(original: Heap, booted: Heap | null): void {
  if (booted === null) throw new Error('boot produced no heap');
  const b: Heap = booted;
  const start = original.nurseryEnd;
  const end = original.savedEnd;
  if (b.savedEnd !== end || b.specialObjects !== original.specialObjects) throw new Error('booted heap has another layout');
  if (!Buffer.from(b.buffer, start, end - start).equals(Buffer.from(original.buffer, start, end - start))) {
    throw new Error('booted heap differs from the saved one');
  }
}

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-'));
  const file = path.join(dir, 'bench.image');
  console.log(`Strata image benchmark: node ${process.version}, ${os.cpus().length} CPUs, files in ${dir}`);
  console.log('medians of several runs; each run after a full GC; "vs boot" = time / image boot time');
  try {
    benchWorld('world 1', 1_000_000 / OBJECTS_PER_RECORD, 7, 5, file);
    // 84 bytes of image per record: 1.25M records make about 100 MB.
    if (!process.argv.includes('--small')) benchWorld('world 2 (~100 MB image)', 1_250_000, 5, 3, file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
