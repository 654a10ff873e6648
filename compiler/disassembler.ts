// Human-readable listing of a MethodSpec, derived from the opcode table: every
// instruction's name and operands come from OPCODES/decodeOperands, so a new opcode
// prints without touching this file. Block bodies are indented one level per nesting.

import type { Literal, MethodSpec } from '../vm/method-spec.ts';
import { decodeOperands, LENGTHS, Op, OPCODES, SPECIAL_SELECTORS } from '../vm/opcodes.ts';
import { namesOf, type ContextNames } from './codegen-debug.ts';

const COMMENT_COLUMN = 40;

/** `instVarNames`, when given, names the receiver's instance variables in comments. */
export function disassemble(spec: MethodSpec, instVarNames?: readonly string[]): string {
  const code = spec.bytecodes;
  const names = namesOf(spec);
  let closures = 0;
  const lines: string[] = [];
  const owner = spec.className ? `${spec.className}>>` : '';
  lines.push(`${owner}${spec.selector}  numArgs ${spec.numArgs}  numTemps ${spec.numTemps}  frameSize ${spec.frameSize}`
    + primitiveText(spec));
  for (const p of spec.pragmas) lines.push(`<${pragmaText(p.keyword, p.args)}>`);
  const width = String(Math.max(0, code.length - 1)).length;
  // Open blocks: the pc where each ends and its context's names.
  const open: { end: number; ctx: ContextNames | undefined }[] = [];
  let pc = 0;
  while (pc < code.length) {
    while (open.length > 0 && pc >= open[open.length - 1].end) open.pop();
    const op = code[pc];
    const info = OPCODES[op];
    if (!info || pc + LENGTHS[op] > code.length) {
      lines.push(`${String(pc).padStart(width)}  <bad byte ${code[pc]}>`);
      pc++;
      continue;
    }
    const operands = decodeOperands(code, pc);
    const ctx = open.length > 0 ? open[open.length - 1].ctx : names?.[0];
    const text = `${String(pc).padStart(width)}  ${'  '.repeat(open.length)}${[info.name, ...operands].join(' ')}`;
    const next = pc + LENGTHS[op];
    const note = comment(spec, op, operands, next, ctx, open.length > 0, instVarNames);
    lines.push(note ? `${text.padEnd(COMMENT_COLUMN)} ; ${note}` : text);
    if (op === Op.PUSH_CLOSURE) open.push({ end: next + operands[3], ctx: names?.[++closures] });
    pc = next;
  }
  if (spec.literals.length > 0) {
    lines.push('literals:');
    const w = String(spec.literals.length - 1).length;
    spec.literals.forEach((lit, i) => lines.push(`${String(i).padStart(w)}  ${printLiteral(lit)}`));
  }
  return lines.join('\n');
}

function comment(spec: MethodSpec, op: number, ops: number[], next: number, ctx: ContextNames | undefined, inBlock: boolean,
  instVars: readonly string[] | undefined): string {
  const lit = (i: number): string => (i < spec.literals.length ? printLiteral(spec.literals[i]) : `<no literal ${i}>`);
  const temp = (i: number): string => ctx?.slots[i] ?? '';
  switch (op) {
    case Op.PUSH_LITERAL: case Op.PUSH_GLOBAL: case Op.STORE_GLOBAL: return lit(ops[0]);
    case Op.SEND: case Op.SUPER_SEND: return `${op === Op.SUPER_SEND ? 'super ' : ''}${lit(ops[0])}`;
    case Op.SEND_SPECIAL: return SPECIAL_SELECTORS[ops[0]] ? `#${SPECIAL_SELECTORS[ops[0]][0]}` : '<bad special>';
    case Op.PUSH_INST_VAR: case Op.STORE_INST_VAR: case Op.POP_STORE_INST_VAR: return instVars?.[ops[0]] ?? '';
    case Op.PUSH_TEMP: case Op.STORE_TEMP: case Op.POP_STORE_TEMP: return temp(ops[0]);
    case Op.PUSH_REMOTE_TEMP: case Op.STORE_REMOTE_TEMP: case Op.POP_STORE_REMOTE_TEMP: {
      const name = ctx?.vectors.get(ops[1])?.[ops[0]];
      return name ? `${name} (vector in temp ${ops[1]})` : '';
    }
    case Op.JUMP: case Op.JUMP_TRUE: case Op.JUMP_FALSE: case Op.JUMP_NIL: case Op.JUMP_NOT_NIL:
      return `to ${next + ops[0]}`;
    case Op.PUSH_CLOSURE: return `block ${next}..${next + ops[3]}`;
    case Op.RETURN_TOP: case Op.RETURN_SELF: return inBlock ? 'non-local return' : '';
    default: return '';
  }
}

function primitiveText(spec: MethodSpec): string {
  const p = spec.primitive;
  if (p.kind === 'numbered') return `  <primitive: ${p.index}>`;
  if (p.kind === 'named') return `  <primitive: ${printLiteral({ kind: 'string', value: p.name })}${p.module === null ? '' : ` module: ${printLiteral({ kind: 'string', value: p.module })}`}>`;
  return '';
}

function pragmaText(keyword: string, args: Literal[]): string {
  if (args.length === 0) return keyword;
  const parts = keyword.split(':').filter((k) => k !== '');
  return parts.map((k, i) => `${k}: ${args[i] ? printLiteral(args[i]) : '?'}`).join(' ');
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS = /^([A-Za-z_][A-Za-z0-9_]*:)+$/;
const BINARY = /^[-+*/\\<>=~@%|&?,!]+$/;

function symbolBody(s: string): string {
  return IDENT.test(s) || KEYWORDS.test(s) || BINARY.test(s) ? s : quote(s);
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export function printFloat(v: number): string {
  if (Number.isNaN(v)) return 'Float nan';
  if (v === Infinity) return 'Float infinity';
  if (v === -Infinity) return 'Float negativeInfinity';
  if (Object.is(v, -0)) return '-0.0';
  const s = String(v);
  const m = /^(-?\d+)(\.\d+)?(?:e([-+]\d+))?$/.exec(s);
  if (!m) return s;
  const exp = m[3] ? `e${Number(m[3])}` : '';
  return `${m[1]}${m[2] ?? '.0'}${exp}`;
}

function printScaled(n: bigint, d: bigint, scale: number): string {
  const neg = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  const digits = (an * 10n ** BigInt(scale)) / ad;
  let text = digits.toString();
  if (scale > 0) {
    text = text.padStart(scale + 1, '0');
    text = `${text.slice(0, -scale)}.${text.slice(-scale)}`;
  }
  return `${neg && digits !== 0n ? '-' : ''}${text}s${scale}`;
}

export function printLiteral(lit: Literal, inArray = false): string {
  switch (lit.kind) {
    case 'nil': case 'true': case 'false': return lit.kind;
    case 'integer': return lit.value.toString();
    case 'float': return printFloat(lit.value);
    case 'scaled': return printScaled(lit.numerator, lit.denominator, lit.scale);
    case 'character':
      return lit.value > 32 && lit.value !== 127 && !(lit.value >= 128 && lit.value <= 160)
        ? `$${String.fromCodePoint(lit.value)}` : `(Character value: ${lit.value})`;
    case 'string': return quote(lit.value);
    case 'symbol': return `#${symbolBody(lit.value)}`;
    case 'array': return `${inArray ? '' : '#'}(${lit.elements.map((e) => printLiteral(e, true)).join(' ')})`;
    case 'bytes': return `#[${lit.value.join(' ')}]`;
    case 'binding': return `binding ${lit.name}`;
  }
}
