// Standard input for Smalltalk (`Stdin contents`, `Stdin nextLine`), read synchronously
// from a file descriptor through one buffer.
//
// Why synchronous: a primitive must answer before the interpreter continues, and the VM has
// no Smalltalk process to park while Node reads asynchronously. A program that reads its
// input is, at that moment, waiting for nothing else (like a C program blocked in read(2)),
// so blocking the thread in readSync is what it means; programs that serve events (the HTTP
// example) do not read stdin. Reads go straight to the descriptor, never through
// process.stdin, so no stream is created and no data is buffered where Smalltalk cannot see it.
//
// Non-blocking descriptors (a pipe some parent left O_NONBLOCK) answer EAGAIN when empty:
// the reader waits 1 ms on an Atomics.wait and retries, so it neither spins nor fails.
//
// Lines end at LF; a CR before it is dropped (CRLF input); the last line need not end with
// LF. Splitting at byte 10 never cuts a UTF-8 sequence in two, so each line decodes alone.

import fs from 'node:fs';

const CHUNK_BYTES = 64 * 1024;

/** Where the reader gets bytes: readSync on a descriptor in the real host, a buffer in tests. */
export type ByteSource = (into: Uint8Array) => number;

export class StdinReader {
  private readonly source: ByteSource;
  /** Bytes read but not yet consumed are buffer[start, end). */
  private buffer: Uint8Array;
  private start: number;
  private end: number;
  private eof: boolean;

  constructor(source: ByteSource) {
    this.source = source;
    this.buffer = new Uint8Array(CHUNK_BYTES);
    this.start = 0;
    this.end = 0;
    this.eof = false;
  }

  /** A reader of a file descriptor (0 for the process's stdin). */
  static forDescriptor(fd: number): StdinReader {
    return new StdinReader((into) => readRetrying(fd, into));
  }

  /** A reader of fixed bytes (tests). */
  static fromBytes(bytes: Uint8Array): StdinReader {
    let at = 0;
    return new StdinReader((into) => {
      const n = Math.min(into.length, bytes.length - at);
      into.set(bytes.subarray(at, at + n));
      at += n;
      return n;
    });
  }

  /** True when no byte is left (reads more if the buffer is empty). */
  atEnd(): boolean {
    return this.start === this.end && !this.fill();
  }

  /** The next line without its terminator, or null at end of input. */
  nextLine(): Uint8Array | null {
    // Bytes [start, start + scanned) are known to hold no LF.
    let scanned = 0;
    for (;;) {
      const lf = this.buffer.subarray(this.start + scanned, this.end).indexOf(10);
      if (lf >= 0) return stripCR(this.take(scanned + lf, 1));
      scanned = this.end - this.start;
      if (!this.fill()) return scanned === 0 ? null : stripCR(this.take(scanned, 0));
    }
  }

  /** Everything up to end of input. */
  readAll(): Uint8Array {
    while (this.fill()) {
      // fill() grows the buffer as needed.
    }
    return this.take(this.end - this.start, 0);
  }

  /** Reads one more chunk after the unconsumed bytes; false at end of input. */
  private fill(): boolean {
    if (this.eof) return false;
    if (this.start > 0 && this.start === this.end) {
      this.start = 0;
      this.end = 0;
    }
    if (this.buffer.length - this.end < CHUNK_BYTES) {
      const live = this.end - this.start;
      if (live + CHUNK_BYTES <= this.buffer.length) {
        this.buffer.copyWithin(0, this.start, this.end);
      } else {
        const bigger = new Uint8Array(2 * (live + CHUNK_BYTES));
        bigger.set(this.buffer.subarray(this.start, this.end));
        this.buffer = bigger;
      }
      this.start = 0;
      this.end = live;
    }
    const n = this.source(this.buffer.subarray(this.end));
    if (n <= 0) {
      this.eof = true;
      return false;
    }
    this.end += n;
    return true;
  }

  /** Consumes length bytes plus skip terminator bytes; answers a copy of the length bytes. */
  private take(length: number, skip: number): Uint8Array {
    const out = this.buffer.slice(this.start, this.start + length);
    this.start += length + skip;
    return out;
  }
}

function stripCR(line: Uint8Array): Uint8Array {
  return line.length > 0 && line[line.length - 1] === 13 ? line.subarray(0, line.length - 1) : line;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function readRetrying(fd: number, into: Uint8Array): number {
  for (;;) {
    try {
      return fs.readSync(fd, into, 0, into.length, null);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EAGAIN') {
        Atomics.wait(sleeper, 0, 0, 1);
        continue;
      }
      // A closed or absent stdin reads as empty.
      if (code === 'EOF' || code === 'EBADF') return 0;
      throw e;
    }
  }
}

/** The process's own stdin, shared by every VM in the process (there is one fd 0). */
let processStdin: StdinReader | null = null;

export function processStdinReader(): StdinReader {
  processStdin ??= StdinReader.forDescriptor(0);
  return processStdin;
}
