// Saving a heap as a full image: the header, then every saved segment and old space
// written straight from views of the heap buffer (nothing is copied). writeImageFile is
// the crash-safe file writing that full, delta and compacting saves share.
//
// Crash safety: the image goes to `<path>.tmp-<pid>`, which is fsynced and closed, then
// renamed over `<path>`, then the directory is fsynced so the rename itself is durable.
// A kill or an error at any moment leaves the previous image at `<path>` intact; on an
// error the temporary file is removed.
//
// Digests: the data is read once, feeding both the SHA-256 (the content hash) and the
// CRC32; the header, written last, is final only once the hash is known, and its CRC is
// joined to the data's with crc32Combine (see images/content-hash.ts).
//
// `fs` is used through its default export so tests can make one call fail.

import crypto from 'node:crypto';
import fs from 'node:fs';
import nodePath from 'node:path';
import { crc32 } from 'node:zlib';
import { flushForSave, rebuildRememberedSet } from '../vm/gc.ts';
import { NURSERY_START, type Heap } from '../vm/heap.ts';
import { isPointer } from '../vm/oop.ts';
import { crc32Combine } from './content-hash.ts';
import {
  FORMAT_VERSION, HASH_BYTES, ImageError, encodeHeader, headerBytesFor, setChecksum, setContentHash,
  type ImageHeader, type SegmentEntry,
} from './format.ts';

/** Reserved for later choices (compression); a full image needs none. */
export interface SaveOptions {}

export interface SaveStats {
  /** Bytes in the image file. */
  bytes: number;
  segments: number;
  checksum: number;
  /** The file's content hash (SHA-256), as stored in its header. */
  contentHash: Uint8Array;
  /** Collecting the nursery before the save. */
  flushMs: number;
  /** Hashing, checksumming and writing the bytes (page cache), without the fsync. */
  writeMs: number;
  /** fsync of the file, rename and fsync of the directory. */
  syncMs: number;
  /** Everything, start to end. */
  ms: number;
}

/** What writeImageFile reports. */
export interface WrittenImage {
  checksum: number;
  contentHash: Uint8Array;
  writeMs: number;
  syncMs: number;
}

/** A range of heap bytes written to the file at fileOffset. */
export interface HeapPiece {
  start: number;
  byteSize: number;
  fileOffset: number;
}

/** Writes at most this much per system call, digesting each chunk while it is in cache. */
const CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * Saves the whole heap as a full image at `path`, crash-safely. Afterwards old space is
 * a saved segment (heap.markSaved('base')) and the image is the heap's parent for a delta
 * save. The same heap state gives the same bytes.
 */
export function saveImage(heap: Heap, path: string, _options: SaveOptions = {}): SaveStats {
  const t0 = performance.now();
  checkSavable(heap, path);
  flushForSave(heap);
  const t1 = performance.now();
  if (heap.nurseryTop !== NURSERY_START) throw new Error('flushForSave left objects in the nursery');
  const header = fullImageHeader(heap);
  let written: WrittenImage;
  try {
    written = writeImageFile(heap, path, header, header.segments);
  } catch (e) {
    // Old space stays unsaved, so saved objects pointing into it must be remembered again.
    rebuildRememberedSet(heap);
    throw e;
  }
  heap.markSaved('base');
  heap.setImage(nodePath.resolve(path), written.contentHash);
  return {
    bytes: header.fileBytes, segments: header.segments.length, checksum: written.checksum,
    contentHash: written.contentHash, flushMs: t1 - t0, writeMs: written.writeMs, syncMs: written.syncMs,
    ms: performance.now() - t0,
  };
}

export function checkSavable(heap: Heap, path: string): void {
  if (!isPointer(heap.specialObjects) || !isPointer(heap.nilOop)) {
    throw new ImageError('cannot save', 'the heap has no special-objects array or no nil', path);
  }
}

/**
 * The header of a full image of the heap as it is now: every saved segment, plus old
 * space [savedEnd, oldTop) as one more, all with role 'base', packed after the header.
 */
export function fullImageHeader(heap: Heap): ImageHeader {
  const ranges = heap.segments.map((s) => ({ start: s.start, end: s.end }));
  if (heap.oldTop > heap.savedEnd) ranges.push({ start: heap.savedEnd, end: heap.oldTop });
  const headerBytes = headerBytesFor(ranges.length, 0, 0);
  const segments: SegmentEntry[] = [];
  let fileAt = headerBytes;
  for (const r of ranges) {
    segments.push({ start: r.start, byteSize: r.end - r.start, role: 'base', fileOffset: fileAt });
    fileAt += r.end - r.start;
  }
  return {
    version: FORMAT_VERSION, flags: 0, headerBytes, checksum: 0, fileBytes: fileAt,
    rootOop: heap.specialObjects, nilOop: heap.nilOop, hashSeed: heap.hashSeed,
    nurseryEnd: heap.nurseryEnd, segmentsStart: heap.nurseryEnd, segments, cardRuns: [],
    parentSha256: new Uint8Array(HASH_BYTES), contentSha256: new Uint8Array(HASH_BYTES), parentHint: '',
  };
}

/**
 * Writes `header` and the heap bytes of `pieces` (in file order) crash-safely to `path`,
 * filling in the content hash and the checksum. Any failure is an ImageError 'cannot save'
 * and leaves the previous file at `path` as it was.
 */
export function writeImageFile(heap: Heap, path: string, header: ImageHeader, pieces: readonly HeapPiece[]): WrittenImage {
  const t0 = performance.now();
  const headerBytes = encodeHeader({ ...header, checksum: 0, contentSha256: new Uint8Array(HASH_BYTES) });
  const sha = crypto.createHash('sha256');
  sha.update(headerBytes);
  let dataCrc = 0;
  let dataBytes = 0;
  const tmp = `${path}.tmp-${process.pid}`;
  let fd = -1;
  try {
    fd = fs.openSync(tmp, 'w', 0o644);
    for (const p of pieces) {
      for (let done = 0; done < p.byteSize; done += CHUNK_BYTES) {
        const length = Math.min(CHUNK_BYTES, p.byteSize - done);
        const chunk = heap.bytes.subarray(p.start + done, p.start + done + length);
        sha.update(chunk);
        dataCrc = crc32(chunk, dataCrc);
        writeAll(fd, chunk, p.fileOffset + done);
      }
      dataBytes += p.byteSize;
    }
    const contentHash = new Uint8Array(sha.digest());
    setContentHash(headerBytes, contentHash);
    const checksum = crc32Combine(crc32(headerBytes), dataCrc, dataBytes);
    setChecksum(headerBytes, checksum);
    writeAll(fd, headerBytes, 0);
    const t1 = performance.now();
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(tmp, path);
    syncDirectory(nodePath.dirname(path));
    return { checksum, contentHash, writeMs: t1 - t0, syncMs: performance.now() - t1 };
  } catch (e) {
    if (fd >= 0) {
      try { fs.closeSync(fd); } catch { /* already failing; the first error is the one to report */ }
    }
    try { fs.unlinkSync(tmp); } catch { /* it may never have been created */ }
    if (e instanceof ImageError) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new ImageError('cannot save', `${detail} (the previous image, if any, is unchanged)`, path, { cause: e });
  }
}

function writeAll(fd: number, data: Uint8Array, position: number): void {
  let done = 0;
  while (done < data.length) {
    const n = fs.writeSync(fd, data, done, data.length - done, position + done);
    if (n <= 0) throw new Error(`write returned ${n} at file offset ${position + done}`);
    done += n;
  }
}

/** Makes a rename durable. Not every platform can open or fsync a directory; there the rename is as durable as the OS makes it. */
function syncDirectory(dir: string): void {
  let fd = -1;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows and some network filesystems refuse this; nothing more can be done.
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}
