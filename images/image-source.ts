// Reading the pieces of one image file: its header, and its data straight into a heap
// buffer at the recorded heap offsets, checksumming as it goes. images/reader.ts (a full
// image) and images/chain.ts (a delta chain) are built from these.
//
// Every failure is an ImageError naming the check; nothing else escapes from here except
// what the caller wraps (a read error from the OS).

import fs from 'node:fs';
import { crc32 } from 'node:zlib';
import type { Heap } from '../vm/heap.ts';
import { FIXED_HEADER_BYTES, Field, ImageError, type ImageHeader } from './format.ts';
import { checkPreamble, decodeHeader } from './header-decode.ts';

/** Where image bytes come from: a file descriptor or a buffer in memory. */
export interface ImageSource {
  /** The file's name for messages (the path as given, or '<buffer>'). */
  readonly name: string;
  readonly size: number;
  /** Reads up to `length` bytes from `position` into `into` at `at`; answers how many (0 at end of file). */
  read(into: Uint8Array, at: number, length: number, position: number): number;
  close(): void;
}

/** Reads per system call; each chunk is checksummed right after it is read, while in cache. */
const CHUNK_BYTES = 8 * 1024 * 1024;

/** Opens a regular file as an ImageSource; the caller closes it. */
export function openFileSource(path: string, name: string = path): ImageSource {
  const fd = fs.openSync(path, 'r');
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new ImageError('cannot read', 'not a regular file', name);
    return {
      name,
      size: stat.size,
      read: (into, at, length, position) => fs.readSync(fd, into, at, length, position),
      close: () => fs.closeSync(fd),
    };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

export function bufferSource(image: Uint8Array, name: string): ImageSource {
  return {
    name,
    size: image.length,
    read: (into, at, length, position) => {
      const n = Math.max(0, Math.min(length, image.length - position));
      into.set(image.subarray(position, position + n), at);
      return n;
    },
    close: () => {},
  };
}

/** A checked header, with the raw header bytes (needed again for the checksum). */
export interface HeaderRead {
  header: ImageHeader;
  raw: Uint8Array;
}

/** Reads and checks a header (everything but the checksum). */
export function readHeader(source: ImageSource): HeaderRead {
  const fixed = new Uint8Array(Math.min(source.size, FIXED_HEADER_BYTES));
  readFully(source, fixed, 0, fixed.length, 0);
  const headerBytes = checkPreamble(fixed, source.size, source.name);
  let head = fixed;
  if (headerBytes > fixed.length && source.size > fixed.length) {
    head = new Uint8Array(Math.min(source.size, headerBytes));
    head.set(fixed);
    readFully(source, head, fixed.length, head.length - fixed.length, fixed.length);
  }
  const header = decodeHeader(head, source.size, source.name);
  return { header, raw: head.subarray(0, header.headerBytes) };
}

/**
 * Reads the file's data into heap.bytes: each segment at its start, then each card run at
 * its start (over what the parent put there), and checks the CRC32 of the whole file. The
 * heap must be big enough (the caller sized it from the headers). On a checksum mismatch
 * the heap holds a mix of files and must be dropped.
 */
export function readData(source: ImageSource, read: HeaderRead, heap: Heap): void {
  const { header, raw } = read;
  const zeroed = raw.slice();
  zeroed.fill(0, Field.checksum, Field.checksum + 4);
  let checksum = crc32(zeroed);
  const pieces = [...header.segments, ...header.cardRuns];
  for (const piece of pieces) {
    for (let done = 0; done < piece.byteSize; done += CHUNK_BYTES) {
      const length = Math.min(CHUNK_BYTES, piece.byteSize - done);
      readFully(source, heap.bytes, piece.start + done, length, piece.fileOffset + done);
      checksum = crc32(heap.bytes.subarray(piece.start + done, piece.start + done + length), checksum);
    }
  }
  if (checksum >>> 0 !== header.checksum) {
    throw new ImageError('checksum mismatch',
      `stored 0x${header.checksum.toString(16).padStart(8, '0')}, computed 0x${(checksum >>> 0).toString(16).padStart(8, '0')}`, source.name);
  }
}

/**
 * Checks a file's CRC32 without a heap, reading its data through a scratch buffer. Used
 * before blaming a parent: a child whose own bytes are corrupt (a flipped parent hash or
 * hint) is reported as such, not as having a wrong parent.
 */
export function checkChecksum(source: ImageSource, read: HeaderRead): void {
  const { header, raw } = read;
  const zeroed = raw.slice();
  zeroed.fill(0, Field.checksum, Field.checksum + 4);
  let checksum = crc32(zeroed);
  const scratch = new Uint8Array(Math.min(CHUNK_BYTES, Math.max(header.fileBytes - header.headerBytes, 1)));
  for (let at = header.headerBytes; at < header.fileBytes; at += scratch.length) {
    const length = Math.min(scratch.length, header.fileBytes - at);
    readFully(source, scratch, 0, length, at);
    checksum = crc32(scratch.subarray(0, length), checksum);
  }
  if (checksum >>> 0 !== header.checksum) {
    throw new ImageError('checksum mismatch',
      `stored 0x${header.checksum.toString(16).padStart(8, '0')}, computed 0x${(checksum >>> 0).toString(16).padStart(8, '0')}`, source.name);
  }
}

export function readFully(source: ImageSource, into: Uint8Array, at: number, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const n = source.read(into, at + done, length - done, position + done);
    if (n <= 0) {
      // The header said the file was long enough; it shrank while being read.
      throw new ImageError('truncated', `expected ${position + length} bytes, the file ended at ${position + done}`, source.name);
    }
    done += n;
  }
}
