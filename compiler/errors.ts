// Compile errors: one reason at one place in the source. The parser throws them for
// syntax errors and the code generator for semantic ones (undeclared variable,
// assignment to an argument, ...), always pointing at a character offset; line and
// column are derived from the offset so every producer reports positions the same way.

/** The file name used when the caller gives none. */
export const DEFAULT_FILE = '<input>';

export interface LineColumn {
  /** 1-based line number. */
  line: number;
  /** 1-based column, counted in UTF-16 code units from the start of the line. */
  column: number;
  /** Offset of the first character of that line. */
  lineStart: number;
}

/**
 * The 1-based line and column of `offset` in `source`. Line breaks are \n, \r\n or a
 * lone \r (Squeak-era sources use CR). An offset past the end is clamped to the end.
 */
export function lineColumn(source: string, offset: number): LineColumn {
  const end = Math.max(0, Math.min(offset, source.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    const c = source.charCodeAt(i);
    if (c === 10 || (c === 13 && source.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1, lineStart };
}

/** The text of the line that starts at `lineStart`, without its line break. */
function lineText(source: string, lineStart: number): string {
  let i = lineStart;
  while (i < source.length) {
    const c = source.charCodeAt(i);
    if (c === 10 || c === 13) break;
    i++;
  }
  return source.slice(lineStart, i);
}

export class CompileError extends Error {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** Character offset into the source the error was found in. */
  readonly offset: number;
  /** The reason alone, e.g. `unterminated string`. */
  readonly reason: string;
  /** The whole source line that holds `offset`, without its line break. */
  readonly sourceLine: string;

  constructor(reason: string, source: string, offset: number, file: string = DEFAULT_FILE) {
    const at = Math.max(0, Math.min(offset, source.length));
    const pos = lineColumn(source, at);
    const sourceLine = lineText(source, pos.lineStart);
    super(formatError(file, pos.line, pos.column, reason, sourceLine));
    this.name = 'CompileError';
    this.file = file;
    this.line = pos.line;
    this.column = pos.column;
    this.offset = at;
    this.reason = reason;
    this.sourceLine = sourceLine;
  }

  /** `file:line:col: reason`, then the source line, then a caret under the column. */
  format(): string {
    return formatError(this.file, this.line, this.column, this.reason, this.sourceLine);
  }
}

function formatError(file: string, line: number, column: number, reason: string, sourceLine: string): string {
  // Keep tabs in the caret line so the caret lines up under tab-indented code.
  let pad = '';
  for (let i = 0; i < column - 1; i++) pad += sourceLine.charCodeAt(i) === 9 ? '\t' : ' ';
  return `${file}:${line}:${column}: ${reason}\n${sourceLine}\n${pad}^`;
}
