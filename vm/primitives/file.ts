// File primitives (module 'File'): the host side of the System-Files kernel package
// (FileReference, FileSystem, File). Each is one synchronous Node fs call on a path String;
// relative paths are relative to the process's working directory.
//
// Synchronous calls are the right trade-off here: a primitive must answer before the
// interpreter continues, file operations on local disks take microseconds, and the VM's
// slices already bound how long Smalltalk keeps Node's event loop waiting.
//
// Failures: an OS error fails the primitive with `{#CODE. 'reason'}` (host-io.ts); the
// Smalltalk fallback signals FileDoesNotExist, FileExists, FileAccessDenied or FileError
// with the path and the reason. A bad argument fails with a nil error code.

import fs from 'node:fs';
import nodePath from 'node:path';
import type { PrimFn, VMState } from '../state.ts';
import { PRIM_FAIL } from '../state.ts';
import { intern, newInteger, newString } from '../objects.ts';
import { arg, stringOf } from './support.ts';
import { bytesToWrite, ioFailure, newByteArrayFrom, newStringArray, newStringFromUtf8 } from './host-io.ts';

/** The path argument i, or null when it is not a non-empty string. */
function pathArg(s: VMState, argc: number, i: number): string | null {
  const p = stringOf(s, arg(s, argc, i));
  return p === null || p === '' ? null : p;
}

function booleanArg(s: VMState, argc: number, i: number): boolean | null {
  const v = arg(s, argc, i);
  if (v === s.trueOop) return true;
  if (v === s.falseOop) return false;
  return null;
}

/** #file, #directory, #other, or null when nothing is there (a dangling symlink counts as nothing). */
function kindOf(path: string): 'file' | 'directory' | 'other' | null {
  const st = fs.statSync(path, { throwIfNoEntry: false });
  if (st === undefined) return null;
  return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
}

export function installFilePrimitives(table: (PrimFn | undefined)[], named: (module: string, name: string) => number): void {
  // kind: path -> #file, #directory, #other or nil (nothing there).
  table[named('File', 'kind')] = (s, argc) => {
    const path = pathArg(s, argc, 0);
    if (path === null) return PRIM_FAIL;
    try {
      const kind = kindOf(path);
      return kind === null ? s.nil : intern(s.heap, kind);
    } catch (e) {
      return ioFailure(s, e);
    }
  };
  // contents: path -> the file's text (UTF-8 decoded) as a String or WideString.
  table[named('File', 'contents')] = (s, argc) => {
    const path = pathArg(s, argc, 0);
    if (path === null) return PRIM_FAIL;
    try {
      return newStringFromUtf8(s.heap, fs.readFileSync(path));
    } catch (e) {
      return ioFailure(s, e);
    }
  };
  // binaryContents: path -> the file's bytes as a ByteArray.
  table[named('File', 'binaryContents')] = (s, argc) => {
    const path = pathArg(s, argc, 0);
    if (path === null) return PRIM_FAIL;
    try {
      return newByteArrayFrom(s.heap, fs.readFileSync(path));
    } catch (e) {
      return ioFailure(s, e);
    }
  };
  // write: data path append -> the number of bytes written. data is a String (written as
  // UTF-8) or a ByteArray; append false replaces the file (creating it), true adds to its end.
  table[named('File', 'write')] = (s, argc) => {
    const data = bytesToWrite(s.heap, arg(s, argc, 0));
    const path = pathArg(s, argc, 1);
    const append = booleanArg(s, argc, 2);
    if (path === null || data === null || append === null) return PRIM_FAIL;
    try {
      if (append) fs.appendFileSync(path, data);
      else fs.writeFileSync(path, data);
      return newInteger(s.heap, data.length);
    } catch (e) {
      return ioFailure(s, e);
    }
  };
  // delete: path recursive -> nil. A file, or a directory (empty unless recursive).
  table[named('File', 'delete')] = (s, argc) => {
    const path = pathArg(s, argc, 0);
    const recursive = booleanArg(s, argc, 1);
    if (path === null || recursive === null) return PRIM_FAIL;
    try {
      if (recursive) {
        fs.lstatSync(path);
        fs.rmSync(path, { recursive: true });
      } else if (fs.lstatSync(path).isDirectory()) {
        fs.rmdirSync(path);
      } else {
        fs.unlinkSync(path);
      }
      return s.nil;
    } catch (e) {
      return ioFailure(s, e);
    }
  };
  // entries: path -> Array of the names in the directory, sorted by code points.
  table[named('File', 'entries')] = (s, argc) => {
    const path = pathArg(s, argc, 0);
    if (path === null) return PRIM_FAIL;
    try {
      const names = fs.readdirSync(path).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return newStringArray(s.heap, names);
    } catch (e) {
      return ioFailure(s, e);
    }
  };
  // size: path -> the file's size in bytes.
  table[named('File', 'size')] = (s, argc) => {
    const path = pathArg(s, argc, 0);
    if (path === null) return PRIM_FAIL;
    try {
      return newInteger(s.heap, fs.statSync(path).size);
    } catch (e) {
      return ioFailure(s, e);
    }
  };
  // modificationTime: path -> milliseconds since the Unix epoch (UTC) of the last change.
  table[named('File', 'modificationTime')] = (s, argc) => {
    const path = pathArg(s, argc, 0);
    if (path === null) return PRIM_FAIL;
    try {
      return newInteger(s.heap, Math.floor(fs.statSync(path).mtimeMs));
    } catch (e) {
      return ioFailure(s, e);
    }
  };
  // createDirectory: path parents -> nil. With parents true, missing parents are made too
  // and an existing directory is not an error (mkdir -p).
  table[named('File', 'createDirectory')] = (s, argc) => {
    const path = pathArg(s, argc, 0);
    const parents = booleanArg(s, argc, 1);
    if (path === null || parents === null) return PRIM_FAIL;
    try {
      fs.mkdirSync(path, { recursive: parents });
      return s.nil;
    } catch (e) {
      return ioFailure(s, e);
    }
  };
  // rename: from to -> nil (replaces an existing file at to).
  table[named('File', 'rename')] = (s, argc) => {
    const from = pathArg(s, argc, 0);
    const to = pathArg(s, argc, 1);
    if (from === null || to === null) return PRIM_FAIL;
    try {
      fs.renameSync(from, to);
      return s.nil;
    } catch (e) {
      return ioFailure(s, e);
    }
  };
  table[named('File', 'workingDirectory')] = (s) => newString(s.heap, process.cwd());
  // resolve: path -> the absolute, normalized path (no file system access).
  table[named('File', 'resolve')] = (s, argc) => {
    const path = pathArg(s, argc, 0);
    return path === null ? PRIM_FAIL : newString(s.heap, nodePath.resolve(path));
  };
  table[named('File', 'separator')] = (s) => newString(s.heap, nodePath.sep);
}
