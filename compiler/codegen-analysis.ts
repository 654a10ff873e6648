// Scope analysis: one walk over a method's AST that declares every variable, resolves
// every identifier, decides which blocks are inlined, and records the writes and
// captures that allocateSlots() (scope.ts) needs to choose copied vs remote variables.
// All semantic errors except code-size limits are found here, before any bytecode.

import type { BlockNode, Expr, MessageNode, MethodNode, Statement, VariableNode } from './ast.ts';
import { CompileError } from './errors.ts';
import { inlineKindOf, inlinedBlocks } from './inline-rules.ts';
import { allocateSlots, Scope, TempVar, type CompileEnv } from './scope.ts';

export const MAX_ARGS = 15;
export const MAX_TEMPS = 255;

export class InstVarRef {
  readonly index: number;
  constructor(index: number) { this.index = index; }
}

/** A global, class or pool variable, or (in a doit) an auto-declared workspace variable. */
export class GlobalRef {
  readonly name: string;
  constructor(name: string) { this.name = name; }
}

export type Special = 'self' | 'super' | 'thisContext' | 'nil' | 'true' | 'false';
export type Binding = TempVar | InstVarRef | GlobalRef | Special;

const SPECIALS: ReadonlySet<string> = new Set(['self', 'super', 'thisContext', 'nil', 'true', 'false']);

/**
 * The analysed method. Code generation re-resolves identifiers as it walks (temps through
 * the scope tree, the rest through `resolver`) rather than reading per-node tables: that
 * keeps compiling cheap, and both walks use the same rules so they always agree.
 */
export interface Analysis {
  method: Scope;
  resolver: Analyzer;
  /** Doit only: auto-declared names in first-use order. */
  undeclared: string[];
}

export class Analyzer {
  private readonly source: string;
  private readonly file: string | undefined;
  private readonly env: CompileEnv;
  private readonly isDoit: boolean;
  private readonly instVars: Map<string, InstVarRef>;
  private readonly globals: Map<string, GlobalRef>;
  private readonly undeclared: string[];

  constructor(source: string, env: CompileEnv, isDoit: boolean, file?: string) {
    this.source = source;
    this.file = file;
    this.env = env;
    this.isDoit = isDoit;
    this.instVars = new Map();
    this.globals = new Map();
    this.undeclared = [];
  }

  error(reason: string, offset: number): never {
    throw new CompileError(reason, this.source, offset, this.file);
  }

  /** `errorTemp`: the variable named by `<primitive: n error: ec>`, declared first after the args. */
  analyze(node: MethodNode, errorTemp: VariableNode | null): Analysis {
    const method = new Scope('method', null, node, null);
    if (node.params.length > MAX_ARGS) this.error('too many arguments', node.params[MAX_ARGS].start);
    for (const p of node.params) this.declare(method, p, true);
    method.numArgs = node.params.length;
    if (errorTemp) this.declare(method, errorTemp, false);
    for (const t of node.temps) this.declare(method, t, false);
    this.statements(node.body, method);
    allocateSlots(method);
    this.checkContexts(method);
    if (errorTemp && method.declared[method.numArgs].isRemote) {
      this.error(`primitive error code ${errorTemp.name} cannot be written inside a block`, errorTemp.start);
    }
    return { method, resolver: this, undeclared: this.undeclared };
  }

  private checkContexts(scope: Scope): void {
    if (scope.isReal && scope.numSlots > MAX_TEMPS) this.error('too many temporaries', scope.node.start);
    for (const child of scope.children) this.checkContexts(child);
  }

  private declare(scope: Scope, node: VariableNode, isArg: boolean): TempVar {
    const name = node.name;
    if (SPECIALS.has(name)) this.error(`cannot use ${name} as a variable name`, node.start);
    const v = new TempVar(name, isArg, scope, node);
    const old = scope.declare(v);
    if (old) this.error(`duplicate ${isArg && old.isArg ? 'argument' : 'temporary'} ${name}`, node.start);
    return v;
  }

  private statements(body: Statement[], scope: Scope): void {
    for (const s of body) this.expr(s.expr, scope);
  }

  private expr(e: Expr, scope: Scope): void {
    switch (e.type) {
      case 'literal': return;
      case 'variable':
        if (e.name === 'super') this.error('super without a message', e.start);
        this.reference(e, scope, -1);
        return;
      case 'assign': {
        this.expr(e.value, scope);
        this.reference(e.target, scope, e.end);
        return;
      }
      case 'message': return this.message(e, scope, false);
      case 'cascade':
        this.receiver(e.receiver, scope);
        for (const m of e.messages) this.message(m, scope, true);
        return;
      case 'block': this.block(e, scope, 'block', null); return;
      case 'brace':
        for (const el of e.elements) this.expr(el, scope);
        return;
    }
  }

  private receiver(e: Expr, scope: Scope): void {
    if (e.type === 'variable' && e.name === 'super') this.reference(e, scope, -1);
    else this.expr(e, scope);
  }

  private message(m: MessageNode, scope: Scope, inCascade: boolean): void {
    if (m.args.length > MAX_ARGS) this.error('too many arguments', m.selectorSpan.start);
    const kind = inCascade ? null : inlineKindOf(m);
    if (kind === null) {
      if (!inCascade) this.receiver(m.receiver, scope);
      for (const a of m.args) this.expr(a, scope);
      return;
    }
    const parts = inlinedBlocks(m, kind);
    const blockSet = new Set(parts.map((p) => p.block));
    // Operands and blocks in source order, which is also the order their code first runs.
    const operands = [m.receiver, ...m.args];
    for (const op of operands) {
      if (blockSet.has(op as BlockNode)) {
        const part = parts.find((p) => p.block === op)!;
        const inner = this.block(part.block, scope, 'inlined', part.loop ? m : null);
        if (kind === 'toDo' || kind === 'toByDo') inner.hiddenCount = m.args[0].type === 'literal' ? 0 : 1;
        else if (kind === 'timesRepeat') inner.hiddenCount = 2;
      } else {
        this.expr(op, scope);
      }
    }
  }

  private block(b: BlockNode, parent: Scope, kind: 'block' | 'inlined', loop: object | null): Scope {
    const scope = new Scope(kind, parent, b, loop);
    if (b.params.length > MAX_ARGS) this.error('too many arguments', b.params[MAX_ARGS].start);
    for (const p of b.params) this.declare(scope, p, true);
    if (kind === 'block') scope.numArgs = b.params.length;
    for (const t of b.temps) this.declare(scope, t, false);
    this.statements(b.body, scope);
    return scope;
  }

  /** Resolves `node` in `scope`, checks it and records the access; `writePos` >= 0 marks an assignment completing at that offset. */
  private reference(node: VariableNode, scope: Scope, writePos: number): void {
    const name = node.name;
    const isWrite = writePos >= 0;
    const v = scope.lookup(name);
    if (v) {
      if (isWrite && v.isArg) this.error(`cannot assign to argument ${name}`, node.start);
      this.recordAccess(v, scope, isWrite, writePos);
      return;
    }
    if (SPECIALS.has(name)) {
      if (isWrite) this.error(`cannot assign to ${name}`, node.start);
      return;
    }
    const iv = this.instVar(name);
    if (iv) {
      if (iv.index > 255) this.error(`too many instance variables to access ${name}`, node.start);
      return;
    }
    if (!this.globals.has(name)) {
      if (!this.env.isBound(name)) {
        if (!this.isDoit) this.error(`undeclared variable ${name}`, node.start);
        this.undeclared.push(name);
      }
      this.globals.set(name, new GlobalRef(name));
    }
  }

  /** What `name` means in `scope` (after analysis, so it is known to resolve). */
  resolve(name: string, scope: Scope): Binding {
    const v = scope.lookup(name);
    if (v) return v;
    if (SPECIALS.has(name)) return name as Special;
    return this.instVar(name) ?? this.globals.get(name)!;
  }

  /** The instance variable named `name` (the first slot of that name), or null. */
  private instVar(name: string): InstVarRef | null {
    let iv = this.instVars.get(name);
    if (iv === undefined) {
      const index = this.env.instVarNames.indexOf(name);
      if (index < 0) return null;
      iv = new InstVarRef(index);
      this.instVars.set(name, iv);
    }
    return iv;
  }

  private recordAccess(v: TempVar, scope: Scope, isWrite: boolean, writePos: number): void {
    const owner = v.scope.context;
    let ctx = scope.context;
    if (ctx === owner) {
      if (isWrite) v.addWrite({ pos: writePos, scope });
      return;
    }
    if (isWrite) v.escapingWrite = true;
    let outermost = ctx;
    while (ctx !== owner) {
      v.addCapturingContext(ctx);
      outermost = ctx;
      ctx = ctx.parent!.context;
    }
    const creation = outermost.parent!;
    const pos = outermost.node.start;
    v.addCapture({ pos, scope: creation });
  }
}
