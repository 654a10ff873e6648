// The contract between the REPL (ink UI, piped mode, dot-commands) and whatever runs the
// Smalltalk world. The REPL never touches the heap: everything it shows comes through this
// interface, so the UI can be tested against a fake and the VM can change underneath.
//
// Conventions:
// - Evaluations answer an EvalResult and never reject for Smalltalk-level failures (syntax
//   errors, unhandled exceptions, interrupts are all results). A rejected promise means the
//   host itself failed and is shown as an internal error.
// - Tool queries (browse, source, senders, ...) reject with an Error whose message is meant
//   for the user ("no class named Foo"); the REPL prints the message and carries on.
// - Names are plain strings: class names without ' class', selectors as written
//   ('at:put:', '+', 'printOn:').

/** What an evaluation (or a definition) ended with. */
export type EvalResult =
  /** Completed normally; `printString` is the result's printString (print-it). */
  | { readonly kind: 'value'; readonly printString: string }
  /** An unhandled error or a compile error. `description` is one line such as
   *  "MessageNotUnderstood: UndefinedObject>>foo" or a syntax error with its position;
   *  `trace` lists the Smalltalk stack, innermost first ("UndefinedObject(Object)>>doesNotUnderstand: #foo"). */
  | { readonly kind: 'error'; readonly description: string; readonly trace: readonly string[] }
  /** Stopped by interrupt(); `trace` says where it was, innermost first. */
  | { readonly kind: 'interrupted'; readonly trace: readonly string[] };

/** A method named by its class side and selector: `Foo>>bar` or `Foo class>>bar`. */
export interface MethodRef {
  readonly className: string;
  readonly isMeta: boolean;
  readonly selector: string;
}

/** Methods of one protocol (category), selectors sorted. */
export interface Protocol {
  readonly name: string;
  readonly selectors: readonly string[];
}

/** What `.browse Class` shows. */
export interface ClassDescription {
  /** The class definition message as source ("Object subclass: #Foo instanceVariableNames: ..."). */
  readonly definition: string;
  /** The class comment, '' when there is none. */
  readonly comment: string;
  readonly instanceProtocols: readonly Protocol[];
  readonly classProtocols: readonly Protocol[];
}

/** One named or indexed slot of an inspected object. */
export interface Slot {
  /** Instance variable name, or the index (1-based) as a string for indexed slots. */
  readonly name: string;
  readonly printString: string;
}

/** What `.inspect EXPR` shows: the object's class, its instance variables and indexed slots. */
export type Inspection =
  | {
      readonly kind: 'object';
      readonly className: string;
      readonly printString: string;
      readonly namedSlots: readonly Slot[];
      /** The first indexed slots (the session may cap how many it reports). */
      readonly indexedSlots: readonly Slot[];
      /** The object's full indexed size (basicSize), possibly more than indexedSlots.length. */
      readonly indexedSize: number;
    }
  | Exclude<EvalResult, { kind: 'value' }>;

/** One entry of the changes log made after the image was last saved and not in the image. */
export interface RecoverableChange {
  /** 1-based position in the list `recoverable()` answered; `.recover 2 4-6` uses these. */
  readonly index: number;
  /** ISO-8601 time the change was accepted. */
  readonly timestamp: string;
  readonly kind: 'class' | 'method' | 'doit';
  /** A short label: "Foo", "Foo>>bar", or the doit's first line. */
  readonly label: string;
}

/** What `.save` writes: a full image, a delta of the image the session booted from or last saved, or a compacted full image. */
export type SaveKind = 'full' | 'delta' | 'compact';

/** The Smalltalk world a REPL drives. */
export interface ReplSession {
  /** The image file this session booted from (or will save to by default), if any. */
  readonly imagePath: string | null;

  /** Compiles and runs `source` as a doit (workspace variables are auto-declared and persist
   *  between calls). The VM runs in slices, so transcript output and interrupt() can happen
   *  while the promise is pending. */
  evaluate(source: string): Promise<EvalResult>;

  /** Compiles `source` (pattern line plus body, as a Smalltalk compiler takes it) into the
   *  class `className` (its metaclass when isMeta) in `category` ('' = unclassified). A value
   *  result's printString names the method ("Foo>>bar"). */
  defineMethod(className: string, isMeta: boolean, source: string, category: string): Promise<EvalResult>;

  /** Asks the running evaluation to stop; it then resolves with an 'interrupted' result. A
   *  no-op when nothing runs. */
  interrupt(): void;

  /** Registers a listener for Transcript output; it may fire during an evaluation. Answers a
   *  function that unregisters it. */
  onTranscript(listener: (text: string) => void): () => void;

  /** Names visible at the start of an expression: globals (classes included) and workspace variables. */
  globalNames(): readonly string[];
  /** Every selector known to the image (implemented by some class). */
  selectors(): readonly string[];

  /**
   * Snapshot of the whole world (classes, globals, workspace variables); answers the path
   * written. kind 'delta' writes only what changed since the image the session booted from
   * or last saved (images/delta.ts); 'compact' a compacted full image (images/compact.ts).
   */
  save(path?: string, kind?: SaveKind): Promise<string>;
  /** Files in a Tonel package directory, a chunk file or a script; answers one line per file ("Foo.st: 3 classes, 12 methods"). */
  load(files: readonly string[]): Promise<readonly string[]>;
  browse(className: string): Promise<ClassDescription>;
  source(method: MethodRef): Promise<string>;
  senders(selector: string): Promise<readonly MethodRef[]>;
  implementors(selector: string): Promise<readonly MethodRef[]>;
  inspect(source: string): Promise<Inspection>;
  /** Disassembly of a compiled method, one line per instruction. */
  disassemble(method: MethodRef): Promise<readonly string[]>;
  /** Changes logged after the last save that the image lacks, oldest first. */
  recoverable(): Promise<readonly RecoverableChange[]>;
  /** Replays the given changes (by index, ascending), answering one result per change. */
  replay(indexes: readonly number[]): Promise<readonly EvalResult[]>;

  /** Flushes logs and releases the world; the session is unusable afterwards. */
  close(): Promise<void>;
}

/** `Foo>>bar` or `Foo class>>bar`. */
export function formatMethodRef(m: MethodRef): string {
  return `${m.className}${m.isMeta ? ' class' : ''}>>${m.selector}`;
}

/** Reads `Foo>>bar`, `Foo class>>bar`, `Foo>>#bar` or `Foo >> #at:put:`; null when the text is not such a reference. */
export function parseMethodRef(text: string): MethodRef | null {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)(\s+class)?\s*>>\s*#?(\S+)\s*$/.exec(text);
  if (m === null) return null;
  const selector = m[3]!;
  if (!/^([A-Za-z_][A-Za-z0-9_]*|([A-Za-z_][A-Za-z0-9_]*:)+|[-!%&*+,/<=>?@\\~|]+)$/.test(selector)) return null;
  return { className: m[1]!, isMeta: m[2] !== undefined, selector };
}
