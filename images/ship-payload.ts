// Where a shipped app finds its image (and, optionally, the compiler's code): the runtime
// half of the payload format. images/ship-assemble.ts writes what this reads.
//
// OUT.mjs is one file: the bundled JavaScript, then the payload as raw bytes inside a
// block comment:
//
//     <bundle JS> \n /* <image bytes> <compiler JS, deflated> */ \n
//
// The JS never holds the payload as a value: it reads the image with one readSync from its
// own file (fs on import.meta.url), at an offset computed from the file's size, into the
// buffer it boots from; nothing is decoded. Node's loader still reads the whole file,
// decodes it as UTF-8 and V8 scans the comment, which costs in proportion to the bytes.
// Measured on this project's base image (900 KB, 11% of its bytes above 127), raw bytes
// cost the loader about 3 ms more than the same image in base64 (1.2 MB of ASCII), but
// base64 then costs more than that to decode (a latin1 string, then Buffer's base64), so
// the whole start is fastest raw (bench/ship.ts compares). --compress shrinks the bytes the
// loader scans to about 40%, for an inflate at boot.
//
// A raw `*/` would end the comment early: the assembler stores the `/` of each such pair as
// 0x00 and lists its offset in `fixups`; the reader puts the `/` back. The manifest (sizes,
// fixups) is a literal in the bundle's entry code.
//
// A single executable (Node SEA) carries the same parts as SEA assets instead, read with
// node:sea getRawAsset, a view of the executable's own bytes (no copy).

import fs from 'node:fs';
import { inflateSync } from 'node:zlib';

/** What the bundle knows about its payload. */
export interface PayloadManifest {
  /** Bytes of the image as stored (deflated when `compressed`); 0 in a SEA, where it is an asset. */
  readonly imageBytes: number;
  /** The image is zlib-deflated (strata ship --compress). */
  readonly compressed: boolean;
  /** Bytes of the deflated compiler JS after the image; 0 in a SEA or without a compiler. */
  readonly compilerBytes: number;
  /** Whether the app carries the compiler (in a SEA: as an asset). */
  readonly hasCompiler: boolean;
  /** Payload offsets of `/` bytes stored as 0x00 (see above). */
  readonly fixups: readonly number[];
}

/** The bytes after the payload: the comment's end and a newline. */
export const PAYLOAD_TRAILER = '*/\n';
/** The bytes before the payload. */
export const PAYLOAD_OPENER = '\n/*';
/** SEA asset names. */
export const IMAGE_ASSET = 'strata-image';
export const COMPILER_ASSET = 'strata-compiler';

/** What app-main boots from. */
export interface AppPayload {
  /** For messages: the app file's path, or the executable's. */
  readonly name: string;
  /** The image, inflated: ready for bootImageFromBuffer. */
  readImage(): Uint8Array;
  /** The compiler module's source (an IIFE defining __strataCompiler), or null when not shipped. */
  readCompiler(): string | null;
}

function inflated(bytes: Uint8Array, compressed: boolean): Uint8Array {
  return compressed ? inflateSync(bytes) : bytes;
}

/** The payload at the end of the app file at `path` (normally fileURLToPath(import.meta.url)). */
export function filePayload(path: string, manifest: PayloadManifest): AppPayload {
  const read = (from: number, length: number): Buffer => {
    const fd = fs.openSync(path, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const payloadStart = size - PAYLOAD_TRAILER.length - manifest.imageBytes - manifest.compilerBytes;
      if (payloadStart < 0) throw new Error(`${path} is shorter than its payload: the file was cut or changed`);
      // Not from the shared pool and not zeroed: every byte is read over.
      const out = Buffer.allocUnsafeSlow(length);
      let done = 0;
      while (done < length) {
        const n = fs.readSync(fd, out, done, length - done, payloadStart + from + done);
        if (n <= 0) throw new Error(`${path} ended while reading its payload`);
        done += n;
      }
      for (const at of manifest.fixups) if (at >= from && at < from + length) out[at - from] = 0x2f;
      return out;
    } finally {
      fs.closeSync(fd);
    }
  };
  return {
    name: path,
    readImage: () => inflated(read(0, manifest.imageBytes), manifest.compressed),
    readCompiler: () => (manifest.hasCompiler ? inflateSync(read(manifest.imageBytes, manifest.compilerBytes)).toString('utf8') : null),
  };
}

/** The subset of node:sea a payload needs. */
export interface SeaModule {
  getRawAsset(key: string): ArrayBuffer;
  getAsset(key: string, encoding: string): string;
}

/** The payload of a single executable application (its SEA assets). */
export function seaPayload(sea: SeaModule, manifest: PayloadManifest): AppPayload {
  return {
    name: process.execPath,
    readImage: () => inflated(new Uint8Array(sea.getRawAsset(IMAGE_ASSET)), manifest.compressed),
    readCompiler: () => (manifest.hasCompiler ? sea.getAsset(COMPILER_ASSET, 'utf8') : null),
  };
}

/** A payload held in memory (tests, and running an image file through app-main). */
export function memoryPayload(name: string, image: Uint8Array, compiler: string | null): AppPayload {
  return { name, readImage: () => image, readCompiler: () => compiler };
}
