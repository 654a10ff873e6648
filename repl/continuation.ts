// The one rule that decides when typed (or piped) text is a whole input, and what kind of
// input it is. The ink prompt and the piped reader share it, so a script fed through stdin
// splits exactly where Enter would have evaluated at the prompt.

import { isIncomplete } from '../compiler/parser.ts';
import { scanDefinition } from './definitions.ts';
import type { TypedMethodDefinition } from './definitions.ts';

export type ClassifiedInput =
  /** Only whitespace and comments: nothing to do. */
  | { readonly kind: 'blank' }
  /** A dot-command line such as `.save foo.image`. */
  | { readonly kind: 'command'; readonly line: string }
  | { readonly kind: 'method'; readonly definition: TypedMethodDefinition }
  /** Shaped like a method definition but malformed. */
  | { readonly kind: 'bad-definition'; readonly reason: string }
  | { readonly kind: 'doit'; readonly source: string };

const BLANK = /^(?:\s|"[^"]*")*$/;

function isCommand(text: string): boolean {
  return /^\s*\.([A-Za-z]|\s*$)/.test(text);
}

/** True when Enter should evaluate `text`; false while a bracket, block, paren, brace,
 *  string, comment or method body is open or the text ends with a keyword, binary
 *  operator or `:=`. Commands are always one line. */
export function isComplete(text: string): boolean {
  if (/^\s*$/.test(text) || isCommand(text)) return true;
  const def = scanDefinition(text);
  if (def.kind === 'incomplete') return false;
  if (def.kind !== 'none') return true;
  return !isIncomplete(text);
}

/** What a complete input asks for. */
export function classifyInput(text: string): ClassifiedInput {
  if (BLANK.test(text)) return { kind: 'blank' };
  if (isCommand(text)) return { kind: 'command', line: text.trim() };
  const def = scanDefinition(text);
  if (def.kind === 'method') return { kind: 'method', definition: def.definition };
  if (def.kind === 'invalid') return { kind: 'bad-definition', reason: def.reason };
  if (def.kind === 'incomplete') return { kind: 'bad-definition', reason: 'the method definition ends before its body is closed' };
  return { kind: 'doit', source: text };
}

/** Splits a whole script into inputs, line by line, with the same rule the prompt uses: a
 *  line ends an input when the text gathered so far is complete. Blank lines between inputs
 *  are dropped; an incomplete tail is answered as a last input (it will report its error). */
export function splitInputs(script: string): string[] {
  const lines = script.replace(/\r\n?/g, '\n').split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const inputs: string[] = [];
  let pending: string[] = [];
  for (const line of lines) {
    if (pending.length === 0 && /^\s*$/.test(line)) continue;
    pending.push(line);
    const text = pending.join('\n');
    if (isComplete(text)) {
      inputs.push(text);
      pending = [];
    }
  }
  if (pending.length > 0) inputs.push(pending.join('\n'));
  return inputs;
}
