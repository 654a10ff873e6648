// A tiny reference interpreter for compiled MethodSpecs, used only by the codegen tests
// to check behaviour (closure capture, loop values, non-local return) rather than byte
// patterns. It follows the VM contract written at the top of compiler/codegen.ts:
// contexts hold temps then stack, PUSH_CLOSURE pops copied values, blocks get
// [args, copied, nil temps], ^ in a block returns from the home method. It also checks
// that no context ever grows beyond the method's frameSize.

import type { Literal, MethodSpec } from '../../vm/method-spec.ts';
import { decodeOperands, LENGTHS, Op, SPECIAL_SELECTORS } from '../../vm/opcodes.ts';

export type Value = number | bigint | boolean | null | string | Value[] | Closure | Obj | Sym | ClassRef;

export class Sym { constructor(readonly name: string) {} }
export class ClassRef { constructor(readonly name: string) {} }

/** A receiver: instance variables plus the methods its class (and superclass) understand. */
export class Obj {
  constructor(
    readonly ivars: Value[],
    readonly methods: Map<string, MethodSpec>,
    readonly superMethods: Map<string, MethodSpec> = new Map(),
  ) {}
}

export class Closure {
  constructor(
    readonly spec: MethodSpec,
    readonly start: number,
    readonly end: number,
    readonly numArgs: number,
    readonly numTemps: number,
    readonly copied: Value[],
    readonly home: Frame,
  ) {}
}

class Frame {
  readonly stack: Value[] = [];
  constructor(readonly spec: MethodSpec, readonly temps: Value[], readonly receiver: Value, readonly home: Frame | null) {}
}

class NonLocalReturn {
  constructor(readonly home: Frame, readonly value: Value) {}
}

export class MiniVM {
  readonly globals = new Map<string, Value>();
  /** Every value printed by `Transcript show:`. */
  readonly output: Value[] = [];
  steps = 0;

  constructor() {
    this.globals.set('OrderedCollection', new ClassRef('OrderedCollection'));
    this.globals.set('Array', new ClassRef('Array'));
    this.globals.set('Transcript', new ClassRef('Transcript'));
  }

  run(spec: MethodSpec, receiver: Value = null, args: Value[] = []): Value {
    const temps: Value[] = [...args];
    while (temps.length < spec.numTemps) temps.push(null);
    const frame = new Frame(spec, temps, receiver, null);
    try {
      return this.exec(frame, 0, spec.bytecodes.length);
    } catch (e) {
      if (e instanceof NonLocalReturn && e.home === frame) return e.value;
      throw e;
    }
  }

  callBlock(c: Closure, args: Value[]): Value {
    if (args.length !== c.numArgs) throw new Error(`block takes ${c.numArgs} args, got ${args.length}`);
    const temps: Value[] = [...args, ...c.copied];
    for (let i = 0; i < c.numTemps; i++) temps.push(null);
    return this.exec(new Frame(c.spec, temps, c.home.receiver, c.home), c.start, c.end);
  }

  private literal(lit: Literal): Value {
    switch (lit.kind) {
      case 'nil': return null;
      case 'true': return true;
      case 'false': return false;
      case 'integer': return Number(lit.value);
      case 'float': return lit.value;
      case 'string': return lit.value;
      case 'symbol': return new Sym(lit.value);
      case 'character': return String.fromCodePoint(lit.value);
      case 'array': return lit.elements.map((e) => this.literal(e));
      case 'bytes': return [...lit.value];
      case 'scaled': return Number(lit.numerator) / Number(lit.denominator);
      case 'binding': return new Sym(lit.name);
    }
  }

  private exec(f: Frame, pc: number, end: number): Value {
    const code = f.spec.bytecodes;
    const st = f.stack;
    const push = (v: Value): void => {
      st.push(v);
      if (f.temps.length + st.length > f.spec.frameSize) {
        throw new Error(`frame overflow at pc ${pc}: ${f.temps.length}+${st.length} > ${f.spec.frameSize}`);
      }
    };
    const lits = f.spec.literals;
    const home = f.home ?? f;
    for (;;) {
      if (pc >= end) throw new Error(`fell off the end at ${pc}`);
      if (++this.steps > 1e6) throw new Error('too many steps');
      const op = code[pc];
      const o = decodeOperands(code, pc);
      let next = pc + LENGTHS[op];
      switch (op) {
        case Op.PUSH_SELF: push(f.receiver); break;
        case Op.PUSH_NIL: push(null); break;
        case Op.PUSH_TRUE: push(true); break;
        case Op.PUSH_FALSE: push(false); break;
        case Op.PUSH_THIS_CONTEXT: push('<context>'); break;
        case Op.PUSH_INT: push(o[0]); break;
        case Op.PUSH_LITERAL: push(this.literal(lits[o[0]])); break;
        case Op.PUSH_GLOBAL: {
          const name = (lits[o[0]] as { name: string }).name;
          push(this.globals.has(name) ? this.globals.get(name)! : null);
          break;
        }
        case Op.STORE_GLOBAL: this.globals.set((lits[o[0]] as { name: string }).name, st[st.length - 1]); break;
        case Op.PUSH_INST_VAR: push((f.receiver as Obj).ivars[o[0]]); break;
        case Op.STORE_INST_VAR: (f.receiver as Obj).ivars[o[0]] = st[st.length - 1]; break;
        case Op.POP_STORE_INST_VAR: (f.receiver as Obj).ivars[o[0]] = st.pop()!; break;
        case Op.PUSH_TEMP: push(f.temps[o[0]]); break;
        case Op.STORE_TEMP: f.temps[o[0]] = st[st.length - 1]; break;
        case Op.POP_STORE_TEMP: f.temps[o[0]] = st.pop()!; break;
        case Op.PUSH_NEW_ARRAY: push(new Array(o[0]).fill(null)); break;
        case Op.PUSH_REMOTE_TEMP: push((f.temps[o[1]] as Value[])[o[0]]); break;
        case Op.STORE_REMOTE_TEMP: (f.temps[o[1]] as Value[])[o[0]] = st[st.length - 1]; break;
        case Op.POP_STORE_REMOTE_TEMP: (f.temps[o[1]] as Value[])[o[0]] = st.pop()!; break;
        case Op.POP_INTO_ARRAY: push(st.splice(st.length - o[0], o[0])); break;
        case Op.POP: st.pop(); break;
        case Op.DUP: push(st[st.length - 1]); break;
        case Op.SEND: case Op.SUPER_SEND: case Op.SEND_SPECIAL: {
          const [selector, n] = op === Op.SEND_SPECIAL ? SPECIAL_SELECTORS[o[0]] : [(lits[o[0]] as { value: string }).value, o[1]];
          const args = st.splice(st.length - n, n);
          const rcvr = st.pop()!;
          push(this.send(rcvr, selector, args, op === Op.SUPER_SEND));
          break;
        }
        case Op.PUSH_CLOSURE: {
          const [copied, args, temps, size] = o;
          push(new Closure(f.spec, next, next + size, args, temps, st.splice(st.length - copied, copied), home));
          next += size;
          break;
        }
        case Op.JUMP: next += o[0]; break;
        case Op.JUMP_TRUE: case Op.JUMP_FALSE: {
          const v = st.pop();
          if (typeof v !== 'boolean') throw new Error('mustBeBoolean');
          if (v === (op === Op.JUMP_TRUE)) next += o[0];
          break;
        }
        case Op.JUMP_NIL: if (st.pop() === null) next += o[0]; break;
        case Op.JUMP_NOT_NIL: if (st.pop() !== null) next += o[0]; break;
        case Op.RETURN_TOP: case Op.RETURN_SELF: {
          const v = op === Op.RETURN_SELF ? f.receiver : st.pop()!;
          if (f.home === null) return v;
          throw new NonLocalReturn(f.home, v);
        }
        case Op.BLOCK_RETURN: return st.pop()!;
        case Op.NOP: break;
        default: throw new Error(`opcode ${op}`);
      }
      pc = next;
    }
  }

  send(r: Value, sel: string, a: Value[], isSuper = false): Value {
    if (r instanceof Obj) {
      const m = (isSuper ? r.superMethods : r.methods).get(sel) ?? (isSuper ? undefined : r.superMethods.get(sel));
      if (m) return this.run(m, r, a);
    }
    if (r instanceof Closure) {
      if (sel.startsWith('value')) return this.callBlock(r, a);
      if (sel === 'whileTrue:') { while (this.callBlock(r, []) === true) this.send(a[0], 'value', []); return null; }
    }
    const num = typeof r === 'number';
    switch (sel) {
      case '+': return (r as number) + (a[0] as number);
      case '-': return (r as number) - (a[0] as number);
      case '*': return (r as number) * (a[0] as number);
      case '/': return (r as number) / (a[0] as number);
      case '//': return Math.floor((r as number) / (a[0] as number));
      case '\\\\': return (((r as number) % (a[0] as number)) + (a[0] as number)) % (a[0] as number);
      case '<': return (r as number) < (a[0] as number);
      case '>': return (r as number) > (a[0] as number);
      case '<=': return (r as number) <= (a[0] as number);
      case '>=': return (r as number) >= (a[0] as number);
      case '=': case '==': return r === a[0] || (r instanceof Sym && a[0] instanceof Sym && r.name === a[0].name);
      case '~=': case '~~': return r !== a[0];
      case 'isNil': return r === null;
      case 'notNil': return r !== null;
      case 'yourself': return r;
      case 'printString': return String(r);
      case 'class': return new ClassRef(num ? 'SmallInteger' : typeof r);
      case 'new': return [];
      case 'new:': return new Array(a[0] as number).fill(null);
      case 'size': return (r as Value[]).length;
      case 'at:': return (r as Value[])[(a[0] as number) - 1];
      case 'at:put:': (r as Value[])[(a[0] as number) - 1] = a[1]; return a[1];
      case 'add:': (r as Value[]).push(a[0]); return a[0];
      case 'show:': this.output.push(a[0]); return r;
      case 'collect:': return (r as Value[]).map((x) => this.send(a[0], 'value:', [x]));
      case 'do:': for (const x of r as Value[]) this.send(a[0], 'value:', [x]); return r;
      case 'ifTrue:': return r === true ? this.send(a[0], 'value', []) : null;
      case 'ifTrue:ifFalse:': return this.send(r === true ? a[0] : a[1], 'value', []);
      case 'and:': return r === true ? this.send(a[0], 'value', []) : false;
      case 'to:do:': for (let i = r as number; i <= (a[0] as number); i++) this.send(a[1], 'value:', [i]); return r;
    }
    if (sel === 'value' || sel === 'value:') return r;
    throw new Error(`doesNotUnderstand: #${sel}`);
  }
}
