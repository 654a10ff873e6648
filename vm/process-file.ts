// Moving a live process between VMs booted from the same base image: a `.proc` file holds a
// Process and every object it reaches that is not in the saved segments of the image the
// heap was booted from (or last saved as). References into those segments stay plain oops:
// the receiving VM has the same segments at the same offsets, which the file proves by
// naming the base image's content hash. Only objects born since are carried.
//
// File layout (little-endian):
//   [0, 8)    magic 'STRAPROC'
//   [8, 12)   format version (PROC_VERSION)
//   [12, 16)  total file length in bytes (a shorter file is reported as truncated)
//   [16, 20)  object count; record 0 is the Process
//   [20, 52)  the base image's content hash (SHA-256, heap.imageHash)
//   records   per object: header word 0 (class index, format, immutable bit; GC and pinned
//             bits cleared), identity hash, slot count, then `slots` 32-bit words. Pointer
//             slots are encoded (below); the other words (bytes, words, bytecodes) are raw.
//   [len-4)   CRC32 of everything before it
//
// A pointer slot holds an immediate (SmallInteger ...1, Character ...10) as it is, an oop of
// the base segments as it is (8-aligned: low bits 000), or a reference to record i as
// (i << 3) | 4: the low bits 100 are never an oop's, so the three kinds cannot be confused.
//
// Symbols are carried as their characters and re-interned on load, so a symbol created
// after boot stays unique in the receiving VM. Instances of classes created after boot
// cannot be carried (their class index means nothing there) and are refused when writing.
// Objects of the base that changed after boot are not carried: the receiver sees its own
// version of them (globals, class variables, mutated base collections).
//
// vm/ does not import images/: the base hash is passed in by the caller.

import { crc32 } from 'node:zlib';
import type { Heap } from './heap.ts';
import { classAtIndex, className, isMetaclass } from './classes.ts';
import {
  CLASS_INDEX_MASK, FORMAT_MASK, FORMAT_SHIFT, HASH_MASK, IMMUTABLE_BIT, Format, isCompiledMethodFormat,
} from './layout.ts';
import { internCodePoints } from './objects.ts';
import { ClassIndex } from './special.ts';

export const PROC_MAGIC = 'STRAPROC';
export const PROC_VERSION = 1;
export const PROC_HEADER_BYTES = 52;
const HASH_BYTES = 32;
const RECORD_HEADER_BYTES = 12;
/** The header-word-0 bits a record keeps: GC bits are transient, pinning is this VM's business. */
const KEPT_BITS = (CLASS_INDEX_MASK | (FORMAT_MASK << FORMAT_SHIFT) | IMMUTABLE_BIT) >>> 0;
const REF_TAG = 4;

/** A refused or unwritable process file; `check` names the check that failed. */
export class ProcessFileError extends Error {
  readonly check: string;
  constructor(check: string, detail: string) {
    super(`${check}: ${detail}`);
    this.name = 'ProcessFileError';
    this.check = check;
  }
}

export function hashHex(hash: Uint8Array): string {
  return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('hex');
}

function isBaseOop(heap: Heap, oop: number): boolean {
  return oop >= heap.nurseryEnd && oop < heap.savedEnd;
}

function isObjectOop(oop: number): boolean {
  return (oop & 7) === 0 && oop !== 0;
}

function pointerCount(format: number, slots: number, slot0: number): number {
  if (format >= Format.FIXED && format <= Format.WEAK) return slots;
  if (isCompiledMethodFormat(format)) return Math.min(slots, 2 + ((slot0 >>> 1) & 0xffff));
  return 0;
}

function isSymbolClass(classIndex: number): boolean {
  return classIndex === ClassIndex.Symbol || classIndex === ClassIndex.WideSymbol;
}

/**
 * The bytes of a process file for `root` (a Process). `overrides` replaces slots of the root
 * as written (slot index -> oop), so the caller can write the process as suspended without
 * changing the heap first.
 */
export function writeProcessFile(
  heap: Heap, root: number, baseHash: Uint8Array, overrides: ReadonlyMap<number, number> = new Map(),
): Uint8Array {
  if (baseHash.length !== HASH_BYTES) throw new ProcessFileError('no base image', 'the base hash must be 32 bytes');
  // Breadth-first numbering of the carried objects; the root is record 0 even if it is in the base.
  const index = new Map<number, number>([[root, 0]]);
  const order = [root];
  const words = heap.words;
  const slotOf = (oop: number, i: number): number => (oop === root && overrides.has(i) ? overrides.get(i)! : heap.fetch(oop, i));
  let bodyBytes = 0;
  for (let k = 0; k < order.length; k++) {
    const oop = order[k];
    const ci = heap.classIndexOf(oop);
    const cls = classAtIndex(heap, ci);
    if (cls === heap.nilOop || !isBaseOop(heap, cls)) {
      const what = cls === heap.nilOop ? `an instance of class index ${ci}`
        : isMetaclass(heap, cls) ? `the class ${className(heap, oop)}` : `an instance of ${className(heap, cls)}`;
      throw new ProcessFileError('class not in the base image',
        `the process reaches ${what}, and that class was defined after the base image was saved`);
    }
    const slots = heap.slotCount(oop);
    bodyBytes += RECORD_HEADER_BYTES + slots * 4;
    if (isSymbolClass(ci)) continue;
    const n = pointerCount(heap.formatOf(oop), slots, heap.fetch(oop, 0));
    for (let i = 0; i < n; i++) {
      const v = slotOf(oop, i);
      if (!isObjectOop(v) || isBaseOop(heap, v) || index.has(v)) continue;
      index.set(v, order.length);
      order.push(v);
    }
  }
  const total = PROC_HEADER_BYTES + bodyBytes + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = PROC_MAGIC.charCodeAt(i);
  view.setUint32(8, PROC_VERSION, true);
  view.setUint32(12, total, true);
  view.setUint32(16, order.length, true);
  out.set(baseHash, 20);
  let at = PROC_HEADER_BYTES;
  for (const oop of order) {
    const w = oop >>> 2;
    const slots = heap.slotCount(oop);
    view.setUint32(at, (words[w] & KEPT_BITS) >>> 0, true);
    view.setUint32(at + 4, heap.identityHash(oop), true);
    view.setUint32(at + 8, slots, true);
    at += RECORD_HEADER_BYTES;
    const n = isSymbolClass(heap.classIndexOf(oop)) ? 0 : pointerCount(heap.formatOf(oop), slots, heap.fetch(oop, 0));
    for (let i = 0; i < slots; i++, at += 4) {
      let v = i < n ? slotOf(oop, i) : words[w + 2 + i];
      if (i < n && isObjectOop(v) && !isBaseOop(heap, v)) v = ((index.get(v)! << 3) | REF_TAG) >>> 0;
      view.setUint32(at, v, true);
    }
  }
  view.setUint32(at, crc32(out.subarray(0, at)) >>> 0, true);
  return out;
}

interface Record {
  word0: number;
  hash: number;
  slots: number;
  /** Byte offset of the record's first slot word in the file. */
  body: number;
}

/** Checks the file's framing: magic, length, version, CRC32, base hash. Throws ProcessFileError. */
function checkFrame(data: Uint8Array, baseHash: Uint8Array | null): DataView {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const magicLength = Math.min(8, data.length);
  for (let i = 0; i < magicLength; i++) {
    if (data[i] !== PROC_MAGIC.charCodeAt(i)) throw new ProcessFileError('not a process file', 'bad magic');
  }
  if (data.length < PROC_HEADER_BYTES + 4) {
    throw new ProcessFileError('truncated', `${data.length} bytes, shorter than a process file's header`);
  }
  const declared = view.getUint32(12, true);
  if (declared > data.length) throw new ProcessFileError('truncated', `${data.length} of ${declared} bytes`);
  if (declared !== data.length) {
    throw new ProcessFileError('length mismatch', `the header says ${declared} bytes, the file has ${data.length}`);
  }
  const version = view.getUint32(8, true);
  if (version !== PROC_VERSION) {
    throw new ProcessFileError('wrong version', `format version ${version}, this VM reads version ${PROC_VERSION}`);
  }
  const stored = view.getUint32(data.length - 4, true);
  if ((crc32(data.subarray(0, data.length - 4)) >>> 0) !== stored) {
    throw new ProcessFileError('checksum mismatch', 'the CRC32 does not match the content (the file is corrupt)');
  }
  const expected = data.subarray(20, 20 + HASH_BYTES);
  if (baseHash === null || !expected.every((b, i) => b === baseHash[i])) {
    throw new ProcessFileError('different base image',
      `the process was saved from the base image with content hash ${hashHex(expected)}, `
      + `this VM runs ${baseHash === null ? 'a world not booted from an image file' : hashHex(baseHash)}`);
  }
  return view;
}

function parseRecords(heap: Heap, data: Uint8Array, view: DataView): Record[] {
  const count = view.getUint32(16, true);
  const end = data.length - 4;
  const records: Record[] = [];
  let at = PROC_HEADER_BYTES;
  for (let k = 0; k < count; k++) {
    if (at + RECORD_HEADER_BYTES > end) throw new ProcessFileError('corrupt', `object ${k} lies past the end`);
    const word0 = view.getUint32(at, true);
    const slots = view.getUint32(at + 8, true);
    if (slots > (end - at - RECORD_HEADER_BYTES) / 4) throw new ProcessFileError('corrupt', `object ${k} lies past the end`);
    const ci = word0 & CLASS_INDEX_MASK;
    if (classAtIndex(heap, ci) === heap.nilOop) {
      throw new ProcessFileError('corrupt', `object ${k} has class index ${ci}, unknown in this image`);
    }
    records.push({ word0, hash: view.getUint32(at + 4, true) & HASH_MASK, slots, body: at + RECORD_HEADER_BYTES });
    at += RECORD_HEADER_BYTES + slots * 4;
  }
  if (count === 0 || at !== end) throw new ProcessFileError('corrupt', 'the object records do not fill the file');
  return records;
}

function symbolPoints(view: DataView, r: Record, format: number): number[] {
  const points: number[] = [];
  if (format === Format.WORDS) {
    for (let i = 0; i < r.slots; i++) points.push(view.getUint32(r.body + i * 4, true));
  } else {
    const length = r.slots * 4 - (format & 3);
    for (let i = 0; i < length; i++) points.push(view.getUint8(r.body + i));
  }
  return points;
}

/**
 * Materializes the objects of a process file in the heap and answers the root (the Process)
 * as it was written; the caller resumes it. Throws ProcessFileError when a check fails: the
 * framing and record checks run before anything is allocated; a bad reference found while
 * filling leaves only unreferenced garbage. Allocates without a safe point, so nothing moves.
 */
export function readProcessFile(heap: Heap, data: Uint8Array, baseHash: Uint8Array | null): number {
  const view = checkFrame(data, baseHash);
  const records = parseRecords(heap, data, view);
  const oops = records.map((r) => {
    const ci = r.word0 & CLASS_INDEX_MASK;
    const format = (r.word0 >>> FORMAT_SHIFT) & FORMAT_MASK;
    if (isSymbolClass(ci)) return internCodePoints(heap, symbolPoints(view, r, format));
    return heap.allocate(ci, format, r.slots);
  });
  for (let k = 0; k < records.length; k++) {
    const r = records[k];
    const oop = oops[k];
    if (isSymbolClass(r.word0 & CLASS_INDEX_MASK)) continue;
    const format = (r.word0 >>> FORMAT_SHIFT) & FORMAT_MASK;
    const n = pointerCount(format, r.slots, view.getUint32(r.body, true));
    const words = heap.words;
    const w = oop >>> 2;
    for (let i = 0; i < r.slots; i++) {
      let v = view.getUint32(r.body + i * 4, true);
      if (i < n) v = decodeSlot(heap, v, oops, k);
      words[w + 2 + i] = v;
    }
    words[w] = ((words[w] & ~KEPT_BITS) | (r.word0 & KEPT_BITS)) >>> 0;
    heap.setIdentityHash(oop, r.hash);
  }
  return oops[0];
}

function decodeSlot(heap: Heap, v: number, oops: readonly number[], k: number): number {
  if ((v & 7) === REF_TAG) {
    const target = v >>> 3;
    if (target >= oops.length) throw new ProcessFileError('corrupt', `object ${k} refers to a missing object ${target}`);
    return oops[target];
  }
  if (isObjectOop(v) && !isBaseOop(heap, v)) {
    throw new ProcessFileError('corrupt', `object ${k} refers to ${v}, outside the base image`);
  }
  return v;
}
