// The image file format: a header, then the bytes of the heap's saved segments exactly as
// they lie in the heap buffer. Oops are heap offsets and each segment is read back at its
// recorded start offset, so booting is reading: no swizzling, no parsing.
//
// Layout (all integers little-endian; u64 = two u32 words, low word first):
//
//   offset  size  field            meaning
//   0       8     magic            'STRATA' 0x89 0x0A: 0x89 is not text (7-bit transfers and
//                                  text files fail), 0x0A catches LF -> CRLF conversion
//   8       4     version          format version (FORMAT_VERSION); readers refuse others
//   12      4     wordSize         bytes per oop and slot (4)
//   16      4     byteOrder        0x01020304 as written: reads back so only on the same byte order
//   20      4     flags            bit 0 delta image, bit 1 compressed (reserved); others zero
//   24      4     headerBytes      length of the whole header (fixed part, segment table,
//                                  parent hint, zero padding to 8); the first segment's data follows
//   28      4     checksum         CRC32 of the whole file with these 4 bytes read as zero
//   32      8     fileBytes        u64: length of the whole file
//   40      4     rootOop          the special-objects array (heap.specialObjects)
//   44      4     nilOop           nil (heap.nilOop)
//   48      4     hashSeed         identity-hash generator state, so saves are reproducible
//   52      4     nurseryEnd       end of the nursery the segments were laid out above
//   56      4     segmentCount     number of entries in the segment table
//   60      4     parentHintBytes  length of the parent path hint (UTF-8, after the table)
//   64      32    parentSha256     delta: SHA-256 of the parent image file; zero in a full image
//   96      24*n  segment table    one entry per segment, in heap address order:
//     +0    4       start          heap offset of the segment's first byte
//     +4    4       byteSize       length in bytes (a multiple of 8, not zero)
//     +8    4       role           0 base (from a full image), 1 delta (added by a delta image)
//     +12   4       reserved       zero
//     +16   8       fileOffset     u64: where the segment's bytes start in the file
//   ...           parent hint      delta: where the parent was (a hint; the SHA-256 decides)
//   ...           padding          zeros up to headerBytes (a multiple of 8)
//
// Segments tile the saved part of the address space, [nurseryEnd, savedEnd), in order, and
// their data is packed in the file in the same order right after the header. Everything is
// 8-byte aligned, so there is never padding between segments. These packing rules leave
// no freedom, so a corrupted size or offset is caught by the structure checks before the
// reader allocates anything, and the same heap state always gives the same bytes.

import { NURSERY_START } from '../vm/heap.ts';

/** Layout version written into every image; bump it when anything in this file changes. */
export const FORMAT_VERSION = 1;
export const MAGIC = Uint8Array.of(0x53, 0x54, 0x52, 0x41, 0x54, 0x41, 0x89, 0x0a);
export const WORD_SIZE = 4;
export const BYTE_ORDER_MARK = 0x01020304;

export const Flag = {
  delta: 1 << 0,
  compressed: 1 << 1,
} as const;
const KNOWN_FLAGS = Flag.delta | Flag.compressed;

export const Field = {
  magic: 0,
  version: 8,
  wordSize: 12,
  byteOrder: 16,
  flags: 20,
  headerBytes: 24,
  checksum: 28,
  fileBytes: 32,
  rootOop: 40,
  nilOop: 44,
  hashSeed: 48,
  nurseryEnd: 52,
  segmentCount: 56,
  parentHintBytes: 60,
  parentSha256: 64,
} as const;

export const FIXED_HEADER_BYTES = 96;
export const SEGMENT_ENTRY_BYTES = 24;
/** Sanity limits that keep a corrupted header from asking for absurd work. */
export const MAX_SEGMENTS = 65536;
export const MAX_PARENT_HINT_BYTES = 4096;
const ADDRESS_LIMIT = 2 ** 32;

export type SegmentRole = 'base' | 'delta';

export interface SegmentEntry {
  /** Heap offset of the segment's first byte. */
  start: number;
  /** Length in bytes. */
  byteSize: number;
  role: SegmentRole;
  /** Offset of the segment's bytes in the file. */
  fileOffset: number;
}

export interface ImageHeader {
  version: number;
  flags: number;
  headerBytes: number;
  checksum: number;
  fileBytes: number;
  rootOop: number;
  nilOop: number;
  hashSeed: number;
  nurseryEnd: number;
  segments: SegmentEntry[];
  parentSha256: Uint8Array;
  parentHint: string;
}

/** The name of the check an image failed; the CLI prints it and exits with code 2. */
export type ImageCheck =
  | 'empty file' | 'not an image' | 'unsupported version' | 'wrong word size'
  | 'wrong byte order' | 'bad header' | 'truncated' | 'checksum mismatch'
  | 'delta image' | 'out of memory' | 'cannot read' | 'cannot save';

/** Every way an image can be refused, or a save can fail, is one of these. */
export class ImageError extends Error {
  readonly check: ImageCheck;
  readonly detail: string;
  readonly file: string;
  constructor(check: ImageCheck, detail: string, file: string, options?: { cause?: unknown }) {
    super(`${file}: ${check}: ${detail}`, options);
    this.name = 'ImageError';
    this.check = check;
    this.detail = detail;
    this.file = file;
  }
}

/** Header length for a table of `segmentCount` entries and a parent hint of `hintBytes` bytes. */
export function headerBytesFor(segmentCount: number, hintBytes: number): number {
  return (FIXED_HEADER_BYTES + segmentCount * SEGMENT_ENTRY_BYTES + hintBytes + 7) & ~7;
}

/** Encodes a header; the checksum field holds header.checksum (zero while summing). */
export function encodeHeader(header: ImageHeader): Uint8Array {
  const hint = new TextEncoder().encode(header.parentHint);
  const size = headerBytesFor(header.segments.length, hint.length);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, Field.magic);
  view.setUint32(Field.version, header.version, true);
  view.setUint32(Field.wordSize, WORD_SIZE, true);
  view.setUint32(Field.byteOrder, BYTE_ORDER_MARK, true);
  view.setUint32(Field.flags, header.flags, true);
  view.setUint32(Field.headerBytes, size, true);
  view.setUint32(Field.checksum, header.checksum, true);
  setU64(view, Field.fileBytes, header.fileBytes);
  view.setUint32(Field.rootOop, header.rootOop, true);
  view.setUint32(Field.nilOop, header.nilOop, true);
  view.setUint32(Field.hashSeed, header.hashSeed, true);
  view.setUint32(Field.nurseryEnd, header.nurseryEnd, true);
  view.setUint32(Field.segmentCount, header.segments.length, true);
  view.setUint32(Field.parentHintBytes, hint.length, true);
  bytes.set(header.parentSha256.subarray(0, 32), Field.parentSha256);
  let at = FIXED_HEADER_BYTES;
  for (const s of header.segments) {
    view.setUint32(at, s.start, true);
    view.setUint32(at + 4, s.byteSize, true);
    view.setUint32(at + 8, s.role === 'base' ? 0 : 1, true);
    view.setUint32(at + 12, 0, true);
    setU64(view, at + 16, s.fileOffset);
    at += SEGMENT_ENTRY_BYTES;
  }
  bytes.set(hint, at);
  return bytes;
}

/** Writes the checksum field of an encoded header in place. */
export function setChecksum(header: Uint8Array, checksum: number): void {
  new DataView(header.buffer, header.byteOffset, header.byteLength)
    .setUint32(Field.checksum, checksum >>> 0, true);
}

/** The stored checksum of an encoded header. */
export function storedChecksum(header: Uint8Array): number {
  return new DataView(header.buffer, header.byteOffset, header.byteLength)
    .getUint32(Field.checksum, true);
}

/**
 * Checks the fixed part of a header, in the documented order, as far as `head` (the
 * first bytes of a file of `fileSize` bytes) reaches, and answers headerBytes. A file too
 * short for the fixed part fails with 'truncated' after every check it could pass.
 */
export function checkPreamble(head: Uint8Array, fileSize: number, file: string): number {
  if (fileSize === 0) throw new ImageError('empty file', 'the file has no bytes', file);
  const magicLength = Math.min(head.length, MAGIC.length);
  for (let i = 0; i < magicLength; i++) {
    if (head[i] !== MAGIC[i]) throw new ImageError('not an image', describeForeign(head), file);
  }
  const truncated = (): ImageError => new ImageError('truncated',
    `expected at least ${FIXED_HEADER_BYTES} bytes of header, the file has ${fileSize}`, file);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const u32 = (at: number): number | null => (at + 4 <= head.length ? view.getUint32(at, true) : null);

  const version = u32(Field.version);
  if (version === null) throw truncated();
  if (version !== FORMAT_VERSION) {
    throw new ImageError('unsupported version',
      `image format version ${version}; this Strata reads version ${FORMAT_VERSION}`, file);
  }
  const wordSize = u32(Field.wordSize);
  if (wordSize === null) throw truncated();
  if (wordSize !== WORD_SIZE) {
    throw new ImageError('wrong word size', `${wordSize}-byte words; this Strata uses ${WORD_SIZE}`, file);
  }
  const order = u32(Field.byteOrder);
  if (order === null) throw truncated();
  if (order !== BYTE_ORDER_MARK) {
    const what = order === 0x04030201 ? 'the image was written big-endian' : `mark 0x${hex(order)}`;
    throw new ImageError('wrong byte order', `${what}; expected little-endian 0x01020304`, file);
  }
  if (head.length < FIXED_HEADER_BYTES) throw truncated();

  const flags = view.getUint32(Field.flags, true);
  if ((flags & ~KNOWN_FLAGS) !== 0) throw bad(file, `unknown flag bits 0x${hex(flags & ~KNOWN_FLAGS)}`);
  if ((flags & Flag.compressed) !== 0) throw bad(file, 'compressed images are not supported yet');
  const count = view.getUint32(Field.segmentCount, true);
  const hintBytes = view.getUint32(Field.parentHintBytes, true);
  if (count === 0 || count > MAX_SEGMENTS) throw bad(file, `segment count ${count} (1..${MAX_SEGMENTS})`);
  if (hintBytes > MAX_PARENT_HINT_BYTES) throw bad(file, `parent hint of ${hintBytes} bytes`);
  const headerBytes = view.getUint32(Field.headerBytes, true);
  const expected = headerBytesFor(count, hintBytes);
  if (headerBytes !== expected) {
    throw bad(file, `header length ${headerBytes}, but ${count} segments need ${expected}`);
  }
  return headerBytes;
}

/**
 * Decodes and checks a whole header. `head` holds the file's first min(fileSize,
 * headerBytes) bytes or more. Everything except the checksum is checked here, before the
 * reader allocates or reads anything else.
 */
export function decodeHeader(head: Uint8Array, fileSize: number, file: string): ImageHeader {
  const headerBytes = checkPreamble(head, fileSize, file);
  if (head.length < headerBytes) {
    throw new ImageError('truncated',
      `expected ${headerBytes} bytes of header, the file has ${fileSize}`, file);
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const u32 = (at: number): number => view.getUint32(at, true);
  const flags = u32(Field.flags);
  const count = u32(Field.segmentCount);
  const hintBytes = u32(Field.parentHintBytes);
  const fileBytes = getU64(view, Field.fileBytes);
  const rootOop = u32(Field.rootOop);
  const nilOop = u32(Field.nilOop);
  const nurseryEnd = u32(Field.nurseryEnd);
  const parentSha256 = head.slice(Field.parentSha256, Field.parentSha256 + 32);

  if (nurseryEnd < NURSERY_START || nurseryEnd % 8 !== 0) {
    throw bad(file, `nursery end ${nurseryEnd} is not a multiple of 8 from ${NURSERY_START} up`);
  }
  const segments: SegmentEntry[] = [];
  let heapAt = nurseryEnd;
  let fileAt = headerBytes;
  for (let i = 0; i < count; i++) {
    const at = FIXED_HEADER_BYTES + i * SEGMENT_ENTRY_BYTES;
    const start = u32(at);
    const byteSize = u32(at + 4);
    const role = u32(at + 8);
    const fileOffset = getU64(view, at + 16);
    const name = `segment ${i}`;
    if (role > 1 || u32(at + 12) !== 0) throw bad(file, `${name}: unknown role ${role} or reserved bits set`);
    if (byteSize === 0 || byteSize % 8 !== 0) throw bad(file, `${name}: size ${byteSize} is not a positive multiple of 8`);
    if (start !== heapAt) {
      const what = i === 0 ? 'the nursery end' : `the end of segment ${i - 1}`;
      throw bad(file, `${name} starts at 0x${hex(start)}, not at ${what} 0x${hex(heapAt)} (gap, overlap or misalignment)`);
    }
    if (start + byteSize > ADDRESS_LIMIT) throw bad(file, `${name} ends past the 4 GiB address space`);
    if (fileOffset !== fileAt) throw bad(file, `${name}: data at file offset ${fileOffset}, expected ${fileAt}`);
    segments.push({ start, byteSize, role: role === 0 ? 'base' : 'delta', fileOffset });
    heapAt = start + byteSize;
    fileAt = fileOffset + byteSize;
  }
  if (fileBytes !== fileAt) throw bad(file, `file length field ${fileBytes}, but the segments end at ${fileAt}`);
  if ((flags & Flag.delta) === 0) {
    if (hintBytes !== 0 || parentSha256.some((b) => b !== 0)) throw bad(file, 'a full image with a parent');
    if (segments.some((s) => s.role !== 'base')) throw bad(file, 'a full image with a delta segment');
  }
  checkObjectOop(file, 'root oop', rootOop, segments);
  checkObjectOop(file, 'nil oop', nilOop, segments);
  const hintAt = FIXED_HEADER_BYTES + count * SEGMENT_ENTRY_BYTES;
  const parentHint = new TextDecoder().decode(head.subarray(hintAt, hintAt + hintBytes));

  if (fileSize < fileBytes) {
    throw new ImageError('truncated', `expected ${fileBytes} bytes, the file has ${fileSize}`, file);
  }
  if (fileSize > fileBytes) {
    throw bad(file, `the file has ${fileSize} bytes, more than the ${fileBytes} its header describes`);
  }
  return {
    version: u32(Field.version), flags, headerBytes, checksum: u32(Field.checksum), fileBytes,
    rootOop, nilOop, hashSeed: u32(Field.hashSeed), nurseryEnd, segments, parentSha256, parentHint,
  };
}

/** The end of the saved address space the header describes. */
export function savedEndOf(header: ImageHeader): number {
  const last = header.segments[header.segments.length - 1];
  return last.start + last.byteSize;
}

function checkObjectOop(file: string, what: string, oop: number, segments: SegmentEntry[]): void {
  const inside = oop % 8 === 0 && segments.some((s) => oop >= s.start && oop + 8 <= s.start + s.byteSize);
  if (!inside) throw bad(file, `${what} 0x${hex(oop)} is not an object inside a segment`);
}

function bad(file: string, detail: string): ImageError {
  return new ImageError('bad header', detail, file);
}

/** Squeak/Pharo image format numbers (the first word of their images). */
const SQUEAK_FORMATS = new Set([6502, 6504, 6505, 6521, 68000, 68002, 68003, 68004, 68019, 68021, 68533]);

/** A short guess at what a file that is not a Strata image is, for the error message. */
function describeForeign(head: Uint8Array): string {
  if (head.length >= 4) {
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const le = view.getUint32(0, true);
    const be = view.getUint32(0, false);
    if (SQUEAK_FORMATS.has(le) || SQUEAK_FORMATS.has(be)) {
      return `this looks like a Squeak/Pharo image (format ${SQUEAK_FORMATS.has(le) ? le : be}), not a Strata image`;
    }
  }
  const sample = head.subarray(0, Math.min(head.length, 64));
  // Text: no control characters other than tab, newline and carriage return (bytes of
  // 0x80 and up are allowed: UTF-8 and Latin-1 text).
  if (sample.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b !== 127))) {
    return 'this looks like a text file, not a Strata image (bad magic)';
  }
  return 'bad magic: the file does not start with the Strata image signature';
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function getU64(view: DataView, at: number): number {
  const lo = view.getUint32(at, true);
  const hi = view.getUint32(at + 4, true);
  // Beyond 2^53 the value is not a safe integer; no real file is that long, so such a
  // value simply fails the layout checks that compare it with real lengths.
  return hi * 2 ** 32 + lo;
}

function setU64(view: DataView, at: number, value: number): void {
  view.setUint32(at, value % 2 ** 32, true);
  view.setUint32(at + 4, Math.floor(value / 2 ** 32), true);
}
