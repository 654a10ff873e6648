// The REPL's input history, kept in ~/.strata_history (STRATA_HISTORY names another file).
//
// File format: one entry per line, oldest first, UTF-8. A multi-line entry keeps its line
// breaks as the two characters `\n` and a backslash is written `\\`, so every entry is one
// line and a file edited by hand stays readable. The file is rewritten whole (temp file +
// rename) after each entry: at most 1000 short lines, and a crash never leaves it half written.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const HISTORY_LIMIT = 1000;

/** The history file: $STRATA_HISTORY, else ~/.strata_history. An empty STRATA_HISTORY
 *  disables persistence (answers null), as NODE_REPL_HISTORY='' does for node. */
export function historyPath(env: NodeJS.ProcessEnv = process.env): string | null {
  const override = env['STRATA_HISTORY'];
  if (override !== undefined) return override.trim() === '' ? null : override;
  return join(homedir(), '.strata_history');
}

export function encodeEntry(entry: string): string {
  return entry.replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n');
}

export function decodeEntry(line: string): string {
  return line.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

export class History {
  /** Oldest first, at most `limit`, no two consecutive entries equal. */
  private items: string[];
  readonly path: string | null;
  readonly limit: number;
  /** Why the file could not be read or written, if it could not; the REPL shows it once. */
  problem: string | null;

  constructor(path: string | null, limit: number = HISTORY_LIMIT) {
    this.items = [];
    this.path = path;
    this.limit = limit;
    this.problem = null;
  }

  /** Reads the file; a missing file is an empty history, an unreadable one is reported in `problem`. */
  static load(path: string | null, limit: number = HISTORY_LIMIT): History {
    const h = new History(path, limit);
    if (path === null) return h;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') h.problem = `cannot read history ${path}: ${(e as Error).message}`;
      return h;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const entry = decodeEntry(line.replace(/\r$/, ''));
      if (h.items[h.items.length - 1] !== entry) h.items.push(entry);
    }
    if (h.items.length > limit) h.items = h.items.slice(h.items.length - limit);
    return h;
  }

  entries(): readonly string[] {
    return this.items;
  }

  /** Records an input (blank ones and repeats of the last entry are skipped) and saves the file. */
  add(entry: string): void {
    const trimmed = entry.replace(/\s+$/, '');
    if (trimmed.trim() === '' || this.items[this.items.length - 1] === trimmed) return;
    this.items = [...this.items, trimmed];
    if (this.items.length > this.limit) this.items = this.items.slice(this.items.length - this.limit);
    this.save();
  }

  private save(): void {
    if (this.path === null) return;
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      writeFileSync(tmp, this.items.map(encodeEntry).join('\n') + '\n', { mode: 0o600 });
      renameSync(tmp, this.path);
    } catch (e) {
      this.problem = `cannot write history ${this.path}: ${(e as Error).message}`;
    }
  }
}
