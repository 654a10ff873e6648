// MethodSpec (the compiler's plain description) -> CompiledMethod in the heap, per the
// layout in docs/design.md ("Execution model"): two SmallInteger header slots, the
// compiler's literals, the four trailing literals (properties, source, selector,
// methodClass), then the bytecodes.
//
// Binding literals are resolved here, at install time, to the Association a PUSH_GLOBAL
// reads: the class pools of the method's (instance-side) class and its superclasses, their
// shared pools, then Smalltalk, then for doits the workspace; a name found nowhere gets a
// binding in `Undeclared` (methods) or the workspace (doits), so that defining the global
// later (which moves the same association into Smalltalk) fixes every method using it.

import type { Heap } from './heap.ts';
import type { Literal, MethodSpec, Primitive } from './method-spec.ts';
import { ClassSlot } from './class-layout.ts';
import { addMethod, classOf, instanceSide, superclassOf, type MethodCache } from './classes.ts';
import { addAssociation, associationAt, newDictionary, removeKey } from './dictionaries.ts';
import { Format } from './layout.ts';
import {
  intern, makeImmutable, newArray, newByteArray, newFloat, newInteger, newString, specialObject,
} from './objects.ts';
import { characterOop, smallInt } from './oop.ts';
import { namedPrimitiveIndex } from './primitives/names.ts';
import { ClassIndex, Special } from './special.ts';

export class InstallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InstallError';
  }
}

/** Where a method's source came from, for traces and the debugger. */
export interface MethodOrigin {
  file?: string;
  /** 1-based line of the method's first line in file. */
  line?: number;
}

/** Number of trailing literals every method has after the compiler's. */
export const TRAILING_LITERALS = 4;
export const PRIMITIVE_ERROR_TEMP_FLAG = 1 << 24;

export function primitiveNumber(p: Primitive): number {
  switch (p.kind) {
    case 'none': return 0;
    case 'numbered': return p.index;
    case 'named': return namedPrimitiveIndex(p.module, p.name);
  }
}

function hasErrorTemp(spec: MethodSpec): boolean {
  return spec.primitive.kind !== 'none' && /<\s*primitive:[^>]*\berror:/.test(spec.source);
}

/** Finds the association for name as seen from methods of cls (0 when none). */
export function lookupBinding(heap: Heap, name: string, cls: number, isDoit: boolean): number {
  const nil = heap.nilOop;
  const key = intern(heap, name);
  for (let c = cls === nil ? nil : instanceSide(heap, cls); c !== nil; c = superclassOf(heap, c)) {
    if (heap.slotCount(c) <= ClassSlot.sharedPools) break;
    const pool = heap.fetch(c, ClassSlot.classPool);
    if (pool !== nil) {
      const a = associationAt(heap, pool, key);
      if (a) return a;
    }
    const pools = heap.fetch(c, ClassSlot.sharedPools);
    if (pools !== nil && heap.formatOf(pools) === Format.INDEXABLE) {
      for (let i = 0; i < heap.slotCount(pools); i++) {
        const p = heap.fetch(pools, i);
        // A pool is a class (its class pool holds the variables) or a dictionary.
        const dict = heap.slotCount(p) > ClassSlot.classPool && isClassLike(heap, p) ? heap.fetch(p, ClassSlot.classPool) : p;
        if (dict !== nil) {
          const a = associationAt(heap, dict, key);
          if (a) return a;
        }
      }
    }
  }
  const globals = specialObject(heap, Special.smalltalk);
  const g = associationAt(heap, globals, key);
  if (g) return g;
  if (isDoit) {
    const ws = specialObject(heap, Special.workspace);
    if (ws !== nil) {
      const w = associationAt(heap, ws, key);
      if (w) return w;
    }
  }
  const undeclared = specialObject(heap, Special.undeclared);
  if (undeclared !== nil) {
    const u = associationAt(heap, undeclared, key);
    if (u) return u;
  }
  return 0;
}

function isClassLike(heap: Heap, oop: number): boolean {
  return heap.classIndexOf(classOf(heap, oop)) === ClassIndex.Metaclass;
}

/**
 * The binding for name, created when missing: in Undeclared for methods and for capitalized
 * names in doits (so that a class a doit defines is the one it then uses: defining the
 * global moves that same association into Smalltalk), in the workspace for other doit
 * variables.
 */
export function resolveBinding(heap: Heap, name: string, cls: number, isDoit: boolean): number {
  const found = lookupBinding(heap, name, cls, isDoit);
  if (found) return found;
  const inWorkspace = isDoit && !/^[A-Z]/.test(name);
  const dict = specialObject(heap, inWorkspace ? Special.workspace : Special.undeclared);
  if (dict === heap.nilOop) throw new InstallError(`cannot bind ${name}: no ${inWorkspace ? 'workspace' : 'Undeclared'} dictionary`);
  const key = intern(heap, name);
  const assoc = heap.allocate(ClassIndex.Association, Format.FIXED, 2);
  heap.store(assoc, 0, key);
  addAssociation(heap, dict, assoc);
  return assoc;
}

/**
 * Defines (or redefines) a global in Smalltalk. An Undeclared binding of the same name is
 * moved into Smalltalk, so methods compiled before the definition see it.
 */
export function defineGlobal(heap: Heap, name: string, value: number): number {
  const key = intern(heap, name);
  const globals = specialObject(heap, Special.smalltalk);
  let assoc = associationAt(heap, globals, key);
  if (!assoc) {
    const undeclared = specialObject(heap, Special.undeclared);
    assoc = undeclared !== heap.nilOop ? removeKey(heap, undeclared, key) : 0;
    if (!assoc) {
      assoc = heap.allocate(ClassIndex.Association, Format.FIXED, 2);
      heap.store(assoc, 0, key);
    }
    addAssociation(heap, globals, assoc);
  }
  heap.store(assoc, 1, value);
  return assoc;
}

export function globalValue(heap: Heap, name: string): number {
  const a = associationAt(heap, specialObject(heap, Special.smalltalk), intern(heap, name));
  return a ? heap.fetch(a, 1) : 0;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** A literal's heap object. cls is the method's class (for bindings). */
export function literalOop(heap: Heap, lit: Literal, cls: number, isDoit: boolean): number {
  switch (lit.kind) {
    case 'nil': return heap.nilOop;
    case 'true': return specialObject(heap, Special.true);
    case 'false': return specialObject(heap, Special.false);
    case 'integer': return makeImmutable(heap, newInteger(heap, lit.value));
    case 'float': return makeImmutable(heap, newFloat(heap, lit.value));
    case 'character': return characterOop(lit.value);
    case 'string': return makeImmutable(heap, newString(heap, lit.value));
    case 'symbol': return intern(heap, lit.value);
    case 'bytes': return makeImmutable(heap, newByteArray(heap, lit.value));
    case 'array': return makeImmutable(heap, newArray(heap, lit.elements.map((e) => literalOop(heap, e, cls, isDoit))));
    case 'binding': return resolveBinding(heap, lit.name, cls, isDoit);
    case 'scaled': return scaledDecimal(heap, lit.numerator, lit.denominator, lit.scale);
  }
}

function scaledDecimal(heap: Heap, num: bigint, den: bigint, scale: number): number {
  const key = intern(heap, 'ScaledDecimal');
  const assoc = associationAt(heap, specialObject(heap, Special.smalltalk), key);
  const cls = assoc ? heap.fetch(assoc, 1) : heap.nilOop;
  if (cls === heap.nilOop || (cls & 3) !== 0) throw new InstallError('a ScaledDecimal literal needs the class ScaledDecimal');
  if (den < 0n) { num = -num; den = -den; }
  const g = gcd(num, den) || 1n;
  const obj = heap.allocate(heap.identityHash(cls), Format.FIXED, Math.max(3, instSizeOfClass(heap, cls)));
  heap.store(obj, 0, newInteger(heap, num / g));
  heap.store(obj, 1, newInteger(heap, den / g));
  heap.store(obj, 2, smallInt(scale));
  return makeImmutable(heap, obj);
}

function instSizeOfClass(heap: Heap, cls: number): number {
  return (heap.fetch(cls, ClassSlot.format) >>> 1) & 0xffff;
}

/** Varints (7 bits per byte, high bit = more) of (pc, start, end) per source map entry, by pc. */
export function encodeSourceMap(spec: MethodSpec): number[] {
  const out: number[] = [];
  const put = (v: number): void => {
    while (v >= 0x80) { out.push((v & 0x7f) | 0x80); v >>>= 7; }
    out.push(v);
  };
  for (const pc of [...spec.sourceMap.keys()].sort((a, b) => a - b)) {
    const r = spec.sourceMap.get(pc)!;
    put(pc); put(r.start); put(r.end);
  }
  return out;
}

function propertiesOop(heap: Heap, spec: MethodSpec, origin: MethodOrigin, cls: number, isDoit: boolean): number {
  const pragmas = newArray(heap, spec.pragmas.map((p) => newArray(heap,
    [intern(heap, p.keyword), ...p.args.map((a) => literalOop(heap, a, cls, isDoit))])));
  return newArray(heap, [
    newString(heap, spec.category),
    pragmas,
    newByteArray(heap, encodeSourceMap(spec)),
    origin.file === undefined ? heap.nilOop : newString(heap, origin.file),
    origin.line === undefined ? heap.nilOop : smallInt(origin.line),
  ]);
}

/** Materializes spec as a CompiledMethod whose methodClass is cls (not installed anywhere). */
export function newCompiledMethod(heap: Heap, spec: MethodSpec, cls: number, origin: MethodOrigin = {}): number {
  const isDoit = spec.className === null && spec.selector === 'DoIt';
  if (spec.numTemps > 255) throw new InstallError(`${spec.selector}: too many temporaries (${spec.numTemps})`);
  if (spec.frameSize > 255) throw new InstallError(`${spec.selector}: frame too large (${spec.frameSize} slots)`);
  if (spec.numArgs > 15) throw new InstallError(`${spec.selector}: too many arguments`);
  const prim = primitiveNumber(spec.primitive);
  if (prim >= 1 << 14) throw new InstallError(`${spec.selector}: primitive ${prim} out of range`);
  const literals = spec.literals.map((l) => literalOop(heap, l, cls, isDoit));
  literals.push(
    propertiesOop(heap, spec, origin, cls, isDoit),
    newString(heap, spec.source),
    intern(heap, spec.selector),
    cls,
  );
  const litCount = literals.length;
  if (litCount > 0xffff) throw new InstallError(`${spec.selector}: too many literals`);
  const code = spec.bytecodes;
  const byteLength = (2 + litCount) * 4 + code.length;
  const slots = (byteLength + 3) >>> 2;
  const method = heap.allocate(ClassIndex.CompiledMethod, Format.COMPILED_METHOD + (slots * 4 - byteLength), slots);
  const flags = hasErrorTemp(spec) ? PRIMITIVE_ERROR_TEMP_FLAG : 0;
  heap.store(method, 0, smallInt(litCount | (spec.numArgs << 16) | flags));
  heap.store(method, 1, smallInt(spec.numTemps | (spec.frameSize << 8) | (prim << 16)));
  for (let i = 0; i < litCount; i++) heap.store(method, 2 + i, literals[i]);
  heap.bytes.set(code, method + 8 + (2 + litCount) * 4);
  return method;
}

/** Compiles nothing: installs an already compiled spec into cls and flushes the cache. */
export function installMethod(
  heap: Heap, cache: MethodCache | null, spec: MethodSpec, cls: number, origin: MethodOrigin = {},
): number {
  const method = newCompiledMethod(heap, spec, cls, origin);
  addMethod(heap, cls, intern(heap, spec.selector), method);
  cache?.flush();
  return method;
}

/** A new, empty workspace dictionary (the REPL's variables), if the special slot is nil. */
export function ensureWorkspace(heap: Heap, dictionaryClassIndex: number): number {
  let ws = specialObject(heap, Special.workspace);
  if (ws === heap.nilOop) {
    ws = newDictionary(heap, dictionaryClassIndex);
    heap.store(heap.specialObjects, Special.workspace, ws);
  }
  return ws;
}
