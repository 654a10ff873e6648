// What `strata info FILE` reports: the header fields, the chain of files a delta boots
// with, the segment table, the object count and a class histogram. The image is booted
// (so every check runs), each file's content hash is recomputed and compared with the one
// its header stores, and then the segments are walked; walking and hashing are fine here,
// this is not the boot path.
//
// The walk reads an image that passed its checksum but may still have been written by
// a buggy VM, so every read of a class or a name is bounds-checked and falls back to
// `#<index>` rather than failing.

import { CLASS_INDEX_MASK, isPointersFormat, isBytesFormat, objectBytes } from '../vm/layout.ts';
import type { Heap } from '../vm/heap.ts';
import { isPointer } from '../vm/oop.ts';
import { ClassSlot } from '../vm/class-layout.ts';
import { ClassIndex, Special } from '../vm/special.ts';
import type { ChainLink } from './chain.ts';
import { sameHash, sha256Hex, shortHash, contentHashOfFile } from './content-hash.ts';
import { Flag, isDelta, type ImageHeader } from './format.ts';
import { loadImage } from './reader.ts';

export interface ClassStat {
  classIndex: number;
  name: string;
  count: number;
  /** Bytes the instances occupy, headers and big-object prefixes included. */
  bytes: number;
}

/** One file of the chain, with its content hash checked against its bytes. */
export interface ChainFileInfo extends ChainLink {
  /** True when the SHA-256 recomputed from the file matches the one its header stores. */
  hashVerified: boolean;
}

export interface ImageInfo {
  file: string;
  header: ImageHeader;
  /** The files booted, base first (one for a full image). */
  chain: ChainFileInfo[];
  bootMs: number;
  objects: number;
  objectBytes: number;
  /** Every class with instances, most instances first. */
  classes: ClassStat[];
}

export function imageInfo(file: string): ImageInfo {
  const { heap, header, chain, ms } = loadImage(file);
  const files = chain.map((link) => ({
    ...link, hashVerified: sameHash(contentHashOfFile(link.path), link.header.contentSha256),
  }));
  const counts = new Map<number, ClassStat>();
  let objects = 0;
  let total = 0;
  for (const s of heap.segments) {
    heap.forEachObject(s.start, s.end, (oop) => {
      const classIndex = heap.words[oop >>> 2] & CLASS_INDEX_MASK;
      const size = objectBytes(heap.slotCount(oop));
      let stat = counts.get(classIndex);
      if (stat === undefined) {
        stat = { classIndex, name: '', count: 0, bytes: 0 };
        counts.set(classIndex, stat);
      }
      stat.count++;
      stat.bytes += size;
      objects++;
      total += size;
    });
  }
  const classes = [...counts.values()];
  for (const c of classes) c.name = className(heap, c.classIndex);
  classes.sort((a, b) => b.count - a.count || b.bytes - a.bytes || a.classIndex - b.classIndex);
  return { file, header, chain: files, bootMs: ms, objects, objectBytes: total, classes };
}

/** The report `strata info` prints. */
export function formatImageInfo(info: ImageInfo, top = 20): string {
  const h = info.header;
  const flags = [isDelta(h) ? 'delta' : 'full', (h.flags & Flag.compressed) !== 0 ? 'compressed' : ''];
  const lines: string[] = [];
  const field = (name: string, text: string): void => { lines.push(`${name.padEnd(14)}${text}`); };
  field('file', `${info.file} (${num(h.fileBytes)} bytes)`);
  field('format', `Strata image version ${h.version}, 4-byte words, little-endian`);
  field('flags', `0x${h.flags.toString(16)} (${flags.filter((f) => f !== '').join(', ')})`);
  field('header', `${num(h.headerBytes)} bytes`);
  field('checksum', `crc32 ${hex(h.checksum)} (verified)`);
  const self = info.chain[info.chain.length - 1];
  field('sha256', `${sha256Hex(h.contentSha256)} (${self.hashVerified ? 'verified' : 'DOES NOT MATCH the content'})`);
  field('root oop', `${hex(h.rootOop)} (special objects)`);
  field('nil oop', hex(h.nilOop));
  field('hash seed', hex(h.hashSeed));
  field('nursery end', `${hex(h.nurseryEnd)} (${num(h.nurseryEnd - 8)}-byte nursery)`);
  field('parent', isDelta(h) ? `sha256 ${sha256Hex(h.parentSha256)} at ${h.parentHint}` : 'none');
  field('boot', `${info.bootMs.toFixed(1)} ms${info.chain.length > 1 ? ` (${info.chain.length} files)` : ''}`);
  if (info.chain.length > 1) {
    lines.push('');
    lines.push(`chain (${info.chain.length} files, base first)`);
    lines.push(table(['#', 'kind', 'sha256', 'bytes', 'segments', 'card runs', 'run bytes', 'file'], info.chain.map((l, i) => [
      String(i), isDelta(l.header) ? 'delta' : 'full', `${shortHash(l.header.contentSha256)}${l.hashVerified ? '' : ' (BAD)'}`,
      num(l.header.fileBytes), String(l.header.segments.length), num(l.header.cardRuns.length),
      num(l.header.cardRuns.reduce((n, r) => n + r.byteSize, 0)), l.path,
    ]), [true, false, false, true, true, true, true, false]));
  }
  const segments = info.chain.flatMap((l, i) => l.header.segments.map((s) => ({ ...s, file: i })));
  lines.push('');
  lines.push(`segments (${segments.length})`);
  const chained = info.chain.length > 1;
  lines.push(table(['#', 'role', 'start', 'end', 'bytes', 'file offset', ...(chained ? ['in file'] : [])], segments.map((s, i) => [
    String(i), s.role, hex(s.start), hex(s.start + s.byteSize), num(s.byteSize), num(s.fileOffset), ...(chained ? [String(s.file)] : []),
  ]), [true, false, false, false, true, true, true]));
  if (isDelta(h)) {
    const shown = h.cardRuns.slice(0, top);
    lines.push('');
    lines.push(`card runs of this delta (${num(h.cardRuns.length)}${shown.length < h.cardRuns.length ? `, first ${shown.length}` : ''})`);
    lines.push(table(['#', 'start', 'end', 'bytes', 'file offset'], shown.map((r, i) => [
      String(i), hex(r.start), hex(r.start + r.byteSize), num(r.byteSize), num(r.fileOffset),
    ]), [true, false, false, true, true]));
  }
  lines.push('');
  field('objects', `${num(info.objects)} (${num(info.objectBytes)} bytes)`);
  const histogram = (title: string, rows: ClassStat[]): void => {
    lines.push('');
    lines.push(`top classes by ${title}`);
    lines.push(table(['count', 'bytes', '%bytes', 'class'], rows.slice(0, top).map((c) => [
      num(c.count), num(c.bytes), `${(info.objectBytes === 0 ? 0 : (100 * c.bytes) / info.objectBytes).toFixed(1)}`, c.name,
    ]), [true, true, true, false]));
  };
  histogram('count', info.classes);
  histogram('bytes', [...info.classes].sort((a, b) => b.bytes - a.bytes || b.count - a.count || a.classIndex - b.classIndex));
  return `${lines.join('\n')}\n`;
}

/**
 * A class's printable name: its name Symbol, `Foo class` for a metaclass, `#<index>`
 * when the class table has no usable class there.
 */
export function className(heap: Heap, classIndex: number): string {
  const cls = classAt(heap, classIndex);
  if (cls === 0) return `#${classIndex}`;
  if (heap.classIndexOf(cls) === ClassIndex.Metaclass) {
    const sole = pointerSlot(heap, cls, ClassSlot.thisClass);
    const name = sole === 0 ? null : nameOf(heap, sole);
    return name === null ? `#${classIndex}` : `${name} class`;
  }
  return nameOf(heap, cls) ?? `#${classIndex}`;
}

function classAt(heap: Heap, classIndex: number): number {
  const table = pointerSlot(heap, heap.specialObjects, Special.classTable);
  if (table === 0) return 0;
  return pointerSlot(heap, table, classIndex);
}

function nameOf(heap: Heap, cls: number): string | null {
  const symbol = pointerSlot(heap, cls, ClassSlot.name);
  if (symbol === 0 || !isBytesFormat(heap.formatOf(symbol))) return null;
  return new TextDecoder().decode(heap.bytesOf(symbol));
}

/** Slot `index` of a pointers object if it holds an object other than nil, else 0. */
function pointerSlot(heap: Heap, oop: number, index: number): number {
  if (!isObject(heap, oop) || !isPointersFormat(heap.formatOf(oop))) return 0;
  if (index >= heap.slotCount(oop)) return 0;
  const value = heap.fetch(oop, index);
  return isObject(heap, value) && value !== heap.nilOop ? value : 0;
}

function isObject(heap: Heap, oop: number): boolean {
  if (!isPointer(oop) || (oop & 7) !== 0) return false;
  return heap.segments.some((s) => oop >= s.start && oop + 8 <= s.end);
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/** Columns padded to their widest cell; `right` says which are right-aligned (numbers). */
function table(headers: string[], rows: string[][], right: boolean[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => `  ${cells.map((c, i) =>
    (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd()}`;
  return [line(headers), ...rows.map(line)].join('\n');
}
