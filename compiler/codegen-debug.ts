// Temp names for the disassembler. MethodSpec stays a plain heap-independent description
// without debug tables, so the names are recovered on demand by compiling spec.source
// again. Temp layout depends only on the source (declarations are lexical, and temps
// shadow instance variables and globals), so an environment that binds every free name
// reproduces it; contexts are matched by order (the method, then its blocks in code
// order), which does not depend on instruction lengths.

import type { MethodSpec } from '../vm/method-spec.ts';
import { LENGTHS, Op } from '../vm/opcodes.ts';
import { generate } from './compile.ts';
import { parseDoit, parseMethod } from './parser.ts';

/** Names of one context's temp slots, and of the variables in each temp vector it holds. */
export interface ContextNames {
  slots: readonly string[];
  /** Slot holding a temp vector -> names of the vector's variables by index. */
  vectors: ReadonlyMap<number, readonly string[]>;
}

const BIND_ALL = { instVarNames: [] as string[], isBound: (): boolean => true };

/** Per context (the method first, then blocks in code order), or null when the source does not compile. */
export function namesOf(spec: MethodSpec): ContextNames[] | null {
  try {
    const isDoit = spec.selector === 'DoIt' && spec.className === null;
    const node = isDoit ? parseDoit(spec.source) : parseMethod(spec.source);
    const { spec: again, names } = generate(node, spec.source, BIND_ALL, {}, true);
    return again.numTemps === spec.numTemps && names.length === countClosures(spec) + 1 ? names : null;
  } catch {
    return null;
  }
}

function countClosures(spec: MethodSpec): number {
  let n = 0;
  const code = spec.bytecodes;
  for (let pc = 0; pc < code.length;) {
    const op = code[pc];
    if (op === undefined) break;
    if (op === Op.PUSH_CLOSURE) n++;
    pc += LENGTHS[op] ?? 1;
  }
  return n;
}
