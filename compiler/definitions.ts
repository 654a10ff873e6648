// The plain data that the source-format readers (tonel.ts, chunk.ts) produce and the
// writers consume: class, extension, method and doit definitions, in file order. Method
// bodies stay source text; compiling them is the compiler's business, not the formats'.
// Everything here is JSON-like data (no methods), so definitions can be compared with a
// deep-equality check once positions are ignored.

/** Where a definition (or an error) starts in a source file. Line and column are 1-based,
 *  the column counts characters (a tab is one); offset is 0-based into the text after its
 *  line endings were normalized to LF (identical to the file for LF files). */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
  offset: number;
}

/** The memory layout of a class's instances, as Pharo's class builder names it. */
export type ClassType = 'normal' | 'variable' | 'bytes' | 'words' | 'weak' | 'compiledMethod';

export const CLASS_TYPES: readonly ClassType[] = ['normal', 'variable', 'bytes', 'words', 'weak', 'compiledMethod'];

export interface ClassDefinition {
  kind: 'class';
  name: string;
  /** null when the superclass is nil (ProtoObject and other roots). */
  superclass: string | null;
  instVars: string[];
  classVars: string[];
  classInstVars: string[];
  pools: string[];
  /** The system category: Tonel's #category, else package + ('-' + tag when there is one);
   *  the chunk format's `category:`. Invariant kept by the readers: when both package and
   *  tag are known, category is usually `package-tag`. */
  category: string;
  package: string;
  tag: string | null;
  type: ClassType;
  /** The class comment; '' when there is none. */
  comment: string;
  position: SourcePosition;
}

/** Tonel's `Extension { #name : #Foo }`: the methods that follow belong to a class that is
 *  defined elsewhere. The chunk reader makes one when it meets methods for a class that the
 *  same file has not defined. */
export interface ExtensionDefinition {
  kind: 'extension';
  name: string;
  position: SourcePosition;
}

export interface MethodDefinition {
  kind: 'method';
  /** The instance-side class name, e.g. 'Foo' for both `Foo >> bar` and `Foo class >> bar`. */
  className: string;
  isMeta: boolean;
  /** The protocol, e.g. 'accessing'; '' when the file gives none. */
  category: string;
  /** The full method source, pattern line and body, exactly as a Smalltalk compiler takes it. */
  source: string;
  /** Where `source` starts in the file. In Tonel the body follows the pattern after ` [`, so
   *  offsets past the pattern's line are exact while the pattern line itself may differ by
   *  those two columns; in chunk files a doubled `!!` shifts the rest of its line by one. */
  position: SourcePosition;
}

/** An expression to evaluate (a chunk that is not a recognized definition). */
export interface DoitDefinition {
  kind: 'doit';
  source: string;
  position: SourcePosition;
}

export type Definition = ClassDefinition | ExtensionDefinition | MethodDefinition | DoitDefinition;

/** A Tonel package: package.st's #name and the definitions of its files, classes ordered so
 *  that superclasses defined in the package come before their subclasses. */
export interface PackageDefinition {
  name: string;
  definitions: Definition[];
}

/** A source file that cannot be read (or definitions that cannot be written). The message is
 *  `file:line:col: reason`, then the offending source line and a caret under the column,
 *  the same shape as the compiler's syntax errors. */
export class SourceFormatError extends Error {
  readonly reason: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  /** The source line that holds the error, without its line break. */
  readonly sourceLine: string;

  constructor(reason: string, position: SourcePosition, sourceLine: string) {
    super(`${position.file}:${position.line}:${position.column}: ${reason}\n${sourceLine}\n${caretLine(sourceLine, position.column)}`);
    this.name = 'SourceFormatError';
    this.reason = reason;
    this.file = position.file;
    this.line = position.line;
    this.column = position.column;
    this.offset = position.offset;
    this.sourceLine = sourceLine;
  }
}

/** A line with `^` under the given 1-based column; tabs are copied so the caret lines up
 *  with the source line whatever the terminal's tab width. */
export function caretLine(sourceLine: string, column: number): string {
  let pad = '';
  for (let i = 0; i < column - 1; i++) pad += sourceLine[i] === '\t' ? '\t' : ' ';
  return pad + '^';
}
