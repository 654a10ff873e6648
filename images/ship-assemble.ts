// Writing OUT.mjs: the bundle, then the payload (the image, then the deflated compiler JS,
// as raw bytes) in a block comment, in the layout that ship-payload.ts reads (see there).

import fs from 'node:fs';
import { deflateSync } from 'node:zlib';
import { PAYLOAD_OPENER, PAYLOAD_TRAILER, type PayloadManifest } from './ship-payload.ts';

export interface Payload {
  /** The image and the deflated compiler bytes, back to back, each `/` of a `*\/` pair zeroed. */
  bytes: Uint8Array;
  manifest: PayloadManifest;
}

/** Lays out the payload. `image` is the image as stored (deflated or not); `compiler` the compiler chunk's JS, or null. */
export function makePayload(image: Uint8Array, compressed: boolean, compiler: string | null): Payload {
  const compilerBytes = compiler === null ? new Uint8Array(0) : deflateSync(Buffer.from(compiler, 'utf8'), { level: 9 });
  const bytes = new Uint8Array(image.length + compilerBytes.length);
  bytes.set(image, 0);
  bytes.set(compilerBytes, image.length);
  const fixups: number[] = [];
  for (let i = bytes.indexOf(0x2a); i >= 0 && i + 1 < bytes.length; i = bytes.indexOf(0x2a, i + 1)) {
    if (bytes[i + 1] === 0x2f) {
      bytes[i + 1] = 0;
      fixups.push(i + 1);
    }
  }
  return {
    bytes,
    manifest: { imageBytes: image.length, compressed, compilerBytes: compilerBytes.length, hasCompiler: compiler !== null, fixups },
  };
}

/** Writes code + payload to path crash-safely (temporary file, then rename), executable; answers its size. */
export function writeAppFile(path: string, code: string, payload: Payload): number {
  const tmp = `${path}.tmp-${process.pid}`;
  const parts = [
    Buffer.from(code.endsWith('\n') ? code : `${code}\n`, 'utf8'),
    Buffer.from(PAYLOAD_OPENER, 'latin1'),
    payload.bytes,
    Buffer.from(PAYLOAD_TRAILER, 'latin1'),
  ];
  try {
    const fd = fs.openSync(tmp, 'w', 0o755);
    try {
      for (const part of parts) {
        let done = 0;
        while (done < part.length) done += fs.writeSync(fd, part, done, part.length - done);
      }
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(tmp, 0o755);
    fs.renameSync(tmp, path);
  } catch (e) {
    try { fs.unlinkSync(tmp); } catch { /* never created */ }
    throw e;
  }
  return parts.reduce((n, p) => n + p.length, 0);
}
