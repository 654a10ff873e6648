// Reading and checking an image header (the layout is in images/format.ts). Every field is
// checked before the reader allocates or reads anything else, so a corrupted size or offset
// is refused with the name of the check it failed, never followed.

import { NURSERY_START } from '../vm/heap.ts';
import {
  ADDRESS_LIMIT, BYTE_ORDER_MARK, CARD_RUN_ENTRY_BYTES, FIXED_HEADER_BYTES, FORMAT_VERSION,
  Field, Flag, HASH_BYTES, ImageError, KNOWN_FLAGS, MAGIC, MAX_CARD_RUNS, MAX_PARENT_HINT_BYTES,
  MAX_SEGMENTS, SEGMENT_ENTRY_BYTES, WORD_SIZE, getU64, headerBytesFor, hex,
  type CardRun, type ImageHeader, type SegmentEntry,
} from './format.ts';

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
  const delta = (flags & Flag.delta) !== 0;
  const count = view.getUint32(Field.segmentCount, true);
  const runs = view.getUint32(Field.cardRunCount, true);
  const hintBytes = view.getUint32(Field.parentHintBytes, true);
  const minSegments = delta ? 0 : 1;
  if (count < minSegments || count > MAX_SEGMENTS) throw bad(file, `segment count ${count} (${minSegments}..${MAX_SEGMENTS})`);
  if (runs > MAX_CARD_RUNS) throw bad(file, `card-run count ${runs} (at most ${MAX_CARD_RUNS})`);
  if (!delta && runs !== 0) throw bad(file, `a full image with ${runs} card runs`);
  if (hintBytes > MAX_PARENT_HINT_BYTES) throw bad(file, `parent hint of ${hintBytes} bytes`);
  const headerBytes = view.getUint32(Field.headerBytes, true);
  const expected = headerBytesFor(count, runs, hintBytes);
  if (headerBytes !== expected) {
    throw bad(file, `header length ${headerBytes}, but ${count} segments and ${runs} card runs need ${expected}`);
  }
  return headerBytes;
}

/**
 * Decodes and checks a whole header. `head` holds the file's first min(fileSize,
 * headerBytes) bytes or more. Everything except the checksum is checked here. A delta's
 * relation to its parent (same nursery, segments starting at the parent's end) is checked
 * when the chain is resolved (images/chain.ts).
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
  const delta = (flags & Flag.delta) !== 0;
  const count = u32(Field.segmentCount);
  const runCount = u32(Field.cardRunCount);
  const hintBytes = u32(Field.parentHintBytes);
  const fileBytes = getU64(view, Field.fileBytes);
  const rootOop = u32(Field.rootOop);
  const nilOop = u32(Field.nilOop);
  const nurseryEnd = u32(Field.nurseryEnd);
  const segmentsStart = u32(Field.segmentsStart);
  const parentSha256 = head.slice(Field.parentSha256, Field.parentSha256 + HASH_BYTES);
  const contentSha256 = head.slice(Field.contentSha256, Field.contentSha256 + HASH_BYTES);

  if (nurseryEnd < NURSERY_START || nurseryEnd % 8 !== 0) {
    throw bad(file, `nursery end ${nurseryEnd} is not a multiple of 8 from ${NURSERY_START} up`);
  }
  if (delta ? segmentsStart <= nurseryEnd || segmentsStart % 8 !== 0 : segmentsStart !== nurseryEnd) {
    throw bad(file, `segments start 0x${hex(segmentsStart)}; expected ${delta
      ? 'a multiple of 8 above the nursery end' : 'the nursery end'} 0x${hex(nurseryEnd)}`);
  }
  const segments: SegmentEntry[] = [];
  let heapAt = segmentsStart;
  let fileAt = headerBytes;
  for (let i = 0; i < count; i++) {
    const at = FIXED_HEADER_BYTES + i * SEGMENT_ENTRY_BYTES;
    const start = u32(at);
    const byteSize = u32(at + 4);
    const role = u32(at + 8);
    const fileOffset = getU64(view, at + 16);
    const name = `segment ${i}`;
    if (role > 1 || u32(at + 12) !== 0) throw bad(file, `${name}: unknown role ${role} or reserved bits set`);
    if (role !== (delta ? 1 : 0)) throw bad(file, `${name}: a ${role === 0 ? 'base' : 'delta'} segment in a ${delta ? 'delta' : 'full'} image`);
    if (byteSize === 0 || byteSize % 8 !== 0) throw bad(file, `${name}: size ${byteSize} is not a positive multiple of 8`);
    if (start !== heapAt) {
      const what = i === 0 ? 'the segments start' : `the end of segment ${i - 1}`;
      throw bad(file, `${name} starts at 0x${hex(start)}, not at ${what} 0x${hex(heapAt)} (gap, overlap or misalignment)`);
    }
    if (start + byteSize > ADDRESS_LIMIT) throw bad(file, `${name} ends past the 4 GiB address space`);
    if (fileOffset !== fileAt) throw bad(file, `${name}: data at file offset ${fileOffset}, expected ${fileAt}`);
    segments.push({ start, byteSize, role: role === 0 ? 'base' : 'delta', fileOffset });
    heapAt = start + byteSize;
    fileAt = fileOffset + byteSize;
  }
  const savedEnd = heapAt;
  const cardRuns: CardRun[] = [];
  let runFloor = nurseryEnd;
  const runsAt = FIXED_HEADER_BYTES + count * SEGMENT_ENTRY_BYTES;
  for (let i = 0; i < runCount; i++) {
    const at = runsAt + i * CARD_RUN_ENTRY_BYTES;
    const start = u32(at);
    const byteSize = u32(at + 4);
    const name = `card run ${i}`;
    if (start % 8 !== 0 || byteSize === 0 || byteSize % 8 !== 0) {
      throw bad(file, `${name}: start 0x${hex(start)} and size ${byteSize} must be positive multiples of 8`);
    }
    if (start < runFloor || start + byteSize > segmentsStart) {
      const below = i === 0 ? 'the nursery end' : `the end of card run ${i - 1}`;
      throw bad(file, `${name} [0x${hex(start)}, 0x${hex(start + byteSize)}) is not above ${below} 0x${hex(runFloor)} and within the parent's segments (below 0x${hex(segmentsStart)})`);
    }
    cardRuns.push({ start, byteSize, fileOffset: fileAt });
    runFloor = start + byteSize + 1;
    fileAt += byteSize;
  }
  if (fileBytes !== fileAt) throw bad(file, `file length field ${fileBytes}, but the data ends at ${fileAt}`);
  const zero = (h: Uint8Array): boolean => h.every((b) => b === 0);
  if (!delta && (hintBytes !== 0 || !zero(parentSha256))) throw bad(file, 'a full image with a parent');
  if (delta && (hintBytes === 0 || zero(parentSha256))) throw bad(file, 'a delta image without a parent hash and path hint');
  checkObjectOop(file, 'root oop', rootOop, delta ? nurseryEnd : segmentsStart, savedEnd);
  checkObjectOop(file, 'nil oop', nilOop, delta ? nurseryEnd : segmentsStart, savedEnd);
  const hintAt = runsAt + runCount * CARD_RUN_ENTRY_BYTES;
  const parentHint = new TextDecoder().decode(head.subarray(hintAt, hintAt + hintBytes));

  if (fileSize < fileBytes) {
    throw new ImageError('truncated', `expected ${fileBytes} bytes, the file has ${fileSize}`, file);
  }
  if (fileSize > fileBytes) {
    throw bad(file, `the file has ${fileSize} bytes, more than the ${fileBytes} its header describes`);
  }
  return {
    version: u32(Field.version), flags, headerBytes, checksum: u32(Field.checksum), fileBytes,
    rootOop, nilOop, hashSeed: u32(Field.hashSeed), nurseryEnd, segmentsStart, segments, cardRuns,
    parentSha256, contentSha256, parentHint,
  };
}

/** An object oop must be 8-aligned with its header inside the saved space [low, high). */
function checkObjectOop(file: string, what: string, oop: number, low: number, high: number): void {
  if (oop % 8 !== 0 || oop < low || oop + 8 > high) {
    throw bad(file, `${what} 0x${hex(oop)} is not an object inside a segment`);
  }
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
