// Static checks of compiled code, used by the codegen tests: every context decodes
// exactly (LENGTHS walk lands on its end), jumps land on instruction starts of the same
// context, operands are in range, every path ends in a return, stack depths agree where
// paths join, and frameSize covers the deepest simulated context.

import type { MethodSpec } from '../../vm/method-spec.ts';
import { decodeOperands, LENGTHS, Op, OPCODES, SPECIAL_SELECTORS, stackEffect } from '../../vm/opcodes.ts';

export interface ContextCheck {
  start: number;
  end: number;
  slots: number;
  maxDepth: number;
}

function arity(selector: string): number {
  if (/^[A-Za-z_]/.test(selector)) return (selector.match(/:/g) ?? []).length;
  return 1;
}

/** Simulates every context of `spec`; throws an Error describing the first problem. */
export function checkMethod(spec: MethodSpec): ContextCheck[] {
  const out: ContextCheck[] = [];
  const code = spec.bytecodes;
  checkContext(spec, 0, code.length, spec.numTemps, false, out);
  for (const c of out) {
    if (c.slots + c.maxDepth > spec.frameSize) {
      throw new Error(`context at ${c.start} needs ${c.slots + c.maxDepth} slots, frameSize is ${spec.frameSize}`);
    }
  }
  return out;
}

function checkContext(spec: MethodSpec, start: number, end: number, slots: number, isBlock: boolean, out: ContextCheck[]): void {
  const code = spec.bytecodes;
  const fail = (pc: number, why: string): never => { throw new Error(`pc ${pc}: ${why}`); };
  // Linear decode of this context's instructions (nested block bodies are skipped).
  const starts = new Set<number>();
  let pc = start;
  while (pc < end) {
    if (OPCODES[code[pc]] === undefined) fail(pc, `bad opcode ${code[pc]}`);
    starts.add(pc);
    const next = pc + LENGTHS[code[pc]];
    if (next > end) fail(pc, 'instruction runs past the end of its context');
    if (code[pc] === Op.PUSH_CLOSURE) {
      const [copied, args, temps, size] = decodeOperands(code, pc);
      if (next + size > end) fail(pc, 'block body runs past its context');
      checkContext(spec, next, next + size, args + copied + temps, true, out);
      pc = next + size;
    } else {
      pc = next;
    }
  }
  if (pc !== end) fail(pc, 'decode does not land on the end');
  // Depth dataflow.
  const depthAt = new Map<number, number>();
  const work: [number, number][] = [[start, 0]];
  let maxDepth = 0;
  while (work.length > 0) {
    const [at, depth] = work.pop()!;
    if (at === end) fail(at, 'falls off the end without a return');
    if (!starts.has(at)) fail(at, 'jump into the middle of an instruction or another context');
    const seen = depthAt.get(at);
    if (seen !== undefined) {
      if (seen !== depth) fail(at, `stack depth ${depth} here disagrees with ${seen}`);
      continue;
    }
    depthAt.set(at, depth);
    const op = code[at];
    const ops = decodeOperands(code, at);
    const pops = popsOf(op, ops);
    if (depth < pops) fail(at, `${OPCODES[op].name} underflows (depth ${depth})`);
    checkOperands(spec, at, op, ops, slots, fail);
    const after = depth + stackEffect(code, at);
    maxDepth = Math.max(maxDepth, after);
    let next = at + LENGTHS[op];
    if (op === Op.PUSH_CLOSURE) next += ops[3];
    switch (op) {
      case Op.RETURN_TOP: case Op.RETURN_SELF: continue;
      case Op.BLOCK_RETURN:
        if (!isBlock) fail(at, 'BLOCK_RETURN in a method');
        continue;
      case Op.JUMP: work.push([next + ops[0], after]); continue;
      case Op.JUMP_TRUE: case Op.JUMP_FALSE: case Op.JUMP_NIL: case Op.JUMP_NOT_NIL:
        work.push([next + ops[0], after]);
        work.push([next, after]);
        continue;
      default: work.push([next, after]);
    }
  }
  out.push({ start, end, slots, maxDepth });
}

function popsOf(op: number, ops: number[]): number {
  switch (op) {
    case Op.SEND: case Op.SUPER_SEND: return ops[1] + 1;
    case Op.SEND_SPECIAL: return SPECIAL_SELECTORS[ops[0]][1] + 1;
    case Op.POP_INTO_ARRAY: return ops[0];
    case Op.PUSH_CLOSURE: return ops[0];
    case Op.STORE_GLOBAL: case Op.STORE_INST_VAR: case Op.STORE_TEMP: case Op.STORE_REMOTE_TEMP:
    case Op.POP_STORE_INST_VAR: case Op.POP_STORE_TEMP: case Op.POP_STORE_REMOTE_TEMP:
    case Op.POP: case Op.DUP: case Op.JUMP_TRUE: case Op.JUMP_FALSE: case Op.JUMP_NIL: case Op.JUMP_NOT_NIL:
    case Op.RETURN_TOP: case Op.BLOCK_RETURN:
      return 1;
    default: return 0;
  }
}

function checkOperands(spec: MethodSpec, at: number, op: number, ops: number[], slots: number, fail: (pc: number, why: string) => never): void {
  const lits = spec.literals;
  switch (op) {
    case Op.PUSH_LITERAL:
      if (ops[0] >= lits.length) fail(at, 'literal index out of range');
      return;
    case Op.PUSH_GLOBAL: case Op.STORE_GLOBAL:
      if (lits[ops[0]]?.kind !== 'binding') fail(at, 'global access without a binding literal');
      return;
    case Op.SEND: case Op.SUPER_SEND: {
      const lit = lits[ops[0]];
      if (lit?.kind !== 'symbol') fail(at, 'send without a selector literal');
      if (lit.kind === 'symbol' && arity(lit.value) !== ops[1]) fail(at, `#${lit.value} sent with ${ops[1]} args`);
      return;
    }
    case Op.PUSH_TEMP: case Op.STORE_TEMP: case Op.POP_STORE_TEMP:
      if (ops[0] >= slots) fail(at, `temp ${ops[0]} out of ${slots}`);
      return;
    case Op.PUSH_REMOTE_TEMP: case Op.STORE_REMOTE_TEMP: case Op.POP_STORE_REMOTE_TEMP:
      if (ops[1] >= slots) fail(at, `vector temp ${ops[1]} out of ${slots}`);
      return;
    case Op.PUSH_INST_VAR: case Op.STORE_INST_VAR: case Op.POP_STORE_INST_VAR:
      return;
  }
}
