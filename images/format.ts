// The image file format: a header, then heap bytes exactly as they lie in the heap buffer.
// Oops are heap offsets and every piece is read back at its recorded heap offset, so
// booting is reading: no swizzling, no parsing.
//
// A full image holds every saved segment. A delta image holds what changed since its
// parent image (full or delta) was saved: the parent's dirty cards, as card runs, and the
// one new segment of objects created since. A chain base <- d1 <- d2 boots by reading the
// base, then overlaying each delta in order (images/chain.ts).
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
//   24      4     headerBytes      length of the whole header (fixed part, tables, parent
//                                  hint, zero padding to 8); the data follows
//   28      4     checksum         CRC32 of the whole file with these 4 bytes read as zero
//   32      8     fileBytes        u64: length of the whole file
//   40      4     rootOop          the special-objects array (heap.specialObjects)
//   44      4     nilOop           nil (heap.nilOop)
//   48      4     hashSeed         identity-hash generator state, so saves are reproducible
//   52      4     nurseryEnd       end of the nursery the segments were laid out above
//   56      4     segmentCount     entries in the segment table (full: 1 or more; delta: 0 or 1 in practice)
//   60      4     parentHintBytes  length of the parent path hint (UTF-8, after the tables)
//   64      32    parentSha256     delta: the content hash of the parent image; zero in a full image
//   96      32    contentSha256    this file's content hash: SHA-256 of the whole file with this
//                                  field and the checksum read as zero (images/content-hash.ts)
//   128     4     segmentsStart    heap offset where this file's segments begin: nurseryEnd for
//                                  a full image, the parent's saved end for a delta
//   132     4     cardRunCount     delta: entries in the card-run table; zero in a full image
//   136     24*n  segment table    one entry per segment, in heap address order:
//     +0    4       start          heap offset of the segment's first byte
//     +4    4       byteSize       length in bytes (a multiple of 8, not zero)
//     +8    4       role           0 base (in a full image), 1 delta (in a delta image)
//     +12   4       reserved       zero
//     +16   8       fileOffset     u64: where the segment's bytes start in the file
//   ...     8*m   card-run table   delta: bytes of the parent's segments that changed, ascending:
//     +0    4       start          heap offset (a multiple of 8, at or above nurseryEnd)
//     +4    4       byteSize       length (a multiple of 8, not zero), ending at or below
//                                  segmentsStart and before the next run starts
//   ...           parent hint      delta: the parent's path relative to the delta's directory
//                                  (a hint; the content hash decides)
//   ...           padding          zeros up to headerBytes (a multiple of 8)
//
// The data is packed right after the header: the segments in table order, then the card
// runs in table order. Segments tile [segmentsStart, savedEnd) in order. Everything is
// 8-byte aligned, so there is never padding in the data. These packing rules leave no
// freedom, so a corrupted size or offset is caught by the structure checks before the
// reader allocates anything, and the same heap state always gives the same bytes.

/** Layout version written into every image; bump it when anything in this file changes. */
export const FORMAT_VERSION = 2;
export const MAGIC = Uint8Array.of(0x53, 0x54, 0x52, 0x41, 0x54, 0x41, 0x89, 0x0a);
export const WORD_SIZE = 4;
export const BYTE_ORDER_MARK = 0x01020304;

export const Flag = {
  delta: 1 << 0,
  compressed: 1 << 1,
} as const;
export const KNOWN_FLAGS = Flag.delta | Flag.compressed;

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
  contentSha256: 96,
  segmentsStart: 128,
  cardRunCount: 132,
} as const;

export const HASH_BYTES = 32;
export const FIXED_HEADER_BYTES = 136;
export const SEGMENT_ENTRY_BYTES = 24;
export const CARD_RUN_ENTRY_BYTES = 8;
/** Sanity limits that keep a corrupted header from asking for absurd work. */
export const MAX_SEGMENTS = 65536;
export const MAX_PARENT_HINT_BYTES = 4096;
export const MAX_CARD_RUNS = 1 << 24;
export const ADDRESS_LIMIT = 2 ** 32;

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

/** A range of a parent's saved bytes that a delta replaces (its dirty cards, coalesced). */
export interface CardRun {
  start: number;
  byteSize: number;
  /** Offset of the run's bytes in the file (derived: runs are packed after the segments). */
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
  /** Where this file's segments begin: nurseryEnd (full image) or the parent's saved end (delta). */
  segmentsStart: number;
  segments: SegmentEntry[];
  cardRuns: CardRun[];
  parentSha256: Uint8Array;
  /** This file's content hash (zero while a writer is still computing it). */
  contentSha256: Uint8Array;
  parentHint: string;
}

/** The name of the check an image failed; the CLI prints it and exits with code 2. */
export type ImageCheck =
  | 'empty file' | 'not an image' | 'unsupported version' | 'wrong word size'
  | 'wrong byte order' | 'bad header' | 'truncated' | 'checksum mismatch'
  | 'delta image' | 'parent missing' | 'parent different' | 'chain out of order' | 'bad chain'
  | 'out of memory' | 'cannot read' | 'cannot save';

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

/** Header length for the given table sizes and a parent hint of `hintBytes` bytes. */
export function headerBytesFor(segmentCount: number, cardRunCount: number, hintBytes: number): number {
  const size = FIXED_HEADER_BYTES + segmentCount * SEGMENT_ENTRY_BYTES + cardRunCount * CARD_RUN_ENTRY_BYTES + hintBytes;
  return (size + 7) & ~7;
}

/** Encodes a header; the checksum and content-hash fields hold what the header says. */
export function encodeHeader(header: ImageHeader): Uint8Array {
  const hint = new TextEncoder().encode(header.parentHint);
  const size = headerBytesFor(header.segments.length, header.cardRuns.length, hint.length);
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
  bytes.set(header.parentSha256.subarray(0, HASH_BYTES), Field.parentSha256);
  bytes.set(header.contentSha256.subarray(0, HASH_BYTES), Field.contentSha256);
  view.setUint32(Field.segmentsStart, header.segmentsStart, true);
  view.setUint32(Field.cardRunCount, header.cardRuns.length, true);
  let at = FIXED_HEADER_BYTES;
  for (const s of header.segments) {
    view.setUint32(at, s.start, true);
    view.setUint32(at + 4, s.byteSize, true);
    view.setUint32(at + 8, s.role === 'base' ? 0 : 1, true);
    view.setUint32(at + 12, 0, true);
    setU64(view, at + 16, s.fileOffset);
    at += SEGMENT_ENTRY_BYTES;
  }
  for (const r of header.cardRuns) {
    view.setUint32(at, r.start, true);
    view.setUint32(at + 4, r.byteSize, true);
    at += CARD_RUN_ENTRY_BYTES;
  }
  bytes.set(hint, at);
  return bytes;
}

/** Writes the checksum field of an encoded header in place. */
export function setChecksum(header: Uint8Array, checksum: number): void {
  new DataView(header.buffer, header.byteOffset, header.byteLength)
    .setUint32(Field.checksum, checksum >>> 0, true);
}

/** Writes the content-hash field of an encoded header in place. */
export function setContentHash(header: Uint8Array, hash: Uint8Array): void {
  header.set(hash.subarray(0, HASH_BYTES), Field.contentSha256);
}

/** The stored checksum of an encoded header. */
export function storedChecksum(header: Uint8Array): number {
  return new DataView(header.buffer, header.byteOffset, header.byteLength)
    .getUint32(Field.checksum, true);
}

export function isDelta(header: ImageHeader): boolean {
  return (header.flags & Flag.delta) !== 0;
}

/** The end of the saved address space once this file is loaded (its own segments' end). */
export function savedEndOf(header: ImageHeader): number {
  const last = header.segments[header.segments.length - 1];
  return last === undefined ? header.segmentsStart : last.start + last.byteSize;
}

/** Bytes of heap data in the file: segments plus card runs. */
export function dataBytesOf(header: ImageHeader): number {
  return header.fileBytes - header.headerBytes;
}

export function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}

export function getU64(view: DataView, at: number): number {
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
