// Tab completion. What the word before the cursor can be depends on where it stands:
//   - at the start of an expression (after nothing, `(`, `[`, `.`, `^`, `:=`, a keyword or a
//     binary operator): a global name, a workspace variable or a pseudo-variable;
//   - after a receiver (an identifier, a literal, `)`, `]`, `}`) or a cascade `;`: a selector,
//     from all the selectors the image knows;
//   - after `#`: a selector, as a symbol;
//   - a leading `.`: a REPL command, and then the command's argument (class, Class>>selector,
//     selector, file, expression).
// Inside strings and comments nothing is completed.

import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Candidate, CompletionResult } from './line-editor.ts';
import { COMMAND_NAMES } from './repl-commands.ts';

export interface CompletionSources {
  globalNames(): readonly string[];
  selectors(): readonly string[];
  /** Entries of a directory for file arguments; defaults to the file system. */
  listDirectory?(dir: string): readonly { name: string; isDirectory: boolean }[];
}

const PSEUDO_VARIABLES = ['self', 'super', 'nil', 'true', 'false', 'thisContext'];
const NOTHING: CompletionResult = { start: 0, candidates: [] };

function plain(names: Iterable<string>): Candidate[] {
  return [...new Set(names)].sort().map((n) => ({ text: n, label: n }));
}

function globalsStartingWith(word: string, sources: CompletionSources): Candidate[] {
  return plain([...sources.globalNames(), ...PSEUDO_VARIABLES].filter((n) => n.startsWith(word)));
}

/** Selectors for a message send: a keyword selector inserts its first keyword. */
function selectorsStartingWith(word: string, sources: CompletionSources, whole: boolean): Candidate[] {
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const sel of sources.selectors()) {
    if (!sel.startsWith(word) || seen.has(sel)) continue;
    seen.add(sel);
    const colon = sel.indexOf(':');
    out.push({ text: whole || colon < 0 ? sel : sel.slice(0, colon + 1), label: sel });
  }
  return out.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/** True when `cursor` lies inside a string, comment or right after `$`. */
function insideLiteral(text: string, cursor: number): boolean {
  let i = 0;
  while (i < cursor) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      if (close < 0 || close >= cursor) return true;
      i = close + 1;
    } else if (c === '$') {
      if (i + 1 >= cursor) return true;
      i += 2;
    } else i++;
  }
  return false;
}

/** The last significant character before `i`, skipping blanks and comments ('' at the start). */
function previousToken(text: string, i: number): { char: string; at: number } {
  let j = i - 1;
  for (;;) {
    while (j >= 0 && /\s/.test(text[j]!)) j--;
    if (j >= 0 && text[j] === '"') {
      const open = text.lastIndexOf('"', j - 1);
      if (open < 0) return { char: '', at: -1 };
      j = open - 1;
      continue;
    }
    return j < 0 ? { char: '', at: -1 } : { char: text[j]!, at: j };
  }
}

/** Completion of the word before `cursor` in Smalltalk code that starts at `base`. */
function completeExpression(text: string, cursor: number, base: number, sources: CompletionSources): CompletionResult {
  const code = text.slice(0, cursor);
  if (insideLiteral(code.slice(base), cursor - base)) return NOTHING;
  const word = /[A-Za-z0-9_]*$/.exec(code)![0];
  const start = cursor - word.length;
  if (/^[0-9]/.test(word)) return NOTHING;
  const before = start > base ? code[start - 1]! : '';
  if (before === '#') return { start, candidates: selectorsStartingWith(word, sources, true) };
  // `[:x` declares a block argument: nothing to complete.
  if (before === ':' && !/[A-Za-z0-9_]/.test(code[start - 2] ?? '')) return NOTHING;
  const prev = previousToken(code, start);
  if (prev.at < base) return { start, candidates: globalsStartingWith(word, sources) };
  const c = prev.char;
  const receiverEnd = /[A-Za-z0-9_')\]}]/.test(c) || c === ';';
  return { start, candidates: receiverEnd ? selectorsStartingWith(word, sources, false) : globalsStartingWith(word, sources) };
}

function defaultListDirectory(dir: string): { name: string; isDirectory: boolean }[] {
  try {
    return readdirSync(dir).map((name) => {
      let isDirectory = false;
      try {
        isDirectory = statSync(join(dir, name)).isDirectory();
      } catch {
        // a dangling link is listed as a file
      }
      return { name, isDirectory };
    });
  } catch {
    return [];
  }
}

function completeFile(text: string, cursor: number, sources: CompletionSources): CompletionResult {
  const word = /\S*$/.exec(text.slice(0, cursor))![0];
  const start = cursor - word.length;
  const dir = word.endsWith('/') ? (word.length > 1 ? word.slice(0, -1) : '/') : dirname(word);
  const prefix = word.endsWith('/') ? '' : basename(word);
  const list = (sources.listDirectory ?? defaultListDirectory)(dir === '' ? '.' : dir);
  const lead = word.endsWith('/') ? word : dir === '.' && !word.startsWith('./') ? '' : dir.endsWith('/') ? dir : `${dir}/`;
  const candidates = list
    .filter((e) => e.name.startsWith(prefix) && (prefix.startsWith('.') || !e.name.startsWith('.')))
    .map((e) => {
      const path = lead + e.name + (e.isDirectory ? '/' : '');
      return { text: path, label: e.name + (e.isDirectory ? '/' : '') };
    })
    .sort((a, b) => (a.label < b.label ? -1 : 1));
  return { start, candidates };
}

/** Candidates for the word before `cursor` in `text`. */
export function completionsAt(text: string, cursor: number, sources: CompletionSources): CompletionResult {
  const command = /^(\s*)\.([A-Za-z]*)$/.exec(text.slice(0, cursor));
  if (command !== null) {
    const start = command[1]!.length;
    const typed = `.${command[2]}`;
    return { start, candidates: plain(COMMAND_NAMES.map((n) => `.${n}`).filter((n) => n.startsWith(typed))) };
  }
  const withArgs = /^\s*\.([A-Za-z]+)\s+/.exec(text);
  if (withArgs === null || withArgs[0].length > cursor) return completeExpression(text, cursor, 0, sources);
  const argsStart = withArgs[0].length;
  const arg = text.slice(argsStart, cursor);
  switch (withArgs[1]) {
    case 'browse':
      return completeExpression(text, cursor, cursor - (/[A-Za-z0-9_]*$/.exec(arg)![0].length), sources);
    case 'source':
    case 'dis': {
      const sel = /(>>\s*#?)([^\s>]*)$/.exec(arg);
      if (sel !== null) return { start: cursor - sel[2]!.length, candidates: selectorsStartingWith(sel[2]!, sources, true) };
      return completeExpression(text, cursor, cursor - (/[A-Za-z0-9_]*$/.exec(arg)![0].length), sources);
    }
    case 'senders':
    case 'implementors': {
      const word = /#?([^\s#]*)$/.exec(arg)![1]!;
      return { start: cursor - word.length, candidates: selectorsStartingWith(word, sources, true) };
    }
    case 'inspect':
      return completeExpression(text, cursor, argsStart, sources);
    case 'load':
    case 'save':
      return completeFile(text, cursor, sources);
    default:
      return NOTHING;
  }
}
