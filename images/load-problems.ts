// The problems met while loading source into a world, each at a place in a file, and how
// they are printed: `file:line:col: reason` (`file:line: reason` at run time), then the offending source line with a caret
// under the column (syntax and definition problems) or the Smalltalk stack (errors at run
// time), the shape the compiler's own syntax errors have.
//
// Kinds, which decide the exit code of `strata load`/`strata run`:
//   file        the path cannot be read, or is not in a source format (a bad file)
//   syntax      a method or doit does not compile                       (a bad file)
//   definition  a class the VM cannot build, a method for a missing class (a bad file)
//   error       Smalltalk code signalled an unhandled error, or was interrupted

import fs from 'node:fs';
import { CompileError } from '../compiler/errors.ts';
import { caretLine, SourceFormatError, type SourcePosition } from '../compiler/definitions.ts';

export type ProblemKind = 'file' | 'syntax' | 'definition' | 'error';

export interface LoadProblem {
  kind: ProblemKind;
  file: string;
  /** 1-based; 0 when the problem is about the whole file. */
  line: number;
  /** 1-based; 0 when only the line is known (an error at run time). */
  column: number;
  reason: string;
  /** The lines printed under the first: the source line and its caret, or the stack. */
  detail: string[];
}

/** The problem as printed: first line `file:line:col: reason`, the detail indented or as is. */
export function formatProblem(p: LoadProblem): string {
  const at = p.line === 0 ? '' : p.column === 0 ? `:${p.line}` : `:${p.line}:${p.column}`;
  const head = `${p.file}${at}: ${p.reason}`;
  return [head, ...p.detail].join('\n') + '\n';
}

/** Whether the problem makes the file bad (exit code 2) rather than the program failing (1). */
export function isBadFile(p: LoadProblem): boolean {
  return p.kind !== 'error';
}

/** The source lines of files, read once each, for carets under problems. */
export class SourceLines {
  private readonly files: Map<string, string[] | null>;

  constructor() {
    this.files = new Map();
  }

  /** Records a text already in memory (a file being loaded) under its name. */
  remember(file: string, text: string): void {
    this.files.set(file, splitLines(text));
  }

  line(file: string, line: number): string | null {
    let lines = this.files.get(file);
    if (lines === undefined) {
      try {
        lines = splitLines(fs.readFileSync(file, 'utf8'));
      } catch {
        lines = null;
      }
      this.files.set(file, lines);
    }
    return lines?.[line - 1] ?? null;
  }

  /** A problem at a position, with the file's line and a caret under the column. */
  at(kind: ProblemKind, pos: SourcePosition, reason: string, fallbackLine?: string): LoadProblem {
    const text = this.line(pos.file, pos.line) ?? fallbackLine ?? null;
    return {
      kind, file: pos.file, line: pos.line, column: pos.column, reason,
      detail: text === null ? [] : [text, caretLine(text, pos.column)],
    };
  }

  /**
   * A compile error in source that starts at `start` in its file: the compiler's line and
   * column (relative to the source) are moved to the file's.
   */
  compileError(e: CompileError, start: SourcePosition): LoadProblem {
    const line = start.line + e.line - 1;
    const column = e.line === 1 ? start.column + e.column - 1 : e.column;
    const fileLine = this.line(start.file, line);
    // The file's line is shown when it holds the compiler's line (a Tonel pattern line or a
    // chunk line with `!!` differs slightly: then the compiler's own line and column are used).
    if (fileLine !== null && fileLine.endsWith(e.sourceLine) && e.sourceLine !== '') {
      const shift = fileLine.length - e.sourceLine.length;
      const col = e.column + shift;
      return { kind: 'syntax', file: start.file, line, column: col, reason: e.reason, detail: [fileLine, caretLine(fileLine, col)] };
    }
    return { kind: 'syntax', file: start.file, line, column, reason: e.reason, detail: [e.sourceLine, caretLine(e.sourceLine, e.column)] };
  }
}

/** A reader's format error as a problem. */
export function formatErrorProblem(e: SourceFormatError): LoadProblem {
  return {
    kind: 'file', file: e.file, line: e.line, column: e.column, reason: e.reason,
    detail: [e.sourceLine, caretLine(e.sourceLine, e.column)],
  };
}

/**
 * An unhandled Smalltalk error (or an interrupt) during the definition at pos. The line is
 * that of the innermost frame of the stack in pos's file (where in a script or doit it
 * happened), without a column; else pos itself.
 */
export function runtimeProblem(pos: SourcePosition, description: string, trace: readonly string[]): LoadProblem {
  const suffix = `(${pos.file}:`;
  for (const frame of trace) {
    const at = frame.lastIndexOf(suffix);
    const line = at >= 0 && frame.endsWith(')') ? Number(frame.slice(at + suffix.length, -1)) : NaN;
    if (Number.isInteger(line) && line > 0) {
      return { kind: 'error', file: pos.file, line, column: 0, reason: description, detail: trace.map((l) => `  ${l}`) };
    }
  }
  return { kind: 'error', file: pos.file, line: pos.line, column: pos.column, reason: description, detail: trace.map((l) => `  ${l}`) };
}

export function fileProblem(file: string, reason: string): LoadProblem {
  return { kind: 'file', file, line: 0, column: 0, reason, detail: [] };
}

function splitLines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n');
}
