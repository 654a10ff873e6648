// Saving a delta image: only what changed since the heap's parent image was saved.
//
// The heap's saved segments are byte for byte the content of its parent chain (the image
// it was booted from or last saved as, heap.imagePath), except where a store marked a card
// (CARD_BYTES bytes) dirty: the write barrier, header changes and the GC's pointer updates
// all mark cards. So a delta holds:
//
//   - the dirty cards of the parent's segments, as card runs (adjacent dirty cards coalesce
//     into one run; a run is clipped to the saved space [nurseryEnd, savedEnd));
//   - one new segment: old space [savedEnd, oldTop) after the nursery was flushed into it,
//     all objects created (and surviving) since the parent was saved;
//   - the header naming the parent by content hash, with a path hint relative to the
//     delta's own directory.
//
// Afterwards old space is a saved segment (heap.markSaved('delta')), the cards are clean,
// and the delta becomes the parent of the next one, so d1 then d2 make a chain. A save with
// no change in between writes a header-only delta of a couple of hundred bytes.
//
// Saving is crash-safe exactly like a full save (images/writer.ts writeImageFile).

import nodePath from 'node:path';
import { flushForSave, rebuildRememberedSet } from '../vm/gc.ts';
import { CARD_BYTES, CARD_SHIFT, NURSERY_START, type Heap } from '../vm/heap.ts';
import { resolveChain } from './chain.ts';
import { sameHash, sha256Hex } from './content-hash.ts';
import {
  FORMAT_VERSION, Flag, HASH_BYTES, ImageError, headerBytesFor, savedEndOf,
  type CardRun, type ImageHeader, type SegmentEntry,
} from './format.ts';
import { checkSavable, writeImageFile } from './writer.ts';

export interface DeltaSaveStats {
  /** Bytes in the delta file. */
  bytes: number;
  /** Card runs written, and the bytes they hold. */
  cardRuns: number;
  dirtyBytes: number;
  /** Bytes of the new segment (objects created since the parent was saved). */
  newBytes: number;
  /** The parent image (absolute path) and its content hash. */
  parentPath: string;
  parentHash: Uint8Array;
  /** The delta's own content hash, and its checksum. */
  contentHash: Uint8Array;
  checksum: number;
  /** Checking the parent chain's headers. */
  checkMs: number;
  /** Collecting the nursery before the save. */
  flushMs: number;
  /** Hashing, checksumming and writing (page cache), without the fsync. */
  writeMs: number;
  /** fsync of the file, rename and fsync of the directory. */
  syncMs: number;
  ms: number;
}

/** A run of dirty saved bytes [start, end). */
export interface DirtyRange {
  start: number;
  end: number;
}

/**
 * Saves what changed since the heap's parent image as a delta at `path`. The parent is the
 * image the heap was booted from or last saved as; `parentPath` names it explicitly (needed
 * when the heap was booted from memory) and must be that same image (same content hash).
 */
export function saveDelta(heap: Heap, path: string, parentPath?: string): DeltaSaveStats {
  const t0 = performance.now();
  checkSavable(heap, path);
  const parent = checkParent(heap, path, parentPath);
  const t1 = performance.now();
  flushForSave(heap);
  const t2 = performance.now();
  if (heap.nurseryTop !== NURSERY_START) throw new Error('flushForSave left objects in the nursery');
  const parentHash = heap.imageHash as Uint8Array;
  const header = deltaHeader(heap, path, parent, parentHash);
  let written;
  try {
    written = writeImageFile(heap, path, header, [...header.segments, ...header.cardRuns]);
  } catch (e) {
    rebuildRememberedSet(heap);
    throw e;
  }
  heap.markSaved('delta');
  heap.setImage(nodePath.resolve(path), written.contentHash);
  const newBytes = header.segments.reduce((n, s) => n + s.byteSize, 0);
  return {
    bytes: header.fileBytes,
    cardRuns: header.cardRuns.length,
    dirtyBytes: header.cardRuns.reduce((n, r) => n + r.byteSize, 0),
    newBytes,
    parentPath: parent,
    parentHash,
    contentHash: written.contentHash,
    checksum: written.checksum,
    checkMs: t1 - t0,
    flushMs: t2 - t1,
    writeMs: written.writeMs,
    syncMs: written.syncMs,
    ms: performance.now() - t0,
  };
}

/**
 * Finds the parent image and checks, from the headers of its chain alone, that it is the
 * image the heap's saved segments came from, and that the delta would not overwrite any
 * file of that chain. Answers the parent's absolute path.
 */
function checkParent(heap: Heap, path: string, parentPath: string | undefined): string {
  const refuse = (detail: string, cause?: unknown): ImageError =>
    new ImageError('cannot save', detail, path, cause === undefined ? undefined : { cause });
  if (heap.imageHash === null) {
    throw refuse('the heap has no parent image: it was neither booted from an image nor saved as one (save a full image first)');
  }
  const parent = parentPath !== undefined ? nodePath.resolve(parentPath) : heap.imagePath;
  if (parent === '') throw refuse('the heap was booted from memory: name its parent image file');
  let chain;
  try {
    chain = resolveChain(parent);
  } catch (e) {
    throw refuse(`its parent ${parent} cannot be booted: ${e instanceof Error ? e.message : String(e)}`, e);
  }
  const last = chain[chain.length - 1].header;
  if (!sameHash(last.contentSha256, heap.imageHash)) {
    throw refuse(`${parent} has sha256 ${sha256Hex(last.contentSha256)}, but the heap was booted from or last saved as the image with sha256 ${sha256Hex(heap.imageHash)} (was the parent saved again, or replaced?)`);
  }
  if (savedEndOf(last) !== heap.savedEnd || last.nurseryEnd !== heap.nurseryEnd) {
    throw refuse(`${parent} does not describe the heap's saved segments (saved end 0x${savedEndOf(last).toString(16)}, the heap's 0x${heap.savedEnd.toString(16)})`);
  }
  const target = nodePath.resolve(path);
  for (const link of chain) {
    if (nodePath.resolve(link.path) === target) {
      throw refuse(`${target} is part of the delta's own parent chain; saving over it would destroy the parent`);
    }
  }
  return parent;
}

/** The delta's header: its new segment, its card runs and its parent, packed in file order. */
function deltaHeader(heap: Heap, path: string, parent: string, parentHash: Uint8Array): ImageHeader {
  const ranges = dirtyRanges(heap);
  const relative = nodePath.relative(nodePath.dirname(nodePath.resolve(path)), parent);
  const parentHint = relative.split(nodePath.sep).join('/');
  const hintBytes = new TextEncoder().encode(parentHint).length;
  const segmentCount = heap.oldTop > heap.savedEnd ? 1 : 0;
  const headerBytes = headerBytesFor(segmentCount, ranges.length, hintBytes);
  let fileAt = headerBytes;
  const segments: SegmentEntry[] = [];
  if (segmentCount === 1) {
    segments.push({ start: heap.savedEnd, byteSize: heap.oldTop - heap.savedEnd, role: 'delta', fileOffset: fileAt });
    fileAt += heap.oldTop - heap.savedEnd;
  }
  const cardRuns: CardRun[] = [];
  for (const r of ranges) {
    cardRuns.push({ start: r.start, byteSize: r.end - r.start, fileOffset: fileAt });
    fileAt += r.end - r.start;
  }
  return {
    version: FORMAT_VERSION, flags: Flag.delta, headerBytes, checksum: 0, fileBytes: fileAt,
    rootOop: heap.specialObjects, nilOop: heap.nilOop, hashSeed: heap.hashSeed,
    nurseryEnd: heap.nurseryEnd, segmentsStart: heap.savedEnd, segments, cardRuns,
    parentSha256: parentHash.slice(), contentSha256: new Uint8Array(HASH_BYTES), parentHint,
  };
}

/**
 * The dirty cards of the saved segments as ranges of bytes, adjacent cards coalesced, each
 * clipped to the saved space [nurseryEnd, savedEnd).
 */
export function dirtyRanges(heap: Heap): DirtyRange[] {
  const cards = heap.cards;
  const low = heap.nurseryEnd;
  const high = heap.savedEnd;
  const ranges: DirtyRange[] = [];
  if (high <= low) return ranges;
  const last = (high - 1) >>> CARD_SHIFT;
  let c = low >>> CARD_SHIFT;
  while (c <= last) {
    if (cards[c] === 0) {
      c++;
      continue;
    }
    const first = c;
    while (c <= last && cards[c] !== 0) c++;
    ranges.push({ start: Math.max(first * CARD_BYTES, low), end: Math.min(c * CARD_BYTES, high) });
  }
  return ranges;
}
