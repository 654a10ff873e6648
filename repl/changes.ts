// The changes log beside an image (`foo.image` -> `foo.image.changes`): every definition and
// doit a REPL session accepts is appended, with a timestamp, before it runs, so that work lost
// in a crash can be replayed (ARCHITECTURE §4, issue 6 point 4). The file is a valid chunk
// file (compiler/chunk.ts reads it); each record starts with a comment chunk that says what
// follows:
//
//   "----STARTUP---- 2026-06-01T10:00:00.000Z 3fa9c2d1 <sha256 of the booted image>"!
//   "----CHANGE---- 2026-06-01T10:00:05.120Z 3fa9c2d1.1 class"!
//   Object subclass: #Point3 instanceVariableNames: 'x y z' classVariableNames: '' package: 'Demo'!
//   "----CHANGE---- 2026-06-01T10:00:09.004Z 3fa9c2d1.2 method"!
//   !Point3 methodsFor: 'accessing' stamp: '2026-06-01T10:00:09.004Z'!
//   x
//   	^ x! !
//   "----CHANGE---- 2026-06-01T10:00:12.500Z 3fa9c2d1.3 doit replay-of 77b0e1aa.4"!
//   p := Point3 new!
//   "----SNAPSHOT---- 2026-06-01T10:01:00.000Z 3fa9c2d1 <sha256 of the image written>"!
//
// A session has a random id; its changes are numbered `id.n`. STARTUP is written before a
// session's first change; SNAPSHOT after each save. A replayed change names the change it
// replays (always the original, never a replay), so a change replayed in a session that then
// crashed is still offered once, not twice. A `.load` is logged as the list of files
// (`"----CHANGE---- ... load"!` then `#('/abs/a.st' '/abs/pkg')!`); replaying it loads them again.
//
// What an image lacks (recoverableChanges): the changes after the last SNAPSHOT whose hash is
// the image's content hash; when the image was never saved from a session (the base image),
// after the first STARTUP of a session that booted it. Changes of the asking session are in
// its live world already, and so are the originals it replayed; a log written against other
// images (another hash) offers nothing.
//
// Appends are one write each on a descriptor opened for appending, done before the change
// runs, so a crash of the process (even SIGKILL) loses nothing that was accepted: the text is
// in the OS's cache. fdatasync follows within SYNC_DELAY_MS (one per burst: a piped script of
// thousands of inputs does not wait for the disk at each), so a power cut loses at most that.

import crypto from 'node:crypto';
import fs from 'node:fs';
import nodePath from 'node:path';
import { matchClassDefinition, matchClassInstVars, matchComment, matchMethodsFor, tokenize } from '../compiler/chunk-forms.ts';
import { SourceText, escapeChunk, readChunk } from '../compiler/source-scan.ts';

/** How soon after an append the log is flushed to the disk. */
const SYNC_DELAY_MS = 50;

export type ChangeKind = 'class' | 'method' | 'doit' | 'load';

/** What a change re-does when replayed. */
export type ChangeBody =
  | { readonly kind: 'class' | 'doit'; readonly source: string }
  | {
      readonly kind: 'method';
      readonly className: string;
      readonly isMeta: boolean;
      /** The protocol; never '' in the log (unclassified methods say 'as yet unclassified'). */
      readonly category: string;
      /** Pattern and body, as a Smalltalk compiler takes them. */
      readonly source: string;
    }
  /** A `.load` of files (absolute paths); replaying loads them again, as they are then. */
  | { readonly kind: 'load'; readonly paths: readonly string[] };

export interface ChangeRecord {
  readonly type: 'change';
  /** `session.n`, unique in the log. */
  readonly id: string;
  readonly session: string;
  readonly timestamp: string;
  /** The id of the change this one replayed, or null. */
  readonly replayOf: string | null;
  readonly body: ChangeBody;
}

export interface MarkerRecord {
  readonly type: 'startup' | 'snapshot';
  readonly session: string;
  readonly timestamp: string;
  /** Hex SHA-256 of the image booted (startup) or written (snapshot); '' when unknown. */
  readonly hash: string;
}

export type LogRecord = ChangeRecord | MarkerRecord;

/** The changes log of an image: the image path plus `.changes`. */
export function changesPathFor(imagePath: string): string {
  return `${imagePath}.changes`;
}

export function newSessionId(): string {
  return crypto.randomBytes(4).toString('hex');
}

export function hashHex(hash: Uint8Array | null): string {
  return hash === null ? '' : Buffer.from(hash).toString('hex');
}

/** Whether a doit defines a class (a subclass: message, class-side instance variables, a comment). */
export function doitKind(source: string): 'class' | 'doit' {
  const tokens = tokenize(source);
  if (tokens === null) return 'doit';
  return matchClassDefinition(tokens) || matchClassInstVars(tokens) || matchComment(tokens) ? 'class' : 'doit';
}

/** A short label for listings: "Foo", "Foo class>>bar", or a doit's first line. */
export function changeLabel(body: ChangeBody): string {
  if (body.kind === 'method') return `${body.className}${body.isMeta ? ' class' : ''}>>${selectorOf(body.source)}`;
  if (body.kind === 'load') return `.load ${body.paths.join(' ')}`;
  const tokens = tokenize(body.source);
  if (body.kind === 'class' && tokens !== null) {
    const name = matchClassDefinition(tokens)?.name.value ?? matchClassInstVars(tokens)?.className ?? matchComment(tokens)?.className;
    if (name !== undefined) return name;
  }
  const first = body.source.trim().split('\n')[0] ?? '';
  return first.length > 60 ? `${first.slice(0, 57)}...` : first;
}

/** The selector of a method source's pattern (`at: i put: v` -> `at:put:`). */
export function selectorOf(source: string): string {
  const text = source.trimStart();
  const keywords = text.match(/^(?:[A-Za-z_][A-Za-z0-9_]*:\s*[A-Za-z_][A-Za-z0-9_]*\s*)+/);
  if (keywords) return (keywords[0].match(/[A-Za-z_][A-Za-z0-9_]*:/g) ?? []).join('');
  return /^([A-Za-z_][A-Za-z0-9_]*|[-!%&*+,/<=>?@\\~|]+)/.exec(text)?.[1] ?? '?';
}

/** Chunk text of one record, ready to append. */
export function formatRecord(r: LogRecord): string {
  if (r.type !== 'change') {
    const tag = r.type === 'startup' ? 'STARTUP' : 'SNAPSHOT';
    return `"----${tag}---- ${r.timestamp} ${r.session} ${r.hash || '-'}"!\n\n`;
  }
  const replay = r.replayOf === null ? '' : ` replay-of ${r.replayOf}`;
  const header = `"----CHANGE---- ${r.timestamp} ${r.id} ${r.body.kind}${replay}"!\n`;
  const b = r.body;
  if (b.kind === 'load') return `${header}${escapeChunk(`#(${b.paths.map(quote).join(' ')})`)}!\n\n`;
  if (b.kind !== 'method') return `${header}${escapeChunk(b.source.trim())}!\n\n`;
  return `${header}!${b.className}${b.isMeta ? ' class' : ''} methodsFor: ${escapeChunk(quote(b.category))} stamp: '${r.timestamp}'!\n`
    + `${escapeChunk(b.source.trim())}! !\n\n`;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

const HEADER = /^"----(STARTUP|SNAPSHOT|CHANGE)---- (\S+) (\S+) (\S+)(?: replay-of (\S+))?"$/;

/** Reads a log's records in order. Text that is not a record (a hand edit, a chunk torn by a
 *  crash in the middle of a write) is skipped, never an error: recovery takes what it can. */
export function parseLog(text: string): LogRecord[] {
  const src = new SourceText(text, 'changes');
  const records: LogRecord[] = [];
  let pos = 0;
  const next = (): { text: string; terminated: boolean } | null => {
    for (;;) {
      const chunk = readChunk(src, pos, 'code');
      if (chunk === null) return null;
      pos = chunk.next;
      if (chunk.text.trim() !== '' || !chunk.terminated) return chunk;
    }
  };
  for (let chunk = next(); chunk !== null; chunk = next()) {
    const m = HEADER.exec(chunk.text.trim());
    if (m === null) continue;
    const [, tag, timestamp, who, what, replayOf] = m as unknown as [string, string, string, string, string, string | undefined];
    if (tag !== 'CHANGE') {
      records.push({ type: tag === 'STARTUP' ? 'startup' : 'snapshot', session: who, timestamp, hash: what === '-' ? '' : what });
      continue;
    }
    const session = who.slice(0, who.lastIndexOf('.'));
    const bodyChunk = next();
    if (bodyChunk === null || !bodyChunk.terminated) break;
    let body: ChangeBody | null = null;
    if (what === 'class' || what === 'doit') {
      body = { kind: what, source: bodyChunk.text };
    } else if (what === 'load') {
      const tokens = tokenize(bodyChunk.text);
      const paths = tokens?.filter((t) => t.kind === 'string').map((t) => t.value) ?? [];
      if (paths.length > 0) body = { kind: 'load', paths };
    } else if (what === 'method') {
      const tokens = tokenize(bodyChunk.text);
      const section = tokens === null ? null : matchMethodsFor(tokens);
      const source = section === null ? null : next();
      if (section === null || source === null || !source.terminated) continue;
      body = { kind: 'method', className: section.className, isMeta: section.isMeta, category: section.category, source: source.text };
    }
    if (body !== null) records.push({ type: 'change', id: who, session, timestamp, replayOf: replayOf ?? null, body });
  }
  return records;
}

/**
 * The changes the image with content hash `imageHash` lacks, oldest first (see the header
 * comment); `session` is the asking session, whose own changes are excluded.
 */
export function recoverableChanges(records: readonly LogRecord[], imageHash: string, session: string): ChangeRecord[] {
  let start = -1;
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.type === 'snapshot' && r.hash === imageHash && imageHash !== '') {
      start = i + 1;
      break;
    }
  }
  if (start < 0) {
    start = records.findIndex((r) => r.type === 'startup' && r.hash === imageHash && imageHash !== '');
    if (start < 0) return [];
  }
  const after = records.slice(start).filter((r): r is ChangeRecord => r.type === 'change');
  const appliedHere = new Set(after.filter((r) => r.session === session && r.replayOf !== null).map((r) => r.replayOf!));
  const candidates = after.filter((r) => r.session !== session && !appliedHere.has(r.id) && !(r.replayOf !== null && appliedHere.has(r.replayOf)));
  const offered = new Set(candidates.map((r) => r.id));
  const seen = new Set<string>();
  const out: ChangeRecord[] = [];
  for (const r of candidates) {
    const original = r.replayOf ?? r.id;
    if (r.replayOf !== null && offered.has(r.replayOf)) continue;
    if (seen.has(original)) continue;
    seen.add(original);
    out.push(r);
  }
  return out;
}

/** One image's log, as one session writes it. Never throws on I/O: a log that cannot be
 *  written sets `problem` (once) and the REPL goes on without it. */
export class ChangesLog {
  readonly path: string;
  readonly session: string;
  /** The content hash of the image this session's world started from (hex). */
  bootHash: string;
  /** Why the log could not be written, or null. Cleared by takeProblem(). */
  problem: string | null;
  private fd: number;
  /** The pending fdatasync, if any. */
  private syncTimer: NodeJS.Timeout | null;
  private startupWritten: boolean;
  private sequence: number;
  private readonly now: () => Date;

  constructor(path: string, session: string, bootHash: string, now: () => Date = () => new Date()) {
    this.path = path;
    this.session = session;
    this.bootHash = bootHash;
    this.problem = null;
    this.fd = -1;
    this.syncTimer = null;
    this.startupWritten = false;
    this.sequence = 0;
    this.now = now;
  }

  /** Appends a change; answers its id (null when the log could not be written). */
  appendChange(body: ChangeBody, replayOf: string | null = null): string | null {
    const timestamp = this.now().toISOString();
    let text = '';
    if (!this.startupWritten) text += formatRecord({ type: 'startup', session: this.session, timestamp, hash: this.bootHash });
    const id = `${this.session}.${++this.sequence}`;
    text += formatRecord({ type: 'change', id, session: this.session, timestamp, replayOf, body });
    if (!this.write(text)) return null;
    this.startupWritten = true;
    return id;
  }

  /** Records that the world was saved as the image with content hash `hash`. */
  markSnapshot(hash: string): void {
    this.write(formatRecord({ type: 'snapshot', session: this.session, timestamp: this.now().toISOString(), hash }));
  }

  read(): LogRecord[] {
    let text: string;
    try {
      text = fs.readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.problem ??= `cannot read the changes log ${this.path}: ${(e as Error).message}`;
      return [];
    }
    return parseLog(text);
  }

  recoverable(imageHash: string): ChangeRecord[] {
    return recoverableChanges(this.read(), imageHash, this.session);
  }

  takeProblem(): string | null {
    const p = this.problem;
    this.problem = null;
    return p;
  }

  close(): void {
    if (this.fd >= 0) {
      this.sync();
      try { fs.closeSync(this.fd); } catch { /* closing is best effort */ }
      this.fd = -1;
    }
  }

  /** Flushes what was written to the disk now. */
  sync(): void {
    if (this.syncTimer !== null) {
      clearTimeout(this.syncTimer);
      this.syncTimer = null;
    }
    if (this.fd < 0) return;
    try {
      fs.fdatasyncSync(this.fd);
    } catch (e) {
      this.problem ??= `cannot flush the changes log ${this.path}: ${(e as Error).message}`;
    }
  }

  private write(text: string): boolean {
    try {
      if (this.fd < 0) {
        const fresh = !fs.existsSync(this.path);
        this.fd = fs.openSync(this.path, 'a', 0o644);
        if (fresh) {
          const image = escapeChunk(nodePath.basename(this.path, '.changes').replace(/"/g, "''"));
          fs.writeSync(this.fd, `"Strata changes log of ${image}: every accepted definition and doit, in chunk format. Replay lost ones with .recover in the REPL or strata recover IMAGE."!\n\n`);
        }
      }
      fs.writeSync(this.fd, text);
      if (this.syncTimer === null) {
        this.syncTimer = setTimeout(() => this.sync(), SYNC_DELAY_MS);
        this.syncTimer.unref();
      }
      return true;
    } catch (e) {
      this.problem ??= `cannot write the changes log ${this.path}: ${(e as Error).message}`;
      this.close();
      return false;
    }
  }
}
