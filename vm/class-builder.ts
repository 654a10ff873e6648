// Defining and redefining classes natively: used by the bootstrap for the kernel's Tonel
// class definitions and by the 'defineClass' primitive (ClassBuilder in Smalltalk).
//
// A redefinition keeps the class object (and so its class index and every reference to it),
// updates superclass, instance variables, shape, class pool (keeping the associations of
// variables that stay), pools, category and comment, then recomputes the layout of its
// subclasses. Instances whose layout changed are migrated: a new instance per old one, named
// variables copied by name, indexable part copied, then every reference forwarded.
//
// Classes the VM reads directly (class-layout.ts, contexts, closures, associations, ...)
// must keep their fixed instance variables as a prefix: a definition that breaks this is
// refused with ClassDefinitionError.

import type { Heap } from './heap.ts';
import { ClassSlot, CLASS_SLOTS, encodeClassFormat, instFormatOf, instSizeOf } from './class-layout.ts';
import {
  addSubclass, allInstVarNames, classAtIndex, classOf, createClass, instSize, instFormat, isMetaclass,
  removeSubclass, superclassOf,
} from './classes.ts';
import { allInstancesOf, forwardReferences } from './become.ts';
import { addAssociation, associationAt, associations, newDictionary } from './dictionaries.ts';
import { defineGlobal, globalValue } from './install.ts';
import { Format, isBytesFormat } from './layout.ts';
import { intern, newArray, newString, stringValue } from './objects.ts';
import { smallInt } from './oop.ts';
import { ClassIndex } from './special.ts';

export type InstanceType = 'normal' | 'variable' | 'bytes' | 'words' | 'weak' | 'compiledMethod';

export interface ClassSpec {
  name: string;
  /** A class oop or nil. */
  superclass: number;
  type: InstanceType;
  /** Own instance variables. */
  instVarNames: readonly string[];
  classVarNames: readonly string[];
  poolNames: readonly string[];
  category: string;
  comment?: string;
  classInstVarNames?: readonly string[];
}

export class ClassDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClassDefinitionError';
  }
}

const TYPE_FORMAT: Record<InstanceType, number> = {
  normal: Format.FIXED,
  variable: Format.INDEXABLE,
  bytes: Format.BYTES,
  words: Format.WORDS,
  weak: Format.WEAK,
  compiledMethod: Format.COMPILED_METHOD,
};

/** Instance variables the VM depends on, by class name (the whole inherited list). */
const FIXED_LAYOUTS: ReadonlyMap<string, readonly string[]> = new Map([
  ['Behavior', ['superclass', 'methodDict', 'format']],
  ['ClassDescription', ['superclass', 'methodDict', 'format', 'instanceVariables', 'organization']],
  ['Class', ['superclass', 'methodDict', 'format', 'instanceVariables', 'organization', 'subclasses', 'name', 'classPool', 'sharedPools', 'category', 'comment']],
  ['Metaclass', ['superclass', 'methodDict', 'format', 'instanceVariables', 'organization', 'thisClass']],
  ['BlockClosure', ['outerContext', 'startpc', 'numArgs']],
  ['Context', ['sender', 'pc', 'stackp', 'method', 'closureOrNil', 'receiver']],
  ['Association', ['key', 'value']],
  ['Message', ['selector', 'arguments', 'lookupClass']],
  ['MethodDictionary', ['tally', 'array']],
  ['HashedCollection', ['tally', 'array']],
  ['Dictionary', ['tally', 'array']],
  ['IdentityDictionary', ['tally', 'array']],
  ['SystemDictionary', ['tally', 'array']],
  ['Fraction', ['numerator', 'denominator']],
  ['ScaledDecimal', ['numerator', 'denominator', 'scale']],
]);

function formatFor(heap: Heap, spec: ClassSpec, existing: number): number {
  let format = TYPE_FORMAT[spec.type];
  if (spec.type === 'normal' && spec.superclass !== heap.nilOop) {
    const inherited = instFormat(heap, spec.superclass);
    if (inherited !== Format.FIXED && inherited !== Format.EMPTY) format = inherited;
  }
  if (existing !== 0) {
    const index = heap.identityHash(existing);
    const old = instFormat(heap, existing);
    // Immediates (SmallInteger, Character) and nil/true/false keep the VM's format.
    if (index < ClassIndex.firstFree && old !== format && !(old <= Format.FIXED && format <= Format.FIXED)) {
      throw new ClassDefinitionError(`${spec.name}: the VM needs instances of format ${old}, the definition gives ${format}`);
    }
    if (index < ClassIndex.firstFree) format = old;
  }
  return format;
}

function checkFixedLayout(heap: Heap, spec: ClassSpec): void {
  const fixed = FIXED_LAYOUTS.get(spec.name);
  if (!fixed) return;
  const inherited = spec.superclass === heap.nilOop ? [] : allInstVarNames(heap, spec.superclass);
  const all = [...inherited, ...spec.instVarNames];
  if (fixed.some((n, i) => all[i] !== n)) {
    throw new ClassDefinitionError(`${spec.name} must start with the instance variables ${fixed.join(' ')} (the VM reads them), got ${all.join(' ') || 'none'}`);
  }
}

function setClassPool(heap: Heap, cls: number, names: readonly string[]): void {
  const nil = heap.nilOop;
  const old = heap.fetch(cls, ClassSlot.classPool);
  if (names.length === 0) {
    heap.store(cls, ClassSlot.classPool, nil);
    return;
  }
  const dictClass = globalValue(heap, 'Dictionary');
  const pool = newDictionary(heap, dictClass ? heap.identityHash(dictClass) : ClassIndex.Array);
  for (const name of names) {
    const key = intern(heap, name);
    const kept = old !== nil ? associationAt(heap, old, key) : 0;
    if (kept) {
      addAssociation(heap, pool, kept);
    } else {
      const assoc = heap.allocate(ClassIndex.Association, Format.FIXED, 2);
      heap.store(assoc, 0, key);
      addAssociation(heap, pool, assoc);
    }
  }
  heap.store(cls, ClassSlot.classPool, pool);
}

/** Resolves pool names to their globals (classes or dictionaries); unknown names are errors. */
export function setSharedPools(heap: Heap, cls: number, names: readonly string[]): void {
  const pools = names.map((n) => {
    const v = globalValue(heap, n);
    if (!v || v === heap.nilOop) throw new ClassDefinitionError(`${stringValue(heap, heap.fetch(cls, ClassSlot.name))}: unknown pool ${n}`);
    return v;
  });
  heap.store(cls, ClassSlot.sharedPools, pools.length === 0 ? heap.nilOop : newArray(heap, pools));
}

/**
 * Creates or updates the class named spec.name; answers the class. Classes whose instance
 * variable names changed (the class and its subclasses) are added to `relaid`: their
 * methods index instance variables by position and must be recompiled.
 */
export function defineClass(heap: Heap, spec: ClassSpec, relaid: number[] = []): number {
  const nil = heap.nilOop;
  if (spec.superclass !== nil && (isMetaclass(heap, spec.superclass) || heap.slotCount(spec.superclass) < CLASS_SLOTS)) {
    throw new ClassDefinitionError(`${spec.name}: the superclass is not a class`);
  }
  checkFixedLayout(heap, spec);
  const found = globalValue(heap, spec.name);
  const existing = found && found !== nil && heap.slotCount(found) >= CLASS_SLOTS && !isMetaclass(heap, found)
    && classAtIndex(heap, heap.identityHash(found)) === found ? found : 0;
  for (let c = spec.superclass; c !== nil; c = superclassOf(heap, c)) {
    if (c === existing) throw new ClassDefinitionError(`${spec.name} cannot inherit from itself`);
  }
  const format = formatFor(heap, spec, existing);
  let cls: number;
  let snapshot = new Map<number, string[]>();
  if (existing === 0) {
    cls = createClass(heap, {
      name: spec.name, superclass: spec.superclass, instVarNames: spec.instVarNames, format,
      classInstVarNames: spec.classInstVarNames ?? [],
    });
    defineGlobal(heap, spec.name, cls);
  } else {
    cls = existing;
    snapshot = snapshotLayouts(heap, cls);
    const oldSuper = superclassOf(heap, cls);
    if (oldSuper !== spec.superclass) {
      if (oldSuper !== nil) removeSubclass(heap, oldSuper, cls);
      if (spec.superclass !== nil) addSubclass(heap, spec.superclass, cls);
      heap.store(cls, ClassSlot.superclass, spec.superclass);
      const meta = classOf(heap, cls);
      heap.store(meta, ClassSlot.superclass, spec.superclass === nil ? classAtIndex(heap, ClassIndex.Class) : classOf(heap, spec.superclass));
    }
    heap.store(cls, ClassSlot.instanceVariables, newArray(heap, spec.instVarNames.map((n) => intern(heap, n))));
    if (spec.classInstVarNames && spec.classInstVarNames.length > 0) {
      throw new ClassDefinitionError(`${spec.name}: changing class-side instance variables of an existing class is not supported`);
    }
  }
  setClassPool(heap, cls, spec.classVarNames);
  setSharedPools(heap, cls, spec.poolNames);
  heap.store(cls, ClassSlot.category, intern(heap, spec.category));
  if (spec.comment !== undefined) heap.store(cls, ClassSlot.comment, newString(heap, spec.comment));
  relayout(heap, cls, format, snapshot);
  for (const [c, before] of snapshot) {
    const now = allInstVarNames(heap, c);
    if (now.length !== before.length || now.some((n, i) => before[i] !== n)) relaid.push(c);
  }
  return cls;
}

/** The instance variable names of cls and every subclass, before a redefinition. */
function snapshotLayouts(heap: Heap, cls: number): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const visit = (c: number): void => {
    out.set(c, allInstVarNames(heap, c));
    const subs = heap.fetch(c, ClassSlot.subclasses);
    if (subs !== heap.nilOop) for (let i = 0; i < heap.slotCount(subs); i++) visit(heap.fetch(subs, i));
  };
  visit(cls);
  return out;
}

/** Sets cls's format (own shape) and recomputes it and its subclasses' instance sizes, migrating instances. */
function relayout(heap: Heap, cls: number, format: number, before: Map<number, string[]>): void {
  const nil = heap.nilOop;
  const superclass = superclassOf(heap, cls);
  const own = heap.fetch(cls, ClassSlot.instanceVariables);
  const size = (superclass === nil ? 0 : instSize(heap, superclass)) + (own === nil ? 0 : heap.slotCount(own));
  const oldFormat = heap.fetch(cls, ClassSlot.format) >> 1;
  const newFormat = encodeClassFormat(size, format);
  if (oldFormat !== newFormat) {
    const oldNames = before.get(cls) ?? allInstVarNames(heap, cls).slice(0, instSizeOf(oldFormat));
    heap.store(cls, ClassSlot.format, smallInt(newFormat));
    migrateInstances(heap, cls, oldNames, instSizeOf(oldFormat), instFormatOf(oldFormat));
  }
  const subs = heap.fetch(cls, ClassSlot.subclasses);
  if (subs !== nil) {
    for (let i = 0; i < heap.slotCount(subs); i++) {
      const sub = heap.fetch(subs, i);
      relayout(heap, sub, instFormat(heap, sub), before);
    }
  }
}

function migrateInstances(heap: Heap, cls: number, oldNames: readonly string[], oldSize: number, oldFormat: number): void {
  const index = heap.identityHash(cls);
  const instances = allInstancesOf(heap, index);
  if (instances.length === 0) return;
  const names = allInstVarNames(heap, cls);
  const size = instSize(heap, cls);
  const format = instFormat(heap, cls);
  const map = new Map<number, number>();
  for (const old of instances) {
    const indexed = oldFormat === Format.INDEXABLE || oldFormat === Format.WEAK ? heap.slotCount(old) - oldSize : 0;
    if (isBytesFormat(format) || format === Format.WORDS) {
      throw new ClassDefinitionError(`cannot migrate instances of ${stringValue(heap, heap.fetch(cls, ClassSlot.name))} to a byte or word shape`);
    }
    const fresh = heap.allocate(index, format, size + (format === Format.INDEXABLE || format === Format.WEAK ? indexed : 0));
    names.forEach((n, i) => {
      const j = oldNames.indexOf(n);
      if (j >= 0) heap.store(fresh, i, heap.fetch(old, j));
    });
    if (format === Format.INDEXABLE || format === Format.WEAK) {
      for (let k = 0; k < indexed; k++) heap.store(fresh, size + k, heap.fetch(old, oldSize + k));
    }
    map.set(old, fresh);
  }
  forwardReferences(heap, map);
}

export function typeOfFormat(format: number): InstanceType {
  if (format === Format.INDEXABLE) return 'variable';
  if (format === Format.WEAK) return 'weak';
  if (format === Format.WORDS) return 'words';
  if (isBytesFormat(format)) return 'bytes';
  if (format >= Format.COMPILED_METHOD) return 'compiledMethod';
  return 'normal';
}

/** Every class pool association of cls (for tools). */
export function classVariables(heap: Heap, cls: number): number[] {
  const pool = heap.fetch(cls, ClassSlot.classPool);
  return pool === heap.nilOop ? [] : associations(heap, pool);
}

/**
 * Sets the class-side instance variables of cls (own names) and reshapes the class objects
 * of cls and its subclasses, which are replaced by bigger or smaller copies (variables
 * copied by name, references forwarded, identity hash = class index kept). Answers the
 * metaclass.
 */
export function setClassInstanceVariables(heap: Heap, cls: number, names: readonly string[]): number {
  const meta = classOf(heap, cls);
  const classes: number[] = [];
  const visit = (c: number): void => {
    classes.push(c);
    const subs = heap.fetch(c, ClassSlot.subclasses);
    if (subs !== heap.nilOop) for (let i = 0; i < heap.slotCount(subs); i++) visit(heap.fetch(subs, i));
  };
  visit(cls);
  const before = new Map(classes.map((c) => [c, allInstVarNames(heap, classOf(heap, c))]));
  heap.store(meta, ClassSlot.instanceVariables, newArray(heap, names.map((n) => intern(heap, n))));
  for (const c of classes) {
    const m = classOf(heap, c);
    const superMeta = superclassOf(heap, m);
    const own = heap.fetch(m, ClassSlot.instanceVariables);
    const size = instSize(heap, superMeta) + (own === heap.nilOop ? 0 : heap.slotCount(own));
    heap.store(m, ClassSlot.format, smallInt(encodeClassFormat(size, Format.FIXED)));
  }
  const map = new Map<number, number>();
  for (const c of classes) {
    const m = classOf(heap, c);
    const oldNames = before.get(c)!;
    const newNames = allInstVarNames(heap, m);
    const size = instSize(heap, m);
    if (heap.slotCount(c) === size && oldNames.every((n, i) => newNames[i] === n)) continue;
    const fresh = heap.allocate(heap.identityHash(m), Format.FIXED, size);
    newNames.forEach((n, i) => {
      const j = oldNames.indexOf(n);
      if (j >= 0 && j < heap.slotCount(c)) heap.store(fresh, i, heap.fetch(c, j));
    });
    map.set(c, fresh);
  }
  forwardReferences(heap, map, true);
  return meta;
}
