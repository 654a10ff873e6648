// CompiledMethod and identity primitives: 68/69 (objectAt:/objectAt:put: over the two
// header words and the literals), 188 (withArgs:executeMethod:), 72/128 (becomeForward:,
// become:), allInstances, and the class definition primitives behind ClassBuilder.

import type { PrimFn, VMState } from '../state.ts';
import { PRIM_FAIL, PRIM_SWITCHED } from '../state.ts';
import { allInstancesOf, exchangeReferences, forwardReferences } from '../become.ts';
import { ClassDefinitionError, defineClass, setClassInstanceVariables, type InstanceType } from '../class-builder.ts';
import { classAtIndex, classOf } from '../classes.ts';
import { ClassSlot } from '../class-layout.ts';
import { isCompiledMethod, literalCount, methodNumArgs } from '../method-layout.ts';
import { arrayElements, isStringLike, isSymbol, newArray, newString, stringValue } from '../objects.ts';
import { executeMethod } from '../send.ts';
import { ClassIndex } from '../special.ts';
import { registeredIndex } from './object.ts';
import { recompileMethods } from './system.ts';
import { arg, isPointerOop, receiver, smallOf, spreadArguments } from './support.ts';

const TYPES: ReadonlySet<string> = new Set(['normal', 'variable', 'bytes', 'words', 'weak', 'compiledMethod']);

function isArray(s: VMState, oop: number): boolean {
  return isPointerOop(oop) && s.heap.classIndexOf(oop) === ClassIndex.Array;
}

function stringsOf(s: VMState, oop: number): string[] | null {
  if (!isArray(s, oop)) return null;
  const out: string[] = [];
  for (const e of arrayElements(s.heap, oop)) {
    if (!isStringLike(s.heap, e)) return null;
    out.push(stringValue(s.heap, e));
  }
  return out;
}

function fail(s: VMState, message: string): number {
  s.primError = newString(s.heap, message);
  return PRIM_FAIL;
}

export function installMethodPrimitives(table: (PrimFn | undefined)[], named: (module: string, name: string) => number): void {
  table[68] = (s, argc) => {
    const m = receiver(s, argc);
    const i = smallOf(arg(s, argc, 0));
    if (!isCompiledMethod(s.heap, m) || i === null || i < 1 || i > 2 + literalCount(s.heap, m)) return PRIM_FAIL;
    return s.heap.fetch(m, i - 1);
  };
  table[69] = (s, argc) => {
    const m = receiver(s, argc);
    const i = smallOf(arg(s, argc, 0));
    const v = arg(s, argc, 1);
    if (!isCompiledMethod(s.heap, m) || i === null || i < 3 || i > 2 + literalCount(s.heap, m)) return PRIM_FAIL;
    s.heap.store(m, i - 1, v);
    return v;
  };
  // withArgs: anArray executeMethod: aCompiledMethod
  table[188] = (s, argc) => {
    const heap = s.heap;
    const args = arg(s, argc, 0);
    const method = arg(s, argc, 1);
    if (!isArray(s, args) || !isCompiledMethod(heap, method)) return PRIM_FAIL;
    const n = heap.slotCount(args);
    if (methodNumArgs(heap, method) !== n) return PRIM_FAIL;
    if (!spreadArguments(s, argc, args)) return PRIM_FAIL;
    executeMethod(s, method, n);
    return PRIM_SWITCHED;
  };
  const become = (twoWay: boolean): PrimFn => (s, argc) => {
    const heap = s.heap;
    const a = receiver(s, argc);
    const b = arg(s, argc, 0);
    if (!isArray(s, a) || !isArray(s, b) || heap.slotCount(a) !== heap.slotCount(b)) return PRIM_FAIL;
    const from = arrayElements(heap, a);
    const to = arrayElements(heap, b);
    if ([...from, ...to].some((x) => !isPointerOop(x) || x === s.nil || x === s.trueOop || x === s.falseOop)) return PRIM_FAIL;
    if (twoWay) {
      exchangeReferences(heap, from, to);
    } else {
      const keepHashes = !to.some((x) => classAtIndex(heap, heap.identityHash(x)) === x);
      forwardReferences(heap, new Map(from.map((x, i) => [x, to[i]])), keepHashes);
    }
    s.cache.flush();
    return receiver(s, argc);
  };
  table[72] = become(false);
  table[128] = become(true);
  table[named('Object', 'allInstances')] = (s, argc) => {
    // Collect first so that only live instances are found; the receiver is re-read after.
    s.collectGarbage();
    s.syncSp();
    const index = registeredIndex(s, receiver(s, argc));
    if (index < 0) return PRIM_FAIL;
    return newArray(s.heap, allInstancesOf(s.heap, index));
  };
  // primDefineClass: name superclass: cls type: sym instanceVariableNames: arr
  //   classVariableNames: arr poolDictionaries: arr category: str
  table[named('Classes', 'defineClass')] = (s, argc) => {
    const heap = s.heap;
    if (argc !== 7) return PRIM_FAIL;
    const name = arg(s, argc, 0);
    const superclass = arg(s, argc, 1);
    const type = arg(s, argc, 2);
    const ivars = stringsOf(s, arg(s, argc, 3));
    const cvars = stringsOf(s, arg(s, argc, 4));
    const pools = stringsOf(s, arg(s, argc, 5));
    const category = isStringLike(heap, arg(s, argc, 6)) ? stringValue(heap, arg(s, argc, 6)) : null;
    if (!isSymbol(heap, name) || !isSymbol(heap, type) || !TYPES.has(stringValue(heap, type))) return fail(s, 'bad class name or type');
    if (superclass !== s.nil && registeredIndex(s, superclass) < 0) return fail(s, 'the superclass is not a class');
    if (ivars === null || cvars === null || pools === null || category === null) return fail(s, 'bad variable lists or category');
    try {
      const relaid: number[] = [];
      const cls = defineClass(heap, {
        name: stringValue(heap, name), superclass, type: stringValue(heap, type) as InstanceType,
        instVarNames: ivars, classVarNames: cvars, poolNames: pools, category,
      }, relaid);
      s.cache.flush();
      for (const c of relaid) {
        const problem = recompileMethods(s, c);
        if (problem !== null) return fail(s, problem);
      }
      return cls;
    } catch (e) {
      if (e instanceof ClassDefinitionError) return fail(s, e.message);
      throw e;
    }
  };
  // primDefineClassInstanceVariables: arrayOfStrings of: aClass
  table[named('Classes', 'defineClassInstanceVariables')] = (s, argc) => {
    const names = stringsOf(s, arg(s, argc, 0));
    const cls = arg(s, argc, 1);
    if (names === null || registeredIndex(s, cls) < 0) return fail(s, 'bad arguments');
    const meta = setClassInstanceVariables(s.heap, cls, names);
    s.cache.flush();
    const visit = (c: number): string | null => {
      const problem = recompileMethods(s, classOf(s.heap, c));
      if (problem !== null) return problem;
      const subs = s.heap.fetch(c, ClassSlot.subclasses);
      if (subs !== s.nil) for (const sub of arrayElements(s.heap, subs)) {
        const p = visit(sub);
        if (p !== null) return p;
      }
      return null;
    };
    const problem = visit(meta === s.nil ? cls : s.heap.fetch(meta, ClassSlot.thisClass));
    return problem === null ? meta : fail(s, problem);
  };
}
