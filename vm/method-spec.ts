// What the compiler produces and the VM installs: a plain description of one method,
// independent of any heap (ARCHITECTURE §1.7). It lives in vm/ because the VM's
// installer reads it and vm/ must not import compiler/; the compiler imports it.

/** A literal value as the compiler sees it; the installer turns each into heap objects. */
export type Literal =
  | { kind: 'nil' }
  | { kind: 'true' }
  | { kind: 'false' }
  | { kind: 'integer'; value: bigint }
  | { kind: 'float'; value: number }
  /** value = numerator / denominator exactly; scale = digits printed after the point. */
  | { kind: 'scaled'; numerator: bigint; denominator: bigint; scale: number }
  | { kind: 'character'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'symbol'; value: string }
  | { kind: 'array'; elements: Literal[] }
  | { kind: 'bytes'; value: number[] }
  /** The Association for a global (or class variable) named `name`; bound at install time. */
  | { kind: 'binding'; name: string };

export interface Pragma {
  keyword: string;
  args: Literal[];
}

export type Primitive =
  | { kind: 'none' }
  | { kind: 'numbered'; index: number }
  | { kind: 'named'; name: string; module: string | null };

/** A source range in character offsets [start, end) of MethodSpec.source. */
export interface SourceRange {
  start: number;
  end: number;
}

export interface MethodSpec {
  /** e.g. 'at:put:'; 'DoIt' for a doit. */
  selector: string;
  /** The class the method belongs to by name, 'Foo' or 'Foo class'; null for a doit. */
  className: string | null;
  /** Method category (protocol), e.g. 'accessing'; '' when unknown. */
  category: string;
  numArgs: number;
  /** Arguments plus method temporaries (slots of the method's context before its stack). */
  numTemps: number;
  /** Context slots needed: numTemps plus the deepest stack of the method and its blocks. */
  frameSize: number;
  primitive: Primitive;
  /** Pragmas other than <primitive:...>, in source order. */
  pragmas: Pragma[];
  literals: Literal[];
  bytecodes: Uint8Array;
  /** Instruction start pc -> the source range of the expression it belongs to. */
  sourceMap: Map<number, SourceRange>;
  source: string;
  /** For doits: workspace variables the code reads or writes (auto-declared globals). */
  undeclared: string[];
}
