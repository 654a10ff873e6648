// The one bytecode table. The compiler, the interpreter, the disassembler and the tests
// all derive from OPCODES; nothing else in the project lists opcodes.
//
// Encoding: one opcode byte followed by its operands, little-endian. Operand kinds:
//   u8  unsigned byte          u16 unsigned 16-bit
//   i8  signed byte            i16 signed 16-bit (jump offsets, relative to the next instruction)
//
// "Temp" indexes count the context's argument and temporary slots from 0 (arguments
// first). "Literal" indexes count the method's literal frame from 0. A "remote temp"
// lives in a temp vector (an Array held in a temp) so that blocks and their home
// share a variable that is written after capture.
//
// Stack effect is pushes minus pops; `null` means it depends on an operand (sends,
// closures, array construction) and is computed by stackEffect().

export type OperandKind = 'u8' | 'u16' | 'i8' | 'i16';

export interface OpcodeInfo {
  readonly code: number;
  readonly name: string;
  readonly operands: readonly { readonly name: string; readonly kind: OperandKind }[];
  readonly stack: number | null;
  readonly meaning: string;
}

type Row = [name: string, operands: string, stack: number | null, meaning: string];

// Special selectors sent by SEND_SPECIAL, in this order; the VM keeps the same list as
// symbols in the special-objects array so a failed fast path can do an ordinary send.
export const SPECIAL_SELECTORS: readonly (readonly [selector: string, numArgs: number])[] = [
  ['+', 1], ['-', 1], ['<', 1], ['>', 1], ['<=', 1], ['>=', 1], ['=', 1], ['~=', 1],
  ['*', 1], ['/', 1], ['\\\\', 1], ['//', 1], ['bitAnd:', 1], ['bitOr:', 1], ['bitShift:', 1],
  ['@', 1], ['at:', 1], ['at:put:', 2], ['size', 0], ['value', 0], ['value:', 1],
  ['class', 0], ['isNil', 0], ['notNil', 0], ['new', 0], ['new:', 1], ['==', 1], ['~~', 1],
];

const ROWS: Row[] = [
  ['PUSH_SELF', '', 1, 'push the receiver'],
  ['PUSH_NIL', '', 1, 'push nil'],
  ['PUSH_TRUE', '', 1, 'push true'],
  ['PUSH_FALSE', '', 1, 'push false'],
  ['PUSH_THIS_CONTEXT', '', 1, 'push the active context (reifies it for reflection)'],
  ['PUSH_INT', 'value:i8', 1, 'push a SmallInteger in -128..127'],
  ['PUSH_LITERAL', 'index:u16', 1, 'push literal[index]'],
  ['PUSH_GLOBAL', 'index:u16', 1, 'push the value of the binding (Association) in literal[index]'],
  ['STORE_GLOBAL', 'index:u16', 0, 'store top into the binding in literal[index], keep top'],
  ['PUSH_INST_VAR', 'index:u8', 1, 'push receiver instance variable [index]'],
  ['STORE_INST_VAR', 'index:u8', 0, 'store top into receiver instance variable [index], keep top'],
  ['POP_STORE_INST_VAR', 'index:u8', -1, 'pop top into receiver instance variable [index]'],
  ['PUSH_TEMP', 'index:u8', 1, 'push temp [index] of the active context'],
  ['STORE_TEMP', 'index:u8', 0, 'store top into temp [index], keep top'],
  ['POP_STORE_TEMP', 'index:u8', -1, 'pop top into temp [index]'],
  ['PUSH_NEW_ARRAY', 'size:u8', 1, 'push a new Array of size nils (a temp vector)'],
  ['PUSH_REMOTE_TEMP', 'index:u8 vector:u8', 1, 'push slot [index] of the temp vector in temp [vector]'],
  ['STORE_REMOTE_TEMP', 'index:u8 vector:u8', 0, 'store top into slot [index] of the temp vector in temp [vector], keep top'],
  ['POP_STORE_REMOTE_TEMP', 'index:u8 vector:u8', -1, 'pop top into slot [index] of the temp vector in temp [vector]'],
  ['POP_INTO_ARRAY', 'size:u8', null, 'pop size values and push an Array holding them in order (brace arrays)'],
  ['POP', '', -1, 'discard top'],
  ['DUP', '', 1, 'push a copy of top'],
  ['SEND', 'selector:u16 args:u8', null, 'send literal[selector] with args arguments to the receiver below them'],
  ['SUPER_SEND', 'selector:u16 args:u8', null, 'send literal[selector], looked up from the superclass of the method class'],
  ['SEND_SPECIAL', 'index:u8', null, 'send SPECIAL_SELECTORS[index], with inline fast paths for SmallIntegers, Floats and ==/~~'],
  ['PUSH_CLOSURE', 'copied:u8 args:u8 temps:u8 size:u16', null, 'pop copied values into a new BlockClosure whose code is the next size bytes; skip them; push it'],
  ['JUMP', 'offset:i16', 0, 'jump by offset'],
  ['JUMP_TRUE', 'offset:i16', -1, 'pop; jump by offset if true, continue if false, else send #mustBeBoolean'],
  ['JUMP_FALSE', 'offset:i16', -1, 'pop; jump by offset if false, continue if true, else send #mustBeBoolean'],
  ['JUMP_NIL', 'offset:i16', -1, 'pop; jump by offset if nil'],
  ['JUMP_NOT_NIL', 'offset:i16', -1, 'pop; jump by offset unless nil'],
  ['RETURN_TOP', '', -1, 'return top from the home method (a non-local return when in a block)'],
  ['RETURN_SELF', '', 0, 'return the receiver from the home method'],
  ['BLOCK_RETURN', '', -1, 'return top from the active block to its caller'],
  ['NOP', '', 0, 'do nothing'],
];

function parseOperands(spec: string): { name: string; kind: OperandKind }[] {
  if (spec === '') return [];
  return spec.split(' ').map((part) => {
    const [name, kind] = part.split(':');
    return { name, kind: kind as OperandKind };
  });
}

export const OPCODES: readonly OpcodeInfo[] = ROWS.map(([name, operands, stack, meaning], code) => ({
  code,
  name,
  operands: parseOperands(operands),
  stack,
  meaning,
}));

const BY_NAME = new Map(OPCODES.map((o) => [o.name, o]));

export function opcode(name: string): OpcodeInfo {
  const info = BY_NAME.get(name);
  if (!info) throw new Error(`unknown opcode ${name}`);
  return info;
}

const OPERAND_SIZE: Record<OperandKind, number> = { u8: 1, i8: 1, u16: 2, i16: 2 };

/** Byte length of each instruction, indexed by opcode. */
export const LENGTHS: readonly number[] = OPCODES.map(
  (o) => 1 + o.operands.reduce((n, op) => n + OPERAND_SIZE[op.kind], 0),
);

// Numeric constants for the run loop's switch and for codegen. Kept literal (not
// computed) so the interpreter's switch compiles to a jump table; a test checks that
// they agree with OPCODES.
export const Op = {
  PUSH_SELF: 0, PUSH_NIL: 1, PUSH_TRUE: 2, PUSH_FALSE: 3, PUSH_THIS_CONTEXT: 4, PUSH_INT: 5,
  PUSH_LITERAL: 6, PUSH_GLOBAL: 7, STORE_GLOBAL: 8, PUSH_INST_VAR: 9, STORE_INST_VAR: 10,
  POP_STORE_INST_VAR: 11, PUSH_TEMP: 12, STORE_TEMP: 13, POP_STORE_TEMP: 14, PUSH_NEW_ARRAY: 15,
  PUSH_REMOTE_TEMP: 16, STORE_REMOTE_TEMP: 17, POP_STORE_REMOTE_TEMP: 18, POP_INTO_ARRAY: 19,
  POP: 20, DUP: 21, SEND: 22, SUPER_SEND: 23, SEND_SPECIAL: 24, PUSH_CLOSURE: 25, JUMP: 26,
  JUMP_TRUE: 27, JUMP_FALSE: 28, JUMP_NIL: 29, JUMP_NOT_NIL: 30, RETURN_TOP: 31, RETURN_SELF: 32,
  BLOCK_RETURN: 33, NOP: 34,
} as const;

/** Reads the operands of the instruction at pc. */
export function decodeOperands(code: Uint8Array, pc: number): number[] {
  const info = OPCODES[code[pc]];
  const values: number[] = [];
  let at = pc + 1;
  for (const op of info.operands) {
    switch (op.kind) {
      case 'u8': values.push(code[at]); break;
      case 'i8': values.push((code[at] << 24) >> 24); break;
      case 'u16': values.push(code[at] | (code[at + 1] << 8)); break;
      case 'i16': values.push(((code[at] | (code[at + 1] << 8)) << 16) >> 16); break;
    }
    at += OPERAND_SIZE[op.kind];
  }
  return values;
}

/** Appends one instruction to out, checking every operand against its kind's range. */
export function encode(out: number[], name: string, ...operands: number[]): void {
  const info = opcode(name);
  if (operands.length !== info.operands.length) {
    throw new Error(`${name} takes ${info.operands.length} operands, got ${operands.length}`);
  }
  out.push(info.code);
  info.operands.forEach((op, i) => {
    const v = operands[i];
    const [lo, hi] = op.kind === 'u8' ? [0, 255] : op.kind === 'i8' ? [-128, 127]
      : op.kind === 'u16' ? [0, 65535] : [-32768, 32767];
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new RangeError(`${name} operand ${op.name}=${v} is outside ${op.kind}`);
    }
    if (OPERAND_SIZE[op.kind] === 1) out.push(v & 0xff);
    else out.push(v & 0xff, (v >> 8) & 0xff);
  });
}

/** Stack effect of the instruction at pc (pushes minus pops). */
export function stackEffect(code: Uint8Array, pc: number): number {
  const info = OPCODES[code[pc]];
  if (info.stack !== null) return info.stack;
  const ops = decodeOperands(code, pc);
  switch (info.code) {
    case Op.POP_INTO_ARRAY: return 1 - ops[0];
    case Op.SEND: case Op.SUPER_SEND: return -ops[1];
    case Op.SEND_SPECIAL: return -SPECIAL_SELECTORS[ops[0]][1];
    case Op.PUSH_CLOSURE: return 1 - ops[0];
    default: throw new Error(`no stack effect for ${info.name}`);
  }
}
