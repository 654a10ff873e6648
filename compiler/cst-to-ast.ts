// The CST visitor: turns the chevrotain CST of parser.ts into the AST of ast.ts. One
// method per grammar rule, each taking that rule's node; the children interfaces below
// mirror the grammar (a key is present only when the rule consumed at least one such
// element). It is a plain class rather than chevrotain's generated base visitor so the
// calls are direct and typed and so parser.ts can own the one parser instance without
// an import cycle. Checks that need no scope (byte ranges, cascade targets) are done
// here and thrown as AstError; pragmas, including <primitive:...>, are kept as written
// (compile.ts decodes and checks primitives).

import type { CstNode, IToken } from 'chevrotain';
import type {
  BlockNode, BraceNode, Expr, LiteralNode, MessageNode, MethodNode, PragmaNode, Statement, VariableNode,
} from './ast.ts';
import type { Literal } from '../vm/method-spec.ts';
import type { Token } from './tokens.ts';

/** A problem found while building the AST; parser.ts turns it into a CompileError. */
export class AstError extends Error {
  readonly reason: string;
  readonly offset: number;
  constructor(reason: string, offset: number) {
    super(reason);
    this.reason = reason;
    this.offset = offset;
  }
}

type Tokens = Token[];
type Nodes = CstNode[];

interface MethodDeclCtx { methodPattern: Nodes; body: Nodes }
interface DoitCtx { body: Nodes }
interface ExpressionOnlyCtx { expression: Nodes }
interface MethodPatternCtx { Identifier: Tokens; BinarySelector?: Tokens; Keyword?: Tokens }
interface BodyCtx { pragma?: Nodes; temporaries?: Nodes; statement?: Nodes }
interface TemporariesCtx { Identifier?: Tokens }
interface PragmaCtx { Lt: Tokens; Gt: Tokens; Keyword?: Tokens; pragmaArg?: Nodes; Identifier?: Tokens }
interface PragmaArgCtx { Literal?: Tokens; Identifier?: Tokens; literalArray?: Nodes; byteArray?: Nodes }
/** An inlined operand: one primary alternative's keys, then unary selectors under Identifier. */
interface OperandCtx {
  Variable?: Tokens; Literal?: Tokens; block?: Nodes; LParen?: Tokens; RParen?: Tokens; expression?: Nodes;
  brace?: Nodes; literalArray?: Nodes; byteArray?: Nodes; Identifier?: Tokens;
}
/** binaryExpr: its first operand inline, each further operand a unaryExpr after its selector. */
interface BinaryExprCtx extends OperandCtx { BinarySelector?: Tokens; unaryExpr?: Nodes }
/** expression, and statement which inlines it: targets, receiver (inline binaryExpr), keyword part, cascade. */
interface ExpressionCtx extends BinaryExprCtx {
  AssignTarget?: Tokens; Keyword?: Tokens; binaryExpr?: Nodes; Semicolon?: Tokens; cascadeMessage?: Nodes;
}
interface StatementCtx extends ExpressionCtx { Caret?: Tokens }
interface CascadeMessageCtx { Identifier?: Tokens; BinarySelector?: Tokens; unaryExpr?: Nodes; Keyword?: Tokens; binaryExpr?: Nodes }
interface BlockCtx { LBracket: Tokens; RBracket: Tokens; blockParams?: Nodes; temporaries?: Nodes; statement?: Nodes }
interface BlockParamsCtx { Identifier: Tokens }
interface BraceCtx { LBrace: Tokens; RBrace: Tokens; expression?: Nodes }
interface ArrayCtx { HashParen?: Tokens; LParen?: Tokens; RParen: Tokens; arrayElement?: Nodes }
interface ArrayElementCtx {
  Literal?: Tokens; Identifier?: Tokens; Keyword?: Tokens; MultiKeyword?: Tokens; BinarySelector?: Tokens;
  literalArray?: Nodes; nestedArray?: Nodes; byteArray?: Nodes; nestedBytes?: Nodes;
}
interface BytesCtx { HashBracket?: Tokens; LBracket?: Tokens; RBracket: Tokens; Literal?: Tokens }

function ctx<T>(node: CstNode): T {
  return node.children as unknown as T;
}

function end(token: IToken): number {
  return token.endOffset! + 1;
}

function variable(token: Token): VariableNode {
  return { type: 'variable', name: token.image, start: token.startOffset, end: token.endOffset + 1 };
}

function message(receiver: Expr, selector: string, args: Expr[], selStart: number, selEnd: number, start: number): MessageNode {
  const last = args.length > 0 ? args[args.length - 1].end : selEnd;
  return { type: 'message', receiver, selector, args, selectorSpan: { start: selStart, end: selEnd }, start, end: last };
}

/** A bare word in a literal array or a pragma: true, false and nil are objects, the rest symbols. */
function wordLiteral(word: string): Literal {
  if (word === 'true') return { kind: 'true' };
  if (word === 'false') return { kind: 'false' };
  if (word === 'nil') return { kind: 'nil' };
  return { kind: 'symbol', value: word };
}

export class AstBuilder {
  methodDecl(node: CstNode, sourceLength: number): MethodNode {
    const c = ctx<MethodDeclCtx>(node);
    const p = ctx<MethodPatternCtx>(c.methodPattern[0]);
    let selector: string;
    let params: VariableNode[];
    if (p.Keyword !== undefined) {
      selector = p.Keyword.map((k) => k.image).join('');
      params = p.Identifier.map(variable);
    } else if (p.BinarySelector !== undefined) {
      selector = p.BinarySelector[0].image;
      params = [variable(p.Identifier[0])];
    } else {
      selector = p.Identifier[0].image;
      params = [];
    }
    return this.body(c.body[0], selector, params, false, sourceLength);
  }

  doit(node: CstNode, sourceLength: number): MethodNode {
    return this.body(ctx<DoitCtx>(node).body[0], 'DoIt', [], true, sourceLength);
  }

  expressionOnly(node: CstNode): Expr {
    return this.expression(ctx<ExpressionOnlyCtx>(node).expression[0]);
  }

  body(node: CstNode, selector: string, params: VariableNode[], isDoit: boolean, sourceLength: number): MethodNode {
    const c = ctx<BodyCtx>(node);
    const temps: VariableNode[] = [];
    if (c.temporaries !== undefined) for (const t of c.temporaries) temps.push(...this.temporaries(t));
    const pragmas = c.pragma !== undefined ? c.pragma.map((n) => this.pragma(n)) : [];
    const body = this.statementList(c.statement);
    return { type: 'method', selector, params, temps, pragmas, body, isDoit, start: 0, end: sourceLength };
  }

  temporaries(node: CstNode): VariableNode[] {
    const ids = ctx<TemporariesCtx>(node).Identifier;
    return ids === undefined ? [] : ids.map(variable);
  }

  pragma(node: CstNode): PragmaNode {
    const c = ctx<PragmaCtx>(node);
    const start = c.Lt[0].startOffset;
    const stop = end(c.Gt[0]);
    if (c.Keyword === undefined) return { keyword: c.Identifier![0].image, args: [], start, end: stop };
    const keyword = c.Keyword.map((k) => k.image).join('');
    const args = c.pragmaArg!.map((n) => this.pragmaArg(n));
    return { keyword, args, start, end: stop };
  }

  pragmaArg(node: CstNode): Literal {
    const c = ctx<PragmaArgCtx>(node);
    if (c.Literal !== undefined) return c.Literal[0].payload!;
    if (c.Identifier !== undefined) return wordLiteral(c.Identifier[0].image);
    if (c.literalArray !== undefined) return this.literalArray(c.literalArray[0]);
    return this.byteArray(c.byteArray![0]);
  }

  statementList(list: Nodes | undefined): Statement[] {
    return list === undefined ? [] : list.map((n) => this.statement(n));
  }

  statement(node: CstNode): Statement {
    const c = ctx<StatementCtx>(node);
    const expr = this.expressionParts(c);
    if (c.Caret !== undefined) return { type: 'return', expr, start: c.Caret[0].startOffset, end: expr.end };
    return { type: 'expr', expr, start: expr.start, end: expr.end };
  }

  expression(node: CstNode): Expr {
    return this.expressionParts(ctx<ExpressionCtx>(node));
  }

  expressionParts(c: ExpressionCtx): Expr {
    let result = this.binaryExpression(c);
    if (c.Keyword !== undefined) {
      const keywords = c.Keyword;
      const operands = c.binaryExpr!;
      const args: Expr[] = [];
      let selector = '';
      for (let i = 0; i < keywords.length; i++) {
        selector += keywords[i].image;
        args.push(this.binaryExpr(operands[i]));
      }
      result = message(result, selector, args, keywords[0].startOffset, end(keywords[keywords.length - 1]), result.start);
    }
    if (c.cascadeMessage !== undefined) {
      if (c.Keyword === undefined && c.BinarySelector === undefined && c.Identifier === undefined) {
        throw new AstError('a cascade must follow a message send', c.Semicolon![0].startOffset);
      }
      const first = result as MessageNode;
      const messages = [first];
      for (const part of c.cascadeMessage) messages.push(this.cascadeMessage(part, first.receiver));
      result = { type: 'cascade', receiver: first.receiver, messages, start: first.start, end: messages[messages.length - 1].end };
    }
    const targets = c.AssignTarget;
    if (targets !== undefined) {
      for (let i = targets.length - 1; i >= 0; i--) {
        result = { type: 'assign', target: variable(targets[i]), value: result, start: targets[i].startOffset, end: result.end };
      }
    }
    return result;
  }

  /** One message of a cascade after `;`; its span starts at its selector. */
  cascadeMessage(node: CstNode, receiver: Expr): MessageNode {
    const c = ctx<CascadeMessageCtx>(node);
    if (c.Keyword !== undefined) {
      const keywords = c.Keyword;
      const args = c.binaryExpr!.map((n) => this.binaryExpr(n));
      const selStart = keywords[0].startOffset;
      return message(receiver, keywords.map((k) => k.image).join(''), args, selStart, end(keywords[keywords.length - 1]), selStart);
    }
    if (c.BinarySelector !== undefined) {
      const op = c.BinarySelector[0];
      return message(receiver, op.image, [this.unaryExpr(c.unaryExpr![0])], op.startOffset, end(op), op.startOffset);
    }
    const id = c.Identifier![0];
    return message(receiver, id.image, [], id.startOffset, end(id), id.startOffset);
  }

  binaryExpr(node: CstNode): Expr {
    return this.binaryExpression(ctx<BinaryExprCtx>(node));
  }

  binaryExpression(c: BinaryExprCtx): Expr {
    let result = this.operand(c);
    const ops = c.BinarySelector;
    if (ops !== undefined) {
      const operands = c.unaryExpr!;
      for (let i = 0; i < ops.length; i++) {
        const arg = this.unaryExpr(operands[i]);
        result = message(result, ops[i].image, [arg], ops[i].startOffset, end(ops[i]), result.start);
      }
    }
    return result;
  }

  unaryExpr(node: CstNode): Expr {
    return this.operand(ctx<OperandCtx>(node));
  }

  operand(c: OperandCtx): Expr {
    let result = this.primary(c);
    const selectors = c.Identifier;
    if (selectors !== undefined) {
      for (let i = 0; i < selectors.length; i++) {
        const s = selectors[i];
        result = message(result, s.image, [], s.startOffset, end(s), result.start);
      }
    }
    return result;
  }

  primary(c: OperandCtx): Expr {
    if (c.Variable !== undefined) return variable(c.Variable[0]);
    if (c.Literal !== undefined) {
      const t = c.Literal[0];
      return { type: 'literal', value: t.payload!, start: t.startOffset, end: t.endOffset + 1 };
    }
    if (c.block !== undefined) return this.block(c.block[0]);
    if (c.expression !== undefined) {
      // A parenthesized expression keeps its node; its span grows to cover the parentheses.
      const inner = this.expression(c.expression[0]);
      inner.start = c.LParen![0].startOffset;
      inner.end = end(c.RParen![0]);
      return inner;
    }
    if (c.brace !== undefined) return this.brace(c.brace[0]);
    const n = c.literalArray !== undefined ? c.literalArray[0] : c.byteArray![0];
    const value = c.literalArray !== undefined ? this.literalArray(n) : this.byteArray(n);
    return literalNode(value, n);
  }

  block(node: CstNode): BlockNode {
    const c = ctx<BlockCtx>(node);
    const params = c.blockParams !== undefined ? ctx<BlockParamsCtx>(c.blockParams[0]).Identifier.map(variable) : [];
    const temps = c.temporaries !== undefined ? this.temporaries(c.temporaries[0]) : [];
    const body = this.statementList(c.statement);
    return { type: 'block', params, temps, body, start: c.LBracket[0].startOffset, end: end(c.RBracket[0]) };
  }

  brace(node: CstNode): BraceNode {
    const c = ctx<BraceCtx>(node);
    const elements = c.expression !== undefined ? c.expression.map((n) => this.expression(n)) : [];
    return { type: 'brace', elements, start: c.LBrace[0].startOffset, end: end(c.RBrace[0]) };
  }

  literalArray(node: CstNode): Literal {
    const list = ctx<ArrayCtx>(node).arrayElement;
    return { kind: 'array', elements: list === undefined ? [] : list.map((n) => this.arrayElement(n)) };
  }

  arrayElement(node: CstNode): Literal {
    const c = ctx<ArrayElementCtx>(node);
    if (c.Literal !== undefined) return c.Literal[0].payload!;
    if (c.Identifier !== undefined) return wordLiteral(c.Identifier[0].image);
    const word = c.Keyword ?? c.MultiKeyword ?? c.BinarySelector;
    if (word !== undefined) return { kind: 'symbol', value: word[0].image };
    if (c.literalArray !== undefined) return this.literalArray(c.literalArray[0]);
    if (c.nestedArray !== undefined) return this.literalArray(c.nestedArray[0]);
    return this.byteArray(c.byteArray !== undefined ? c.byteArray[0] : c.nestedBytes![0]);
  }

  byteArray(node: CstNode): Literal {
    const list = ctx<BytesCtx>(node).Literal;
    const value: number[] = [];
    if (list !== undefined) {
      for (const t of list) {
        const lit = t.payload!;
        if (lit.kind !== 'integer' || lit.value < 0n || lit.value > 255n) {
          throw new AstError('byte array element must be 0..255', t.startOffset);
        }
        value.push(Number(lit.value));
      }
    }
    return { kind: 'bytes', value };
  }
}

function literalNode(value: Literal, node: CstNode): LiteralNode {
  const c = ctx<ArrayCtx & BytesCtx>(node);
  const open = c.HashParen?.[0] ?? c.HashBracket![0];
  const close = c.RParen?.[0] ?? c.RBracket[0];
  return { type: 'literal', value, start: open.startOffset, end: end(close) };
}
