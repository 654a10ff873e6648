// System primitives: the clock, host output, globals, reporting an unhandled error to the
// host, Smalltalk stack traces, compiling and evaluating through the host's compiler hook,
// and class/method-dictionary maintenance (which must flush the method cache).

import type { PrimFn, VMState } from '../state.ts';
import { PRIM_FAIL, PRIM_SWITCHED } from '../state.ts';
import { HostCompileError, type CompileRequest } from '../host.ts';
import { addMethod, allInstVarNames, classAtIndex, className, classOf, methodDictEntries, removeMethod } from '../classes.ts';
import { ClassSlot } from '../class-layout.ts';
import { CTX_STACKP, CTX_TEMPS, isContext, newContext } from '../contexts.ts';
import { associationAt } from '../dictionaries.ts';
import { defineGlobal, installMethod, lookupBinding, newCompiledMethod } from '../install.ts';
import { isCompiledMethod, methodProperties, methodSource } from '../method-layout.ts';
import { isStringLike, isSymbol, newArray, newInteger, newString, specialObject, stringValue } from '../objects.ts';
import { smallInt } from '../oop.ts';
import { ClassIndex, Special } from '../special.ts';
import { contextTrace } from '../trace.ts';
import { registeredIndex } from './object.ts';
import { activeIsEvaluation } from '../process.ts';
import { terminateActive } from './process.ts';
import { arg, receiver, smallOf, stringOf } from './support.ts';

function compileFailure(s: VMState, message: string): number {
  s.primError = newString(s.heap, message);
  return PRIM_FAIL;
}

function requestFor(s: VMState, source: string, cls: number, doit: boolean, category: string): CompileRequest {
  const heap = s.heap;
  return {
    source,
    instVarNames: cls === s.nil ? [] : allInstVarNames(heap, cls),
    isBound: (name) => lookupBinding(heap, name, cls, doit) !== 0,
    className: doit ? null : className(heap, cls),
    category,
    doit,
  };
}

export function installSystemPrimitives(table: (PrimFn | undefined)[], named: (module: string, name: string) => number): void {
  table[135] = (s) => newInteger(s.heap, s.host.monotonicMillis());
  table[240] = (s) => newInteger(s.heap, BigInt(s.host.utcMicros()));
  table[130] = (s) => {
    s.heap.gcRequested = true;
    return smallInt(0);
  };
  table[named('Host', 'stdoutWrite')] = (s, argc) => {
    const text = stringOf(s, arg(s, argc, 0));
    if (text === null) return PRIM_FAIL;
    s.host.writeStdout(text);
    return receiver(s, argc);
  };
  table[named('Host', 'stderrWrite')] = (s, argc) => {
    const text = stringOf(s, arg(s, argc, 0));
    if (text === null) return PRIM_FAIL;
    s.host.writeStderr(text);
    return receiver(s, argc);
  };
  table[named('Host', 'exit')] = (s, argc) => {
    const code = smallOf(arg(s, argc, 0));
    if (code === null) return PRIM_FAIL;
    s.host.exit(code);
    return receiver(s, argc);
  };
  // unhandledError: description context — ends the evaluation with an error outcome.
  table[named('VM', 'unhandledError')] = (s, argc) => {
    const heap = s.heap;
    const description = stringOf(s, arg(s, argc, 0)) ?? 'an unhandled error';
    const ctx = argc > 1 && isContext(heap, arg(s, argc, 1)) ? arg(s, argc, 1) : s.ctx;
    if (!activeIsEvaluation(heap)) {
      // A background process: report on stderr and end that process only.
      const trace = contextTrace(heap, ctx, s.baseContext);
      s.host.writeStderr(`${description}\n${trace.map((l) => `  ${l}\n`).join('')}`);
      terminateActive(s);
      return PRIM_SWITCHED;
    }
    s.outcome = { kind: 'error', description, trace: contextTrace(heap, ctx, s.baseContext) };
    s.ctx = 0;
    return PRIM_SWITCHED;
  };
  // contextTrace: aContext -> an Array of Strings, one per frame.
  table[named('System', 'contextTrace')] = (s, argc) => {
    const ctx = arg(s, argc, 0);
    if (!isContext(s.heap, ctx)) return PRIM_FAIL;
    const lines = contextTrace(s.heap, ctx, s.baseContext);
    return newArray(s.heap, lines.map((l) => newString(s.heap, l)));
  };
  table[named('System', 'globalAt')] = (s, argc) => {
    const key = arg(s, argc, 0);
    if (!isSymbol(s.heap, key)) return PRIM_FAIL;
    const a = associationAt(s.heap, specialObject(s.heap, Special.smalltalk), key);
    return a ? s.heap.fetch(a, 1) : s.nil;
  };
  table[named('System', 'globalAtPut')] = (s, argc) => {
    const key = arg(s, argc, 0);
    if (!isSymbol(s.heap, key)) return PRIM_FAIL;
    defineGlobal(s.heap, stringValue(s.heap, key), arg(s, argc, 1));
    return arg(s, argc, 1);
  };
  table[named('Classes', 'className')] = (s, argc) => newString(s.heap, className(s.heap, receiver(s, argc)));
  // Behavior>>basicAddSelector: sel withMethod: aCompiledMethod
  table[named('Classes', 'addSelectorWithMethod')] = (s, argc) => {
    const cls = receiver(s, argc);
    const sel = arg(s, argc, 0);
    const method = arg(s, argc, 1);
    if (!isSymbol(s.heap, sel) || !isCompiledMethod(s.heap, method) || !isBehavior(s, cls)) return PRIM_FAIL;
    addMethod(s.heap, cls, sel, method);
    s.cache.flush();
    return cls;
  };
  table[named('Classes', 'removeSelector')] = (s, argc) => {
    const cls = receiver(s, argc);
    const sel = arg(s, argc, 0);
    if (!isSymbol(s.heap, sel) || !isBehavior(s, cls)) return PRIM_FAIL;
    const removed = removeMethod(s.heap, cls, sel);
    s.cache.flush();
    return removed === 0 ? s.nil : removed;
  };
  table[named('Classes', 'flushCache')] = (s, argc) => {
    s.cache.flush();
    return receiver(s, argc);
  };
  // Behavior>>compile: source classified: category -> the installed CompiledMethod
  table[named('Compiler', 'compileMethod')] = (s, argc) => {
    const cls = receiver(s, argc);
    const source = stringOf(s, arg(s, argc, 0));
    const category = argc > 1 ? stringOf(s, arg(s, argc, 1)) ?? '' : '';
    if (source === null || !isBehavior(s, cls)) return PRIM_FAIL;
    if (s.host.compile === null) return compileFailure(s, 'no compiler is installed');
    try {
      const spec = s.host.compile(requestFor(s, source, cls, false, category));
      return installMethod(s.heap, s.cache, spec, cls);
    } catch (e) {
      if (e instanceof HostCompileError) return compileFailure(s, e.message);
      throw e;
    }
  };
  // evaluate: source [for: anObject] -> runs the doit as a call from the active context.
  table[named('Compiler', 'evaluate')] = (s, argc) => {
    const heap = s.heap;
    const source = stringOf(s, arg(s, argc, 0));
    if (source === null) return PRIM_FAIL;
    if (s.host.compile === null) return compileFailure(s, 'no compiler is installed');
    const self = argc > 1 ? arg(s, argc, 1) : s.nil;
    const cls = classOf(heap, self);
    let method: number;
    try {
      const spec = s.host.compile({ ...requestFor(s, source, cls, true, ''), instVarNames: self === s.nil ? [] : allInstVarNames(heap, cls) });
      method = newCompiledMethod(heap, spec, self === s.nil ? classAtIndex(heap, ClassIndex.UndefinedObject) : cls);
    } catch (e) {
      if (e instanceof HostCompileError) return compileFailure(s, e.message);
      throw e;
    }
    const caller = s.ctx;
    const at = s.sp - argc;
    heap.store(caller, CTX_STACKP, smallInt(at - ((caller >>> 2) + 2 + CTX_TEMPS)));
    s.ctx = newContext(heap, method, caller, self, s.nil);
    return PRIM_SWITCHED;
  };
}

/**
 * Recompiles every method of cls from its source (after its instance variables changed),
 * keeping category and origin. Answers a description of the first failure, or null.
 */
export function recompileMethods(s: VMState, cls: number): string | null {
  const heap = s.heap;
  const compile = s.host.compile;
  if (compile === null) return 'no compiler is installed to recompile the methods';
  for (const [, method] of methodDictEntries(heap, heap.fetch(cls, ClassSlot.methodDict))) {
    const source = methodSource(heap, method);
    if (!isStringLike(heap, source)) continue;
    const props = methodProperties(heap, method);
    const prop = (i: number): number => (props !== s.nil && heap.slotCount(props) > i ? heap.fetch(props, i) : s.nil);
    const category = isStringLike(heap, prop(0)) ? stringValue(heap, prop(0)) : '';
    const file = isStringLike(heap, prop(3)) ? stringValue(heap, prop(3)) : undefined;
    const line = (prop(4) & 1) === 1 ? prop(4) >> 1 : undefined;
    try {
      const spec = compile(requestFor(s, stringValue(heap, source), cls, false, category));
      installMethod(heap, s.cache, spec, cls, { file, line });
    } catch (e) {
      if (e instanceof HostCompileError) return `${className(heap, cls)}: ${e.message}`;
      throw e;
    }
  }
  return null;
}

function isBehavior(s: VMState, cls: number): boolean {
  return registeredIndex(s, cls) >= 0;
}
