// Code generation: AST + scope analysis -> bytecodes of one method (blocks inline).
//
// THE VM CONTRACT this code targets (the interpreter implements exactly this):
//
// Contexts. A context's slots are its temps followed by its operand stack. PUSH_TEMP,
// STORE_TEMP and POP_STORE_TEMP index the temps from 0.
//   Method context temps: [args..., method temps..., hidden temps...]. The hidden temps
//     are the temps of inlined blocks, temp vectors and loop limits/counters. All
//     non-arg temps start as nil. MethodSpec.numTemps counts args and all temps.
//   Block context temps: [block args..., copied values..., block temps...]. The copied
//     values are those PUSH_CLOSURE popped; block temps (the PUSH_CLOSURE `temps`
//     operand: the block's own temps plus its hidden temps) start as nil.
//   MethodSpec.frameSize is the largest context any activation of the method needs:
//     max over the method and every block of (temps + deepest operand stack).
//   With <primitive: n error: ec>, the VM stores the failure code into temp numArgs
//     (the first temp, which `ec` names) before running the fallback code.
//
// Blocks. `PUSH_CLOSURE copied args temps size` pops `copied` values (pushed just before
//   it, first pushed = first copied slot) and pushes a BlockClosure whose code is the
//   `size` bytes that follow; execution continues after them. A block body ends with
//   BLOCK_RETURN of its last statement's value (nil when empty, including `[:x]`), or
//   with a RETURN_TOP / RETURN_SELF from a `^`, which return from the home method
//   (non-local return).
//
// Captured variables. A variable referenced from a block it is not declared in is
//   copied into the closure when it is never written after the block is created;
//   otherwise it lives in its declaring scope's temp vector (PUSH_NEW_ARRAY n stored in
//   a hidden temp when the scope is entered) accessed with *_REMOTE_TEMP, and the vector
//   itself is copied into the blocks. "Written after" is judged in evaluation order and
//   counts any write inside a block other than the owner, and any write in an inlined
//   loop that also creates the capturing block (unless the variable is declared inside
//   that loop). An inlined block's scope that is entered again (a loop body) gets a fresh
//   vector and nil temps at each entry, so each iteration has fresh bindings. The to:do:
//   variable is an argument (never assigned by user code), so closures copy it and
//   `1 to: 3 do: [:i | blocks add: [i]]` gives blocks answering 1, 2, 3 (as in Pharo).
//
// Sends. Receiver, then arguments, then SEND literal-index numArgs; SUPER_SEND for
//   `super` (receiver pushed by PUSH_SELF); SEND_SPECIAL for every selector in
//   SPECIAL_SELECTORS. A cascade evaluates the receiver once, DUPs it before each message
//   but the last and POPs the intermediate results. Inlined control structures (see
//   inline-rules.ts) use JUMP/JUMP_TRUE/JUMP_FALSE/JUMP_NIL/JUMP_NOT_NIL, offsets relative
//   to the next instruction; JUMP_TRUE/JUMP_FALSE on a non-Boolean send #mustBeBoolean.
//   to:do: keeps its limit in a hidden temp (unless literal), tests with SEND_SPECIAL <=
//   (>= for a negative literal step) and steps with SEND_SPECIAL +; timesRepeat: counts
//   a hidden counter from 1 to a hidden limit the same way.
//
// Values. A method without a final ^ ends with RETURN_SELF; a doit returns the value of
//   its last statement (nil when empty). Globals, class and pool variables and doit
//   workspace variables are binding literals used by PUSH_GLOBAL / STORE_GLOBAL. Brace
//   arrays push their elements then POP_INTO_ARRAY n; beyond 255 elements they are built
//   as `(Array new: n) at: i put: e; ...` (Array through its binding literal).

import { Op, SPECIAL_SELECTORS } from '../vm/opcodes.ts';
import type { BlockNode, BraceNode, CascadeNode, Expr, MessageNode, MethodNode, Span, Statement, VariableNode } from './ast.ts';
import { GlobalRef, InstVarRef, type Analysis, type Binding } from './codegen-analysis.ts';
import { Emitter } from './codegen-emitter.ts';
import type { ContextNames } from './codegen-debug.ts';
import { genInlined } from './inline.ts';
import { inlineKindOf } from './inline-rules.ts';
import { TempVar, type Scope } from './scope.ts';

const SPECIAL_INDEX: ReadonlyMap<string, number> = new Map(SPECIAL_SELECTORS.map(([sel], i) => [sel, i]));

/** Longer brace arrays are built with Array new: and at:put: (POP_INTO_ARRAY takes a u8). */
const MAX_BRACE_ELEMENTS = 255;

export interface Generated {
  frameSize: number;
  /** With names requested: names per context, the method's first, then its blocks in code order. */
  names: ContextNames[];
}

export class Generator {
  readonly e: Emitter;
  private readonly a: Analysis;
  /** The context (method or real block scope) whose code is being written. */
  ctx: Scope;
  /** The innermost scope (possibly inlined) of the code being written. */
  private scope: Scope;
  /** Debug names are only collected on request (the disassembler's), never on the compile path. */
  private readonly names: ContextNames[] | null;
  private frameSize: number;

  constructor(analysis: Analysis, fail: (reason: string, at: Span) => never, withNames = false) {
    this.e = new Emitter(fail);
    this.a = analysis;
    this.ctx = analysis.method;
    this.scope = analysis.method;
    this.names = withNames ? [] : null;
    this.frameSize = 0;
  }

  generate(node: MethodNode): Generated {
    const method = this.a.method;
    this.names?.push(EMPTY_NAMES);
    this.enterScope(method);
    const body = node.body;
    if (node.isDoit) {
      if (body.length === 0) {
        this.e.span = node;
        this.e.op(Op.PUSH_NIL);
        this.e.op(Op.RETURN_TOP);
      }
      body.forEach((s, i) => {
        if (i < body.length - 1 || s.type === 'return') this.statement(s);
        else this.returnValue(s, s.expr);
      });
    } else {
      for (const s of body) this.statement(s);
      if (body.length === 0 || body[body.length - 1].type !== 'return') {
        this.e.span = node;
        this.e.op(Op.RETURN_SELF);
      }
    }
    this.closeContext(method, 0);
    return { frameSize: this.frameSize, names: this.names ?? [] };
  }

  /** Records the context's stack need; `ordinal` is its place in the names list. */
  private closeContext(ctx: Scope, ordinal: number): void {
    ctx.maxDepth = this.e.maxDepth;
    this.frameSize = Math.max(this.frameSize, ctx.numSlots + ctx.maxDepth);
    if (this.names) this.names[ordinal] = contextNames(ctx);
  }

  /** Scope entry: a fresh temp vector, and nil temps when the scope can be entered again. */
  enterScope(scope: Scope): void {
    if (scope.remote.length > 0) {
      this.e.op(Op.PUSH_NEW_ARRAY, scope.remote.length);
      this.e.op(Op.POP_STORE_TEMP, scope.vectorSlot);
    }
    if (scope.inLoop) {
      for (const v of scope.declared) {
        if (v.isArg || v.isRemote) continue;
        this.e.op(Op.PUSH_NIL);
        this.e.op(Op.POP_STORE_TEMP, v.slot);
      }
    }
  }

  /** The scope analysis made for `block`, a literal block appearing in the current scope. */
  scopeOf(block: BlockNode): Scope {
    for (const child of this.scope.children) if (child.node === block) return child;
    throw new Error('internal: block without a scope');
  }

  private binding(node: VariableNode): Binding {
    return this.a.resolver.resolve(node.name, this.scope);
  }

  private statement(s: Statement): void {
    if (s.type === 'return') this.returnValue(s, s.expr);
    else this.expr(s.expr, false);
  }

  /** `^expr`: RETURN_SELF for ^self, else the value and RETURN_TOP. */
  private returnValue(s: Statement, expr: Expr): void {
    if (expr.type === 'variable' && this.binding(expr) === 'self') {
      this.e.span = s;
      this.e.op(Op.RETURN_SELF);
      return;
    }
    this.expr(expr, true);
    this.e.span = s;
    this.e.op(Op.RETURN_TOP);
  }

  /** Body of an inlined block: leaves its value (nil if empty) when `value`, nothing otherwise. */
  inlinedBody(block: BlockNode, value: boolean): void {
    const scope = this.scopeOf(block);
    const outer = this.scope;
    const entry = this.e.depth;
    this.scope = scope;
    this.e.span = block;
    this.enterScope(scope);
    const body = block.body;
    for (let i = 0; i < body.length; i++) {
      const s = body[i];
      if (i === body.length - 1 && value && s.type === 'expr') this.expr(s.expr, true);
      else this.statement(s);
    }
    this.scope = outer;
    if (value) {
      if (body.length === 0) {
        this.e.span = block;
        this.e.op(Op.PUSH_NIL);
      }
      // After a final ^ the join is reachable only from the other path.
      this.e.depth = entry + 1;
    }
  }

  expr(e: Expr, value: boolean): void {
    switch (e.type) {
      case 'literal':
        if (!value) return;
        this.e.span = e;
        this.e.pushLiteral(e.value);
        return;
      case 'variable':
        if (!value) return;
        this.e.span = e;
        this.push(this.binding(e));
        return;
      case 'assign':
        this.expr(e.value, true);
        this.e.span = e;
        this.store(e.target, !value);
        return;
      case 'message': return this.message(e, value);
      case 'cascade': return this.cascade(e, value);
      case 'block':
        if (value) this.closure(e);
        return;
      case 'brace':
        this.brace(e);
        if (!value) this.e.op(Op.POP);
        return;
    }
  }

  private brace(node: BraceNode): void {
    const elements = node.elements;
    const n = elements.length;
    if (n <= MAX_BRACE_ELEMENTS) {
      for (const el of elements) this.expr(el, true);
      this.e.span = node;
      return this.e.popIntoArray(n);
    }
    // Too many for POP_INTO_ARRAY's u8: (Array new: n) at: i put: e_i ... as Pharo does.
    const span = node;
    this.e.span = span;
    this.e.op(Op.PUSH_GLOBAL, this.e.literal({ kind: 'binding', name: 'Array' }));
    this.e.pushLiteral({ kind: 'integer', value: BigInt(n) });
    this.e.sendSpecial(SPECIAL_INDEX.get('new:')!);
    elements.forEach((el, i) => {
      this.e.span = span;
      this.e.op(Op.DUP);
      this.e.pushLiteral({ kind: 'integer', value: BigInt(i + 1) });
      this.expr(el, true);
      this.e.span = span;
      this.e.sendSpecial(SPECIAL_INDEX.get('at:put:')!);
      this.e.op(Op.POP);
    });
  }

  private push(b: Binding): void {
    if (b instanceof TempVar) return this.pushTemp(b);
    if (b instanceof InstVarRef) return this.e.op(Op.PUSH_INST_VAR, b.index);
    if (b instanceof GlobalRef) return this.e.op(Op.PUSH_GLOBAL, this.e.literal({ kind: 'binding', name: b.name }));
    switch (b) {
      case 'self': case 'super': return this.e.op(Op.PUSH_SELF);
      case 'nil': return this.e.op(Op.PUSH_NIL);
      case 'true': return this.e.op(Op.PUSH_TRUE);
      case 'false': return this.e.op(Op.PUSH_FALSE);
      case 'thisContext': return this.e.op(Op.PUSH_THIS_CONTEXT);
    }
  }

  pushTemp(v: TempVar): void {
    if (v.isRemote) return this.e.op(Op.PUSH_REMOTE_TEMP, v.vectorIndex, this.ctx.vectorSlotFor(v.scope));
    this.e.op(Op.PUSH_TEMP, v.scope.context === this.ctx ? v.slot : this.ctx.slotOf(v));
  }

  /** Stores top into a local (non-remote, same-context) temp; `pop` discards it. */
  storeLocal(v: TempVar, pop: boolean): void {
    this.e.op(pop ? Op.POP_STORE_TEMP : Op.STORE_TEMP, v.slot);
  }

  private store(target: VariableNode, pop: boolean): void {
    const b = this.binding(target);
    if (b instanceof TempVar) {
      if (b.isRemote) {
        const vec = this.ctx.vectorSlotFor(b.scope);
        return this.e.op(pop ? Op.POP_STORE_REMOTE_TEMP : Op.STORE_REMOTE_TEMP, b.vectorIndex, vec);
      }
      return this.storeLocal(b, pop);
    }
    if (b instanceof InstVarRef) return this.e.op(pop ? Op.POP_STORE_INST_VAR : Op.STORE_INST_VAR, b.index);
    if (b instanceof GlobalRef) {
      this.e.op(Op.STORE_GLOBAL, this.e.literal({ kind: 'binding', name: b.name }));
      if (pop) this.e.op(Op.POP);
      return;
    }
    throw new Error(`internal: store into ${b}`);
  }

  private isSuper(e: Expr): boolean {
    return e.type === 'variable' && e.name === 'super';
  }

  private message(m: MessageNode, value: boolean): void {
    const kind = inlineKindOf(m);
    if (kind) return genInlined(this, m, kind, value);
    const isSuper = this.isSuper(m.receiver);
    this.expr(m.receiver, true);
    this.sendWithArgs(m, isSuper);
    if (!value) this.e.op(Op.POP);
  }

  private sendWithArgs(m: MessageNode, isSuper: boolean): void {
    for (const a of m.args) this.expr(a, true);
    this.e.span = m;
    const special = isSuper ? undefined : SPECIAL_INDEX.get(m.selector);
    if (special !== undefined && SPECIAL_SELECTORS[special][1] === m.args.length) this.e.sendSpecial(special);
    else this.e.send(m.selector, m.args.length, isSuper);
  }

  private cascade(c: CascadeNode, value: boolean): void {
    const isSuper = this.isSuper(c.receiver);
    this.expr(c.receiver, true);
    const last = c.messages.length - 1;
    c.messages.forEach((m, i) => {
      if (i < last) {
        this.e.span = c;
        this.e.op(Op.DUP);
      }
      this.sendWithArgs(m, isSuper);
      if (i < last || !value) {
        this.e.span = c;
        this.e.op(Op.POP);
      }
    });
  }

  private closure(b: BlockNode): void {
    const scope = this.scopeOf(b);
    const outer = this.ctx;
    const outerScope = this.scope;
    this.e.span = b;
    for (const item of scope.copied) {
      if (item instanceof TempVar) this.pushTemp(item);
      else this.e.op(Op.PUSH_TEMP, outer.vectorSlotFor(item));
    }
    const copied = scope.copied.length;
    const at = this.e.beginClosure(copied, scope.numArgs, scope.numSlots - scope.numArgs - copied);
    const ordinal = this.names ? this.names.push(EMPTY_NAMES) - 1 : 0;
    const savedDepth = this.e.depth;
    const savedMax = this.e.maxDepth;
    this.ctx = scope;
    this.scope = scope;
    this.e.depth = 0;
    this.e.maxDepth = 0;
    this.enterScope(scope);
    const body = b.body;
    if (body.length === 0) {
      this.e.span = b;
      this.e.op(Op.PUSH_NIL);
      this.e.op(Op.BLOCK_RETURN);
    }
    for (let i = 0; i < body.length; i++) {
      const s = body[i];
      if (i < body.length - 1 || s.type === 'return') {
        this.statement(s);
        continue;
      }
      this.expr(s.expr, true);
      this.e.span = s;
      this.e.op(Op.BLOCK_RETURN);
    }
    this.closeContext(scope, ordinal);
    this.ctx = outer;
    this.scope = outerScope;
    this.e.depth = savedDepth + 1 - copied;
    this.e.maxDepth = Math.max(savedMax, this.e.depth);
    this.e.span = b;
    this.e.endClosure(at);
  }
}

const EMPTY_NAMES: ContextNames = { slots: [], vectors: new Map() };

function contextNames(ctx: Scope): ContextNames {
  const vectors = new Map<number, string[]>();
  const walk = (s: Scope): void => {
    if (s.vectorSlot >= 0) vectors.set(s.vectorSlot, s.remote.map((v) => v.name));
    for (const c of s.children) if (c.kind === 'inlined') walk(c);
  };
  walk(ctx);
  for (const item of ctx.copied) {
    if (!(item instanceof TempVar)) vectors.set(ctx.slotOf(item), item.remote.map((v) => v.name));
  }
  return { slots: ctx.slotNames, vectors };
}
