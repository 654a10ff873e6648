// What the host I/O primitives (file.ts, os.ts, http.ts) share: turning a Node error into
// a primitive failure Smalltalk can read, and moving text and bytes between Node buffers
// and heap objects.
//
// I/O failures: the primitive fails with its error code (`<primitive: ... error: ec>`) set
// to a two-element Array `{#ENOENT. 'no such file or directory'}`: the errno-style code as a
// Symbol and a human reason as a String. The Smalltalk fallback turns that into a FileError
// (or a subclass chosen by the code) carrying the path and the reason. A failure for a bad
// argument (a path that is not a String) leaves the error code nil.
//
// Text: files and streams are UTF-8 outside, code points inside. Strings whose code points
// are all below 256 are byte Strings (Latin-1), others WideStrings (vm/objects.ts newString).

import type { Heap } from '../heap.ts';
import type { VMState } from '../state.ts';
import { PRIM_FAIL } from '../state.ts';
import { intern, isStringLike, newArray, newString, stringValue } from '../objects.ts';
import { ClassIndex } from '../special.ts';

/** Readable reasons for the error codes a program is likely to meet. */
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'file already exists',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ENOTEMPTY: 'directory not empty',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EBUSY: 'resource busy or locked',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EINVAL: 'invalid argument',
  EXDEV: 'cross-device link not permitted',
  EIO: 'input/output error',
  EPIPE: 'broken pipe',
  EBADF: 'bad file descriptor',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available',
  ECONNRESET: 'connection reset by peer',
  ERR_INVALID_ARG_VALUE: 'invalid path (it contains a NUL character)',
  ERR_FS_FILE_TOO_LARGE: 'file too large to read at once',
};

/** The error code of a Node error ('ENOENT'), or 'EIO' when it has none. */
export function errorCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'EIO';
}

/** A short human reason: 'no such file or directory'. */
export function errorReason(e: unknown): string {
  const known = REASONS[errorCode(e)];
  if (known !== undefined) return known;
  const message = e instanceof Error ? e.message : String(e);
  // Node's system errors read "ECODE: reason, syscall 'path'": keep the reason.
  const m = /^[A-Z_0-9]+: ([^,]+)/.exec(message);
  return m ? m[1] : message;
}

/** Fails the primitive with `{#CODE. 'reason'}` as its error code. */
export function ioFailure(s: VMState, e: unknown): number {
  const heap = s.heap;
  const code = intern(heap, errorCode(e));
  const reason = newString(heap, errorReason(e));
  s.primError = newArray(heap, [code, reason]);
  return PRIM_FAIL;
}

/** A String for UTF-8 bytes, copying ASCII straight into the heap (the common case). */
export function newStringFromUtf8(heap: Heap, bytes: Uint8Array): number {
  if (isAscii(bytes)) {
    const oop = heap.allocateBytes(ClassIndex.String, bytes.length);
    heap.bytes.set(bytes, oop + 8);
    return oop;
  }
  return newString(heap, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return false;
  return true;
}

/** A ByteArray holding a copy of bytes. */
export function newByteArrayFrom(heap: Heap, bytes: Uint8Array): number {
  const oop = heap.allocateBytes(ClassIndex.ByteArray, bytes.length);
  heap.bytes.set(bytes, oop + 8);
  return oop;
}

/**
 * The bytes to write for a String (UTF-8 of its code points) or a ByteArray (as they are,
 * copied out of the heap so a later allocation cannot move them); null for anything else.
 */
export function bytesToWrite(heap: Heap, oop: number): Uint8Array | null {
  if ((oop & 3) !== 0 || oop === 0) return null;
  if (isStringLike(heap, oop)) return Buffer.from(stringValue(heap, oop), 'utf8');
  if (heap.classIndexOf(oop) === ClassIndex.ByteArray) return Uint8Array.from(heap.bytesOf(oop));
  return null;
}

/** An Array of Strings. */
export function newStringArray(heap: Heap, items: readonly string[]): number {
  const oops = items.map((item) => newString(heap, item));
  return newArray(heap, oops);
}
