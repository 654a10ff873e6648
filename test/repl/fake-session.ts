// A stand-in for the VM-backed session: enough of a world to drive the REPL in tests.
// It understands integer arithmetic (left to right, like Smalltalk), workspace variables,
// `Transcript show: '...'`, `nil foo` (a MessageNotUnderstood), `(Delay forMilliseconds: N) wait`
// (interruptible), and any exact source registered in `scripts`. Every call is recorded in `calls`.

import type {
  ClassDescription,
  EvalResult,
  Inspection,
  MethodRef,
  RecoverableChange,
  ReplSession,
  SaveKind,
} from '../../repl/session.ts';
import { formatMethodRef } from '../../repl/session.ts';

export type Script = (session: FakeSession) => Promise<EvalResult>;

const GLOBALS = ['Object', 'OrderedCollection', 'Smalltalk', 'String', 'Transcript', 'Delay', 'Dictionary'];
const SELECTORS = ['printString', 'printOn:', 'inject:into:', 'at:', 'at:put:', 'add:', 'size', 'do:', 'detect:ifNone:', '+', 'printNl', 'new'];

export class FakeSession implements ReplSession {
  readonly imagePath: string | null;
  readonly calls: string[];
  readonly variables: Map<string, number>;
  readonly methods: Map<string, { ref: MethodRef; source: string; category: string }>;
  readonly scripts: Map<string, Script>;
  readonly changes: RecoverableChange[];
  private listeners: Set<(text: string) => void>;
  private interruptRequested: (() => void) | null;

  constructor(imagePath: string | null = null) {
    this.imagePath = imagePath;
    this.calls = [];
    this.variables = new Map();
    this.methods = new Map();
    this.scripts = new Map();
    this.changes = [];
    this.listeners = new Set();
    this.interruptRequested = null;
  }

  transcript(text: string): void {
    for (const l of this.listeners) l(text);
  }

  /** Resolves after `ms`, or with false as soon as interrupt() is called. */
  sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.interruptRequested = null;
        resolve(true);
      }, ms);
      this.interruptRequested = () => {
        clearTimeout(timer);
        this.interruptRequested = null;
        resolve(false);
      };
    });
  }

  private value(expr: string): number | string {
    const tokens = expr.replace(/[()]/g, ' ').trim().split(/\s+/);
    const operand = (t: string): number | string => {
      if (/^-?\d+$/.test(t)) return Number(t);
      const v = this.variables.get(t);
      return v === undefined ? `${t} is undefined` : v;
    };
    let acc = operand(tokens[0] ?? '');
    for (let i = 1; i < tokens.length; i += 2) {
      const arg = operand(tokens[i + 1] ?? '');
      if (typeof acc === 'string') return acc;
      if (typeof arg === 'string') return arg;
      const op = tokens[i];
      if (op === '+') acc += arg;
      else if (op === '-') acc -= arg;
      else if (op === '*') acc *= arg;
      else return `cannot evaluate ${op}`;
    }
    return acc;
  }

  async evaluate(source: string): Promise<EvalResult> {
    this.calls.push(`evaluate ${source}`);
    const script = this.scripts.get(source);
    if (script !== undefined) return script(this);
    let result: EvalResult = { kind: 'value', printString: 'nil' };
    for (const stmt of source.split(/\.\s*(?:\n|$)|\.\s+/).map((s) => s.trim()).filter((s) => s !== '')) {
      result = await this.statement(stmt);
      if (result.kind !== 'value') return result;
    }
    return result;
  }

  private async statement(stmt: string): Promise<EvalResult> {
    const show = /^Transcript show: '((?:[^']|'')*)'(; cr)?$/.exec(stmt);
    if (show !== null) {
      this.transcript(show[1]!.replace(/''/g, "'") + (show[2] !== undefined ? '\n' : ''));
      return { kind: 'value', printString: 'a Transcript' };
    }
    if (/^nil foo$/.test(stmt)) {
      return {
        kind: 'error',
        description: 'MessageNotUnderstood: UndefinedObject>>foo',
        trace: ['UndefinedObject(Object)>>doesNotUnderstand: #foo', 'UndefinedObject>>DoIt'],
      };
    }
    const delay = /^\(Delay forMilliseconds: (\d+)\) wait$/.exec(stmt);
    if (delay !== null) {
      if (await this.sleep(Number(delay[1]))) return { kind: 'value', printString: 'a Delay' };
      return { kind: 'interrupted', trace: ['Delay>>wait', 'UndefinedObject>>DoIt'] };
    }
    const assign = /^([a-z]\w*)\s*:=\s*(.+)$/.exec(stmt);
    const v = this.value(assign === null ? stmt : assign[2]!);
    if (typeof v === 'string') return { kind: 'error', description: v, trace: ['UndefinedObject>>DoIt'] };
    if (assign !== null) this.variables.set(assign[1]!, v);
    return { kind: 'value', printString: String(v) };
  }

  async defineMethod(className: string, isMeta: boolean, source: string, category: string): Promise<EvalResult> {
    const selector = /^\s*([^\s]+)/.exec(source)![1]!;
    const ref = { className, isMeta, selector };
    this.calls.push(`define ${formatMethodRef(ref)} ${category}`);
    this.methods.set(formatMethodRef(ref), { ref, source, category });
    return { kind: 'value', printString: formatMethodRef(ref) };
  }

  interrupt(): void {
    this.calls.push('interrupt');
    this.interruptRequested?.();
  }

  onTranscript(listener: (text: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  globalNames(): readonly string[] {
    return [...GLOBALS, ...this.variables.keys()];
  }

  selectors(): readonly string[] {
    return SELECTORS;
  }

  async save(path?: string, kind?: SaveKind): Promise<string> {
    this.calls.push(`save ${path ?? ''}${kind !== undefined && kind !== 'full' ? ` --${kind}` : ''}`);
    return path ?? this.imagePath ?? 'strata.image';
  }

  async load(files: readonly string[]): Promise<readonly string[]> {
    this.calls.push(`load ${files.join(' ')}`);
    return files.map((f) => `${f}: 1 class, 2 methods`);
  }

  async browse(className: string): Promise<ClassDescription> {
    if (!GLOBALS.includes(className)) throw new Error(`no class named ${className}`);
    const mine = [...this.methods.values()].filter((m) => m.ref.className === className);
    const protocols = (meta: boolean) => {
      const by = new Map<string, string[]>();
      for (const m of mine.filter((x) => x.ref.isMeta === meta)) by.set(m.category, [...(by.get(m.category) ?? []), m.ref.selector]);
      return [...by].map(([name, selectors]) => ({ name, selectors }));
    };
    return { definition: `Object subclass: #${className}`, comment: '', instanceProtocols: protocols(false), classProtocols: protocols(true) };
  }

  async source(method: MethodRef): Promise<string> {
    const m = this.methods.get(formatMethodRef(method));
    if (m === undefined) throw new Error(`${formatMethodRef(method)} does not exist`);
    return m.source;
  }

  async senders(selector: string): Promise<readonly MethodRef[]> {
    return [...this.methods.values()].filter((m) => m.source.includes(selector) && m.ref.selector !== selector).map((m) => m.ref);
  }

  async implementors(selector: string): Promise<readonly MethodRef[]> {
    return [...this.methods.values()].filter((m) => m.ref.selector === selector).map((m) => m.ref);
  }

  async inspect(source: string): Promise<Inspection> {
    const r = await this.evaluate(source);
    if (r.kind !== 'value') return r;
    return {
      kind: 'object',
      className: 'SmallInteger',
      printString: r.printString,
      namedSlots: [],
      indexedSlots: [],
      indexedSize: 0,
    };
  }

  async disassemble(method: MethodRef): Promise<readonly string[]> {
    return [`${formatMethodRef(method)}`, '  0 pushConstant 42', '  2 returnTop'];
  }

  async recoverable(): Promise<readonly RecoverableChange[]> {
    return this.changes;
  }

  async replay(indexes: readonly number[]): Promise<readonly EvalResult[]> {
    this.calls.push(`replay ${indexes.join(' ')}`);
    return indexes.map(() => ({ kind: 'value', printString: 'ok' }));
  }

  async close(): Promise<void> {
    this.calls.push('close');
  }
}
