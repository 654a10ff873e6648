// Classes in the heap: the class table, creating class/metaclass pairs natively, method
// dictionaries, lookup, and the global method cache.
//
// The class table (special object Special.classTable) is an Array whose slot i holds the
// class with class index i; a class's identity hash is its index, so `class -> index` is
// one header read and `index -> class` one slot read. Metaclasses are classes too and have
// their own indexes (the header of a class object carries its metaclass's index).
//
// A MethodDictionary has named slots `tally array`, indexable slots holding selectors and
// `array` holding the methods at the same positions. Capacity is a power of two; a selector's
// home slot is its identity hash masked by capacity - 1, probing linearly (so lookup needs no
// hashing of strings and no allocation). It grows at 3/4 full.
//
// The method cache is JS-side (typed arrays keyed on class index and selector oop): a cache
// in the ARCHITECTURE §1.1 sense, never saved. Anything that changes what a lookup would
// answer (adding/removing methods, changing a superclass) and every GC (oops move) must
// call flush().

import type { Heap } from './heap.ts';
import { CLASS_SLOTS, ClassSlot, METACLASS_SLOTS, encodeClassFormat, instFormatOf, instSizeOf } from './class-layout.ts';
import { Format } from './layout.ts';
import { newArray, intern, specialObject, setSpecialObject, stringValue } from './objects.ts';
import { smallInt, smallIntValue } from './oop.ts';
import { ClassIndex, Special } from './special.ts';

const CLASS_TABLE_INITIAL = 1024;
const METHOD_DICT_INITIAL = 4;
/** Named slots of a MethodDictionary before its indexable (selector) slots. */
export const MD_TALLY = 0;
export const MD_ARRAY = 1;
const MD_NAMED = 2;

// ---- the class table -----------------------------------------------------------------

export function newClassTable(heap: Heap, capacity = CLASS_TABLE_INITIAL): number {
  return heap.allocate(ClassIndex.Array, Format.INDEXABLE, capacity);
}

export function classTable(heap: Heap): number {
  return specialObject(heap, Special.classTable);
}

/** The class with class index `index`, or nil. */
export function classAtIndex(heap: Heap, index: number): number {
  const table = classTable(heap);
  return index < heap.slotCount(table) ? heap.fetch(table, index) : heap.nilOop;
}

/** The class index of any oop's class (immediates included). */
export function classIndexOfOop(heap: Heap, oop: number): number {
  if ((oop & 1) === 1) return ClassIndex.SmallInteger;
  if ((oop & 3) === 2) return ClassIndex.Character;
  return heap.classIndexOf(oop);
}

export function classOf(heap: Heap, oop: number): number {
  return classAtIndex(heap, classIndexOfOop(heap, oop));
}

/** Puts cls in the class table at index (growing the table) and makes index its identity hash. */
export function registerClass(heap: Heap, cls: number, index: number): void {
  let table = classTable(heap);
  const size = heap.slotCount(table);
  if (index >= size) {
    let capacity = size;
    while (capacity <= index) capacity *= 2;
    if (capacity > 0x400000) throw new RangeError('class table full (4M classes)');
    const bigger = newClassTable(heap, capacity);
    for (let i = 0; i < size; i++) heap.store(bigger, i, heap.fetch(table, i));
    setSpecialObject(heap, Special.classTable, bigger);
    table = bigger;
  }
  heap.store(table, index, cls);
  heap.setIdentityHash(cls, index);
}

/** The first unused class index at or above ClassIndex.firstFree. */
export function freeClassIndex(heap: Heap): number {
  const table = classTable(heap);
  const size = heap.slotCount(table);
  for (let i = ClassIndex.firstFree; i < size; i++) if (heap.fetch(table, i) === heap.nilOop) return i;
  return size;
}

// ---- class objects -------------------------------------------------------------------

export interface NewClassOptions {
  name: string;
  /** The superclass oop, or nil for a root class. */
  superclass: number;
  /** This class's own instance variables (not inherited ones). */
  instVarNames: readonly string[];
  /** Object format of instances (vm/layout.ts Format). */
  format: number;
  /** A fixed class index for VM-known classes; otherwise the first free one. */
  classIndex?: number;
  category?: string;
  /** Own class-side instance variables. */
  classInstVarNames?: readonly string[];
}

export function isMetaclass(heap: Heap, cls: number): boolean {
  return (cls & 3) === 0 && heap.classIndexOf(cls) === ClassIndex.Metaclass;
}

export function superclassOf(heap: Heap, cls: number): number {
  return heap.fetch(cls, ClassSlot.superclass);
}

export function classFormat(heap: Heap, cls: number): number {
  return smallIntValue(heap.fetch(cls, ClassSlot.format));
}

export function instSize(heap: Heap, cls: number): number {
  return instSizeOf(classFormat(heap, cls));
}

export function instFormat(heap: Heap, cls: number): number {
  return instFormatOf(classFormat(heap, cls));
}

/** `Foo` or `Foo class`; `a Metaclass` style fallbacks for malformed classes. */
export function className(heap: Heap, cls: number): string {
  if ((cls & 3) !== 0 || cls === heap.nilOop) return '<not a class>';
  if (isMetaclass(heap, cls)) {
    const inst = heap.fetch(cls, ClassSlot.thisClass);
    return inst === heap.nilOop ? '<a Metaclass>' : `${className(heap, inst)} class`;
  }
  if (heap.slotCount(cls) <= ClassSlot.name) return '<a Behavior>';
  const name = heap.fetch(cls, ClassSlot.name);
  return (name & 3) === 0 && name !== heap.nilOop ? stringValue(heap, name) : '<unnamed class>';
}

/** The instance-side class of cls (cls itself unless it is a metaclass). */
export function instanceSide(heap: Heap, cls: number): number {
  return isMetaclass(heap, cls) ? heap.fetch(cls, ClassSlot.thisClass) : cls;
}

/** Instance variable names of cls, inherited ones first. */
export function allInstVarNames(heap: Heap, cls: number): string[] {
  const chain: number[] = [];
  for (let c = cls; c !== heap.nilOop; c = superclassOf(heap, c)) chain.unshift(c);
  const names: string[] = [];
  for (const c of chain) {
    const ivs = heap.fetch(c, ClassSlot.instanceVariables);
    if (ivs === heap.nilOop) continue;
    const n = heap.slotCount(ivs);
    for (let i = 0; i < n; i++) names.push(stringValue(heap, heap.fetch(ivs, i)));
  }
  return names;
}

function symbolArray(heap: Heap, names: readonly string[]): number {
  return newArray(heap, names.map((n) => intern(heap, n)));
}

/**
 * Creates a class and its metaclass and registers both in the class table. The metaclass's
 * superclass is the superclass's metaclass, or the class `Class` for a root class (nil when
 * Class does not exist yet: the bootstrap fixes that up).
 */
export function createClass(heap: Heap, o: NewClassOptions): number {
  const nil = heap.nilOop;
  const superInstSize = o.superclass === nil ? 0 : instSize(heap, o.superclass);
  const superMeta = o.superclass === nil ? classAtIndex(heap, ClassIndex.Class) : classOf(heap, o.superclass);
  const classInstVars = o.classInstVarNames ?? [];
  const metaInstSize = (superMeta === nil ? CLASS_SLOTS : instSize(heap, superMeta)) + classInstVars.length;

  const meta = heap.allocate(ClassIndex.Metaclass, Format.FIXED, METACLASS_SLOTS);
  const metaIndex = freeClassIndex(heap);
  registerClass(heap, meta, metaIndex);
  heap.store(meta, ClassSlot.superclass, superMeta);
  heap.store(meta, ClassSlot.methodDict, newMethodDictionary(heap));
  heap.store(meta, ClassSlot.format, smallInt(encodeClassFormat(metaInstSize, Format.FIXED)));
  heap.store(meta, ClassSlot.instanceVariables, symbolArray(heap, classInstVars));

  const cls = heap.allocate(metaIndex, Format.FIXED, metaInstSize);
  const index = o.classIndex ?? freeClassIndex(heap);
  if (classAtIndex(heap, index) !== nil) throw new Error(`class index ${index} is taken`);
  registerClass(heap, cls, index);
  heap.store(meta, ClassSlot.thisClass, cls);
  heap.store(cls, ClassSlot.superclass, o.superclass);
  heap.store(cls, ClassSlot.methodDict, newMethodDictionary(heap));
  heap.store(cls, ClassSlot.format, smallInt(encodeClassFormat(superInstSize + o.instVarNames.length, o.format)));
  heap.store(cls, ClassSlot.instanceVariables, symbolArray(heap, o.instVarNames));
  heap.store(cls, ClassSlot.subclasses, newArray(heap, []));
  heap.store(cls, ClassSlot.name, intern(heap, o.name));
  if (o.category !== undefined) heap.store(cls, ClassSlot.category, intern(heap, o.category));
  if (o.superclass !== nil) addSubclass(heap, o.superclass, cls);
  return cls;
}

export function addSubclass(heap: Heap, superclass: number, cls: number): void {
  const old = heap.fetch(superclass, ClassSlot.subclasses);
  const elements = old === heap.nilOop ? [] : Array.from({ length: heap.slotCount(old) }, (_, i) => heap.fetch(old, i));
  if (elements.includes(cls)) return;
  elements.push(cls);
  heap.store(superclass, ClassSlot.subclasses, newArray(heap, elements));
}

export function removeSubclass(heap: Heap, superclass: number, cls: number): void {
  const old = heap.fetch(superclass, ClassSlot.subclasses);
  if (old === heap.nilOop) return;
  const elements = Array.from({ length: heap.slotCount(old) }, (_, i) => heap.fetch(old, i)).filter((c) => c !== cls);
  heap.store(superclass, ClassSlot.subclasses, newArray(heap, elements));
}

// ---- method dictionaries -------------------------------------------------------------

export function newMethodDictionary(heap: Heap, capacity = METHOD_DICT_INITIAL): number {
  const dict = heap.allocate(ClassIndex.MethodDictionary, Format.INDEXABLE, MD_NAMED + capacity);
  heap.store(dict, MD_TALLY, smallInt(0));
  heap.store(dict, MD_ARRAY, heap.allocate(ClassIndex.Array, Format.INDEXABLE, capacity));
  return dict;
}

function dictCapacity(heap: Heap, dict: number): number {
  return heap.slotCount(dict) - MD_NAMED;
}

/** Slot index (0-based among the selector slots) of selector, or of the empty slot where it would go. */
function dictProbe(heap: Heap, dict: number, selector: number): number {
  const mask = dictCapacity(heap, dict) - 1;
  const nil = heap.nilOop;
  let i = heap.identityHash(selector) & mask;
  for (;;) {
    const key = heap.fetch(dict, MD_NAMED + i);
    if (key === selector || key === nil) return i;
    i = (i + 1) & mask;
  }
}

/** The method for selector in dict, or 0. */
export function methodDictAt(heap: Heap, dict: number, selector: number): number {
  const i = dictProbe(heap, dict, selector);
  if (heap.fetch(dict, MD_NAMED + i) !== selector) return 0;
  return heap.fetch(heap.fetch(dict, MD_ARRAY), i);
}

/** Selectors of dict with their methods, in slot order. */
export function methodDictEntries(heap: Heap, dict: number): [selector: number, method: number][] {
  const out: [number, number][] = [];
  const cap = dictCapacity(heap, dict);
  const array = heap.fetch(dict, MD_ARRAY);
  for (let i = 0; i < cap; i++) {
    const key = heap.fetch(dict, MD_NAMED + i);
    if (key !== heap.nilOop) out.push([key, heap.fetch(array, i)]);
  }
  return out;
}

function dictInsert(heap: Heap, dict: number, selector: number, method: number): void {
  const i = dictProbe(heap, dict, selector);
  if (heap.fetch(dict, MD_NAMED + i) !== selector) {
    heap.store(dict, MD_NAMED + i, selector);
    heap.store(dict, MD_TALLY, smallInt(smallIntValue(heap.fetch(dict, MD_TALLY)) + 1));
  }
  heap.store(heap.fetch(dict, MD_ARRAY), i, method);
}

/** Adds or replaces selector -> method in cls's method dictionary (growing it as needed). */
export function addMethod(heap: Heap, cls: number, selector: number, method: number): void {
  let dict = heap.fetch(cls, ClassSlot.methodDict);
  if (dict === heap.nilOop) {
    dict = newMethodDictionary(heap);
    heap.store(cls, ClassSlot.methodDict, dict);
  }
  const tally = smallIntValue(heap.fetch(dict, MD_TALLY));
  const cap = dictCapacity(heap, dict);
  if ((tally + 1) * 4 > cap * 3 && methodDictAt(heap, dict, selector) === 0) {
    const bigger = newMethodDictionary(heap, cap * 2);
    for (const [sel, m] of methodDictEntries(heap, dict)) dictInsert(heap, bigger, sel, m);
    heap.store(cls, ClassSlot.methodDict, bigger);
    dict = bigger;
  }
  dictInsert(heap, dict, selector, method);
}

/** Removes selector from cls's method dictionary; answers the removed method or 0. */
export function removeMethod(heap: Heap, cls: number, selector: number): number {
  const dict = heap.fetch(cls, ClassSlot.methodDict);
  if (dict === heap.nilOop) return 0;
  const method = methodDictAt(heap, dict, selector);
  if (method === 0) return 0;
  // Rebuild: removal from an open-addressed table must re-place the rest of the cluster,
  // and rebuilding the whole (small) dictionary is the simplest correct way.
  const entries = methodDictEntries(heap, dict).filter(([sel]) => sel !== selector);
  const cap = dictCapacity(heap, dict);
  const fresh = newMethodDictionary(heap, cap);
  for (const [sel, m] of entries) dictInsert(heap, fresh, sel, m);
  heap.store(cls, ClassSlot.methodDict, fresh);
  return method;
}

/** Looks selector up from cls along the superclass chain; answers the method or 0. */
export function lookupMethod(heap: Heap, cls: number, selector: number): number {
  const nil = heap.nilOop;
  for (let c = cls; c !== nil; c = heap.fetch(c, ClassSlot.superclass)) {
    const dict = heap.fetch(c, ClassSlot.methodDict);
    if (dict === nil) continue;
    const m = methodDictAt(heap, dict, selector);
    if (m !== 0) return m;
  }
  return 0;
}

// ---- the global method cache ---------------------------------------------------------

export const METHOD_CACHE_SIZE = 4096;

/**
 * A two-way set-associative cache: entry pairs (2h, 2h+1) hold (class index, selector) ->
 * method. A miss fills the first empty way or evicts way 1.
 */
export class MethodCache {
  readonly classIndexes: Int32Array;
  readonly selectors: Uint32Array;
  readonly methods: Uint32Array;
  hits: number;
  misses: number;

  constructor() {
    this.classIndexes = new Int32Array(METHOD_CACHE_SIZE * 2);
    this.selectors = new Uint32Array(METHOD_CACHE_SIZE * 2);
    this.methods = new Uint32Array(METHOD_CACHE_SIZE * 2);
    this.hits = 0;
    this.misses = 0;
  }

  static slot(classIndex: number, selector: number): number {
    return (((selector >>> 3) ^ (classIndex * 0x9e37)) & (METHOD_CACHE_SIZE - 1)) << 1;
  }

  /** The method for (class index, selector), or 0 when it is not understood. */
  lookup(heap: Heap, classIndex: number, selector: number): number {
    const s = MethodCache.slot(classIndex, selector);
    if (this.classIndexes[s] === classIndex && this.selectors[s] === selector) return this.methods[s];
    if (this.classIndexes[s + 1] === classIndex && this.selectors[s + 1] === selector) return this.methods[s + 1];
    this.misses++;
    const method = lookupMethod(heap, classAtIndex(heap, classIndex), selector);
    if (method !== 0) {
      const way = this.classIndexes[s] === 0 ? s : s + 1;
      this.classIndexes[way] = classIndex;
      this.selectors[way] = selector;
      this.methods[way] = method;
    }
    return method;
  }

  flush(): void {
    this.classIndexes.fill(0);
  }
}
