// The object memory: one ArrayBuffer holding every object, laid out as
//
//   [0, 8)                    reserved: offset 0 is never an object (oop 0 = "no object")
//   [8, nurseryEnd)           the nursery: new objects are born here; emptied by each scavenge
//   [nurseryEnd, savedEnd)    saved segments, in the order they were loaded; never moved
//   [savedEnd, oldTop)        old space: tenured survivors and big objects; compacted by full GC
//   [oldTop, capacity)        free
//
// Oops are byte offsets, so a saved segment is read back at its recorded offset and every
// reference in it is valid at once: booting does no per-object work. A heap that has
// not been saved has no saved segments (savedEnd = nurseryEnd).
//
// Write barrier (storePointer and markDirty): a store into a saved segment marks the
// card (CARD_BYTES bytes) that holds it; the dirty cards are what a delta image saves.
// A store of a younger pointer into an older object (old -> nursery, saved -> unsaved)
// puts the older object in the remembered set, the scavenger's and full GC's roots.
//
// Moving objects happens only in gc.ts, only when the VM calls it at a safe point; so
// code holding oops in JS locals between safe points never sees them move. When the
// nursery is full, allocation continues in old space and sets gcRequested.

import {
  BIG_MARKER, BIG_PREFIX_BYTES, CLASS_INDEX_MASK, FORMAT_MASK, FORMAT_SHIFT, HASH_MASK,
  HEADER_BYTES, IMMUTABLE_BIT, REMEMBERED_BIT, SLOTS_BIG, SLOTS_SHIFT, Format, align8,
  isBytesFormat, isCompiledMethodFormat, objectBytes, slotCountOf,
} from './layout.ts';

export const CARD_SHIFT = 9;
export const CARD_BYTES = 1 << CARD_SHIFT;
export const NURSERY_START = 8;
export const DEFAULT_NURSERY_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024 * 1024;
/** Objects at least this big are born in old space: copying them out of the nursery costs more than it saves. */
export const BIG_OBJECT_BYTES = 64 * 1024;

export interface HeapOptions {
  /** Nursery size in bytes (multiple of 8). Ignored when booting: the image fixes it. */
  nurseryBytes?: number;
  /** Initial buffer size; the heap grows by doubling. */
  initialBytes?: number;
  /** Allocation past this many bytes of buffer fails with OutOfMemoryError. */
  maxBytes?: number;
}

/** A segment of the address space that came from an image file. */
export interface Segment {
  start: number;
  end: number;
  /** 'base' for a full image's segment, 'delta' for one added by a delta image. */
  role: 'base' | 'delta';
}

export class OutOfMemoryError extends Error {
  readonly requested: number;
  readonly limit: number;
  constructor(requested: number, limit: number) {
    super(`out of memory: cannot grow the heap to ${requested} bytes (limit ${limit} bytes)`);
    this.name = 'OutOfMemoryError';
    this.requested = requested;
    this.limit = limit;
  }
}

export class Heap {
  buffer: ArrayBuffer;
  words: Uint32Array;
  bytes: Uint8Array;
  f64: Float64Array;
  /** Incremented whenever the buffer is replaced; holders of views compare and refresh. */
  epoch: number;
  readonly nurseryEnd: number;
  nurseryTop: number;
  /**
   * The highest nurseryTop since the nursery was last zeroed (flushForSave zeroes only up to
   * here: touching the whole nursery would fault in pages a short session never used).
   */
  nurseryHighWater: number;
  savedEnd: number;
  oldTop: number;
  readonly maxBytes: number;
  segments: Segment[];
  /** One byte per CARD_BYTES of address space; non-zero = written since the last save. */
  cards: Uint8Array;
  /** Older objects that may point at younger ones (each has REMEMBERED_BIT set). */
  remembered: number[];
  /** The special-objects array: the root of the world (see vm/special.ts). 0 until bootstrapped. */
  specialObjects: number;
  /** The oop that pointer slots of new objects are filled with (nil); 0 until nil exists. */
  nilOop: number;
  /** State of the identity-hash generator; saved with the image so saves are reproducible. */
  hashSeed: number;
  /** Set when the nursery overflowed; the VM should scavenge at its next safe point. */
  gcRequested: boolean;
  /** Extra roots the GC updates in place (oops held by JS code across a safe point). */
  readonly roots: number[];
  /**
   * oldTop as the last GC left it. Objects above it were born in old space since (big ones,
   * nursery overflow) and the next scavenge scans them like its survivors, so the stores
   * that initialize them (nil fill, copies) need no barrier.
   */
  lastGCTop: number;
  /**
   * The image file the saved segments were last read from or written to (an absolute path,
   * '' for none or for an image booted from memory): the parent of the next delta save.
   * Its content is the saved segments exactly, except for the bytes of dirty cards.
   */
  imagePath: string;
  /** The content hash (SHA-256) stored in that image's header; null until booted or saved. */
  imageHash: Uint8Array | null;

  constructor(buffer: ArrayBuffer, nurseryEnd: number, savedEnd: number, maxBytes: number) {
    this.buffer = buffer;
    this.words = new Uint32Array(buffer);
    this.bytes = new Uint8Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.epoch = 0;
    this.nurseryEnd = nurseryEnd;
    this.nurseryTop = NURSERY_START;
    this.nurseryHighWater = NURSERY_START;
    this.savedEnd = savedEnd;
    this.oldTop = savedEnd;
    this.maxBytes = maxBytes;
    this.segments = [];
    this.cards = new Uint8Array(Math.ceil(buffer.byteLength / CARD_BYTES));
    this.remembered = [];
    this.specialObjects = 0;
    this.nilOop = 0;
    this.hashSeed = 0x2545f491;
    this.gcRequested = false;
    this.roots = [];
    this.lastGCTop = savedEnd;
    this.imagePath = '';
    this.imageHash = null;
  }

  /** A new, empty heap. */
  static create(options: HeapOptions = {}): Heap {
    const nurseryBytes = align8(options.nurseryBytes ?? DEFAULT_NURSERY_BYTES);
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const nurseryEnd = NURSERY_START + nurseryBytes;
    const initial = Math.max(options.initialBytes ?? 16 * 1024 * 1024, nurseryEnd + 1024 * 1024);
    if (initial > maxBytes) throw new OutOfMemoryError(initial, maxBytes);
    return new Heap(new ArrayBuffer(initial), nurseryEnd, nurseryEnd, maxBytes);
  }

  /**
   * A heap whose buffer is ready to receive saved segments ending at savedEnd: the image
   * reader reads each segment straight into `bytes` at its start offset, then calls
   * adoptSegments.
   */
  static forBoot(nurseryEnd: number, savedEnd: number, options: HeapOptions = {}): Heap {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const headroom = Math.max(16 * 1024 * 1024, savedEnd >>> 2);
    const size = Math.min(maxBytes, align8(savedEnd + headroom));
    if (size < savedEnd + 1024) throw new OutOfMemoryError(savedEnd + 1024, maxBytes);
    return new Heap(new ArrayBuffer(size), nurseryEnd, savedEnd, maxBytes);
  }

  /** Installs the state that comes with loaded segments. */
  adoptSegments(segments: Segment[], specialObjects: number, nilOop: number, hashSeed: number): void {
    this.segments = segments.slice();
    this.specialObjects = specialObjects;
    this.nilOop = nilOop;
    this.hashSeed = hashSeed;
  }

  /** Records the image file the saved segments now match (after a boot or a save). */
  setImage(path: string, hash: Uint8Array | null): void {
    this.imagePath = path;
    this.imageHash = hash === null ? null : hash.slice();
  }

  get capacity(): number {
    return this.buffer.byteLength;
  }

  // ---- allocation -------------------------------------------------------------------

  /**
   * A new object with `slots` slots. Pointer slots are filled with nil, byte-like ones
   * with zeros. `byteLength` gives the exact size for byte formats (slots is derived).
   */
  allocate(classIndex: number, format: number, slots: number): number {
    if ((slots >>> 0) !== slots) throw new RangeError(`cannot allocate an object of ${slots} slots`);
    // Checked before objectBytes, whose 32-bit alignment arithmetic wraps for huge counts.
    if (slots * 4 + 16 > this.maxBytes) throw new OutOfMemoryError(slots * 4 + 16, this.maxBytes);
    const size = objectBytes(slots);
    let p: number;
    if (size < BIG_OBJECT_BYTES && this.nurseryTop + size <= this.nurseryEnd) {
      p = this.nurseryTop;
      this.nurseryTop += size;
    } else {
      if (size < BIG_OBJECT_BYTES) this.gcRequested = true;
      p = this.allocateOld(size);
    }
    return this.initObject(p, classIndex, format, slots);
  }

  /** Allocates a byte-format object holding exactly `length` bytes. */
  allocateBytes(classIndex: number, length: number, baseFormat: number = Format.BYTES): number {
    if ((length >>> 0) !== length) throw new RangeError(`cannot allocate an object of ${length} bytes`);
    const slots = (length + 3) >>> 2;
    return this.allocate(classIndex, baseFormat + (slots * 4 - length), slots);
  }

  /** Bump-allocates `size` bytes in old space, growing the buffer if needed. */
  allocateOld(size: number): number {
    if (this.oldTop + size > this.capacity) this.grow(this.oldTop + size);
    const p = this.oldTop;
    this.oldTop += size;
    return p;
  }

  /** Writes a header (and prefix) at storage position p and fills the body. */
  initObject(p: number, classIndex: number, format: number, slots: number): number {
    const words = this.words;
    let oop = p;
    if (slots >= SLOTS_BIG) {
      words[p >>> 2] = slots;
      words[(p >>> 2) + 1] = BIG_MARKER;
      oop = p + BIG_PREFIX_BYTES;
    }
    const w = oop >>> 2;
    words[w] = ((classIndex & CLASS_INDEX_MASK) | ((format & FORMAT_MASK) << FORMAT_SHIFT)) >>> 0;
    words[w + 1] = (this.nextHash() | (Math.min(slots, SLOTS_BIG) << SLOTS_SHIFT)) >>> 0;
    const body = w + 2;
    const bodyWords = align8(slots * 4) >>> 2;
    if (format >= Format.FIXED && format <= Format.WEAK) {
      words.fill(this.nilOop, body, body + slots);
      if (bodyWords > slots) words[body + slots] = 0;
    } else {
      words.fill(0, body, body + bodyWords);
    }
    return oop;
  }

  nextHash(): number {
    // xorshift32: cheap, deterministic, and saved with the image.
    let x = this.hashSeed;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    this.hashSeed = x >>> 0;
    return (this.hashSeed >>> 5) & HASH_MASK;
  }

  /** Moves to a buffer large enough for `needed` bytes; offsets stay valid. */
  grow(needed: number): void {
    if (needed > this.maxBytes) throw new OutOfMemoryError(needed, this.maxBytes);
    let size = this.capacity;
    while (size < needed) size *= 2;
    size = Math.min(size, this.maxBytes);
    let buffer: ArrayBuffer;
    try {
      buffer = new ArrayBuffer(size);
    } catch {
      // The host refused the allocation (RangeError): report it like the configured limit.
      throw new OutOfMemoryError(size, this.maxBytes);
    }
    new Uint8Array(buffer).set(this.bytes.subarray(0, this.oldTop));
    this.buffer = buffer;
    this.words = new Uint32Array(buffer);
    this.bytes = new Uint8Array(buffer);
    this.f64 = new Float64Array(buffer);
    const cards = new Uint8Array(Math.ceil(size / CARD_BYTES));
    cards.set(this.cards);
    this.cards = cards;
    this.epoch++;
  }

  // ---- headers ----------------------------------------------------------------------

  classIndexOf(oop: number): number {
    return this.words[oop >>> 2] & CLASS_INDEX_MASK;
  }

  formatOf(oop: number): number {
    return (this.words[oop >>> 2] >>> FORMAT_SHIFT) & FORMAT_MASK;
  }

  slotCount(oop: number): number {
    return slotCountOf(this.words, oop);
  }

  /** Byte length of a byte-format or compiled-method object's byte part. */
  byteLength(oop: number): number {
    const format = this.formatOf(oop);
    return this.slotCount(oop) * 4 - (format & 3);
  }

  identityHash(oop: number): number {
    return this.words[(oop >>> 2) + 1] & HASH_MASK;
  }

  setIdentityHash(oop: number, hash: number): void {
    const w = (oop >>> 2) + 1;
    this.words[w] = ((this.words[w] & ~HASH_MASK) | (hash & HASH_MASK)) >>> 0;
    this.markDirty(oop, HEADER_BYTES);
  }

  isImmutable(oop: number): boolean {
    return (this.words[oop >>> 2] & IMMUTABLE_BIT) !== 0;
  }

  setImmutable(oop: number, flag: boolean): void {
    const w = oop >>> 2;
    this.words[w] = (flag ? this.words[w] | IMMUTABLE_BIT : this.words[w] & ~IMMUTABLE_BIT) >>> 0;
    this.markDirty(oop, HEADER_BYTES);
  }

  /** Changes the class of an object in place (same format family); used by changeClassTo: and migration. */
  setClassIndex(oop: number, classIndex: number): void {
    const w = oop >>> 2;
    this.words[w] = ((this.words[w] & ~CLASS_INDEX_MASK) | (classIndex & CLASS_INDEX_MASK)) >>> 0;
    this.markDirty(oop, HEADER_BYTES);
  }

  // ---- slots ------------------------------------------------------------------------

  fetch(oop: number, index: number): number {
    return this.words[(oop >>> 2) + 2 + index];
  }

  /** Stores an oop into slot `index`, with the write barrier. */
  store(oop: number, index: number, value: number): void {
    const at = (oop >>> 2) + 2 + index;
    this.words[at] = value;
    if (oop >= this.nurseryEnd) this.barrier(oop, at << 2, value);
  }

  /** The write barrier for a store of `value` at byte address `addr` inside object `oop`. */
  barrier(oop: number, addr: number, value: number): void {
    const inSaved = oop < this.savedEnd;
    if (inSaved) this.cards[addr >>> CARD_SHIFT] = 1;
    if ((value & 3) === 0 && value !== 0
      && (value < this.nurseryEnd || (inSaved && value >= this.savedEnd))) {
      this.remember(oop);
    }
  }

  remember(oop: number): void {
    const w = oop >>> 2;
    if ((this.words[w] & REMEMBERED_BIT) === 0) {
      this.words[w] = (this.words[w] | REMEMBERED_BIT) >>> 0;
      this.remembered.push(oop);
    }
  }

  /** Marks the cards of [addr, addr + length) dirty if they lie in a saved segment. */
  markDirty(addr: number, length: number): void {
    if (addr < this.nurseryEnd || addr >= this.savedEnd) return;
    const last = (addr + length - 1) >>> CARD_SHIFT;
    for (let c = addr >>> CARD_SHIFT; c <= last; c++) this.cards[c] = 1;
  }

  byteAt(oop: number, index: number): number {
    return this.bytes[oop + HEADER_BYTES + index];
  }

  byteAtPut(oop: number, index: number, value: number): void {
    const addr = oop + HEADER_BYTES + index;
    this.bytes[addr] = value;
    if (oop >= this.nurseryEnd && oop < this.savedEnd) this.cards[addr >>> CARD_SHIFT] = 1;
  }

  /** The byte part of a byte-format or compiled-method object, as a view (not a copy). */
  bytesOf(oop: number): Uint8Array {
    const format = this.formatOf(oop);
    let start = oop + HEADER_BYTES;
    if (isCompiledMethodFormat(format)) start += 4 * this.pointerSlotCount(oop);
    const end = oop + HEADER_BYTES + this.slotCount(oop) * 4 - (format & 3);
    return this.bytes.subarray(start, end);
  }

  /**
   * How many leading slots hold oops: all slots for pointer formats, the two header
   * words plus the literals for a compiled method (literal count in the low 16 bits of
   * the SmallInteger in slot 0), none for bytes and words.
   */
  pointerSlotCount(oop: number): number {
    const format = this.formatOf(oop);
    if (format >= Format.FIXED && format <= Format.WEAK) return this.slotCount(oop);
    if (isCompiledMethodFormat(format)) return 2 + ((this.fetch(oop, 0) >>> 1) & 0xffff);
    return 0;
  }

  /** Float payload of a Float object (a WORDS object of 2 slots). */
  floatValue(oop: number): number {
    return this.f64[(oop + HEADER_BYTES) >>> 3];
  }

  setFloatValue(oop: number, value: number): void {
    this.f64[(oop + HEADER_BYTES) >>> 3] = value;
    this.markDirty(oop + HEADER_BYTES, 8);
  }

  isBytes(oop: number): boolean {
    return isBytesFormat(this.formatOf(oop));
  }

  // ---- walking ----------------------------------------------------------------------

  /** Calls fn with each object's oop in [start, end), in address order. */
  forEachObject(start: number, end: number, fn: (oop: number) => void): void {
    const words = this.words;
    let p = start;
    while (p < end) {
      const oop = words[(p >>> 2) + 1] === BIG_MARKER ? p + BIG_PREFIX_BYTES : p;
      const next = oop + HEADER_BYTES + align8(slotCountOf(words, oop) * 4);
      fn(oop);
      p = next;
    }
  }

  /** Every object in the heap: saved segments, old space, nursery. */
  forEachLiveRegion(fn: (start: number, end: number) => void): void {
    for (const s of this.segments) fn(s.start, s.end);
    if (this.oldTop > this.savedEnd) fn(this.savedEnd, this.oldTop);
    if (this.nurseryTop > NURSERY_START) fn(NURSERY_START, this.nurseryTop);
  }

  /**
   * Called once the whole heap has been written as an image (nursery empty): old space
   * becomes a saved segment that never moves again, and the dirty cards start afresh.
   */
  markSaved(role: Segment['role']): void {
    if (this.oldTop > this.savedEnd) {
      this.segments.push({ start: this.savedEnd, end: this.oldTop, role });
      this.savedEnd = this.oldTop;
    }
    this.cards.fill(0);
  }
}
