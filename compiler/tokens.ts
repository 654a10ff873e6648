// Token types and the lexer. Smalltalk lexing is context sensitive in three places,
// which is why the lexer is hand written instead of a chevrotain Lexer:
//  - `-` directly before a digit starts a negative number only where an operand is
//    expected (`3 - -4`, `x at: -1`); after an operand it is binary minus (`3-4`, `x-1`).
//    Inside literal and byte arrays it is always a sign (`#(1 -2)`).
//  - Inside literal arrays `(` and `[` open nested literal and byte arrays.
//  - `x:=1` is an identifier and an assignment, `a:b:` a multi-part keyword.
// The lexer also matches brackets, so an unbalanced bracket is reported with the place
// its opener was found. It never throws: the first lexical error is returned with the
// tokens before it, and the parser decides whether a syntax error comes earlier.

import { createToken, tokenMatcher, type IToken, type TokenType } from 'chevrotain';
import type { Literal } from '../vm/method-spec.ts';
import { lineColumn } from './errors.ts';
import { isIdentifierPart, scanNumber } from './literals.ts';

/**
 * Category holding only Identifier. The primary rule consumes it so that the CST files a
 * variable under `Variable` and unary selectors under `Identifier`, which spares the
 * visitor from working out which identifier is which.
 */
export const Variable = createToken({ name: 'Variable', pattern: /NA/ });
/** Category holding only Identifier, consumed for assignment targets (`x :=`), likewise. */
export const AssignTarget = createToken({ name: 'AssignTarget', pattern: /NA/ });
export const Identifier = createToken({ name: 'Identifier', pattern: /NA/, categories: [Variable, AssignTarget] });
/** `at:` */
export const Keyword = createToken({ name: 'Keyword', pattern: /NA/ });
/** `at:put:` written without spaces; only meaningful in symbols and literal arrays. */
export const MultiKeyword = createToken({ name: 'MultiKeyword', pattern: /NA/ });
/** Any binary selector; the parser consumes this category. */
export const BinarySelector = createToken({ name: 'BinarySelector', pattern: /NA/ });
/** `|` on its own: temporaries and block parameters, or the binary selector `|`. */
export const Bar = createToken({ name: 'Bar', pattern: /NA/, categories: [BinarySelector] });
/** `<` on its own: binary selector or the start of a pragma. */
export const Lt = createToken({ name: 'Lt', pattern: /NA/, categories: [BinarySelector] });
/** `>` on its own: binary selector or the end of a pragma. */
export const Gt = createToken({ name: 'Gt', pattern: /NA/, categories: [BinarySelector] });
export const BinaryOp = createToken({ name: 'BinaryOp', pattern: /NA/, categories: [BinarySelector] });
/** Numbers, strings, characters and symbols; `payload` holds the Literal value. */
export const LiteralToken = createToken({ name: 'Literal', pattern: /NA/ });
export const Assign = createToken({ name: 'Assign', pattern: /NA/ });
export const Colon = createToken({ name: 'Colon', pattern: /NA/ });
export const Caret = createToken({ name: 'Caret', pattern: /NA/ });
export const Period = createToken({ name: 'Period', pattern: /NA/ });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /NA/ });
export const LParen = createToken({ name: 'LParen', pattern: /NA/ });
export const RParen = createToken({ name: 'RParen', pattern: /NA/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /NA/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /NA/ });
export const LBrace = createToken({ name: 'LBrace', pattern: /NA/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /NA/ });
/** `#(` */
export const HashParen = createToken({ name: 'HashParen', pattern: /NA/ });
/** `#[` */
export const HashBracket = createToken({ name: 'HashBracket', pattern: /NA/ });

export const allTokens: TokenType[] = [
  Variable, AssignTarget, Identifier, Keyword, MultiKeyword, BinarySelector, Bar, Lt, Gt, BinaryOp, LiteralToken,
  Assign, Colon, Caret, Period, Semicolon, LParen, RParen, LBracket, RBracket, LBrace,
  RBrace, HashParen, HashBracket,
];

/** A chevrotain token with a fixed shape; `endOffset` is inclusive as chevrotain expects. */
export class Token implements IToken {
  image: string;
  startOffset: number;
  endOffset: number;
  tokenTypeIdx: number;
  tokenType: TokenType;
  payload: Literal | null;

  constructor(type: TokenType, image: string, start: number, end: number, payload: Literal | null) {
    this.image = image;
    this.startOffset = start;
    this.endOffset = end - 1;
    this.tokenTypeIdx = type.tokenTypeIdx!;
    this.tokenType = type;
    this.payload = payload;
  }
}

/** What an open bracket is; decides the closing character, its name and the lexer mode. */
const enum Open { Paren, Block, Brace, LiteralArray, NestedArray, ByteArray, NestedBytes }

/**
 * Brackets are the only source of recursion in the grammar, so bounding their nesting
 * bounds the parser's JS stack use (chevrotain overflows the default stack at roughly
 * 450 nested blocks; real code stays far below this).
 */
export const MAX_NESTING = 128;
const TOO_DEEP = `brackets nested more than ${MAX_NESTING} deep`;

const OPEN_CLOSER = [')', ']', '}', ')', ')', ']', ']'];
const OPEN_NAME = ['parenthesis', 'block', 'brace', 'literal array', 'literal array', 'byte array', 'byte array'];

export interface LexResult {
  /** The tokens up to the first lexical error (all of them when there is none). */
  tokens: Token[];
  /** The first lexical error, or '' when there is none. */
  reason: string;
  errorOffset: number;
  /** The error is only that the input stops early (open bracket, string or comment). */
  errorAtEnd: boolean;
  /** Where the end of input is reported: after the last non-blank character. */
  endOffset: number;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c > 127 && /\p{L}/u.test(String.fromCharCode(c)));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Characters of binary selectors (`|` is lexed on its own, see Bar). */
function isBinaryChar(c: number): boolean {
  switch (c) {
    case 43: case 45: case 42: case 47: case 92: case 126: case 60: case 62: case 61:
    case 64: case 37: case 38: case 63: case 44: case 124:
      return true;
    default:
      return false;
  }
}

function describeChar(src: string, at: number): string {
  const cp = src.codePointAt(at)!;
  if (/[\p{C}\p{Z}]/u.test(String.fromCodePoint(cp))) return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${String.fromCodePoint(cp)}'`;
}

/** Scan an identifier or keyword chain starting at a letter; answers its end. */
function scanWord(src: string, p: number): number {
  while (p < src.length && isIdentifierPart(src.charCodeAt(p))) p++;
  return p;
}

/** After an identifier ending at `p`: the end of `ident:` or `a:b:` (keyword parts), or `p`. */
function scanKeywordTail(src: string, p: number): number {
  if (src.charCodeAt(p) !== 58 || src.charCodeAt(p + 1) === 61) return p;
  let end = p + 1;
  // Extend to a multi-part keyword only when every part ends with a colon: `a:b:`.
  let q = end;
  while (isLetter(src.charCodeAt(q))) {
    const wordEnd = scanWord(src, q);
    if (src.charCodeAt(wordEnd) !== 58 || src.charCodeAt(wordEnd + 1) === 61) break;
    end = wordEnd + 1;
    q = end;
  }
  return end;
}

/**
 * Lexes `src`. `method` says that src begins with a method pattern: right after a
 * complete pattern an operand is expected, so `foo -1 abs` starts its body with -1.
 */
export function lex(src: string, method = false): LexResult {
  const tokens: Token[] = [];
  const stack: Open[] = [];
  const stackOffsets: number[] = [];
  const len = src.length;
  let endOffset = len;
  while (endOffset > 0 && src.charCodeAt(endOffset - 1) <= 32) endOffset--;
  let p = 0;

  while (p < len) {
    const c = src.charCodeAt(p);
    if (c === 32 || c === 10 || c === 13 || c === 9 || c === 12 || c === 11 || c === 0xa0 || c === 0xfeff) { p++; continue; }
    const top = stack.length > 0 ? stack[stack.length - 1] : -1;
    const inLiteral = top >= Open.LiteralArray;
    const start = p;

    if (isLetter(c)) {
      const wordEnd = scanWord(src, p);
      const end = scanKeywordTail(src, wordEnd);
      if (end === wordEnd) tokens.push(token(src, Identifier, start, end, null));
      else if (end > wordEnd + 1) tokens.push(token(src, MultiKeyword, start, end, null));
      else tokens.push(token(src, Keyword, start, end, null));
      p = end;
      continue;
    }

    if (isDigit(c) || (c === 45 && isDigit(src.charCodeAt(p + 1))
      && (inLiteral || !endsOperand(tokens) || (method && endsPattern(tokens))))) {
      const negative = c === 45;
      const scan = scanNumber(src, negative ? p + 1 : p, negative);
      if (scan.literal === null) return lexResult(tokens, endOffset, scan.reason, scan.errorOffset, false);
      tokens.push(token(src, LiteralToken, start, scan.end, scan.literal));
      p = scan.end;
      continue;
    }

    switch (c) {
      case 34: { // "comment"
        const close = src.indexOf('"', p + 1);
        if (close < 0) return lexResult(tokens, endOffset, 'unterminated comment', p, true);
        p = close + 1;
        continue;
      }
      case 39: { // 'string'
        const s = scanString(src, p);
        if (s.end < 0) return lexResult(tokens, endOffset, 'unterminated string', p, true);
        tokens.push(token(src, LiteralToken, start, s.end, { kind: 'string', value: s.value }));
        p = s.end;
        continue;
      }
      case 36: { // $c
        if (p + 1 >= len) return lexResult(tokens, endOffset, 'expected a character after $', p, true);
        const cp = src.codePointAt(p + 1)!;
        p += cp > 0xffff ? 3 : 2;
        tokens.push(token(src, LiteralToken, start, p, { kind: 'character', value: cp }));
        continue;
      }
      case 35: { // # symbols, #( and #[
        let q = p + 1;
        while (src.charCodeAt(q) === 35) q++; // `##foo` is tolerated as `#foo`
        const d = src.charCodeAt(q);
        if (d === 40 || d === 91) {
          tokens.push(token(src, d === 40 ? HashParen : HashBracket, start, q + 1, null));
          if (stack.length >= MAX_NESTING) return lexResult(tokens, endOffset, TOO_DEEP, start, false);
          stack.push(d === 40 ? Open.LiteralArray : Open.ByteArray);
          stackOffsets.push(start);
          p = q + 1;
          continue;
        }
        if (d === 39) {
          const s = scanString(src, q);
          if (s.end < 0) return lexResult(tokens, endOffset, 'unterminated string', q, true);
          tokens.push(token(src, LiteralToken, start, s.end, { kind: 'symbol', value: s.value }));
          p = s.end;
          continue;
        }
        let end = q;
        if (isLetter(d)) {
          // `#at:put:` and the tolerated `#a:b` are one symbol; stop before `:=`.
          while (true) {
            end = scanWord(src, end);
            if (src.charCodeAt(end) !== 58 || src.charCodeAt(end + 1) === 61) break;
            end++;
            if (!isLetter(src.charCodeAt(end))) break;
          }
        } else {
          while (end < len && isBinaryChar(src.charCodeAt(end))) end++;
        }
        if (end === q) {
          return lexResult(tokens, endOffset, q >= len ? 'expected a symbol after #' : 'expected a symbol, ( or [ after #', q >= len ? endOffset : q, q >= len);
        }
        tokens.push(token(src, LiteralToken, start, end, { kind: 'symbol', value: src.slice(q, end) }));
        p = end;
        continue;
      }
      case 58: // : or :=
        if (src.charCodeAt(p + 1) === 61) { tokens.push(token(src, Assign, start, p + 2, null)); p += 2; }
        else { tokens.push(token(src, Colon, start, p + 1, null)); p++; }
        continue;
      case 94: tokens.push(token(src, Caret, start, ++p, null)); continue;
      case 46: tokens.push(token(src, Period, start, ++p, null)); continue;
      case 59: tokens.push(token(src, Semicolon, start, ++p, null)); continue;
      case 124: tokens.push(token(src, Bar, start, ++p, null)); continue;
      case 40: case 91: case 123: { // ( [ {
        const kind = c === 123 ? Open.Brace
          : c === 40 ? (inLiteral ? Open.NestedArray : Open.Paren)
          : (inLiteral ? Open.NestedBytes : Open.Block);
        if (stack.length >= MAX_NESTING) return lexResult(tokens, endOffset, TOO_DEEP, start, false);
        tokens.push(token(src, c === 40 ? LParen : c === 91 ? LBracket : LBrace, start, ++p, null));
        stack.push(kind);
        stackOffsets.push(start);
        continue;
      }
      case 41: case 93: case 125: { // ) ] }
        const ch = String.fromCharCode(c);
        if (top < 0) return lexResult(tokens, endOffset, `unexpected ${ch}`, p, false);
        if (OPEN_CLOSER[top] !== ch) {
          return lexResult(tokens, endOffset, `expected ${OPEN_CLOSER[top]} to close the ${OPEN_NAME[top]} opened at ${where(src, stackOffsets[stackOffsets.length - 1])}`, p, false);
        }
        stack.pop();
        stackOffsets.pop();
        tokens.push(token(src, c === 41 ? RParen : c === 93 ? RBracket : RBrace, start, ++p, null));
        continue;
      }
    }

    if (isBinaryChar(c)) {
      let end = p + 1;
      // A `-` inside a run that is followed by a digit is the sign of the argument: `3+-4`.
      while (end < len && isBinaryChar(src.charCodeAt(end)) && src.charCodeAt(end) !== 124 &&
        !(src.charCodeAt(end) === 45 && isDigit(src.charCodeAt(end + 1)))) end++;
      const type = end === p + 1 ? (c === 60 ? Lt : c === 62 ? Gt : BinaryOp) : BinaryOp;
      tokens.push(token(src, type, start, end, null));
      p = end;
      continue;
    }

    return lexResult(tokens, endOffset, `unexpected character ${describeChar(src, p)}`, p, false);
  }

  if (stack.length > 0) {
    const top = stack[stack.length - 1];
    return lexResult(tokens, endOffset, `expected ${OPEN_CLOSER[top]} to close the ${OPEN_NAME[top]} opened at ${where(src, stackOffsets[stackOffsets.length - 1])}`, endOffset, true);
  }
  return lexResult(tokens, endOffset, '', -1, false);
}

function token(src: string, type: TokenType, start: number, end: number, payload: Literal | null): Token {
  return new Token(type, src.slice(start, end), start, end, payload);
}

function lexResult(tokens: Token[], endOffset: number, reason: string, offset: number, atEnd: boolean): LexResult {
  return { tokens, reason, errorOffset: offset, errorAtEnd: atEnd, endOffset };
}

/** `line:col` of an offset, for messages that name where a bracket was opened. */
function where(src: string, offset: number): string {
  const lc = lineColumn(src, offset);
  return `${lc.line}:${lc.column}`;
}

/** True when the last token ends an operand, so a following `-` is binary minus. */
function endsOperand(tokens: Token[]): boolean {
  if (tokens.length === 0) return false;
  const t = tokens[tokens.length - 1].tokenType;
  return t === Identifier || t === LiteralToken || t === RParen || t === RBracket || t === RBrace;
}

/**
 * True when the tokens so far are exactly a method pattern: `foo`, `+ x`, or
 * `at: i put: v` (keyword/identifier pairs; a `-` cannot continue a keyword pattern).
 */
function endsPattern(tokens: Token[]): boolean {
  const n = tokens.length;
  if (n === 1) return tokens[0].tokenType === Identifier;
  if (n === 2 && tokens[0].tokenType !== Keyword) {
    return tokens[1].tokenType === Identifier && tokenMatcher(tokens[0], BinarySelector);
  }
  if (n % 2 !== 0) return false;
  for (let i = 0; i < n; i += 2) {
    if (tokens[i].tokenType !== Keyword || tokens[i + 1].tokenType !== Identifier) return false;
  }
  return true;
}

/** Scan a quoted string at `p` (`''` is a quote); end is -1 when it is not terminated. */
function scanString(src: string, p: number): { end: number; value: string } {
  let value = '';
  let from = p + 1;
  while (true) {
    const close = src.indexOf("'", from);
    if (close < 0) return { end: -1, value: '' };
    value += src.slice(from, close);
    if (src.charCodeAt(close + 1) !== 39) return { end: close + 1, value };
    value += "'";
    from = close + 2;
  }
}
