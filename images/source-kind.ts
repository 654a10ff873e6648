// What a path given to `strata load`/`strata run` (or the REPL's .load) holds, decided from
// the file system and the text, never from the file name alone:
//   - a directory with package.st: a Tonel package;
//   - a directory without one: a directory of Tonel packages (its packages.txt order, else
//     by name), like images/kernel/;
//   - a file whose text starts (after blanks and a class comment) with `Class {`,
//     `Extension {` or `Package {`, or that is named *.class.st / *.extension.st: one Tonel
//     file (package.st: its directory);
//   - a file with a chunk terminator (a `!` ending a line, outside strings, comments and
//     character literals): a chunk-format fileout;
//   - any other file: a script, statements run as one doit.
// A first line `#!...` (an executable script's shebang) is blanked, keeping the line count,
// so positions in messages stay those of the file.

import fs from 'node:fs';
import path from 'node:path';

export type SourceKind = 'tonel-package' | 'package-directory' | 'tonel-file' | 'chunk' | 'script';

export interface SourceFile {
  kind: SourceKind;
  /** The path as given (a package.st names its directory). */
  path: string;
  /** The text, shebang blanked (files only; '' for directories). */
  text: string;
}

/** A path that cannot be read, or a directory that holds no package. */
export class SourceFileError extends Error {
  readonly path: string;
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'SourceFileError';
    this.path = file;
  }
}

/** Reads and classifies path; throws SourceFileError. */
export function classifySource(given: string): SourceFile {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(given);
  } catch (e) {
    throw new SourceFileError(given, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message);
  }
  if (stat.isDirectory()) {
    if (fs.existsSync(path.join(given, 'package.st'))) return { kind: 'tonel-package', path: given, text: '' };
    if (packageDirectories(given).length === 0) {
      throw new SourceFileError(given, 'not a Tonel package (no package.st) and holds no package directories');
    }
    return { kind: 'package-directory', path: given, text: '' };
  }
  if (!stat.isFile()) throw new SourceFileError(given, 'not a regular file or a directory');
  if (path.basename(given) === 'package.st') return { kind: 'tonel-package', path: path.dirname(given), text: '' };
  let text: string;
  try {
    text = fs.readFileSync(given, 'utf8');
  } catch (e) {
    throw new SourceFileError(given, (e as Error).message);
  }
  if (text.includes('\u0000')) throw new SourceFileError(given, 'a binary file, not Smalltalk source (an image? boot it with --image)');
  text = blankShebang(text);
  if (/\.(class|extension)\.st$/.test(given) || startsAsTonel(text)) return { kind: 'tonel-file', path: given, text };
  return { kind: hasChunkTerminator(text) ? 'chunk' : 'script', path: given, text };
}

/** The package directories inside dir: packages.txt order when present, else by name. */
export function packageDirectories(dir: string): string[] {
  const list = path.join(dir, 'packages.txt');
  const names = fs.existsSync(list)
    ? fs.readFileSync(list, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
    : fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'package.st'))).sort();
  return names.map((n) => path.join(dir, n));
}

/** The text with a leading `#!` line emptied (its line break kept). */
export function blankShebang(text: string): string {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!body.startsWith('#!')) return text;
  const end = body.search(/\r?\n|\r/);
  return end < 0 ? '' : body.slice(end);
}

function startsAsTonel(text: string): boolean {
  let i = skipBlanks(text, 0);
  if (text[i] === '"') {
    // A class comment, `""` standing for a quote inside.
    for (i++; i < text.length; i++) {
      if (text[i] !== '"') continue;
      if (text[i + 1] === '"') i++;
      else break;
    }
    i = skipBlanks(text, i + 1);
  }
  return /^(Class|Extension|Package|Trait)\s*\{/.test(text.slice(i, i + 20));
}

function skipBlanks(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/** Whether some `!` outside strings, comments and character literals ends a line (or the text). */
export function hasChunkTerminator(text: string): boolean {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      if (close < 0) return false;
      i = close;
    } else if (c === '$') {
      i++;
    } else if (c === '!') {
      let j = i + 1;
      if (text[j] === '!') {
        i = j;
        continue;
      }
      while (j < n && (text[j] === ' ' || text[j] === '\t')) j++;
      if (j === n || text[j] === '\n' || text[j] === '\r') return true;
    }
  }
  return false;
}
