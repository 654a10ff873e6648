// The abstract syntax tree that cst-to-ast.ts builds from the chevrotain CST and that
// scope.ts and codegen.ts consume. Every node carries its source range (character
// offsets into the parsed text, end exclusive) so code generation can build the
// pc -> source map and errors can point at the code.

import type { Literal } from '../vm/method-spec.ts';

export interface Span {
  start: number;
  end: number;
}

export type Expr =
  | LiteralNode
  | VariableNode
  | AssignNode
  | MessageNode
  | CascadeNode
  | BlockNode
  | BraceNode;

export interface LiteralNode extends Span {
  type: 'literal';
  value: Literal;
}

/** Any identifier, including self, super, thisContext, nil, true and false. */
export interface VariableNode extends Span {
  type: 'variable';
  name: string;
}

export interface AssignNode extends Span {
  type: 'assign';
  target: VariableNode;
  value: Expr;
}

export interface MessageNode extends Span {
  type: 'message';
  receiver: Expr;
  selector: string;
  args: Expr[];
  /** Range of the selector keywords (for errors and the source map). */
  selectorSpan: Span;
}

/** `receiver msg1; msg2; msg3`: every message has the same receiver node. */
export interface CascadeNode extends Span {
  type: 'cascade';
  receiver: Expr;
  messages: MessageNode[];
}

export interface BlockNode extends Span {
  type: 'block';
  params: VariableNode[];
  temps: VariableNode[];
  body: Statement[];
}

/** `{a. b. c}` */
export interface BraceNode extends Span {
  type: 'brace';
  elements: Expr[];
}

export type Statement = ExprStatement | ReturnStatement;

export interface ExprStatement extends Span {
  type: 'expr';
  expr: Expr;
}

export interface ReturnStatement extends Span {
  type: 'return';
  expr: Expr;
}

export interface PragmaNode extends Span {
  keyword: string;
  args: Literal[];
}

/** A method definition, or a doit (selector 'DoIt', no params). */
export interface MethodNode extends Span {
  type: 'method';
  selector: string;
  params: VariableNode[];
  temps: VariableNode[];
  pragmas: PragmaNode[];
  body: Statement[];
  isDoit: boolean;
}
