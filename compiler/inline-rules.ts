// Which messages are compiled as inline control flow instead of sends. Scope analysis
// and code generation both ask inlineKindOf(), so they always agree on which block
// literals become closures and which become plain code of the enclosing context.
//
// A message is inlined only when every block argument the construct needs is a literal
// block with the right number of parameters (and, for to:by:do:, the step is a non-zero
// literal number). Anything else is an ordinary send, exactly as written. Messages of a
// cascade are never inlined (as in Pharo).

import type { BlockNode, Expr, MessageNode } from './ast.ts';

export type InlineKind =
  | 'ifTrue' | 'ifFalse' | 'ifTrueIfFalse' | 'ifFalseIfTrue'
  | 'and' | 'or'
  | 'whileTrue' | 'whileFalse' | 'whileTrue0' | 'whileFalse0' | 'repeat'
  | 'toDo' | 'toByDo' | 'timesRepeat'
  | 'ifNil' | 'ifNotNil' | 'ifNilIfNotNil' | 'ifNotNilIfNil';

/** An inlined block argument and whether it is part of a loop (re-entered per iteration). */
export interface InlinedBlock {
  block: BlockNode;
  loop: boolean;
}

function isBlock(e: Expr, arity: number): e is BlockNode {
  return e.type === 'block' && e.params.length === arity;
}

function isBlock01(e: Expr): e is BlockNode {
  return e.type === 'block' && e.params.length <= 1;
}

/** Sign of a literal number node, or 0 when it is not a non-zero literal number. */
export function literalStepSign(e: Expr): number {
  if (e.type !== 'literal') return 0;
  const v = e.value;
  switch (v.kind) {
    case 'integer': return v.value > 0n ? 1 : v.value < 0n ? -1 : 0;
    case 'float': return v.value > 0 ? 1 : v.value < 0 ? -1 : 0;
    case 'scaled': return v.numerator > 0n ? 1 : v.numerator < 0n ? -1 : 0;
    default: return 0;
  }
}

/** Every selector inlineKindOf() can inline; a Set lookup is cheaper than the switch for the rest. */
const CANDIDATES: ReadonlySet<string> = new Set([
  'ifTrue:', 'ifFalse:', 'ifTrue:ifFalse:', 'ifFalse:ifTrue:', 'and:', 'or:', 'whileTrue:', 'whileFalse:',
  'whileTrue', 'whileFalse', 'repeat', 'to:do:', 'to:by:do:', 'timesRepeat:', 'ifNil:', 'ifNotNil:',
  'ifNil:ifNotNil:', 'ifNotNil:ifNil:',
]);

export function inlineKindOf(m: MessageNode): InlineKind | null {
  if (!CANDIDATES.has(m.selector)) return null;
  const a = m.args;
  if (m.receiver.type === 'variable' && m.receiver.name === 'super') return null;
  switch (m.selector) {
    case 'ifTrue:': return isBlock(a[0], 0) ? 'ifTrue' : null;
    case 'ifFalse:': return isBlock(a[0], 0) ? 'ifFalse' : null;
    case 'ifTrue:ifFalse:': return isBlock(a[0], 0) && isBlock(a[1], 0) ? 'ifTrueIfFalse' : null;
    case 'ifFalse:ifTrue:': return isBlock(a[0], 0) && isBlock(a[1], 0) ? 'ifFalseIfTrue' : null;
    case 'and:': return isBlock(a[0], 0) ? 'and' : null;
    case 'or:': return isBlock(a[0], 0) ? 'or' : null;
    case 'whileTrue:': return isBlock(m.receiver, 0) && isBlock(a[0], 0) ? 'whileTrue' : null;
    case 'whileFalse:': return isBlock(m.receiver, 0) && isBlock(a[0], 0) ? 'whileFalse' : null;
    case 'whileTrue': return isBlock(m.receiver, 0) ? 'whileTrue0' : null;
    case 'whileFalse': return isBlock(m.receiver, 0) ? 'whileFalse0' : null;
    case 'repeat': return isBlock(m.receiver, 0) ? 'repeat' : null;
    case 'to:do:': return isBlock(a[1], 1) ? 'toDo' : null;
    case 'to:by:do:': return isBlock(a[2], 1) && literalStepSign(a[1]) !== 0 ? 'toByDo' : null;
    case 'timesRepeat:': return isBlock(a[0], 0) ? 'timesRepeat' : null;
    case 'ifNil:': return isBlock(a[0], 0) ? 'ifNil' : null;
    case 'ifNotNil:': return isBlock01(a[0]) ? 'ifNotNil' : null;
    case 'ifNil:ifNotNil:': return isBlock(a[0], 0) && isBlock01(a[1]) ? 'ifNilIfNotNil' : null;
    case 'ifNotNil:ifNil:': return isBlock01(a[0]) && isBlock(a[1], 0) ? 'ifNotNilIfNil' : null;
    default: return null;
  }
}

/** The literal blocks an inlined message absorbs, in evaluation order of their code. */
export function inlinedBlocks(m: MessageNode, kind: InlineKind): InlinedBlock[] {
  const a = m.args as BlockNode[];
  switch (kind) {
    case 'whileTrue': case 'whileFalse':
      return [{ block: m.receiver as BlockNode, loop: true }, { block: a[0], loop: true }];
    case 'whileTrue0': case 'whileFalse0': case 'repeat':
      return [{ block: m.receiver as BlockNode, loop: true }];
    case 'toDo': return [{ block: a[1], loop: true }];
    case 'toByDo': return [{ block: a[2], loop: true }];
    case 'timesRepeat': return [{ block: a[0], loop: true }];
    case 'ifTrueIfFalse': case 'ifFalseIfTrue': case 'ifNilIfNotNil': case 'ifNotNilIfNil':
      return [{ block: a[0], loop: false }, { block: a[1], loop: false }];
    default:
      return [{ block: a[0], loop: false }];
  }
}

/** Non-block parts evaluated in the enclosing scope (receiver, to:/by: arguments). */
export function inlinedOperands(m: MessageNode, kind: InlineKind): Expr[] {
  switch (kind) {
    case 'whileTrue': case 'whileFalse': case 'whileTrue0': case 'whileFalse0': case 'repeat':
      return [];
    case 'toDo': return [m.receiver, m.args[0]];
    case 'toByDo': return [m.receiver, m.args[0], m.args[1]];
    default: return [m.receiver];
  }
}
