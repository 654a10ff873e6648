// The part of STON (Smalltalk Object Notation) that Tonel files use for their definitions
// and method metadata: maps `{ #key : value, ... }`, lists `[ ... ]`, symbols (`#Foo`,
// `#'Kernel-Objects'`), strings (`'a'`, with backslash escapes), numbers, nil, true and
// false. Symbols and strings both read as JS strings: Tonel never needs to tell them apart.
// Class-tagged objects and references are not part of Tonel and are refused.

import { SourceText, isDigit, isLetter, skipSpace } from './source-scan.ts';

export type StonValue = string | number | boolean | null | StonValue[] | StonMap;

/** A map keeps each value's offset so that readers can point errors at it. */
export interface StonMap {
  kind: 'map';
  entries: Map<string, StonEntry>;
  /** Offset of the opening `{`. */
  offset: number;
}

export interface StonEntry {
  value: StonValue;
  offset: number;
}

/** Reads the map whose `{` is at (or after whitespace from) `i`; answers it and the offset
 *  just past its `}`. */
export function readStonMap(src: SourceText, i: number): { map: StonMap; end: number } {
  const r = new StonReader(src);
  const at = skipSpace(src.text, i);
  if (src.text[at] !== '{') throw src.error(at, 'bad STON: expected { to open a map');
  const map = r.map(at);
  return { map, end: r.pos };
}

/** Characters of a symbol written without quotes. Reading also accepts `:` (selectors) and
 *  `-` (as some hand-written files have it); writing quotes anything but these. */
const SIMPLE_SYMBOL = /^[A-Za-z0-9_./]+$/;

class StonReader {
  readonly src: SourceText;
  pos: number;

  constructor(src: SourceText) {
    this.src = src;
    this.pos = 0;
  }

  private fail(at: number, reason: string): never {
    throw this.src.error(at, `bad STON: ${reason}`);
  }

  private skip(): number {
    this.pos = skipSpace(this.src.text, this.pos);
    return this.pos;
  }

  map(open: number): StonMap {
    const text = this.src.text;
    const entries = new Map<string, StonEntry>();
    this.pos = open + 1;
    if (text[this.skip()] === '}') {
      this.pos++;
      return { kind: 'map', entries, offset: open };
    }
    for (;;) {
      const keyAt = this.skip();
      const key = this.key();
      if (entries.has(key)) this.fail(keyAt, `duplicate key #${key}`);
      if (text[this.skip()] !== ':') this.fail(this.pos, `expected : after the key #${key}`);
      this.pos++;
      const valueAt = this.skip();
      entries.set(key, { value: this.value(), offset: valueAt });
      const c = text[this.skip()];
      if (c === ',') this.pos++;
      else if (c === '}') {
        this.pos++;
        return { kind: 'map', entries, offset: open };
      } else if (c === undefined) this.fail(this.src.endOfContent(), `expected } to close the map opened at ${this.src.where(open)}`);
      else this.fail(this.pos, `expected , or } after the value of #${key}`);
    }
  }

  /** A map key: a symbol or a string. `#name:` without a space reads as the key `name`
   *  followed by the colon, so the colon is not a symbol character here. */
  private key(): string {
    const text = this.src.text;
    const at = this.pos;
    if (text[at] === "'") return this.string();
    if (text[at] !== '#') this.fail(at, 'expected a #symbol or a string as a map key');
    this.pos++;
    if (text[this.pos] === "'") return this.string();
    const start = this.pos;
    while (this.pos < text.length && /[A-Za-z0-9_./-]/.test(text[this.pos]!)) this.pos++;
    if (this.pos === start) this.fail(at, 'expected a symbol after #');
    return text.slice(start, this.pos);
  }

  private value(): StonValue {
    const text = this.src.text;
    const at = this.pos;
    const c = text.charCodeAt(at);
    if (c === 123) return this.map(at);
    if (c === 91) return this.list(at);
    if (c === 39) return this.string();
    if (c === 35) {
      this.pos++;
      if (text[this.pos] === "'") return this.string();
      const start = this.pos;
      while (this.pos < text.length && /[A-Za-z0-9_./:-]/.test(text[this.pos]!)) this.pos++;
      if (this.pos === start) this.fail(at, 'expected a symbol after #');
      return text.slice(start, this.pos);
    }
    if (isDigit(c) || (c === 45 && isDigit(text.charCodeAt(at + 1)))) {
      const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(at, at + 64))!;
      this.pos += m[0].length;
      return Number(m[0]);
    }
    if (isLetter(c)) {
      const start = this.pos;
      while (this.pos < text.length && /[A-Za-z0-9_]/.test(text[this.pos]!)) this.pos++;
      const word = text.slice(start, this.pos);
      if (word === 'nil') return null;
      if (word === 'true') return true;
      if (word === 'false') return false;
      this.fail(at, `unexpected ${word}: Tonel metadata holds only symbols, strings, numbers, lists and maps`);
    }
    if (at >= text.length) this.fail(this.src.endOfContent(), 'expected a value, found the end of the file');
    this.fail(at, `unexpected ${text[at]}: expected a value (a #symbol, 'string', number, [ list ] or { map })`);
  }

  private list(open: number): StonValue[] {
    const text = this.src.text;
    const items: StonValue[] = [];
    this.pos = open + 1;
    if (text[this.skip()] === ']') {
      this.pos++;
      return items;
    }
    for (;;) {
      this.skip();
      items.push(this.value());
      const c = text[this.skip()];
      if (c === ',') this.pos++;
      else if (c === ']') {
        this.pos++;
        return items;
      } else if (c === undefined) this.fail(this.src.endOfContent(), `expected ] to close the list opened at ${this.src.where(open)}`);
      else this.fail(this.pos, 'expected , or ] in a list');
    }
  }

  /** A quoted string at pos: backslash escapes as STON writes them; a doubled '' is also
   *  read as one quote, as Smalltalk-minded hand-written files have it. */
  private string(): string {
    const text = this.src.text;
    const open = this.pos;
    let out = '';
    let i = open + 1;
    for (;;) {
      if (i >= text.length) this.fail(this.src.endOfContent(), `expected ' to close the string opened at ${this.src.where(open)}`);
      const c = text[i]!;
      if (c === "'") {
        if (text[i + 1] === "'") {
          out += "'";
          i += 2;
          continue;
        }
        this.pos = i + 1;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { "'": "'", '\\': '\\', '/': '/', '"': '"', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else this.fail(i, `bad escape \\${e ?? ''} in a string`);
        continue;
      }
      out += c;
      i++;
    }
  }
}

export function stonString(s: string): string {
  let out = "'";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === "'" || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 32) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + "'";
}

export function stonSymbol(s: string): string {
  return SIMPLE_SYMBOL.test(s) ? `#${s}` : `#${stonString(s)}`;
}

/** A value to write: symbols and strings are different here, because Pharo writes names
 *  and categories as symbols and variable names as strings. */
export type StonOut = { symbol: string } | { string: string } | StonOut[];

/** Writes map entries as Pharo's Tonel writer lays them out: a one-entry map on one line
 *  (`{ #category : #accessing }`), a longer one with an entry per line, tab-indented, and
 *  lists one element per line (`[\n\t\t'a',\n\t\t'b'\n\t]`). */
export function writeStonMap(entries: [string, StonOut][], indent = 0): string {
  const tabs = '\t'.repeat(indent);
  if (entries.length === 1) {
    const [k, v] = entries[0]!;
    return `{ ${stonSymbol(k)} : ${writeValue(v, indent + 1)} }`;
  }
  const lines = entries.map(([k, v]) => `${tabs}\t${stonSymbol(k)} : ${writeValue(v, indent + 1)}`);
  return `{\n${lines.join(',\n')}\n${tabs}}`;
}

function writeValue(v: StonOut, indent: number): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[ ]';
    const tabs = '\t'.repeat(indent);
    return `[\n${v.map((e) => `${tabs}\t${writeValue(e, indent + 1)}`).join(',\n')}\n${tabs}]`;
  }
  return 'symbol' in v ? stonSymbol(v.symbol) : stonString(v.string);
}
