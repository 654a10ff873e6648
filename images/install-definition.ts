// Turning source definitions (compiler/definitions.ts: what the Tonel and chunk readers
// produce) into classes and methods of a world. The bootstrap (bootstrap.ts) uses this for
// the kernel packages and the loader (loader.ts) for user code in a live world, so both
// resolve names, check shapes and compile methods by the same rules.
//
// Name resolution in methods: a capitalized name that is not bound yet compiles to a binding
// in Undeclared (defining the global later moves that same association into Smalltalk), so
// classes of one package may refer to each other in any order. Lowercase unknown names are
// compile errors.
//
// Errors are thrown, never collected here: ClassDefinitionError for a class the VM cannot
// build, CompileError (with line and column inside the method source) for bad code,
// InstallError for a method the heap cannot hold or a class that does not exist. The
// callers decide how to report them.

import { compileMethod } from '../compiler/compile.ts';
import type { ClassDefinition, MethodDefinition } from '../compiler/definitions.ts';
import { ClassDefinitionError, defineClass, setClassInstanceVariables, type ClassSpec } from '../vm/class-builder.ts';
import { ClassSlot, CLASS_SLOTS } from '../vm/class-layout.ts';
import { allInstVarNames, classAtIndex, classOf, isMetaclass, methodDictAt } from '../vm/classes.ts';
import type { Heap } from '../vm/heap.ts';
import { globalValue, installMethod, InstallError, lookupBinding, type MethodOrigin } from '../vm/install.ts';
import { methodSource } from '../vm/method-layout.ts';
import type { MethodSpec } from '../vm/method-spec.ts';
import { arrayElements, findSymbol, isStringLike, stringValue } from '../vm/objects.ts';
import { recompileMethods } from '../vm/primitives/system.ts';
import type { VM } from '../vm/vm.ts';

/** The class named `name` in Smalltalk (not a metaclass, not some other global), or 0. */
export function classNamed(heap: Heap, name: string): number {
  const value = globalValue(heap, name);
  if (!value || value === heap.nilOop || (value & 3) !== 0) return 0;
  if (heap.slotCount(value) < CLASS_SLOTS || isMetaclass(heap, value)) return 0;
  return classAtIndex(heap, heap.identityHash(value)) === value ? value : 0;
}

/**
 * The class builder's description of d. Pools are left out when `withPools` is false (the
 * bootstrap sets them once every class exists). Throws ClassDefinitionError for an unknown
 * superclass or an instance variable that a superclass already has.
 */
export function classSpecFor(heap: Heap, d: ClassDefinition, withPools = true): ClassSpec {
  let superclass = heap.nilOop;
  if (d.superclass !== null) {
    superclass = classNamed(heap, d.superclass);
    if (superclass === 0) throw new ClassDefinitionError(`unknown superclass ${d.superclass} of ${d.name}`);
    const inherited = new Set(allInstVarNames(heap, superclass));
    const clash = d.instVars.find((n) => inherited.has(n));
    if (clash !== undefined) throw new ClassDefinitionError(`${clash} is already an instance variable of a superclass of ${d.name}`);
    const inheritedMeta = new Set(allInstVarNames(heap, classOf(heap, superclass)));
    const metaClash = d.classInstVars.find((n) => inheritedMeta.has(n));
    if (metaClash !== undefined) throw new ClassDefinitionError(`${metaClash} is already an instance variable of ${d.superclass} class`);
  }
  return {
    name: d.name, superclass, type: d.type, instVarNames: d.instVars, classVarNames: d.classVars,
    poolNames: withPools ? d.pools : [], category: d.category, comment: d.comment, classInstVarNames: d.classInstVars,
  };
}

/**
 * Creates or updates the class of d in a live world: a changed shape migrates the existing
 * instances (class-builder.ts) and recompiles the methods of every class whose instance
 * variables moved; changed class-side instance variables reshape the class objects. Answers
 * the class.
 */
export function defineClassFrom(vm: VM, d: ClassDefinition, withPools = true): number {
  const heap = vm.heap;
  const spec = classSpecFor(heap, d, withPools);
  const existing = classNamed(heap, d.name);
  const relaid: number[] = [];
  const cls = defineClass(heap, existing === 0 ? spec : { ...spec, classInstVarNames: undefined }, relaid);
  vm.state.cache.flush();
  for (const c of relaid) {
    const problem = recompileMethods(vm.state, c);
    if (problem !== null) throw new ClassDefinitionError(`cannot recompile after the shape change: ${problem}`);
  }
  if (existing !== 0 && !sameNames(ownClassInstVars(heap, cls), d.classInstVars)) {
    setClassInstanceVariables(heap, cls, d.classInstVars);
    vm.state.cache.flush();
    const metaProblem = recompileClassSides(vm, cls);
    if (metaProblem !== null) throw new ClassDefinitionError(`cannot recompile after the class-side shape change: ${metaProblem}`);
  }
  return cls;
}

function ownClassInstVars(heap: Heap, cls: number): string[] {
  const names = heap.fetch(classOf(heap, cls), ClassSlot.instanceVariables);
  return names === heap.nilOop ? [] : arrayElements(heap, names).map((n) => stringValue(heap, n));
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => b[i] === n);
}

/** Recompiles the class-side methods of cls and its subclasses (their class objects moved). */
function recompileClassSides(vm: VM, cls: number): string | null {
  const heap = vm.heap;
  const problem = recompileMethods(vm.state, classOf(heap, cls));
  if (problem !== null) return problem;
  const subs = heap.fetch(cls, ClassSlot.subclasses);
  if (subs === heap.nilOop) return null;
  for (const sub of arrayElements(heap, subs)) {
    const p = recompileClassSides(vm, sub);
    if (p !== null) return p;
  }
  return null;
}

/** The class (or metaclass) a method definition belongs to; throws InstallError when its class does not exist. */
export function methodClassFor(heap: Heap, d: MethodDefinition): number {
  const base = classNamed(heap, d.className);
  if (base === 0) throw new InstallError(`no class named ${d.className} for ${d.className}${d.isMeta ? ' class' : ''}>>${selectorHint(d.source)}`);
  return d.isMeta ? classOf(heap, base) : base;
}

function selectorHint(source: string): string {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*:?|[-!%&*+,/<=>?@\\~|]+)/.exec(source);
  return m ? m[1]! : '...';
}

/** Compiles d for cls (throws CompileError): capitalized unbound names go to Undeclared. */
export function compileMethodDefinition(heap: Heap, d: MethodDefinition, cls: number): MethodSpec {
  return compileMethod(d.source, {
    instVarNames: allInstVarNames(heap, cls),
    isBound: (name) => lookupBinding(heap, name, cls, false) !== 0 || /^[A-Z]/.test(name),
  }, { className: d.isMeta ? `${d.className} class` : d.className, category: d.category });
}

/** What installing a method replaced: whether the class had the selector, and its source then. */
export interface Installed {
  method: number;
  selector: string;
  /** The previous method's source, or null when the selector is new (or had no source). */
  previousSource: string | null;
  replaced: boolean;
}

/** Compiles and installs d (throws CompileError or InstallError). */
export function installMethodDefinition(vm: VM, d: MethodDefinition, origin: MethodOrigin): Installed {
  const heap = vm.heap;
  const cls = methodClassFor(heap, d);
  const spec = compileMethodDefinition(heap, d, cls);
  const previous = previousMethod(heap, cls, spec.selector);
  const source = previous === 0 ? heap.nilOop : methodSource(heap, previous);
  const previousSource = previous !== 0 && isStringLike(heap, source) ? stringValue(heap, source) : null;
  const method = installMethod(heap, vm.state.cache, spec, cls, origin);
  return { method, selector: spec.selector, previousSource, replaced: previous !== 0 };
}

function previousMethod(heap: Heap, cls: number, selector: string): number {
  const sym = findSymbol(heap, selector);
  if (sym === 0 || sym === heap.nilOop) return 0;
  return methodDictAt(heap, heap.fetch(cls, ClassSlot.methodDict), sym);
}
