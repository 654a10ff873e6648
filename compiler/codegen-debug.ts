// Debug names the compiler keeps beside each MethodSpec it produced, so the disassembler
// can print temp names. MethodSpec itself stays a plain heap-independent description; a
// WeakMap lets the names go away with the spec.

import type { MethodSpec } from '../vm/method-spec.ts';

/** Names of one context's temp slots, and of the variables in each temp vector it holds. */
export interface ContextNames {
  slots: readonly string[];
  /** Slot holding a temp vector -> names of the vector's variables by index. */
  vectors: ReadonlyMap<number, readonly string[]>;
}

export interface MethodNames {
  /** Context names keyed by the pc of the context's PUSH_CLOSURE, -1 for the method. */
  contexts: ReadonlyMap<number, ContextNames>;
  instVars: readonly string[];
}

const NAMES = new WeakMap<MethodSpec, MethodNames>();

export function recordNames(spec: MethodSpec, names: MethodNames): void {
  NAMES.set(spec, names);
}

export function namesOf(spec: MethodSpec): MethodNames | undefined {
  return NAMES.get(spec);
}
