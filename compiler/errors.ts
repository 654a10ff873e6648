// Compile errors: one reason at one place in the source. The parser throws them for
// syntax errors and the code generator for semantic ones (undeclared variable,
// assignment to an argument, ...), always pointing at a character offset; line and
// column are derived from the offset so every producer reports positions the same way.
// explainSyntaxError words the parser's exceptions.

import type { IRecognitionException, IToken } from 'chevrotain';

/** The file name used when the caller gives none. */
export const DEFAULT_FILE = '<input>';

export interface LineColumn {
  /** 1-based line number. */
  line: number;
  /** 1-based column, counted in UTF-16 code units from the start of the line. */
  column: number;
  /** Offset of the first character of that line. */
  lineStart: number;
}

/**
 * The 1-based line and column of `offset` in `source`. Line breaks are \n, \r\n or a
 * lone \r (Squeak-era sources use CR). An offset past the end is clamped to the end.
 */
export function lineColumn(source: string, offset: number): LineColumn {
  const end = Math.max(0, Math.min(offset, source.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    const c = source.charCodeAt(i);
    if (c === 10 || (c === 13 && source.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1, lineStart };
}

/** The text of the line that starts at `lineStart`, without its line break. */
function lineText(source: string, lineStart: number): string {
  let i = lineStart;
  while (i < source.length) {
    const c = source.charCodeAt(i);
    if (c === 10 || c === 13) break;
    i++;
  }
  return source.slice(lineStart, i);
}

export class CompileError extends Error {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** Character offset into the source the error was found in. */
  readonly offset: number;
  /** The reason alone, e.g. `unterminated string`. */
  readonly reason: string;
  /** The whole source line that holds `offset`, without its line break. */
  readonly sourceLine: string;

  constructor(reason: string, source: string, offset: number, file: string = DEFAULT_FILE) {
    const at = Math.max(0, Math.min(offset, source.length));
    const pos = lineColumn(source, at);
    const sourceLine = lineText(source, pos.lineStart);
    super(formatError(file, pos.line, pos.column, reason, sourceLine));
    this.name = 'CompileError';
    this.file = file;
    this.line = pos.line;
    this.column = pos.column;
    this.offset = at;
    this.reason = reason;
    this.sourceLine = sourceLine;
  }

  /** `file:line:col: reason`, then the source line, then a caret under the column. */
  format(): string {
    return formatError(this.file, this.line, this.column, this.reason, this.sourceLine);
  }
}

function formatError(file: string, line: number, column: number, reason: string, sourceLine: string): string {
  // Keep tabs in the caret line so the caret lines up under tab-indented code.
  let pad = '';
  for (let i = 0; i < column - 1; i++) pad += sourceLine.charCodeAt(i) === 9 ? '\t' : ' ';
  return `${file}:${line}:${column}: ${reason}\n${sourceLine}\n${pad}^`;
}

/** A failure to report: reason, offset, and whether it is only that the input ended early. */
export interface Failure {
  reason: string;
  offset: number;
  atEnd: boolean;
}

// Token types are compared by name, so this module does not import tokens.ts (which
// imports lineColumn from here).
const OPENERS = new Set(['LParen', 'LBracket', 'LBrace', 'HashParen', 'HashBracket']);
const CLOSERS = new Set(['RParen', 'RBracket', 'RBrace']);
const SELECTORS = new Set(['Identifier', 'Keyword', 'Bar', 'Lt', 'Gt', 'BinaryOp']);
const BINARY = new Set(['Bar', 'Lt', 'Gt', 'BinaryOp']);

function kind(token: IToken | undefined): string {
  return token === undefined ? '' : token.tokenType.name;
}

/** `opened at line:col` for the innermost bracket still open before token `index`. */
function openedAt(tokens: IToken[], index: number, source: string): string {
  let depth = 0;
  for (let j = index - 1; j >= 0; j--) {
    const type = kind(tokens[j]);
    if (CLOSERS.has(type)) depth++;
    else if (OPENERS.has(type)) {
      if (depth === 0) {
        const lc = lineColumn(source, tokens[j].startOffset);
        return `opened at ${lc.line}:${lc.column}`;
      }
      depth--;
    }
  }
  return 'opened earlier';
}

function pragmaOpenedAt(tokens: IToken[], index: number, source: string): string {
  let j = index - 1;
  while (j > 0 && kind(tokens[j]) !== 'Lt') j--;
  const lc = lineColumn(source, tokens[Math.max(j, 0)].startOffset);
  return `opened at ${lc.line}:${lc.column}`;
}

/** An operand was expected after `prev`. */
function expectedOperand(prev: IToken | undefined): string {
  if (prev === undefined) return 'expected an expression';
  const t = kind(prev);
  if (t === 'Assign') return 'expected an expression after :=';
  if (t === 'Caret') return 'expected an expression after ^';
  if (t === 'Keyword' || BINARY.has(t)) return `expected an argument after ${prev.image}`;
  if (t === 'LParen') return 'expected an expression after (';
  return 'expected an expression';
}

/** A statement ended (no more messages apply) but `token` follows instead of `.` or a closer. */
function expectedStatementEnd(token: IToken): string {
  const t = kind(token);
  if (t === 'Assign') return 'only a variable can be assigned with :=';
  if (t === 'MultiKeyword') return `expected an argument after ${token.image.slice(0, token.image.indexOf(':') + 1)}`;
  // A selector can only be left over after a cascade part, which is exactly one message.
  if (SELECTORS.has(t)) return 'expected ; or statement end after a cascaded message';
  return 'expected a selector or statement end';
}

/**
 * Word chevrotain's exception as one specific reason at one place, from the rule that
 * failed, the offending token and the one before it. `endOffset` is where the end of
 * input is reported; `canContinue` says whether more input could fix an error there.
 */
export function explainSyntaxError(e: IRecognitionException, tokens: IToken[], endOffset: number, canContinue: boolean, source: string): Failure {
  const token = e.token;
  const atEnd = kind(token) === 'EOF';
  const index = atEnd ? tokens.length : tokens.indexOf(token);
  const prev = index > 0 ? tokens[index - 1] : undefined;
  const offset = atEnd ? endOffset : token.startOffset;
  const stack = e.context.ruleStack;
  const rule = stack[stack.length - 1];
  const noViableAlt = e.name === 'NoViableAltException';
  let reason: string;
  if (e.name === 'NotAllInputParsedException') {
    // After a period only parseExpression stops: it takes a single expression.
    reason = kind(prev) === 'Period' ? 'expected the end of input after the expression' : expectedStatementEnd(token);
  }
  else switch (rule) {
    case 'statement':
    case 'expression':
    case 'binaryExpr':
    case 'unaryExpr':
      reason = noViableAlt ? expectedOperand(prev) : `expected ) to close the parenthesis ${openedAt(tokens, index, source)}`;
      break;
    case 'methodPattern':
      reason = noViableAlt ? 'expected a message pattern (unary, binary or keyword selector with argument names)'
        : `expected an argument name after ${prev?.image}`;
      break;
    case 'temporaries':
      reason = atEnd ? 'expected | to end the temporaries' : 'expected a temporary name or | to end the temporaries';
      break;
    case 'pragma':
      reason = noViableAlt ? 'expected a pragma selector after <' : `expected > to close the pragma ${pragmaOpenedAt(tokens, index, source)}`;
      break;
    case 'pragmaArg':
      reason = `expected a literal argument after ${prev?.image}`;
      break;
    case 'cascadeMessage':
      reason = 'expected a message after ;';
      break;
    case 'blockParams':
      reason = kind(prev) === 'Colon' ? 'expected a parameter name after :' : 'expected | or ] after the block parameters';
      break;
    case 'block':
      reason = atEnd ? `expected ] to close the block ${openedAt(tokens, index, source)}` : expectedStatementEnd(token);
      break;
    case 'brace':
      reason = kind(token) === 'Caret' ? 'a return (^) is not allowed inside { }'
        : `expected . or } to close the brace ${openedAt(tokens, index, source)}`;
      break;
    case 'literalArray':
    case 'nestedArray':
      reason = `expected a literal or ) to close the literal array ${openedAt(tokens, index, source)}`;
      break;
    case 'byteArray':
    case 'nestedBytes':
      reason = `expected an integer 0..255 or ] to close the byte array ${openedAt(tokens, index, source)}`;
      break;
    default:
      reason = atEnd ? 'unexpected end of input' : `unexpected ${token.image}`;
  }
  return { reason, offset, atEnd: atEnd && canContinue };
}
