// Scopes and variables as the code generator sees them. codegen-analysis.ts builds the
// scope tree in one walk over the AST; allocateSlots() then gives every variable its
// place. codegen.ts only reads these structures.
//
// Three kinds of scope:
//   method   the method's own context (args, temps, hidden temps)
//   block    a real closure: a context of its own at run time
//   inlined  the block argument of an inlined control structure (ifTrue:, to:do:, ...):
//            its variables are lexically its own but live in the enclosing context
// Every scope points at its `context`: itself for method/block, the nearest real
// ancestor for inlined scopes. Slot indexes are always relative to a context.
//
// A variable captured by a block (referenced from a context other than the one that
// owns it) is either COPIED into the closure when it is never written after capture,
// or REMOTE: kept in its declaring scope's temp vector (an Array held in a hidden
// temp) that the owner and every block reaching it share by copying the vector.

import type { BlockNode, MethodNode, VariableNode } from './ast.ts';

export interface CompileEnv {
  /** Instance variable names of the target class, superclass's first (index = slot). Empty for doits on nil. */
  instVarNames: readonly string[];
  /** Whether `name` is a class variable / pool variable / global visible to the method (the installer binds it). */
  isBound(name: string): boolean;
}

export type ScopeKind = 'method' | 'block' | 'inlined';

/** Where a variable was written or captured, for the "written after capture" rule. */
export interface AccessEvent {
  /** Evaluation-order position: a write's end offset, a capture's block start offset. */
  pos: number;
  /** Scope (in the variable's owner context) the event happens in. */
  scope: Scope;
}

/** A named argument or temporary of some scope (method, block or inlined block). */
export class TempVar {
  readonly name: string;
  /** Args (method, block and inlined-block parameters) cannot be assigned. */
  readonly isArg: boolean;
  readonly scope: Scope;
  readonly node: VariableNode | null;
  // The three lists below stay null until needed: most variables are never captured.
  /** Real block contexts, other than the owner, through which the variable is reached. */
  capturedBy: Scope[] | null;
  /** Capture points in the owner context (creation of the outermost capturing block). */
  captures: AccessEvent[] | null;
  /** Writes in the owner context. */
  writes: AccessEvent[] | null;
  /** Written from a context other than the owner. */
  escapingWrite: boolean;
  isRemote: boolean;
  /** Non-remote: slot in the owner context. Remote: -1. */
  slot: number;
  /** Remote: index in scope.vector. */
  vectorIndex: number;

  constructor(name: string, isArg: boolean, scope: Scope, node: VariableNode | null) {
    this.name = name;
    this.isArg = isArg;
    this.scope = scope;
    this.node = node;
    this.capturedBy = null;
    this.captures = null;
    this.writes = null;
    this.escapingWrite = false;
    this.isRemote = false;
    this.slot = -1;
    this.vectorIndex = -1;
  }

  addWrite(event: AccessEvent): void {
    (this.writes ??= []).push(event);
  }

  /** Notes that block context `ctx` reaches this variable (it will copy it or its vector). */
  addCapturingContext(ctx: Scope): void {
    const list = (this.capturedBy ??= []);
    if (!list.includes(ctx)) list.push(ctx);
  }

  addCapture(event: AccessEvent): void {
    const list = (this.captures ??= []);
    if (!list.some((c) => c.pos === event.pos)) list.push(event);
  }
}

const NO_COPIED: readonly Copied[] = Object.freeze([]);
/** Shared by inlined scopes, which never copy anything (only real contexts appear in capturedBy). */
const NO_COPY_SLOTS: ReadonlyMap<Copied, number> = new Map();
const NO_NAMES: readonly string[] = Object.freeze([]);

/** Something a block copies from its outer context: a variable's value, or a scope's temp vector. */
export type Copied = TempVar | Scope;

export class Scope {
  readonly kind: ScopeKind;
  readonly parent: Scope | null;
  readonly context: Scope;
  readonly node: MethodNode | BlockNode;
  /** For inlined loop parts: the loop's message node (its identity groups the parts). */
  readonly loop: object | null;
  /** True when an inlined ancestor-or-self within the same context is a loop part. */
  readonly inLoop: boolean;
  /** Declared variables by name; null while the scope declares none. */
  private vars: Map<string, TempVar> | null;
  /** Declared variables (params first), in source order. */
  readonly declared: TempVar[];
  /** Variables of this scope kept in its temp vector, in vector order. */
  readonly remote: TempVar[];
  /** Slot of this scope's temp vector in its context; -1 when it has none. */
  vectorSlot: number;
  /** Hidden temps this scope needs (to:do: limit, timesRepeat: counter and limit). */
  hiddenCount: number;
  hiddenSlots: number[];
  /** Children in creation order (real and inlined). */
  readonly children: Scope[];

  // Context-level fields (kind method/block only).
  numArgs: number;
  /** What the closure copies, in PUSH_CLOSURE order. */
  readonly copied: readonly Copied[];
  readonly copySlots: ReadonlyMap<Copied, number>;
  /** Total temp slots: args + copied + temps (everything before the stack). */
  numSlots: number;
  /** Slot names for the disassembler. */
  readonly slotNames: readonly string[];
  maxDepth: number;

  constructor(kind: ScopeKind, parent: Scope | null, node: MethodNode | BlockNode, loop: object | null) {
    this.kind = kind;
    this.parent = parent;
    this.context = kind === 'inlined' && parent ? parent.context : this;
    this.node = node;
    this.loop = loop;
    this.inLoop = kind === 'inlined' && (loop !== null || (parent !== null && parent.inLoop));
    const real = kind !== 'inlined';
    this.vars = null;
    this.declared = [];
    this.remote = [];
    this.vectorSlot = -1;
    this.hiddenCount = 0;
    this.hiddenSlots = [];
    this.children = [];
    this.numArgs = 0;
    this.copied = real ? [] : NO_COPIED;
    this.copySlots = real ? new Map() : NO_COPY_SLOTS;
    this.numSlots = 0;
    this.slotNames = real ? [] : NO_NAMES;
    this.maxDepth = 0;
    if (parent) parent.children.push(this);
  }

  get isReal(): boolean {
    return this.kind !== 'inlined';
  }

  /** Declares `v`; answers the variable of the same name already declared here, if any (then `v` is not added). */
  declare(v: TempVar): TempVar | undefined {
    const vars = (this.vars ??= new Map());
    const old = vars.get(v.name);
    if (old) return old;
    vars.set(v.name, v);
    this.declared.push(v);
    return undefined;
  }

  lookup(name: string): TempVar | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const v = s.vars?.get(name);
      if (v) return v;
    }
    return undefined;
  }

  /** Loop ids of this scope and its inlined ancestors within the same context. */
  loops(): object[] {
    const out: object[] = [];
    for (let s: Scope | null = this; s && s.kind === 'inlined'; s = s.parent) {
      if (s.loop) out.push(s.loop);
    }
    return out;
  }

  /** Slot, in this context, that holds the given copied item or own variable. */
  slotOf(item: Copied): number {
    const slot = this.copySlots.get(item);
    if (slot === undefined) throw new Error(`internal: ${describe(item)} is not reachable from this context`);
    return slot;
  }

  /** The slot holding `scope`'s temp vector, seen from this context. */
  vectorSlotFor(scope: Scope): number {
    return scope.context === this ? scope.vectorSlot : this.slotOf(scope);
  }
}

function describe(item: Copied): string {
  return item instanceof TempVar ? `variable ${item.name}` : 'temp vector';
}

/** Whether write `w` can execute after capture `c` of variable `v` (both in v's owner context). */
function writeFollowsCapture(w: AccessEvent, c: AccessEvent, v: TempVar): boolean {
  if (w.pos > c.pos) return true;
  const wl = w.scope.loops();
  if (wl.length === 0) return false;
  const cl = c.scope.loops();
  const dl = v.scope.loops();
  // A loop that holds both events but not the declaration runs the write after an earlier
  // iteration's capture of the same binding. Loops around the declaration re-create it.
  return wl.some((l) => cl.includes(l) && !dl.includes(l));
}

/** Decides copied vs remote for every variable, builds copy lists and numbers all slots. */
export function allocateSlots(method: Scope): void {
  decideRemote(method);
  buildCopyLists(method);
  numberContext(method);
}

function decideRemote(scope: Scope): void {
  for (const v of scope.declared) {
    if (v.capturedBy === null) continue;
    const captures = v.captures ?? [];
    v.isRemote = v.escapingWrite
      || (v.writes ?? []).some((w) => captures.some((c) => writeFollowsCapture(w, c, v)));
    if (v.isRemote) {
      v.vectorIndex = scope.remote.length;
      scope.remote.push(v);
    }
  }
  for (const child of scope.children) decideRemote(child);
}

function buildCopyLists(scope: Scope): void {
  for (const v of scope.declared) {
    if (v.capturedBy === null) continue;
    const item: Copied = v.isRemote ? v.scope : v;
    for (const block of v.capturedBy) {
      const slots = block.copySlots as Map<Copied, number>;
      if (!slots.has(item)) {
        slots.set(item, -1);
        (block.copied as Copied[]).push(item);
      }
    }
  }
  for (const child of scope.children) buildCopyLists(child);
}

function numberContext(ctx: Scope): void {
  const names = ctx.slotNames as string[];
  const params = ctx.declared.slice(0, ctx.numArgs);
  for (const p of params) {
    p.slot = names.length;
    names.push(p.name);
  }
  for (const item of ctx.copied) {
    (ctx.copySlots as Map<Copied, number>).set(item, names.length);
    names.push(item instanceof TempVar ? item.name : vectorName(item));
  }
  numberLocals(ctx, ctx, ctx.numArgs);
  ctx.numSlots = names.length;
}

/** Numbers `scope`'s non-arg variables, vector and hidden temps, then its inlined children's. */
function numberLocals(ctx: Scope, scope: Scope, skip: number): void {
  const names = ctx.slotNames as string[];
  for (let i = skip; i < scope.declared.length; i++) {
    const v = scope.declared[i];
    if (v.isRemote) continue;
    v.slot = names.length;
    names.push(v.name);
  }
  if (scope.remote.length > 0) {
    scope.vectorSlot = names.length;
    names.push(vectorName(scope));
  }
  for (let i = 0; i < scope.hiddenCount; i++) {
    scope.hiddenSlots.push(names.length);
    names.push('<hidden>');
  }
  for (const child of scope.children) {
    if (child.kind === 'inlined') numberLocals(ctx, child, 0);
    else numberContext(child);
  }
}

function vectorName(scope: Scope): string {
  return `<vector ${scope.remote.map((v) => v.name).join(' ')}>`;
}
