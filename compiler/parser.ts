// The Smalltalk grammar (a chevrotain CstParser) and the public parsing API.
//
// Pipeline: lex (tokens.ts, hand written, never throws) -> one shared parser instance
// builds a CST -> AstBuilder (cst-to-ast.ts) builds the AST of ast.ts. Errors from any
// stage are turned into one CompileError naming a specific reason (explainSyntaxError in
// errors.ts words chevrotain's exceptions); the earliest error in the source wins.
//
// Grammar (precedence: unary > binary > keyword; cascades apply to the last message):
//   methodDecl   := methodPattern body
//   doit         := body
//   body         := (pragma | temporaries)* statements
//   statements   := '.'* [statement ('.' [statement])*]
//   statement    := ['^'] expression
//   expression   := (Identifier ':=')* binaryExpr (Keyword binaryExpr)* (';' cascadeMessage)*
//   binaryExpr   := unaryExpr (BinarySelector unaryExpr)*
//   unaryExpr    := primary Identifier*
//   primary      := Identifier | Literal | block | '(' expression ')' | brace | literalArray | byteArray
// For speed, statements, primary and the first operand of each expression are inlined
// (statementList, operand, expressionBody); the CST keeps them apart by key.

import { CstParser, EMPTY_ALT, type CstNode, type IOrAlt, type IRecognitionException } from 'chevrotain';
import type { Expr, MethodNode } from './ast.ts';
import { AstBuilder, AstError } from './cst-to-ast.ts';
import { CompileError, DEFAULT_FILE, explainSyntaxError, type Failure } from './errors.ts';
import {
  allTokens, Assign, AssignTarget, BinarySelector, Bar, Caret, Colon, Gt, HashBracket, HashParen,
  Identifier, Keyword, LBrace, LBracket, LiteralToken, LParen, Lt, MultiKeyword, Period, RBrace,
  RBracket, RParen, Semicolon, Variable, lex,
} from './tokens.ts';

export interface ParseOptions {
  /** File name used in error messages; defaults to `<input>`. */
  file?: string;
}

class SmalltalkParser extends CstParser {
  constructor() {
    super(allTokens, { maxLookahead: 2, recoveryEnabled: false });
    this.performSelfAnalysis();
  }

  // OR alternatives are built once and reused: creating them on every rule call
  // costs more than the parse itself.
  private readonly methodPatternAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(Identifier) },
    { ALT: () => { this.CONSUME(BinarySelector); this.CONSUME2(Identifier); } },
    { ALT: () => this.AT_LEAST_ONE(() => { this.CONSUME(Keyword); this.CONSUME3(Identifier); }) },
  ];
  private readonly bodyAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE(this.pragma) },
    { ALT: () => this.SUBRULE(this.temporaries) },
  ];
  private readonly pragmaAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.AT_LEAST_ONE(() => { this.CONSUME(Keyword); this.SUBRULE(this.pragmaArg); }) },
    { ALT: () => this.CONSUME(Identifier) },
  ];
  private readonly pragmaArgAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(LiteralToken) },
    { ALT: () => this.CONSUME(Identifier) },
    { ALT: () => this.SUBRULE(this.literalArray) },
    { ALT: () => this.SUBRULE(this.byteArray) },
  ];
  private readonly cascadeMessageAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(Identifier) },
    { ALT: () => { this.CONSUME(BinarySelector); this.SUBRULE(this.unaryExpr); } },
    { ALT: () => this.AT_LEAST_ONE(() => { this.CONSUME(Keyword); this.SUBRULE(this.binaryExpr); }) },
  ];
  private readonly primaryAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(Variable) },
    { ALT: () => this.CONSUME(LiteralToken) },
    { ALT: () => this.SUBRULE(this.block) },
    { ALT: () => { this.CONSUME(LParen); this.SUBRULE(this.expression); this.CONSUME(RParen); } },
    { ALT: () => this.SUBRULE(this.brace) },
    { ALT: () => this.SUBRULE(this.literalArray) },
    { ALT: () => this.SUBRULE(this.byteArray) },
  ];
  private readonly blockParamsAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(Bar) },
    { GATE: () => this.LA(1).tokenType === RBracket, ALT: EMPTY_ALT() },
  ];
  private readonly arrayElementAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(LiteralToken) },
    { ALT: () => this.CONSUME(Identifier) },
    { ALT: () => this.CONSUME(Keyword) },
    { ALT: () => this.CONSUME(MultiKeyword) },
    { ALT: () => this.CONSUME(BinarySelector) },
    { ALT: () => this.SUBRULE(this.literalArray) },
    { ALT: () => this.SUBRULE(this.nestedArray) },
    { ALT: () => this.SUBRULE(this.byteArray) },
    { ALT: () => this.SUBRULE(this.nestedBytes) },
  ];

  readonly methodDecl = this.RULE('methodDecl', () => {
    this.SUBRULE(this.methodPattern);
    this.SUBRULE(this.body);
  });

  readonly doit = this.RULE('doit', () => {
    this.SUBRULE(this.body);
  });

  readonly expressionOnly = this.RULE('expressionOnly', () => {
    this.SUBRULE(this.expression);
    this.OPTION(() => this.CONSUME(Period));
  });

  readonly methodPattern = this.RULE('methodPattern', () => {
    this.OR(this.methodPatternAlts);
  });

  readonly body = this.RULE('body', () => {
    this.MANY(() => this.OR(this.bodyAlts));
    this.statementList();
  });

  readonly temporaries = this.RULE('temporaries', () => {
    this.CONSUME(Bar);
    this.MANY(() => this.CONSUME(Identifier));
    this.CONSUME2(Bar);
  });

  readonly pragma = this.RULE('pragma', () => {
    this.CONSUME(Lt);
    this.OR(this.pragmaAlts);
    this.CONSUME(Gt);
  });

  readonly pragmaArg = this.RULE('pragmaArg', () => {
    this.OR(this.pragmaArgAlts);
  });

  // Rule calls dominate the parse time (each builds a CST node), so the hot paths are
  // inlined into their callers by these helpers; their DSL calls use occurrence numbers
  // (5 and up) that no including rule uses, and the CST keys they produce are distinct
  // from the including rule's own (see the token categories Variable and AssignTarget).

  /** `'.'* [statement ('.' [statement])*]`, inlined into body and block. */
  private statementList(): void {
    this.MANY5(() => this.CONSUME5(Period));
    this.OPTION5(() => {
      this.SUBRULE5(this.statement);
      this.MANY6(() => {
        this.CONSUME6(Period);
        this.OPTION6(() => this.SUBRULE6(this.statement));
      });
    });
  }

  /** A primary followed by unary selectors, inlined into unaryExpr, binaryExpr and expression. */
  private operand(): void {
    this.OR(this.primaryAlts);
    this.MANY5(() => this.CONSUME5(Identifier));
  }

  /** Assignments, the receiver with its unary and binary messages, keyword message, cascade. */
  private expressionBody(): void {
    this.MANY(() => { this.CONSUME(AssignTarget); this.CONSUME(Assign); });
    this.operand();
    this.MANY2(() => { this.CONSUME(BinarySelector); this.SUBRULE(this.unaryExpr); });
    this.MANY3(() => { this.CONSUME(Keyword); this.SUBRULE(this.binaryExpr); });
    this.MANY4(() => { this.CONSUME(Semicolon); this.SUBRULE(this.cascadeMessage); });
  }

  readonly statement = this.RULE('statement', () => {
    this.OPTION(() => this.CONSUME(Caret));
    this.expressionBody();
  });

  readonly expression = this.RULE('expression', () => {
    this.expressionBody();
  });

  readonly cascadeMessage = this.RULE('cascadeMessage', () => {
    this.OR(this.cascadeMessageAlts);
  });

  readonly binaryExpr = this.RULE('binaryExpr', () => {
    this.operand();
    this.MANY(() => { this.CONSUME(BinarySelector); this.SUBRULE(this.unaryExpr); });
  });

  readonly unaryExpr = this.RULE('unaryExpr', () => {
    this.operand();
  });

  readonly block = this.RULE('block', () => {
    this.CONSUME(LBracket);
    this.OPTION(() => this.SUBRULE(this.blockParams));
    this.OPTION2(() => this.SUBRULE(this.temporaries));
    this.statementList();
    this.CONSUME(RBracket);
  });

  /** `:a :b |`, or `:a :b` directly before the closing `]` (`[:x]`). */
  readonly blockParams = this.RULE('blockParams', () => {
    this.AT_LEAST_ONE(() => { this.CONSUME(Colon); this.CONSUME(Identifier); });
    this.OR(this.blockParamsAlts);
  });

  readonly brace = this.RULE('brace', () => {
    this.CONSUME(LBrace);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.MANY(() => {
        this.CONSUME(Period);
        this.OPTION2(() => this.SUBRULE2(this.expression));
      });
    });
    this.CONSUME(RBrace);
  });

  readonly literalArray = this.RULE('literalArray', () => {
    this.CONSUME(HashParen);
    this.MANY(() => this.SUBRULE(this.arrayElement));
    this.CONSUME(RParen);
  });

  /** `(...)` inside a literal array: the same as `#(...)`. */
  readonly nestedArray = this.RULE('nestedArray', () => {
    this.CONSUME(LParen);
    this.MANY(() => this.SUBRULE(this.arrayElement));
    this.CONSUME(RParen);
  });

  readonly arrayElement = this.RULE('arrayElement', () => {
    this.OR(this.arrayElementAlts);
  });

  readonly byteArray = this.RULE('byteArray', () => {
    this.CONSUME(HashBracket);
    this.MANY(() => this.CONSUME(LiteralToken));
    this.CONSUME(RBracket);
  });

  /** `[...]` inside a literal array: the same as `#[...]`. */
  readonly nestedBytes = this.RULE('nestedBytes', () => {
    this.CONSUME(LBracket);
    this.MANY(() => this.CONSUME(LiteralToken));
    this.CONSUME(RBracket);
  });
}

/** The one parser instance; chevrotain parsers are reusable by resetting `input`. */
export const smalltalkParser = new SmalltalkParser();
const builder = new AstBuilder();

type EntryRule = 'methodDecl' | 'doit' | 'expressionOnly';

/** Lex and parse; answers the CST or the earliest failure (lexical or syntactic). */
function analyze(source: string, rule: EntryRule): { cst: CstNode | null; failure: Failure | null } {
  const lexed = lex(source, rule === 'methodDecl');
  const parser = smalltalkParser;
  parser.input = lexed.tokens;
  const cst = parser[rule]();
  const lexFailure: Failure | null = lexed.reason === ''
    ? null
    : { reason: lexed.reason, offset: lexed.errorOffset, atEnd: lexed.errorAtEnd };
  if (parser.errors.length > 0) {
    const endOffset = lexFailure !== null ? lexFailure.offset : lexed.endOffset;
    const e: IRecognitionException = parser.errors[0];
    const parseFailure = explainSyntaxError(e, lexed.tokens, endOffset, lexFailure === null, source);
    if (lexFailure === null || parseFailure.offset < lexFailure.offset) return { cst: null, failure: parseFailure };
  }
  return { cst: lexFailure === null ? cst : null, failure: lexFailure };
}

/**
 * analyze, with a JS stack overflow (possible only when the caller is already deep,
 * since MAX_NESTING bounds our own recursion) reported as a CompileError.
 */
function guarded(source: string, rule: EntryRule): { cst: CstNode | null; failure: Failure | null } {
  try {
    return analyze(source, rule);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return { cst: null, failure: { reason: 'expression nested too deeply', offset: 0, atEnd: false } };
  }
}

function build<T>(source: string, rule: EntryRule, file: string, make: (cst: CstNode) => T): T {
  const { cst, failure } = guarded(source, rule);
  if (failure !== null || cst === null) throw new CompileError(failure!.reason, source, failure!.offset, file);
  try {
    return make(cst);
  } catch (e) {
    if (e instanceof AstError) throw new CompileError(e.reason, source, e.offset, file);
    if (e instanceof RangeError) throw new CompileError('expression nested too deeply', source, 0, file);
    throw e;
  }
}

/** Parse a method definition: its message pattern, then pragmas, temporaries and statements. */
export function parseMethod(source: string, opts?: ParseOptions): MethodNode {
  return build(source, 'methodDecl', opts?.file ?? DEFAULT_FILE, (cst) => builder.methodDecl(cst, source.length));
}

/** Parse a doit (workspace code): optional temporaries, then statements. Selector `DoIt`. */
export function parseDoit(source: string, opts?: ParseOptions): MethodNode {
  return build(source, 'doit', opts?.file ?? DEFAULT_FILE, (cst) => builder.doit(cst, source.length));
}

/** Parse one expression (a trailing period is allowed). */
export function parseExpression(source: string, opts?: ParseOptions): Expr {
  return build(source, 'expressionOnly', opts?.file ?? DEFAULT_FILE, (cst) => builder.expressionOnly(cst));
}

/**
 * True when `source` is an incomplete input: an open [ ( { string, comment, or a trailing
 * keyword/binary op or `:=`; the REPL uses it for continuation lines. Input with an error
 * before its end, or none at all, is complete.
 */
export function isIncomplete(source: string): boolean {
  const { failure } = guarded(source, 'doit');
  return failure !== null && failure.atEnd;
}
