// Code for inlined control structures (which messages qualify: inline-rules.ts).
//
// Every construct leaves exactly one value on the stack when `value` is set and nothing
// otherwise, so statement-level uses leave no garbage. Their values follow the methods
// they replace: ifTrue: answers nil when the condition is false, and:/or: the boolean,
// loops nil, to:do: and timesRepeat: their receiver, ifNil: the receiver when it is not
// nil, ifNotNil: nil when the receiver is nil.
//
// Where two paths join, `depth` is reset to the depth of the path that falls through or
// jumps there: the emitter's running count is wrong after an unconditional jump.

import { Op, SPECIAL_SELECTORS } from '../vm/opcodes.ts';
import type { BlockNode, Expr, LiteralNode, MessageNode } from './ast.ts';
import type { Generator } from './codegen.ts';
import { literalStepSign, type InlineKind } from './inline-rules.ts';

const special = (selector: string): number => SPECIAL_SELECTORS.findIndex(([s]) => s === selector);
const PLUS = special('+');
const LE = special('<=');
const GE = special('>=');

export function genInlined(g: Generator, m: MessageNode, kind: InlineKind, value: boolean): void {
  const a = m.args;
  switch (kind) {
    case 'ifTrue': return conditional(g, m, a[0] as BlockNode, Op.JUMP_FALSE, value);
    case 'ifFalse': return conditional(g, m, a[0] as BlockNode, Op.JUMP_TRUE, value);
    case 'ifTrueIfFalse': return twoWay(g, m, Op.JUMP_FALSE, a[0] as BlockNode, a[1] as BlockNode, value);
    case 'ifFalseIfTrue': return twoWay(g, m, Op.JUMP_TRUE, a[0] as BlockNode, a[1] as BlockNode, value);
    case 'and': return shortCircuit(g, m, Op.JUMP_FALSE, Op.PUSH_FALSE, value);
    case 'or': return shortCircuit(g, m, Op.JUMP_TRUE, Op.PUSH_TRUE, value);
    case 'whileTrue': return whileLoop(g, m, Op.JUMP_FALSE, value);
    case 'whileFalse': return whileLoop(g, m, Op.JUMP_TRUE, value);
    case 'whileTrue0': return whileNoBody(g, m, Op.JUMP_TRUE, value);
    case 'whileFalse0': return whileNoBody(g, m, Op.JUMP_FALSE, value);
    case 'repeat': return repeat(g, m, value);
    case 'toDo': return toDo(g, m, a[0], null, a[1] as BlockNode, value);
    case 'toByDo': return toDo(g, m, a[0], a[1] as LiteralNode, a[2] as BlockNode, value);
    case 'timesRepeat': return timesRepeat(g, m, a[0] as BlockNode, value);
    case 'ifNil': return ifNil(g, m, a[0] as BlockNode, value);
    case 'ifNotNil': return ifNotNil(g, m, a[0] as BlockNode, value);
    case 'ifNilIfNotNil': return ifNilIfNotNil(g, m, a[0] as BlockNode, a[1] as BlockNode, value);
    case 'ifNotNilIfNil': return ifNilIfNotNil(g, m, a[1] as BlockNode, a[0] as BlockNode, value);
  }
}

/** Evaluates the receiver and emits the conditional jump that skips the first block. */
function test(g: Generator, m: MessageNode, jump: number): number {
  g.expr(m.receiver, true);
  g.e.span = m;
  return g.e.jumpForward(jump);
}

function conditional(g: Generator, m: MessageNode, block: BlockNode, jump: number, value: boolean): void {
  const skip = test(g, m, jump);
  const d = g.e.depth;
  g.inlinedBody(block, value);
  if (!value) return g.e.patch(skip);
  g.e.span = m;
  const end = g.e.jumpForward(Op.JUMP);
  g.e.patch(skip);
  g.e.depth = d;
  g.e.op(Op.PUSH_NIL);
  g.e.patch(end);
}

function twoWay(g: Generator, m: MessageNode, jump: number, first: BlockNode, second: BlockNode, value: boolean): void {
  branches(g, m, test(g, m, jump), first, second, value);
}

/**
 * The two arms after a conditional forward jump `skip`: `first` falls through from the
 * test, `second` is where `skip` lands; the stack depth is that of one arm's value.
 */
function branches(g: Generator, m: MessageNode, skip: number, first: BlockNode, second: BlockNode, value: boolean): void {
  const d = g.e.depth;
  g.inlinedBody(first, value);
  g.e.span = m;
  const end = endsWithReturn(first) ? -1 : g.e.jumpForward(Op.JUMP);
  g.e.patch(skip);
  g.e.depth = d;
  g.inlinedBody(second, value);
  if (end >= 0) g.e.patch(end);
}

/** A block whose last statement is ^ needs no jump over the code that follows it. */
function endsWithReturn(block: BlockNode): boolean {
  return block.body.length > 0 && block.body[block.body.length - 1].type === 'return';
}

function shortCircuit(g: Generator, m: MessageNode, jump: number, shortValue: number, value: boolean): void {
  const skip = test(g, m, jump);
  const d = g.e.depth;
  g.inlinedBody(m.args[0] as BlockNode, value);
  if (!value) return g.e.patch(skip);
  g.e.span = m;
  const end = g.e.jumpForward(Op.JUMP);
  g.e.patch(skip);
  g.e.depth = d;
  g.e.op(shortValue);
  g.e.patch(end);
}

function loopValue(g: Generator, m: MessageNode, value: boolean): void {
  if (!value) return;
  g.e.span = m;
  g.e.op(Op.PUSH_NIL);
}

function whileLoop(g: Generator, m: MessageNode, exitJump: number, value: boolean): void {
  const start = g.e.pc;
  g.inlinedBody(m.receiver as BlockNode, true);
  g.e.span = m;
  const exit = g.e.jumpForward(exitJump);
  const d = g.e.depth;
  g.inlinedBody(m.args[0] as BlockNode, false);
  g.e.span = m;
  g.e.jumpBack(Op.JUMP, start);
  g.e.patch(exit);
  g.e.depth = d;
  loopValue(g, m, value);
}

function whileNoBody(g: Generator, m: MessageNode, againJump: number, value: boolean): void {
  const start = g.e.pc;
  g.inlinedBody(m.receiver as BlockNode, true);
  g.e.span = m;
  g.e.jumpBack(againJump, start);
  loopValue(g, m, value);
}

function repeat(g: Generator, m: MessageNode, value: boolean): void {
  const start = g.e.pc;
  const d = g.e.depth;
  g.inlinedBody(m.receiver as BlockNode, false);
  g.e.span = m;
  g.e.jumpBack(Op.JUMP, start);
  // Only a ^ inside the body leaves the loop; what follows is unreachable.
  g.e.depth = d;
  loopValue(g, m, value);
}

/**
 * `start to: limit [by: step] do: [:i | body]`: i is a temp of this context, the limit
 * is evaluated once into a hidden temp (unless literal), the test is <= (>= for a
 * negative step) and the increment +, both special sends.
 */
function toDo(g: Generator, m: MessageNode, limit: Expr, step: LiteralNode | null, block: BlockNode, value: boolean): void {
  const scope = g.scopeOf(block);
  const loopVar = scope.declared[0];
  g.expr(m.receiver, true);
  g.e.span = m;
  if (value) g.e.op(Op.DUP);
  g.storeLocal(loopVar, true);
  const literalLimit = limit.type === 'literal' ? limit : null;
  if (!literalLimit) {
    g.expr(limit, true);
    g.e.span = m;
    g.e.op(Op.POP_STORE_TEMP, scope.hiddenSlots[0]);
  }
  const start = g.e.pc;
  g.e.span = m;
  g.e.op(Op.PUSH_TEMP, loopVar.slot);
  if (literalLimit) g.e.pushLiteral(literalLimit.value);
  else g.e.op(Op.PUSH_TEMP, scope.hiddenSlots[0]);
  g.e.sendSpecial(step && literalStepSign(step) < 0 ? GE : LE);
  const exit = g.e.jumpForward(Op.JUMP_FALSE);
  const d = g.e.depth;
  g.inlinedBody(block, false);
  g.e.span = m;
  g.e.op(Op.PUSH_TEMP, loopVar.slot);
  g.e.pushLiteral(step ? step.value : { kind: 'integer', value: 1n });
  g.e.sendSpecial(PLUS);
  g.storeLocal(loopVar, true);
  g.e.jumpBack(Op.JUMP, start);
  g.e.patch(exit);
  g.e.depth = d;
}

/** `n timesRepeat: [body]`: a hidden limit and counter, counting from 1 to n. */
function timesRepeat(g: Generator, m: MessageNode, block: BlockNode, value: boolean): void {
  const [limit, counter] = g.scopeOf(block).hiddenSlots;
  g.expr(m.receiver, true);
  g.e.span = m;
  if (value) g.e.op(Op.DUP);
  g.e.op(Op.POP_STORE_TEMP, limit);
  g.e.op(Op.PUSH_INT, 1);
  g.e.op(Op.POP_STORE_TEMP, counter);
  const start = g.e.pc;
  g.e.op(Op.PUSH_TEMP, counter);
  g.e.op(Op.PUSH_TEMP, limit);
  g.e.sendSpecial(LE);
  const exit = g.e.jumpForward(Op.JUMP_FALSE);
  const d = g.e.depth;
  g.inlinedBody(block, false);
  g.e.span = m;
  g.e.op(Op.PUSH_TEMP, counter);
  g.e.op(Op.PUSH_INT, 1);
  g.e.sendSpecial(PLUS);
  g.e.op(Op.POP_STORE_TEMP, counter);
  g.e.jumpBack(Op.JUMP, start);
  g.e.patch(exit);
  g.e.depth = d;
}

function ifNil(g: Generator, m: MessageNode, block: BlockNode, value: boolean): void {
  g.expr(m.receiver, true);
  g.e.span = m;
  if (!value) {
    const skip = g.e.jumpForward(Op.JUMP_NOT_NIL);
    g.inlinedBody(block, false);
    return g.e.patch(skip);
  }
  g.e.op(Op.DUP);
  const skip = g.e.jumpForward(Op.JUMP_NOT_NIL);
  g.e.op(Op.POP);
  g.inlinedBody(block, true);
  g.e.patch(skip);
}

function ifNotNil(g: Generator, m: MessageNode, block: BlockNode, value: boolean): void {
  const param = block.params.length > 0 ? g.scopeOf(block).declared[0] : null;
  g.expr(m.receiver, true);
  g.e.span = m;
  if (!value) {
    if (param) g.storeLocal(param, false);
    const skip = g.e.jumpForward(Op.JUMP_NIL);
    g.inlinedBody(block, false);
    return g.e.patch(skip);
  }
  // The copy left on the stack is the value (nil) when the jump is taken.
  g.e.op(Op.DUP);
  const skip = g.e.jumpForward(Op.JUMP_NIL);
  if (param) g.storeLocal(param, true);
  else g.e.op(Op.POP);
  g.inlinedBody(block, true);
  g.e.patch(skip);
}

function ifNilIfNotNil(g: Generator, m: MessageNode, nilBlock: BlockNode, notNilBlock: BlockNode, value: boolean): void {
  const param = notNilBlock.params.length > 0 ? g.scopeOf(notNilBlock).declared[0] : null;
  g.expr(m.receiver, true);
  g.e.span = m;
  if (param) g.storeLocal(param, false);
  branches(g, m, g.e.jumpForward(Op.JUMP_NIL), notNilBlock, nilBlock, value);
}
