// Where a shipped app finds its image (and, optionally, the compiler's code): the runtime
// half of the payload format. images/ship-assemble.ts writes what this reads.
//
// OUT.mjs is one file: the bundled JavaScript, then the payload inside a block comment:
//
//     <bundle JS> \n /* <image bytes> <compiler JS bytes> */ \n
//
// The payload is raw bytes, so the file stays the image's size (base64 would add a third)
// and booting reads it with one readSync at an offset computed from the file's size: the
// JS never parses or decodes it. Node's loader does read the whole file and V8 scans the
// comment, which costs about a millisecond per 2 MB (bench/ship.ts measures it); --compress
// shrinks that. A payload byte pair `*/` would end the comment early, so the assembler
// stores each such `/` as 0x00 and lists its offset in `fixups`; the reader puts the `/`
// back after reading. The manifest (sizes, fixups) is a literal in the bundle's entry code.
//
// A single executable (Node SEA) carries the same two parts as SEA assets instead, read with
// node:sea getRawAsset, which answers a view of the executable's own mapped bytes (no copy).

import fs from 'node:fs';
import { inflateSync } from 'node:zlib';

/** What the bundle knows about its payload. */
export interface PayloadManifest {
  /** Bytes of the image as stored (deflated when `compressed`). */
  readonly imageBytes: number;
  /** The image is zlib-deflated (strata ship --compress). */
  readonly compressed: boolean;
  /** Bytes of the compiler module's JS; 0 when the app was shipped without the compiler. */
  readonly compilerBytes: number;
  /** Payload offsets of `/` bytes stored as 0x00 (see above); empty for SEA assets. */
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

function inflated(bytes: Uint8Array, manifest: PayloadManifest): Uint8Array {
  return manifest.compressed ? inflateSync(bytes) : bytes;
}

/** The payload at the end of the app file at `path` (normally fileURLToPath(import.meta.url)). */
export function filePayload(path: string, manifest: PayloadManifest): AppPayload {
  const read = (from: number, length: number): Buffer => {
    const fd = fs.openSync(path, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const payloadStart = size - PAYLOAD_TRAILER.length - manifest.imageBytes - manifest.compilerBytes;
      if (payloadStart < 0) throw new Error(`${path} is shorter than its payload: the file was cut or changed`);
      // allocUnsafeSlow: not from the shared pool, and not zeroed (every byte is read over).
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
    readImage: () => inflated(read(0, manifest.imageBytes), manifest),
    readCompiler: () => (manifest.compilerBytes === 0 ? null : read(manifest.imageBytes, manifest.compilerBytes).toString('utf8')),
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
    readImage: () => inflated(new Uint8Array(sea.getRawAsset(IMAGE_ASSET)), manifest),
    readCompiler: () => (manifest.compilerBytes === 0 ? null : sea.getAsset(COMPILER_ASSET, 'utf8')),
  };
}

/** A payload held in memory (tests, and running an image file through app-main). */
export function memoryPayload(name: string, image: Uint8Array, compiler: string | null): AppPayload {
  return { name, readImage: () => image, readCompiler: () => compiler };
}
