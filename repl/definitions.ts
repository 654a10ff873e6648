// Recognizes method definitions typed at the prompt in Tonel's syntax:
//
//   Foo >> bar [ ^ 42 ]
//   Foo class >> new: n [ ^ self basicNew setSize: n ]
//   { #category : 'accessing' } Foo >> x [ ^ x ]
//
// None of these is a valid doit (a primary followed by a block never parses), so the header
// `Name [class] >> pattern [` identifies a definition unambiguously. Class definitions need
// nothing here: `Object subclass: #Foo ...` is an ordinary evaluation.

import { SourceText, isSpace, scanBrackets, scanPattern } from '../compiler/source-scan.ts';

export interface TypedMethodDefinition {
  readonly className: string;
  readonly isMeta: boolean;
  readonly selector: string;
  /** The protocol from a `{ #category : ... }` prefix, '' when none was given. */
  readonly category: string;
  /** Pattern and body as a Smalltalk compiler takes them ("bar\n\t^ 42"). */
  readonly source: string;
}

export type DefinitionScan =
  /** Not a method definition: evaluate the text as a doit. */
  | { readonly kind: 'none' }
  /** A definition whose body (or metadata) is still open: the REPL asks for more lines. */
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'method'; readonly definition: TypedMethodDefinition }
  /** Looks like a definition but cannot be one; `reason` says why. */
  | { readonly kind: 'invalid'; readonly reason: string };

const NONE: DefinitionScan = { kind: 'none' };
const INCOMPLETE: DefinitionScan = { kind: 'incomplete' };

function skipBlanks(text: string, i: number): number {
  for (;;) {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) !== 34) return i;
    const close = text.indexOf('"', i + 1);
    if (close < 0) return text.length;
    i = close + 1;
  }
}

/** Finds the `}` closing the metadata brace at `open`, skipping strings; -1 when still open. */
function closeBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const q = text.indexOf("'", i + 1);
      if (q < 0) return -1;
      i = q;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

function categoryOf(metadata: string): string {
  const m = /#category\s*:\s*(?:#?'((?:[^']|'')*)'|#([A-Za-z0-9_:]+))/.exec(metadata);
  if (m === null) return '';
  return m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2]!;
}

/** Classifies typed text as a method definition (complete or not) or something else. */
export function scanDefinition(text: string): DefinitionScan {
  let i = skipBlanks(text, 0);
  let category = '';
  const hasMetadata = text[i] === '{';
  if (hasMetadata) {
    // Tonel metadata. `{ #category : ...` is never a valid doit, so an open or lone
    // metadata brace is a definition in progress.
    if (!/^\{\s*#\w+\s*:/.test(text.slice(i))) return NONE;
    const close = closeBrace(text, i);
    if (close < 0) return INCOMPLETE;
    category = categoryOf(text.slice(i, close + 1));
    i = skipBlanks(text, close + 1);
    if (i >= text.length) return INCOMPLETE;
  }
  const header = /^([A-Za-z_][A-Za-z0-9_]*)(\s+class)?\s*>>\s*/.exec(text.slice(i));
  if (header === null) return hasMetadata ? invalid('expected Class >> selector [ body ] after the method metadata') : NONE;
  const className = header[1]!;
  const isMeta = header[2] !== undefined;
  const patternStart = i + header[0].length;
  const pattern = scanPattern(text, patternStart);
  if ('failAt' in pattern) return hasMetadata ? invalid(pattern.reason) : NONE;
  const open = skipBlanks(text, pattern.end);
  if (open >= text.length && hasMetadata) return INCOMPLETE;
  if (text[open] !== '[') return hasMetadata ? invalid(`expected [ to open the body of ${className}>>${pattern.selector}`) : NONE;
  const src = new SourceText(text, 'input');
  let close: number;
  try {
    close = scanBrackets(src, open, 'method body');
  } catch {
    return INCOMPLETE;
  }
  const rest = skipBlanks(text, close + 1);
  if (rest < text.length) return invalid(`unexpected text after the method body of ${className}${isMeta ? ' class' : ''}>>${pattern.selector}: ${text.slice(rest, rest + 20)}`);
  const body = text.slice(open + 1, close).replace(/\s+$/, '');
  const bodyText = /^[ \t]*\n/.test(body) ? body.replace(/^[ \t]*\n/, '\n') : `\n\t${body.trim()}`;
  return {
    kind: 'method',
    definition: {
      className,
      isMeta,
      selector: pattern.selector,
      category,
      source: text.slice(patternStart, pattern.end) + bodyText,
    },
  };
}

function invalid(reason: string): DefinitionScan {
  return { kind: 'invalid', reason };
}
