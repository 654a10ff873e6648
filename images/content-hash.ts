// The two digests of an image file.
//
// - The content hash names an image: the SHA-256 of the whole file with its checksum and
//   content-hash fields read as zero, computed once, at save time, and stored in the header.
//   A delta names its parent by that stored value. Booting never recomputes it: the CRC32
//   already proves each file intact, so comparing the parent's stored hash with the one its
//   child expects proves it is the right file without hashing the parent again.
// - The checksum is the CRC32 of the whole file with the checksum field read as zero.
//   The header is first in the file but is final only once the content hash is known, that
//   is after all the data was written; crc32Combine joins the header's CRC with the data's
//   CRC computed while writing, so the data is read exactly once.

import crypto from 'node:crypto';
import fs from 'node:fs';
import { Field, HASH_BYTES } from './format.ts';

export function sha256Hex(hash: Uint8Array): string {
  return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('hex');
}

/** The first 12 hex digits, enough to tell images apart in a table. */
export function shortHash(hash: Uint8Array): string {
  return sha256Hex(hash).slice(0, 12);
}

export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function isZeroHash(hash: Uint8Array): boolean {
  return hash.every((b) => b === 0);
}

/** The content hash of a whole image held in memory (recomputed from its bytes). */
export function contentHashOf(image: Uint8Array): Uint8Array {
  const sha = crypto.createHash('sha256');
  // A copy (a Buffer's slice would be a view, and zeroing it would change the image).
  const head = Uint8Array.from(image.subarray(0, Math.min(image.length, DIGEST_FIELDS_END)));
  zeroDigestFields(head, 0);
  sha.update(head);
  sha.update(image.subarray(head.length));
  return new Uint8Array(sha.digest());
}

/** The content hash of an image file, recomputed by reading it all (`strata info` checks it). */
export function contentHashOfFile(path: string): Uint8Array {
  const sha = crypto.createHash('sha256');
  const fd = fs.openSync(path, 'r');
  try {
    const chunk = new Uint8Array(8 * 1024 * 1024);
    let position = 0;
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, position);
      if (n <= 0) break;
      const part = chunk.subarray(0, n);
      zeroDigestFields(part, position);
      sha.update(part);
      position += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return new Uint8Array(sha.digest());
}

const DIGEST_FIELDS_END = Field.contentSha256 + HASH_BYTES;

/**
 * Zeroes the checksum and content-hash fields in `part`, a piece of a file that starts at
 * file offset `position`.
 */
export function zeroDigestFields(part: Uint8Array, position: number): void {
  const clear = (from: number, to: number): void => {
    const a = Math.max(from - position, 0);
    const b = Math.min(to - position, part.length);
    if (a < b) part.fill(0, a, b);
  };
  clear(Field.checksum, Field.checksum + 4);
  clear(Field.contentSha256, DIGEST_FIELDS_END);
}

// ---- CRC32 combination (zlib's crc32_combine, over GF(2) matrices) ----------------------

/** Multiplies the 32x32 bit matrix `mat` by the vector `vec`. */
function gf2Times(mat: Uint32Array, vec: number): number {
  let sum = 0;
  let i = 0;
  let v = vec >>> 0;
  while (v !== 0) {
    if ((v & 1) !== 0) sum ^= mat[i];
    v >>>= 1;
    i++;
  }
  return sum >>> 0;
}

function gf2Square(square: Uint32Array, mat: Uint32Array): void {
  for (let n = 0; n < 32; n++) square[n] = gf2Times(mat, mat[n]);
}

/**
 * The CRC32 of A followed by B, from crcA = crc32(A), crcB = crc32(B) and B's length:
 * applies lengthB zero bytes' worth of the CRC's shift to crcA (by squaring the one-bit
 * shift operator, O(log lengthB)) and adds crcB.
 */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA >>> 0;
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  odd[0] = 0xedb88320;
  let row = 1;
  for (let n = 1; n < 32; n++) {
    odd[n] = row;
    row = (row << 1) >>> 0;
  }
  gf2Square(even, odd); // two zero bits
  gf2Square(odd, even); // four zero bits
  let crc = crcA >>> 0;
  let length = lengthB;
  for (;;) {
    gf2Square(even, odd);
    if (length % 2 === 1) crc = gf2Times(even, crc);
    length = Math.floor(length / 2);
    if (length === 0) break;
    gf2Square(odd, even);
    if (length % 2 === 1) crc = gf2Times(odd, crc);
    length = Math.floor(length / 2);
    if (length === 0) break;
  }
  return (crc ^ crcB) >>> 0;
}
