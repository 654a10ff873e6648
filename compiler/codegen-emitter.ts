// The byte buffer code generation writes into: instructions (encoded from the opcode
// table's operand kinds, as encode() does, without its per-call name lookup), the
// deduplicated literal frame, the stack depth of the context
// being generated, forward/backward jumps, and the pc -> source map.
//
// Stack depth is tracked per context: the emitter holds the depth of the context whose
// code is being written; codegen saves and resets it around each block body. At joins
// of inlined control flow codegen sets `depth` explicitly (after an unconditional jump
// or a return the next instruction is only reachable from elsewhere).

import type { Literal, SourceRange } from '../vm/method-spec.ts';
import { Op, OPCODES, SPECIAL_SELECTORS } from '../vm/opcodes.ts';
import type { Span } from './ast.ts';

export const MAX_LITERALS = 65536;

/** A key equal for literals that are the same kind and value (arrays deep; -0.0 apart from 0.0). */
export function literalKey(lit: Literal): string {
  switch (lit.kind) {
    // At the top level the first character tells the kind, so strings need no quoting.
    case 'string': return `'${lit.value}`;
    case 'symbol': return `#${lit.value}`;
    default: return nestedKey(lit);
  }
}

/** Key of a literal inside an array: strings quoted so element boundaries stay unambiguous. */
function nestedKey(lit: Literal): string {
  switch (lit.kind) {
    case 'nil': case 'true': case 'false': return lit.kind;
    case 'integer': return `i${lit.value}`;
    case 'float': return Object.is(lit.value, -0) ? 'f-0' : `f${lit.value}`;
    case 'scaled': return `s${lit.numerator}/${lit.denominator}/${lit.scale}`;
    case 'character': return `c${lit.value}`;
    case 'string': return `'${JSON.stringify(lit.value)}`;
    case 'symbol': return `#${JSON.stringify(lit.value)}`;
    case 'bytes': return `[${lit.value.join(' ')}]`;
    case 'array': return `(${lit.elements.map(nestedKey).join(' ')})`;
    case 'binding': return `@${lit.name}`;
  }
}

/** Per opcode: operand byte sizes and signedness, derived from OPCODES. */
const OPERANDS: readonly (readonly { size: number; min: number; max: number }[])[] = OPCODES.map((o) =>
  o.operands.map((op) => {
    switch (op.kind) {
      case 'u8': return { size: 1, min: 0, max: 255 };
      case 'i8': return { size: 1, min: -128, max: 127 };
      case 'u16': return { size: 2, min: 0, max: 0xffff };
      case 'i16': return { size: 2, min: -0x8000, max: 0x7fff };
    }
  }));

const STACK: readonly (number | null)[] = OPCODES.map((o) => o.stack);

export class Emitter {
  readonly code: number[];
  readonly sourceMap: Map<number, SourceRange>;
  readonly literals: Literal[];
  private readonly literalIndex: Map<string, number>;
  /** Stack depth of the context being generated, and its maximum so far. */
  depth: number;
  maxDepth: number;
  /** Source range that the next instructions map to. */
  span: Span;
  /** The range object last put in the source map and the span it copies (shared while unchanged). */
  private lastSpan: Span | null;
  private lastRange: SourceRange;
  /** Throws the CompileError for `reason` at a span. */
  private readonly fail: (reason: string, at: Span) => never;

  constructor(fail: (reason: string, at: Span) => never) {
    this.code = [];
    this.sourceMap = new Map();
    this.literals = [];
    this.literalIndex = new Map();
    this.depth = 0;
    this.maxDepth = 0;
    this.span = { start: 0, end: 0 };
    this.lastSpan = null;
    this.lastRange = { start: 0, end: 0 };
    this.fail = fail;
  }

  get pc(): number {
    return this.code.length;
  }

  private adjust(effect: number): void {
    this.depth += effect;
    if (this.depth > this.maxDepth) this.maxDepth = this.depth;
  }

  /**
   * Appends one instruction (operands beyond the opcode's count are ignored) and maps it
   * to the current span. Operands are checked against their kinds like encode() does.
   */
  private write(code: number, a: number, b: number, c: number, d: number): void {
    const out = this.code;
    const span = this.span;
    if (span !== this.lastSpan) {
      this.lastSpan = span;
      this.lastRange = { start: span.start, end: span.end };
    }
    this.sourceMap.set(out.length, this.lastRange);
    out.push(code);
    const kinds = OPERANDS[code];
    for (let i = 0; i < kinds.length; i++) {
      const v = i === 0 ? a : i === 1 ? b : i === 2 ? c : d;
      const k = kinds[i];
      if (!Number.isInteger(v) || v < k.min || v > k.max) {
        throw new RangeError(`${OPCODES[code].name} operand ${OPCODES[code].operands[i].name}=${v} is out of range`);
      }
      if (k.size === 1) out.push(v & 0xff);
      else out.push(v & 0xff, (v >> 8) & 0xff);
    }
  }

  /** An instruction with a fixed stack effect (every opcode whose table entry has one). */
  op(code: number, a = 0, b = 0): void {
    this.write(code, a, b, 0, 0);
    this.adjust(STACK[code]!);
  }

  send(selector: string, numArgs: number, isSuper: boolean): void {
    const index = this.symbol(selector);
    this.write(isSuper ? Op.SUPER_SEND : Op.SEND, index, numArgs, 0, 0);
    this.adjust(-numArgs);
  }

  sendSpecial(index: number): void {
    this.write(Op.SEND_SPECIAL, index, 0, 0, 0);
    this.adjust(-SPECIAL_SELECTORS[index][1]);
  }

  popIntoArray(size: number): void {
    this.write(Op.POP_INTO_ARRAY, size, 0, 0, 0);
    this.adjust(1 - size);
  }

  /** Writes PUSH_CLOSURE with a placeholder size; returns the pc to give endClosure(). */
  beginClosure(copied: number, args: number, temps: number): number {
    const at = this.code.length;
    this.write(Op.PUSH_CLOSURE, copied, args, temps, 0);
    return at;
  }

  endClosure(at: number): void {
    const size = this.code.length - (at + 6);
    if (size > 0xffff) this.fail('method too large', this.sourceMap.get(at)!);
    this.code[at + 4] = size & 0xff;
    this.code[at + 5] = size >> 8;
  }

  /** Index of the symbol literal `name` (selectors), adding it if new. */
  symbol(name: string): number {
    const index = this.literalIndex.get(`#${name}`);
    return index !== undefined ? index : this.literal({ kind: 'symbol', value: name });
  }

  /** Index of `lit` in the literal frame, adding it if new. */
  literal(lit: Literal): number {
    const key = literalKey(lit);
    let index = this.literalIndex.get(key);
    if (index === undefined) {
      index = this.literals.length;
      if (index >= MAX_LITERALS) this.fail('too many literals', this.span);
      this.literals.push(lit);
      this.literalIndex.set(key, index);
    }
    return index;
  }

  pushLiteral(lit: Literal): void {
    switch (lit.kind) {
      case 'nil': return this.op(Op.PUSH_NIL);
      case 'true': return this.op(Op.PUSH_TRUE);
      case 'false': return this.op(Op.PUSH_FALSE);
      case 'integer':
        if (lit.value >= -128n && lit.value <= 127n) return this.op(Op.PUSH_INT, Number(lit.value));
    }
    this.op(Op.PUSH_LITERAL, this.literal(lit));
  }

  /** A forward jump; returns the label to give patch() where the target is. */
  jumpForward(code: number): number {
    const at = this.code.length;
    this.op(code, 0);
    return at;
  }

  /** Points the forward jump written at `label` at the current pc. */
  patch(label: number): void {
    const offset = this.code.length - (label + 3);
    if (offset > 0x7fff) this.fail('method too large', this.sourceMap.get(label)!);
    this.code[label + 1] = offset & 0xff;
    this.code[label + 2] = (offset >> 8) & 0xff;
  }

  jumpBack(code: number, target: number): void {
    const offset = target - (this.code.length + 3);
    if (offset < -0x8000) this.fail('method too large', this.span);
    this.op(code, offset);
  }
}
