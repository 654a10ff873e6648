// Saving a heap as a full image: the header, then every saved segment and old space
// written straight from views of the heap buffer (nothing is copied).
//
// Crash safety: the image goes to `<path>.tmp-<pid>`, which is fsynced and closed, then
// renamed over `<path>`, then the directory is fsynced so the rename itself is durable.
// A kill or an error at any moment leaves the previous image at `<path>` intact; on an
// error the temporary file is removed.
//
// `fs` is used through its default export so tests can make one call fail.

import fs from 'node:fs';
import nodePath from 'node:path';
import { crc32 } from 'node:zlib';
import { flushForSave, rebuildRememberedSet } from '../vm/gc.ts';
import { NURSERY_START, type Heap } from '../vm/heap.ts';
import { isPointer } from '../vm/oop.ts';
import {
  FORMAT_VERSION, ImageError, encodeHeader, headerBytesFor, setChecksum,
  type ImageHeader, type SegmentEntry,
} from './format.ts';

/** Reserved for later choices (compression, delta saves); a full image needs none. */
export interface SaveOptions {}

export interface SaveStats {
  /** Bytes in the image file. */
  bytes: number;
  segments: number;
  checksum: number;
  /** Collecting the nursery before the save. */
  flushMs: number;
  /** Checksumming and writing the bytes (page cache), without the fsync. */
  writeMs: number;
  /** fsync of the file, rename and fsync of the directory. */
  syncMs: number;
  /** Everything, start to end. */
  ms: number;
}

/** Writes at most this much per system call, checksumming each chunk while it is in cache. */
const CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * Saves the whole heap as a full image at `path`, crash-safely. Afterwards old space is
 * a saved segment (heap.markSaved('base')). The same heap state gives the same bytes.
 */
export function saveImage(heap: Heap, path: string, _options: SaveOptions = {}): SaveStats {
  const t0 = performance.now();
  if (!isPointer(heap.specialObjects) || !isPointer(heap.nilOop)) {
    throw new ImageError('cannot save', 'the heap has no special-objects array or no nil', path);
  }
  flushForSave(heap);
  const t1 = performance.now();
  if (heap.nurseryTop !== NURSERY_START) throw new Error('flushForSave left objects in the nursery');
  const header = fullImageHeader(heap);
  const headerBytes = encodeHeader(header);
  let checksum = crc32(headerBytes);

  const tmp = `${path}.tmp-${process.pid}`;
  let fd = -1;
  let syncMs = 0;
  let writeMs = 0;
  try {
    fd = fs.openSync(tmp, 'w', 0o644);
    for (const s of header.segments) {
      for (let done = 0; done < s.byteSize; done += CHUNK_BYTES) {
        const length = Math.min(CHUNK_BYTES, s.byteSize - done);
        const chunk = heap.bytes.subarray(s.start + done, s.start + done + length);
        checksum = crc32(chunk, checksum);
        writeAll(fd, chunk, s.fileOffset + done);
      }
    }
    setChecksum(headerBytes, checksum);
    writeAll(fd, headerBytes, 0);
    const t2 = performance.now();
    writeMs = t2 - t1;
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(tmp, path);
    syncDirectory(nodePath.dirname(path));
    syncMs = performance.now() - t2;
  } catch (e) {
    if (fd >= 0) {
      try { fs.closeSync(fd); } catch { /* already failing; the first error is the one to report */ }
    }
    try { fs.unlinkSync(tmp); } catch { /* it may never have been created */ }
    // Old space stays unsaved, so saved objects pointing into it must be remembered again.
    rebuildRememberedSet(heap);
    if (e instanceof ImageError) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new ImageError('cannot save', `${detail} (the previous image, if any, is unchanged)`, path, { cause: e });
  }
  heap.markSaved('base');
  return {
    bytes: header.fileBytes, segments: header.segments.length, checksum: checksum >>> 0,
    flushMs: t1 - t0, writeMs, syncMs, ms: performance.now() - t0,
  };
}

/**
 * The header of a full image of the heap as it is now: every saved segment, plus old
 * space [savedEnd, oldTop) as one more, all with role 'base', packed after the header.
 */
export function fullImageHeader(heap: Heap): ImageHeader {
  const ranges = heap.segments.map((s) => ({ start: s.start, end: s.end }));
  if (heap.oldTop > heap.savedEnd) ranges.push({ start: heap.savedEnd, end: heap.oldTop });
  const headerBytes = headerBytesFor(ranges.length, 0);
  const segments: SegmentEntry[] = [];
  let fileAt = headerBytes;
  for (const r of ranges) {
    segments.push({ start: r.start, byteSize: r.end - r.start, role: 'base', fileOffset: fileAt });
    fileAt += r.end - r.start;
  }
  return {
    version: FORMAT_VERSION, flags: 0, headerBytes, checksum: 0, fileBytes: fileAt,
    rootOop: heap.specialObjects, nilOop: heap.nilOop, hashSeed: heap.hashSeed,
    nurseryEnd: heap.nurseryEnd, segments, parentSha256: new Uint8Array(32), parentHint: '',
  };
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
