// A generated corpus of realistic Smalltalk methods for the compiler benchmark and the
// codegen corpus test: accessors, arithmetic, collection protocols with blocks,
// inlined control structures, cascades on streams, literals of every kind, non-local
// returns. Deterministic for a given seed. Every name used is declared: instance
// variables are CORPUS_INST_VARS, globals are capitalized (bind them with isBound).

export const CORPUS_INST_VARS: readonly string[] = ['name', 'items', 'count', 'parent', 'cache', 'extent'];

const UNARY = ['size', 'isEmpty', 'notEmpty', 'first', 'last', 'printString', 'asString', 'hash', 'copy', 'reversed',
  'asSymbol', 'negated', 'abs', 'squared', 'isNil', 'notNil', 'yourself', 'value', 'class', 'name', 'key', 'asOrderedCollection'];
const BINARY = ['+', '-', '*', '//', '\\\\', '<', '>', '<=', '>=', '=', '~=', '==', ',', '@', '->', 'max:', 'min:'];
const KEYWORD = ['at:', 'at:put:', 'add:', 'remove:ifAbsent:', 'includes:', 'indexOf:', 'copyFrom:to:', 'inject:into:',
  'detect:ifNone:', 'at:ifAbsent:', 'between:and:', 'nextPutAll:', 'print:', 'perform:with:', 'replaceFrom:to:with:',
  'collect:', 'select:', 'reject:', 'do:', 'do:separatedBy:', 'keysAndValuesDo:', 'with:collect:'];
const GLOBALS = ['OrderedCollection', 'Dictionary', 'Set', 'Array', 'String', 'Transcript', 'Smalltalk', 'Point', 'Error'];
const STRINGS = ["'hello'", "'it''s'", "''", "'a longer string literal with spaces'", "'x'"];
const SYMBOLS = ['#foo', '#at:put:', '#+', "#'with space'", '#name'];
const NUMBERS = ['0', '1', '2', '3', '10', '100', '255', '1000', '(-1)', '(-42)', '3.14', '2.5e3', '1.0e-5', '16r1F', '2r1010',
  '1000000000000000000000', '1/2', '1.5s2', '123456789'];
const OTHER_LITERALS = ['$a', '$ ', 'nil', 'true', 'false', '#(1 2 3)', "#(foo #bar 'baz' $c (1 2) #[1 2])", '#[1 2 255]'];

/** Park-Miller style PRNG, deterministic per seed. */
class Random {
  private state: number;
  constructor(seed: number) { this.state = seed % 2147483647 || 1; }
  next(): number {
    this.state = (this.state * 48271) % 2147483647;
    return this.state / 2147483647;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
  chance(p: number): boolean { return this.next() < p; }
}

class MethodGen {
  private readonly r: Random;
  /** Readable names in scope, innermost last; assignable ones are tracked apart. */
  private readonly readable: string[][];
  private readonly writable: string[][];
  private serial: number;

  constructor(r: Random) {
    this.r = r;
    this.readable = [];
    this.writable = [];
    this.serial = 0;
  }

  private names(): string[] { return this.readable.flat(); }
  private writables(): string[] { return this.writable.flat(); }

  private fresh(prefix: string): string {
    return `${prefix}${++this.serial}`;
  }

  private primary(depth: number): string {
    const r = this.r;
    const roll = r.next();
    if (roll < 0.4) return r.pick(this.names());
    if (roll < 0.5) return r.chance(0.5) ? 'self' : r.pick(GLOBALS);
    if (roll < 0.75) return r.pick(r.chance(0.6) ? NUMBERS : r.chance(0.5) ? STRINGS : r.chance(0.5) ? SYMBOLS : OTHER_LITERALS);
    if (roll < 0.85 && depth > 0) return this.block(depth - 1, r.int(3));
    if (roll < 0.9 && depth > 0) return `{${Array.from({ length: r.int(4) }, () => this.expr(depth - 1)).join('. ')}}`;
    return depth > 0 ? `(${this.expr(depth - 1)})` : r.pick(this.names());
  }

  private block(depth: number, params: number): string {
    const ps = Array.from({ length: params }, () => this.fresh('each'));
    const ts = this.r.chance(0.2) ? [this.fresh('tmp')] : [];
    this.readable.push([...ps, ...ts]);
    this.writable.push(ts);
    const body = this.statements(depth, this.r.chance(0.7) ? 1 : 2 + this.r.int(2), false);
    this.readable.pop();
    this.writable.pop();
    const head = ps.length > 0 ? `${ps.map((p) => `:${p}`).join(' ')} | ` : '';
    const temps = ts.length > 0 ? `| ${ts.join(' ')} | ` : '';
    return `[${head}${temps}${body}]`;
  }

  private unaryExpr(depth: number): string {
    let e = this.primary(depth);
    for (let i = this.r.int(this.r.chance(0.8) ? 2 : 3); i > 0; i--) e += ` ${this.r.pick(UNARY)}`;
    return e;
  }

  private binaryExpr(depth: number): string {
    let e = this.unaryExpr(depth);
    for (let i = this.r.chance(0.6) ? 0 : 1 + this.r.int(2); i > 0; i--) {
      const op = this.r.pick(BINARY);
      e += op.endsWith(':') ? ` ${op} ${this.unaryExpr(depth)}` : ` ${op} ${this.unaryExpr(depth)}`;
      if (op.endsWith(':')) e = `(${e})`;
    }
    return e;
  }

  private keywordExpr(depth: number): string {
    const r = this.r;
    const roll = r.next();
    const recv = this.binaryExpr(depth);
    if (depth <= 0 || roll < 0.35) return recv;
    if (roll < 0.45) return `${recv} ifTrue: ${this.block(depth - 1, 0)}${r.chance(0.5) ? ` ifFalse: ${this.block(depth - 1, 0)}` : ''}`;
    if (roll < 0.5) return `${recv} ifNil: ${this.block(depth - 1, 0)} ifNotNil: ${this.block(depth - 1, 1)}`;
    if (roll < 0.55) return `(${recv} and: ${this.block(depth - 1, 0)}) or: ${this.block(depth - 1, 0)}`;
    if (roll < 0.6) return `1 to: ${this.binaryExpr(depth - 1)} do: ${this.block(depth - 1, 1)}`;
    if (roll < 0.63) return `${this.block(depth - 1, 0)} whileTrue: ${this.block(depth - 1, 0)}`;
    if (roll < 0.66) return `${recv} timesRepeat: ${this.block(depth - 1, 0)}`;
    const kw = r.pick(KEYWORD);
    const parts = kw.split(':').filter((p) => p !== '');
    const args = parts.map((p) => {
      const arity = p === 'inject' || p === 'into' || p === 'keysAndValuesDo' ? 2 : 1;
      const takesBlock = /ollect|elect|eject|do|Do|detect|ifNone|ifAbsent|into|separatedBy/.test(p);
      return takesBlock ? this.block(depth - 1, p === 'ifNone' || p === 'ifAbsent' || p === 'separatedBy' ? 0 : arity) : this.binaryExpr(depth - 1);
    });
    return `${recv} ${parts.map((p, i) => `${p}: ${args[i]}`).join(' ')}`;
  }

  expr(depth: number): string {
    const r = this.r;
    const w = this.writables();
    if (w.length > 0 && r.chance(0.25)) return `${r.pick(w)} := ${this.keywordExpr(depth)}`;
    if (r.chance(0.1)) {
      const msgs = Array.from({ length: 2 + r.int(3) }, () =>
        r.chance(0.5) ? `nextPutAll: ${r.pick(STRINGS)}` : r.chance(0.5) ? `print: ${this.binaryExpr(0)}` : r.pick(['cr', 'tab', 'space']));
      return `${r.pick(['aStream', 'Transcript'].filter((n) => n === 'Transcript' || this.names().includes(n)))} ${msgs.join('; ')}`;
    }
    return this.keywordExpr(depth);
  }

  statements(depth: number, n: number, allowReturn: boolean): string {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const last = i === n - 1;
      if (last && (allowReturn || this.r.chance(0.1))) out.push(`^${this.expr(depth)}`);
      else out.push(this.expr(depth));
    }
    return out.join('.\n\t');
  }

  method(): string {
    const r = this.r;
    const kind = r.next();
    if (kind < 0.15) {
      const v = r.pick(CORPUS_INST_VARS);
      return r.chance(0.5) ? `${v}\n\t^${v}` : `${v}: anObject\n\t${v} := anObject`;
    }
    const nArgs = r.int(4);
    const args = Array.from({ length: nArgs }, (_, i) => (i === 0 && r.chance(0.3) ? 'aStream' : `arg${i}`));
    const selector = nArgs === 0 ? `method${r.int(100000)}`
      : nArgs === 1 && r.chance(0.2) ? `+ ${args[0]}` : args.map((a, i) => `with${i}${r.int(100)}: ${a}`).join(' ');
    const temps = Array.from({ length: r.int(4) }, (_, i) => `t${i}`);
    this.readable.length = 0;
    this.writable.length = 0;
    this.readable.push([...CORPUS_INST_VARS, ...args, ...temps]);
    this.writable.push([...CORPUS_INST_VARS, ...temps]);
    const size = r.chance(0.75) ? 1 + r.int(4) : 5 + r.int(12);
    const depth = r.int(3);
    const comment = r.chance(0.3) ? '\t"A generated method comment."\n' : '';
    const pragma = r.chance(0.05) ? `\t<primitive: ${1 + r.int(200)}>\n` : '';
    return `${selector}\n${comment}${pragma}${temps.length > 0 ? `\t| ${temps.join(' ')} |\n` : ''}\t${this.statements(depth, size, r.chance(0.5))}`;
  }
}

export function generateCorpus(count: number, seed = 1): string[] {
  const gen = new MethodGen(new Random(seed));
  return Array.from({ length: count }, () => gen.method());
}
