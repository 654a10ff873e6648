// Small lexical scanners shared by the Tonel and chunk readers and writers. None of them
// parses Smalltalk: they only know enough (strings, comments, character literals, brackets,
// identifiers, selectors) to find where a method body or a chunk ends, to split a method
// pattern from its body, and to recognize the few message forms that chunk files use for
// definitions. Errors are SourceFormatErrors that point into the file.

import { SourceFormatError } from './definitions.ts';
import type { SourcePosition } from './definitions.ts';

/** A file's text (line endings normalized to LF) with an index of line starts, so that
 *  offsets turn into line:column in O(log lines). */
export class SourceText {
  readonly text: string;
  readonly file: string;
  /** Offsets at which each line starts; lineStarts[0] = 0. */
  private readonly lineStarts: number[];

  constructor(text: string, file: string) {
    this.text = text.replace(/\r\n?/g, '\n');
    this.file = file;
    this.lineStarts = [0];
    for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  position(offset: number): SourcePosition {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, column: o - this.lineStarts[lo]! + 1, offset: o };
  }

  /** `line:col` of an offset, for reasons that mention another place ("opened at 3:5"). */
  where(offset: number): string {
    const p = this.position(offset);
    return `${p.line}:${p.column}`;
  }

  lineText(line: number): string {
    const start = this.lineStarts[line - 1] ?? this.text.length;
    const next = this.lineStarts[line];
    return this.text.slice(start, next === undefined ? this.text.length : next - 1);
  }

  error(offset: number, reason: string): SourceFormatError {
    const p = this.position(offset);
    return new SourceFormatError(reason, p, this.lineText(p.line));
  }

  /** The offset just past the last non-blank character before `offset`: where a caret for
   *  "expected X" at the end of the input is most useful. */
  endOfContent(offset: number = this.text.length): number {
    let i = Math.min(offset, this.text.length);
    while (i > 0 && isSpace(this.text.charCodeAt(i - 1))) i--;
    return i;
  }
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
}

export function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isIdentifier(s: string): boolean {
  return IDENTIFIER.test(s);
}

/** Characters of binary selectors (`+`, `->`, `<=`, `~=`, `,` ...). */
export const BINARY_CHARS = '!%&*+,-/<=>?@\\~|';

export function isBinaryChar(c: number): boolean {
  return BINARY_CHARS.includes(String.fromCharCode(c));
}

/** Why a list of variable names is unacceptable, or null when every name is an identifier
 *  and none repeats. `what` names the list in the reason ("instance variable"). */
export function badVariableNames(names: readonly string[], what: string): string | null {
  const seen = new Set<string>();
  for (const n of names) {
    if (!isIdentifier(n)) return `bad ${what} name '${n}': expected an identifier`;
    if (seen.has(n)) return `duplicate ${what} ${n}`;
    seen.add(n);
  }
  return null;
}

export function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Skips whitespace and `"comments"`; an unterminated comment is an error. */
export function skipSpaceAndComments(src: SourceText, i: number): number {
  const text = src.text;
  for (;;) {
    i = skipSpace(text, i);
    if (text.charCodeAt(i) !== 34) return i;
    const close = text.indexOf('"', i + 1);
    if (close < 0) throw src.error(src.endOfContent(), `expected " to close the comment opened at ${src.where(i)}`);
    i = close + 1;
  }
}

/** Finds the `]` that closes the `[` at `open`, skipping strings ('it''s]'), comments
 *  ("]"), character literals ($] $' $") and nested brackets (blocks, byte arrays); literal
 *  arrays need no rule of their own because their brackets balance too. Answers the offset
 *  of the closing `]`. `what` names the bracketed thing in the error ("method body"). */
export function scanBrackets(src: SourceText, open: number, what: string): number {
  const text = src.text;
  const n = text.length;
  let depth = 0;
  let i = open;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 39) {
      // 'string' with '' for a quote inside
      const start = i;
      i++;
      for (;;) {
        const q = text.indexOf("'", i);
        if (q < 0) throw src.error(src.endOfContent(), `expected ' to close the string opened at ${src.where(start)}`);
        if (text.charCodeAt(q + 1) === 39) i = q + 2;
        else {
          i = q + 1;
          break;
        }
      }
    } else if (c === 34) {
      const close = text.indexOf('"', i + 1);
      if (close < 0) throw src.error(src.endOfContent(), `expected " to close the comment opened at ${src.where(i)}`);
      i = close + 1;
    } else if (c === 36) {
      i += 2; // $x: any character, including ] ' " and whitespace
    } else if (c === 91) {
      depth++;
      i++;
    } else if (c === 93) {
      depth--;
      if (depth === 0) return i;
      i++;
    } else i++;
  }
  throw src.error(src.endOfContent(), `expected ] to close the ${what} opened at ${src.where(open)}`);
}

/** A method pattern: its selector and where its last token ends. */
export interface Pattern {
  selector: string;
  /** Offset just past the pattern's last argument name (or unary selector). */
  end: number;
}

/** Reads a method pattern (`foo`, `+ other`, `at: i put: v`) starting at `i` (comments and
 *  whitespace between its tokens are allowed), or answers the offset where it stopped making
 *  sense and why. */
export function scanPattern(text: string, i: number): Pattern | { failAt: number; reason: string } {
  const skip = (j: number): number => {
    for (;;) {
      j = skipSpace(text, j);
      if (text.charCodeAt(j) !== 34) return j;
      const close = text.indexOf('"', j + 1);
      if (close < 0) return text.length;
      j = close + 1;
    }
  };
  const ident = (j: number): number => {
    if (!isLetter(text.charCodeAt(j))) return j;
    j++;
    while (j < text.length && (isLetter(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)))) j++;
    return j;
  };
  i = skip(i);
  const c = text.charCodeAt(i);
  if (isBinaryChar(c)) {
    let j = i;
    while (j < text.length && isBinaryChar(text.charCodeAt(j))) j++;
    const selector = text.slice(i, j);
    const a = skip(j);
    const e = ident(a);
    if (e === a) return { failAt: a, reason: `expected an argument name after the binary selector ${selector}` };
    return { selector, end: e };
  }
  const e = ident(i);
  if (e === i) return { failAt: i, reason: 'expected a method pattern (a selector and its argument names)' };
  if (text.charCodeAt(e) !== 58 || text.charCodeAt(e + 1) === 61) return { selector: text.slice(i, e), end: e };
  let selector = '';
  let j = i;
  let end = i;
  for (;;) {
    const k = ident(j);
    if (k === j || text.charCodeAt(k) !== 58 || text.charCodeAt(k + 1) === 61) break;
    selector += text.slice(j, k + 1);
    const a = skip(k + 1);
    const ae = ident(a);
    if (ae === a) return { failAt: a, reason: `expected an argument name after the keyword ${text.slice(j, k + 1)}` };
    end = ae;
    j = skip(ae);
  }
  return { selector, end };
}

/** One `!`-terminated chunk of a chunk-format file. */
export interface Chunk {
  /** The chunk's text with every doubled `!!` collapsed to `!`. */
  text: string;
  /** File offset where the text starts (leading whitespace is not part of a chunk). */
  start: number;
  /** File offset of the terminating `!`, or the end of the file when there is none. */
  end: number;
  /** File offset just past the terminator. */
  next: number;
  terminated: boolean;
  /** Offsets into `text` at which a `!!` was collapsed, ascending: they map text offsets
   *  back to file offsets. */
  escapes: number[];
}

/** How to find a chunk's end. 'code': a `!` ends the chunk only outside strings, comments
 *  and character literals (so hand-written `'Hello!'` survives), while `!!` is still read
 *  as one `!` everywhere; if a string or comment runs off the end of the file, the chunk is
 *  read again as 'text'. 'text': the classic rule, every single `!` ends the chunk (used for
 *  class-comment chunks, whose prose is not code: "I'm a ..."). */
export type ChunkMode = 'code' | 'text';

/** Reads the chunk that starts at or after `i`; null when only whitespace is left. */
export function readChunk(src: SourceText, i: number, mode: ChunkMode): Chunk | null {
  const text = src.text;
  const start = skipSpace(text, i);
  if (start >= text.length) return null;
  if (mode === 'code') {
    const chunk = scanCodeChunk(text, start);
    if (chunk) return chunk;
  }
  return scanTextChunk(text, start);
}

function scanTextChunk(text: string, start: number): Chunk {
  const parts: string[] = [];
  const escapes: number[] = [];
  let length = 0;
  let from = start;
  let i = start;
  for (;;) {
    const bang = text.indexOf('!', i);
    if (bang < 0) {
      parts.push(text.slice(from));
      return { text: parts.join(''), start, end: text.length, next: text.length, terminated: false, escapes };
    }
    if (text.charCodeAt(bang + 1) === 33) {
      parts.push(text.slice(from, bang + 1));
      length += bang + 1 - from;
      escapes.push(length);
      from = i = bang + 2;
      continue;
    }
    parts.push(text.slice(from, bang));
    return { text: parts.join(''), start, end: bang, next: bang + 1, terminated: true, escapes };
  }
}

/** The 'code' reading of a chunk, or null when a string or comment is still open at the end
 *  of the file (the caller then falls back to the 'text' reading). */
function scanCodeChunk(text: string, start: number): Chunk | null {
  const parts: string[] = [];
  const escapes: number[] = [];
  const n = text.length;
  let length = 0;
  let from = start;
  let i = start;
  let quote = 0; // 39 inside a string, 34 inside a comment, 0 in code
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 33) {
      if (text.charCodeAt(i + 1) === 33) {
        parts.push(text.slice(from, i + 1));
        length += i + 1 - from;
        escapes.push(length);
        from = i = i + 2;
        continue;
      }
      if (quote === 0) {
        parts.push(text.slice(from, i));
        return { text: parts.join(''), start, end: i, next: i + 1, terminated: true, escapes };
      }
      i++;
    } else if (quote !== 0) {
      if (c === quote) quote = 0;
      i++;
    } else if (c === 39 || c === 34) {
      quote = c;
      i++;
    } else if (c === 36) {
      // $x is one character; $!! is the escaped $!, while a lone $! ends the chunk.
      const d = text.charCodeAt(i + 1);
      if (d !== 33) i += 2;
      else if (text.charCodeAt(i + 2) === 33) {
        parts.push(text.slice(from, i + 2));
        length += i + 2 - from;
        escapes.push(length);
        from = i = i + 3;
      } else i++;
    } else i++;
  }
  if (quote !== 0) return null;
  parts.push(text.slice(from));
  return { text: parts.join(''), start, end: n, next: n, terminated: false, escapes };
}

/** Maps an offset into a chunk's text back to the file. */
export function chunkOffsetToFile(chunk: Chunk, offset: number): number {
  let shift = 0;
  for (const e of chunk.escapes) if (e <= offset) shift++;
  return chunk.start + offset + shift;
}

/** Doubles every `!`, so that `text` reads back as one chunk. */
export function escapeChunk(text: string): string {
  return text.replace(/!/g, '!!');
}
