// The message forms by which a chunk-format file (a fileout) defines things, recognized
// token by token without the Smalltalk parser:
//   Object subclass: #Foo instanceVariableNames: 'a b' classVariableNames: 'C'
//       poolDictionaries: 'P' category: 'Pkg-Tag'     (or package: 'Pkg' [tag: 'Tag'])
//   Foo class instanceVariableNames: 'x'
//   Foo comment: 'text'
//   Foo [class] methodsFor: 'protocol' [stamp: 'ab 1/1/2020'] [prior: 0]
//   Foo commentStamp: 'stamp' prior: 0      (the next chunk is the comment's text)
//   Foo [class] reorganize                  (the next chunk is an organization; skipped)
// Anything else is a doit. A chunk that tokenizes as nothing but comments is empty.

import type { ClassType } from './definitions.ts';
import { isBinaryChar, isDigit, isLetter, isSpace } from './source-scan.ts';

export type TokenKind = 'ident' | 'keyword' | 'string' | 'symbol' | 'number' | 'binary' | 'period' | 'other';

/** A token of a chunk's text; strings and symbols carry their value (quotes removed). */
export interface Token {
  kind: TokenKind;
  value: string;
  /** Offset into the chunk's text. */
  offset: number;
}

/** The tokens of `text`, or null when a string or comment in it is not closed (such a
 *  chunk is kept as a doit for the compiler to report on). */
export function tokenize(text: string): Token[] | null {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === 34) {
      const close = text.indexOf('"', i + 1);
      if (close < 0) return null;
      i = close + 1;
    } else if (isLetter(c)) {
      const e = identEnd(text, i + 1);
      if (text.charCodeAt(e) === 58 && text.charCodeAt(e + 1) !== 61) {
        tokens.push({ kind: 'keyword', value: text.slice(i, e + 1), offset: i });
        i = e + 1;
      } else {
        tokens.push({ kind: 'ident', value: text.slice(i, e), offset: i });
        i = e;
      }
    } else if (c === 39) {
      const e = stringEnd(text, i);
      if (e < 0) return null;
      tokens.push({ kind: 'string', value: unquote(text.slice(i, e)), offset: i });
      i = e;
    } else if (c === 35 && text.charCodeAt(i + 1) === 39) {
      const e = stringEnd(text, i + 1);
      if (e < 0) return null;
      tokens.push({ kind: 'symbol', value: unquote(text.slice(i + 1, e)), offset: i });
      i = e;
    } else if (c === 35 && isLetter(text.charCodeAt(i + 1))) {
      let e = i + 1;
      while (e < n && (isLetter(text.charCodeAt(e)) || isDigit(text.charCodeAt(e)) || text.charCodeAt(e) === 58)) e++;
      tokens.push({ kind: 'symbol', value: text.slice(i + 1, e), offset: i });
      i = e;
    } else if (c === 35 && isBinaryChar(text.charCodeAt(i + 1))) {
      let e = i + 1;
      while (e < n && isBinaryChar(text.charCodeAt(e))) e++;
      tokens.push({ kind: 'symbol', value: text.slice(i + 1, e), offset: i });
      i = e;
    } else if (isDigit(c)) {
      const e = identEnd(text, i);
      tokens.push({ kind: 'number', value: text.slice(i, e), offset: i });
      i = e;
    } else if (isBinaryChar(c)) {
      let e = i;
      while (e < n && isBinaryChar(text.charCodeAt(e))) e++;
      tokens.push({ kind: 'binary', value: text.slice(i, e), offset: i });
      i = e;
    } else if (c === 36) {
      tokens.push({ kind: 'other', value: text.slice(i, i + 2), offset: i });
      i += 2;
    } else {
      tokens.push({ kind: c === 46 ? 'period' : 'other', value: text[i]!, offset: i });
      i++;
    }
  }
  return tokens;
}

function identEnd(text: string, j: number): number {
  while (j < text.length && (isLetter(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)))) j++;
  return j;
}

/** The offset past the string whose opening quote is at `open`, or -1 when it never closes. */
function stringEnd(text: string, open: number): number {
  let j = open + 1;
  for (;;) {
    const q = text.indexOf("'", j);
    if (q < 0) return -1;
    if (text.charCodeAt(q + 1) !== 39) return q + 1;
    j = q + 2;
  }
}

function unquote(s: string): string {
  return s.slice(1, -1).replace(/''/g, "'");
}

/** Whether a chunk's text (which starts at a non-blank) holds anything but comments. */
export function hasCode(text: string): boolean {
  if (text.charCodeAt(0) !== 34) return text.length > 0;
  const tokens = tokenize(text);
  return tokens === null || tokens.length > 0;
}

/** A string (or symbol) argument with where it is, for errors about its contents. */
export interface Arg {
  value: string;
  offset: number;
}

export interface ClassForm {
  superclass: string | null;
  name: Arg;
  type: ClassType;
  /** The string arguments by keyword (without the colon): instanceVariableNames,
   *  classVariableNames, poolDictionaries, category, package, tag. */
  args: Map<string, Arg>;
}

const SUBCLASS_KINDS: Record<string, ClassType> = {
  'subclass:': 'normal',
  'variableSubclass:': 'variable',
  'variableByteSubclass:': 'bytes',
  'variableWordSubclass:': 'words',
  'weakSubclass:': 'weak',
};

/** The keywords that may follow the subclass keyword, in the order they must appear. */
const CLASS_KEYWORDS = ['instanceVariableNames:', 'classVariableNames:', 'poolDictionaries:', 'category:', 'package:', 'tag:'];

/** Drops one trailing period (a chunk may end its statement with one). */
function statement(tokens: Token[]): Token[] {
  return tokens.length > 0 && tokens[tokens.length - 1]!.kind === 'period' ? tokens.slice(0, -1) : tokens;
}

const isText = (t: Token | undefined): t is Token => t !== undefined && (t.kind === 'string' || t.kind === 'symbol');

export function matchClassDefinition(all: Token[]): ClassForm | null {
  const t = statement(all);
  const [recv, kind, name] = t;
  if (!recv || recv.kind !== 'ident' || !kind || kind.kind !== 'keyword' || !(kind.value in SUBCLASS_KINDS)) return null;
  if (!name || name.kind !== 'symbol') return null;
  const args = new Map<string, Arg>();
  let last = -1;
  for (let i = 3; i < t.length; i += 2) {
    const k = t[i]!;
    const v = t[i + 1];
    const at = CLASS_KEYWORDS.indexOf(k.value);
    if (k.kind !== 'keyword' || at <= last || !isText(v)) return null;
    last = at;
    args.set(k.value.slice(0, -1), { value: v.value, offset: v.offset });
  }
  if (!args.has('category') && !args.has('package')) return null;
  return {
    superclass: recv.value === 'nil' ? null : recv.value,
    name: { value: name.value, offset: name.offset },
    type: SUBCLASS_KINDS[kind.value]!,
    args,
  };
}

/** `Foo class instanceVariableNames: 'x'`. */
export function matchClassInstVars(all: Token[]): { className: string; names: Arg } | null {
  const t = statement(all);
  if (t.length !== 4) return null;
  const [recv, cls, kw, arg] = t;
  if (recv!.kind !== 'ident' || cls!.value !== 'class' || kw!.value !== 'instanceVariableNames:' || arg!.kind !== 'string') return null;
  return { className: recv!.value, names: { value: arg!.value, offset: arg!.offset } };
}

/** `Foo comment: 'text'`. */
export function matchComment(all: Token[]): { className: string; comment: string } | null {
  const t = statement(all);
  if (t.length !== 3) return null;
  const [recv, kw, arg] = t;
  if (recv!.kind !== 'ident' || kw!.value !== 'comment:' || arg!.kind !== 'string') return null;
  return { className: recv!.value, comment: arg!.value };
}

/** The receiver of a class-side message (`Foo` or `Foo class`) and the index of the token
 *  after it, or null. */
function classReceiver(t: Token[]): { className: string; isMeta: boolean; next: number } | null {
  if (t[0]?.kind !== 'ident') return null;
  const isMeta = t[1]?.kind === 'ident' && t[1].value === 'class';
  return { className: t[0].value, isMeta, next: isMeta ? 2 : 1 };
}

/** `Foo [class] methodsFor: 'protocol'`, with Squeak's optional `stamp: '...'` and the
 *  changes file's `prior: 123`. */
export function matchMethodsFor(all: Token[]): { className: string; isMeta: boolean; category: string } | null {
  const t = statement(all);
  const r = classReceiver(t);
  if (!r) return null;
  let i = r.next;
  if (t[i]?.value !== 'methodsFor:' || t[i + 1]?.kind !== 'string') return null;
  const category = t[i + 1]!.value;
  i += 2;
  if (t[i]?.value === 'stamp:' && t[i + 1]?.kind === 'string') i += 2;
  if (t[i]?.value === 'prior:' && t[i + 1]?.kind === 'number') i += 2;
  return i === t.length ? { className: r.className, isMeta: r.isMeta, category } : null;
}

/** `Foo commentStamp: 'stamp' prior: 0` (the class comment follows as the next chunk). */
export function matchCommentStamp(all: Token[]): { className: string } | null {
  const t = statement(all);
  if (t[0]?.kind !== 'ident' || t[1]?.value !== 'commentStamp:' || !isText(t[2])) return null;
  const rest = t.length === 3 || (t.length === 5 && t[3]!.value === 'prior:' && t[4]!.kind === 'number');
  return rest ? { className: t[0].value } : null;
}

/** `Foo [class] reorganize` (an organization chunk follows). */
export function matchReorganize(all: Token[]): boolean {
  const t = statement(all);
  const r = classReceiver(t);
  return r !== null && t.length === r.next + 1 && t[r.next]!.value === 'reorganize';
}

/** Where the receiver of a `methodsFor:` chunk ends, when the chunk sends methodsFor: but
 *  does not match the form (e.g. `Foo-Bar methodsFor: 'x'`), for a precise error. */
export function malformedMethodsFor(all: Token[]): Token | null {
  return all.find((tok) => tok.kind === 'keyword' && tok.value === 'methodsFor:') ?? null;
}
