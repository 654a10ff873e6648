// A small but complete world for the image tests: nil/true/false, the special-objects
// array, a class table with named classes and metaclasses, and data of every format
// (arrays, strings, symbols, floats, words, bytes, a compiled method, a weak array),
// nested references, shared references, cycles, big objects and some garbage.

import { Heap } from '../../vm/heap.ts';
import { Format, SLOTS_BIG, objectBytes } from '../../vm/layout.ts';
import { characterOop, smallInt } from '../../vm/oop.ts';
import { ClassIndex, SPECIAL_OBJECTS_SIZE, Special } from '../../vm/special.ts';
import { CLASS_SLOTS, ClassSlot, METACLASS_SLOTS, encodeClassFormat } from '../../vm/class-layout.ts';

export interface WorldOptions {
  /** Allocate through the nursery (so saving must scavenge) instead of straight into old space. */
  young?: boolean;
  nurseryBytes?: number;
}

export const POINT_INDEX = ClassIndex.firstFree;
const CLASS_TABLE_SIZE = 128;
const META_BASE = 96;

/** Allocation helpers over one heap; every object is born in old space unless young. */
export class Builder {
  readonly heap: Heap;
  readonly young: boolean;
  constructor(heap: Heap, young: boolean) {
    this.heap = heap;
    this.young = young;
  }

  alloc(classIndex: number, format: number, slots: number): number {
    if (this.young) return this.heap.allocate(classIndex, format, slots);
    return this.heap.initObject(this.heap.allocateOld(objectBytes(slots)), classIndex, format, slots);
  }

  bytes(classIndex: number, data: Uint8Array, baseFormat: number = Format.BYTES): number {
    const slots = (data.length + 3) >>> 2;
    const oop = this.alloc(classIndex, baseFormat + (slots * 4 - data.length), slots);
    this.heap.bytes.set(data, oop + 8);
    return oop;
  }

  string(text: string, classIndex: number = ClassIndex.String): number {
    return this.bytes(classIndex, new TextEncoder().encode(text));
  }

  float(value: number): number {
    const oop = this.alloc(ClassIndex.Float, Format.WORDS, 2);
    this.heap.setFloatValue(oop, value);
    return oop;
  }

  array(values: number[], classIndex: number = ClassIndex.Array): number {
    const oop = this.alloc(classIndex, Format.INDEXABLE, values.length);
    values.forEach((v, i) => this.heap.store(oop, i, v));
    return oop;
  }
}

export function buildWorld(options: WorldOptions = {}): Heap {
  const heap = Heap.create({ nurseryBytes: options.nurseryBytes ?? 256 * 1024, initialBytes: 2 * 1024 * 1024 });
  const b = new Builder(heap, options.young ?? false);
  const nil = b.alloc(ClassIndex.UndefinedObject, Format.EMPTY, 0);
  heap.nilOop = nil;
  const specials = b.alloc(ClassIndex.Array, Format.INDEXABLE, SPECIAL_OBJECTS_SIZE);
  heap.specialObjects = specials;
  heap.store(specials, Special.nil, nil);
  heap.store(specials, Special.true, b.alloc(ClassIndex.True, Format.EMPTY, 0));
  heap.store(specials, Special.false, b.alloc(ClassIndex.False, Format.EMPTY, 0));

  const table = b.alloc(ClassIndex.Array, Format.INDEXABLE, CLASS_TABLE_SIZE);
  heap.store(specials, Special.classTable, table);
  let nextMeta = META_BASE;
  const defineClass = (index: number, name: string, instSize: number, format: number): number => {
    const metaIndex = nextMeta++;
    const meta = b.alloc(ClassIndex.Metaclass, Format.FIXED, METACLASS_SLOTS);
    const cls = b.alloc(metaIndex, Format.FIXED, CLASS_SLOTS);
    heap.store(cls, ClassSlot.name, b.string(name, ClassIndex.Symbol));
    heap.store(cls, ClassSlot.format, smallInt(encodeClassFormat(instSize, format)));
    heap.store(meta, ClassSlot.thisClass, cls);
    heap.store(table, index, cls);
    heap.store(table, metaIndex, meta);
    heap.setIdentityHash(cls, index);
    return cls;
  };
  const object = defineClass(ClassIndex.Object, 'Object', 0, Format.EMPTY);
  for (const [index, name, format] of [
    [ClassIndex.UndefinedObject, 'UndefinedObject', Format.EMPTY],
    [ClassIndex.True, 'True', Format.EMPTY],
    [ClassIndex.False, 'False', Format.EMPTY],
    [ClassIndex.Array, 'Array', Format.INDEXABLE],
    [ClassIndex.String, 'String', Format.BYTES],
    [ClassIndex.Symbol, 'Symbol', Format.BYTES],
    [ClassIndex.ByteArray, 'ByteArray', Format.BYTES],
    [ClassIndex.Float, 'Float', Format.WORDS],
    [ClassIndex.CompiledMethod, 'CompiledMethod', Format.COMPILED_METHOD],
    [ClassIndex.Metaclass, 'Metaclass', Format.FIXED],
    [ClassIndex.Class, 'Class', Format.FIXED],
  ] as const) {
    heap.store(defineClass(index, name, 0, format), ClassSlot.superclass, object);
  }
  defineClass(POINT_INDEX, 'Point', 2, Format.FIXED);

  const point = (x: number, y: number): number => {
    const p = b.alloc(POINT_INDEX, Format.FIXED, 2);
    heap.store(p, 0, x);
    heap.store(p, 1, y);
    return p;
  };
  const shared = b.string('shared');
  const cycleA = b.array([nil, nil]);
  const cycleB = b.array([cycleA, shared]);
  heap.store(cycleA, 0, cycleB);
  heap.store(cycleA, 1, cycleA);
  const big = b.array(Array.from({ length: SLOTS_BIG + 745 }, (_, i) => (i % 7 === 0 ? shared : smallInt(i - 500))));
  const bigBytes = b.bytes(ClassIndex.ByteArray, Uint8Array.from({ length: 100_003 }, (_, i) => (i * 31) & 255));
  const words = b.alloc(ClassIndex.Array, Format.WORDS, 5);
  [0, 1, 0xdeadbeef, 0xffffffff, 42].forEach((w, i) => { heap.words[(words >>> 2) + 2 + i] = w; });
  // A method with 2 literals and 7 bytes of bytecodes: 4 pointer slots, then the bytes.
  const methodBytes = 4 * 4 + 7;
  const methodSlots = (methodBytes + 3) >>> 2;
  const method = b.alloc(ClassIndex.CompiledMethod, Format.COMPILED_METHOD + methodSlots * 4 - methodBytes, methodSlots);
  heap.store(method, 0, smallInt(2));
  heap.store(method, 1, smallInt(0));
  heap.store(method, 2, b.string('printOn:', ClassIndex.Symbol));
  heap.store(method, 3, b.float(2.5));
  heap.bytes.set([1, 2, 3, 4, 5, 6, 7], method + 8 + 16);
  const weak = b.alloc(ClassIndex.Array, Format.WEAK, 3);
  heap.store(weak, 0, shared);
  heap.store(weak, 2, smallInt(3));
  const frozen = b.string('immutable');
  heap.setImmutable(frozen, true);
  b.array([b.string('garbage'), b.float(1)]); // unreachable

  const data = b.array([
    b.string('hello'), b.string(''), b.string('héllo wörld ✓'), shared, shared,
    b.float(3.14), b.float(-0), b.float(NaN), b.float(Infinity), b.float(1e300),
    b.array([smallInt(1), b.array([smallInt(2), b.array([smallInt(3), nil])])]),
    cycleA, big, bigBytes, words, method, weak, frozen,
    point(smallInt(3), smallInt(4)), point(b.float(0.5), smallInt(-1)),
    characterOop(65), characterOop(0x1f600), smallInt(-(2 ** 30)), smallInt(2 ** 30 - 1),
    heap.fetch(specials, Special.true), heap.fetch(specials, Special.false), table,
  ]);
  heap.store(specials, Special.workspace, data);
  return heap;
}

/** The workspace Array the world's data hangs from. */
export function workspaceOf(heap: Heap): number {
  return heap.fetch(heap.specialObjects, Special.workspace);
}
