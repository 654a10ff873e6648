// Booting an image: check the header, allocate the heap, read every segment straight
// into the heap buffer at its recorded offset, check the CRC32 computed over what was
// read, adopt the segments. There is no per-object work: oops are heap offsets and the
// segments land exactly where they were, so the world is ready when the read is done.
//
// Every way this can fail (missing file, foreign file, corruption, a heap limit too low)
// is an ImageError naming the check; nothing else escapes.

import fs from 'node:fs';
import { crc32 } from 'node:zlib';
import { Heap, type HeapOptions } from '../vm/heap.ts';
import {
  FIXED_HEADER_BYTES, Field, ImageError, decodeHeader, checkPreamble, savedEndOf, Flag,
  type ImageHeader,
} from './format.ts';

export interface BootResult {
  heap: Heap;
  header: ImageHeader;
  /** Time from open to a ready heap. */
  ms: number;
}

/** Where image bytes come from: a file descriptor or a buffer in memory. */
interface ImageSource {
  readonly size: number;
  /** Reads up to `length` bytes from `position` into `into` at `at`; answers how many (0 at end of file). */
  read(into: Uint8Array, at: number, length: number, position: number): number;
}

/** Reads per system call; each chunk is checksummed right after it is read, while in cache. */
const CHUNK_BYTES = 8 * 1024 * 1024;

/** Boots the image file at `path` into a new heap. */
export function bootImage(path: string, options: HeapOptions = {}): Heap {
  return loadImage(path, options).heap;
}

/** Boots the image file at `path`, answering the heap with the header it came from. */
export function loadImage(path: string, options: HeapOptions = {}): BootResult {
  const t0 = performance.now();
  let fd = -1;
  try {
    fd = fs.openSync(path, 'r');
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new ImageError('cannot read', 'not a regular file', path);
    const source: ImageSource = {
      size: stat.size,
      read: (into, at, length, position) => fs.readSync(fd, into, at, length, position),
    };
    return { ...boot(source, options, path), ms: performance.now() - t0 };
  } catch (e) {
    if (e instanceof ImageError) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new ImageError('cannot read', detail, path, { cause: e });
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}

/** Boots an image held in memory (an app that carries its image inside itself). */
export function bootImageFromBuffer(image: Uint8Array, options: HeapOptions = {}, name = '<buffer>'): Heap {
  const source: ImageSource = {
    size: image.length,
    read: (into, at, length, position) => {
      const n = Math.max(0, Math.min(length, image.length - position));
      into.set(image.subarray(position, position + n), at);
      return n;
    },
  };
  try {
    return boot(source, options, name).heap;
  } catch (e) {
    if (e instanceof ImageError) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new ImageError('cannot read', detail, name, { cause: e });
  }
}

function boot(source: ImageSource, options: HeapOptions, file: string): { heap: Heap; header: ImageHeader } {
  const fixed = new Uint8Array(Math.min(source.size, FIXED_HEADER_BYTES));
  readFully(source, fixed, 0, fixed.length, 0, file);
  const headerBytes = checkPreamble(fixed, source.size, file);
  let head = fixed;
  if (headerBytes > fixed.length && source.size > fixed.length) {
    head = new Uint8Array(Math.min(source.size, headerBytes));
    head.set(fixed);
    readFully(source, head, fixed.length, head.length - fixed.length, fixed.length, file);
  }
  const header = decodeHeader(head, source.size, file);
  if ((header.flags & Flag.delta) !== 0) {
    throw new ImageError('delta image', 'this is a delta image; boot it through its parent chain', file);
  }

  const savedEnd = savedEndOf(header);
  let heap: Heap;
  try {
    heap = Heap.forBoot(header.nurseryEnd, savedEnd, options);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new ImageError('out of memory', `the image needs ${savedEnd} bytes of heap: ${detail}`, file, { cause: e });
  }

  const zeroed = head.slice(0, header.headerBytes);
  zeroed.fill(0, Field.checksum, Field.checksum + 4);
  let checksum = crc32(zeroed);
  for (const s of header.segments) {
    for (let done = 0; done < s.byteSize; done += CHUNK_BYTES) {
      const length = Math.min(CHUNK_BYTES, s.byteSize - done);
      readFully(source, heap.bytes, s.start + done, length, s.fileOffset + done, file);
      checksum = crc32(heap.bytes.subarray(s.start + done, s.start + done + length), checksum);
    }
  }
  if (checksum >>> 0 !== header.checksum) {
    throw new ImageError('checksum mismatch',
      `stored 0x${header.checksum.toString(16).padStart(8, '0')}, computed 0x${(checksum >>> 0).toString(16).padStart(8, '0')}`, file);
  }
  heap.adoptSegments(
    header.segments.map((s) => ({ start: s.start, end: s.start + s.byteSize, role: s.role })),
    header.rootOop, header.nilOop, header.hashSeed);
  return { heap, header };
}

function readFully(source: ImageSource, into: Uint8Array, at: number, length: number, position: number, file: string): void {
  let done = 0;
  while (done < length) {
    const n = source.read(into, at + done, length - done, position + done);
    if (n <= 0) {
      // The header said the file was long enough; it shrank while being read.
      throw new ImageError('truncated', `expected ${position + length} bytes, the file ended at ${position + done}`, file);
    }
    done += n;
  }
}
