// The Node side of the VM: output, the clock, and the compiler hook. vm/ never imports
// compiler/ (ARCHITECTURE §1.7): the images/repl layer installs `compile` so primitives such
// as `Behavior>>compile:` and `Compiler evaluate:` can reach the compiler. Likewise vm/ never
// imports images/: the layer above installs `saveImage` for `Smalltalk saveImage:` and friends.

import type { Heap } from './heap.ts';
import type { MethodSpec } from './method-spec.ts';

/** Thrown by Host.compile for bad source; the message is what Smalltalk sees. */
export class HostCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostCompileError';
  }
}

export interface CompileRequest {
  source: string;
  /** Instance variable names of the target class (inherited first). */
  instVarNames: readonly string[];
  /** Whether a name is a global, class or pool variable visible to the code. */
  isBound(name: string): boolean;
  /** 'Foo' or 'Foo class'; null for a doit. */
  className: string | null;
  category: string;
  doit: boolean;
}

/** What `Smalltalk saveImage:` (full), `saveDelta:` and `saveCompact:` ask the host to write. */
export type SaveKind = 'full' | 'delta' | 'compact';

/**
 * Saves the heap (called at a safe point: every live oop is in the heap or heap.roots) as an
 * image of that kind at path; answers a one-line summary. Throws with a message for Smalltalk
 * (e.g. an ImageError) when it cannot.
 */
export type SaveHook = (heap: Heap, path: string, kind: SaveKind) => string;

export interface Host {
  writeStdout(text: string): void;
  writeStderr(text: string): void;
  /** Milliseconds on a monotonic clock. */
  monotonicMillis(): number;
  /** Microseconds since the Unix epoch, UTC. */
  utcMicros(): number;
  /** Compiles source; throws HostCompileError for bad code. Null when no compiler is installed. */
  compile: ((request: CompileRequest) => MethodSpec) | null;
  /** Writes images for Smalltalk; null (or absent) when this host cannot save. */
  saveImage?: SaveHook | null;
  /** Asked to end the process (Smalltalk quit); the host decides. */
  exit(code: number): void;
}

/** A host writing to the process's stdout/stderr. */
export class NodeHost implements Host {
  compile: ((request: CompileRequest) => MethodSpec) | null;
  saveImage: SaveHook | null;

  constructor() {
    this.compile = null;
    this.saveImage = null;
  }

  writeStdout(text: string): void {
    process.stdout.write(text);
  }

  writeStderr(text: string): void {
    process.stderr.write(text);
  }

  monotonicMillis(): number {
    return Math.floor(performance.now());
  }

  utcMicros(): number {
    return Date.now() * 1000;
  }

  exit(code: number): void {
    process.exit(code);
  }
}

/** A host that collects output in strings (tests, the golden runner). */
export class BufferHost implements Host {
  compile: ((request: CompileRequest) => MethodSpec) | null;
  saveImage: SaveHook | null;
  stdout: string;
  stderr: string;
  exitCode: number | null;

  constructor() {
    this.compile = null;
    this.saveImage = null;
    this.stdout = '';
    this.stderr = '';
    this.exitCode = null;
  }

  writeStdout(text: string): void {
    this.stdout += text;
  }

  writeStderr(text: string): void {
    this.stderr += text;
  }

  monotonicMillis(): number {
    return Math.floor(performance.now());
  }

  utcMicros(): number {
    return Date.now() * 1000;
  }

  exit(code: number): void {
    this.exitCode = code;
  }
}
