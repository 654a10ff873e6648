// The REPL's browsing tools, read straight from the heap: class definitions and methods by
// protocol (.browse), sources (.source), senders and implementors, disassembly (.dis), the
// names completion offers, and the raw slots .inspect shows. Nothing here runs Smalltalk, so
// the tools work even when the world's own printing is broken, and no oop is held across a
// GC (every function reads and answers plain data).
//
// Classes are found through the class table (every class and metaclass has an index there),
// so classes that are no longer globals still show up as senders or implementors.

import { disassemble } from '../compiler/disassembler.ts';
import type { Heap } from '../vm/heap.ts';
import type { Literal, MethodSpec, Pragma, Primitive } from '../vm/method-spec.ts';
import { ClassSlot } from '../vm/class-layout.ts';
import {
  allInstVarNames, classOf, classTable, instFormat, instSize, isMetaclass, methodDictAt, methodDictEntries,
} from '../vm/classes.ts';
import { associations } from '../vm/dictionaries.ts';
import { globalValue } from '../vm/install.ts';
import { Format, isBytesFormat } from '../vm/layout.ts';
import {
  bytecodeLength, bytecodeStart, isCompiledMethod, literalCount, methodFrameSize, methodLiteral, methodNumArgs,
  methodNumTemps, methodPrimitive, methodProperties, methodSource,
} from '../vm/method-layout.ts';
import { arrayElements, findSymbol, integerValue, isFloat, isStringLike, isSymbol, specialObject, stringValue } from '../vm/objects.ts';
import { characterValue, isCharacter, isSmallInt, smallIntValue } from '../vm/oop.ts';
import { decodeOperands, LENGTHS, Op, SPECIAL_SELECTORS } from '../vm/opcodes.ts';
import { FIRST_NAMED_PRIMITIVE, NAMED_PRIMITIVES } from '../vm/primitives/names.ts';
import { ClassIndex, Special } from '../vm/special.ts';
import type { ClassDescription, MethodRef, Protocol } from './session.ts';

/** The protocol of methods installed without one (Pharo's name). */
export const UNCLASSIFIED = 'as yet unclassified';

const PROP_CATEGORY = 0;
const PROP_PRAGMAS = 1;

function isClass(heap: Heap, oop: number): boolean {
  return (oop & 3) === 0 && oop !== heap.nilOop && isMetaclass(heap, classOf(heap, oop));
}

/** The class named `name` (a global whose value is a class); throws a message for the user. */
export function findClass(heap: Heap, name: string): number {
  const value = globalValue(heap, name);
  if (value === 0) throw new Error(`no class named ${name}`);
  if (!isClass(heap, value)) throw new Error(`${name} is not a class`);
  return value;
}

function sideOf(heap: Heap, ref: { className: string; isMeta: boolean }): number {
  const cls = findClass(heap, ref.className);
  return ref.isMeta ? classOf(heap, cls) : cls;
}

function refName(ref: MethodRef): string {
  return `${ref.className}${ref.isMeta ? ' class' : ''}>>${ref.selector}`;
}

/** The CompiledMethod `ref` names (defined in that very class, not inherited). */
export function findMethod(heap: Heap, ref: MethodRef): number {
  const cls = sideOf(heap, ref);
  const sel = findSymbol(heap, ref.selector);
  const dict = heap.fetch(cls, ClassSlot.methodDict);
  const m = sel === 0 || dict === heap.nilOop ? 0 : methodDictAt(heap, dict, sel);
  if (m === 0) throw new Error(`${ref.className}${ref.isMeta ? ' class' : ''} has no method #${ref.selector}`);
  return m;
}

/** The text of a String or Symbol oop; null for anything else. */
export function text(heap: Heap, oop: number): string | null {
  return (oop & 3) === 0 && oop !== heap.nilOop && isStringLike(heap, oop) ? stringValue(heap, oop) : null;
}

export function methodCategory(heap: Heap, method: number): string {
  const props = methodProperties(heap, method);
  if ((props & 3) !== 0 || props === heap.nilOop || heap.slotCount(props) <= PROP_CATEGORY) return UNCLASSIFIED;
  const cat = text(heap, heap.fetch(props, PROP_CATEGORY));
  return cat === null || cat === '' ? UNCLASSIFIED : cat;
}

export function methodSourceText(heap: Heap, method: number): string | null {
  return text(heap, methodSource(heap, method));
}

/** `Foo` or `Foo class` -> (instance-side name, isMeta). */
function refOf(heap: Heap, cls: number, selector: string): MethodRef {
  const meta = isMetaclass(heap, cls);
  const inst = meta ? heap.fetch(cls, ClassSlot.thisClass) : cls;
  const name = inst === heap.nilOop ? '?' : (text(heap, heap.fetch(inst, ClassSlot.name)) ?? '?');
  return { className: name, isMeta: meta, selector };
}

/** Every class and metaclass in the class table. */
export function allBehaviors(heap: Heap): number[] {
  const table = classTable(heap);
  const out: number[] = [];
  const n = heap.slotCount(table);
  for (let i = 1; i < n; i++) {
    const c = heap.fetch(table, i);
    if (c === heap.nilOop || (c & 3) !== 0) continue;
    const k = heap.classIndexOf(c);
    if (k === ClassIndex.Metaclass || isMetaclass(heap, classOf(heap, c))) out.push(c);
  }
  return out;
}

function forEachMethod(heap: Heap, fn: (cls: number, selector: number, method: number) => void): void {
  for (const cls of allBehaviors(heap)) {
    const dict = heap.fetch(cls, ClassSlot.methodDict);
    if (dict === heap.nilOop || (dict & 3) !== 0) continue;
    for (const [sel, m] of methodDictEntries(heap, dict)) fn(cls, sel, m);
  }
}

function byName(a: MethodRef, b: MethodRef): number {
  return a.className.localeCompare(b.className) || Number(a.isMeta) - Number(b.isMeta) || a.selector.localeCompare(b.selector);
}

export function implementorsOf(heap: Heap, selector: string): MethodRef[] {
  const sel = findSymbol(heap, selector);
  if (sel === 0) return [];
  const out: MethodRef[] = [];
  for (const cls of allBehaviors(heap)) {
    const dict = heap.fetch(cls, ClassSlot.methodDict);
    if (dict !== heap.nilOop && (dict & 3) === 0 && methodDictAt(heap, dict, sel) !== 0) out.push(refOf(heap, cls, selector));
  }
  return out.sort(byName);
}

/** Whether a literal is (or, for a literal array, contains) the symbol. */
function literalMentions(heap: Heap, lit: number, sym: number, depth = 0): boolean {
  if (lit === sym) return true;
  if ((lit & 3) !== 0 || lit === heap.nilOop || depth > 8 || heap.classIndexOf(lit) !== ClassIndex.Array) return false;
  return arrayElements(heap, lit).some((e) => literalMentions(heap, e, sym, depth + 1));
}

function sendsSpecial(heap: Heap, method: number, index: number): boolean {
  const start = bytecodeStart(heap, method);
  const code = heap.bytes.subarray(start, start + bytecodeLength(heap, method));
  for (let pc = 0; pc < code.length;) {
    const op = code[pc]!;
    const len = LENGTHS[op];
    if (len === undefined || pc + len > code.length) return false;
    if (op === Op.SEND_SPECIAL && decodeOperands(code, pc)[0] === index) return true;
    pc += len;
  }
  return false;
}

/** Methods that send `selector` (or mention its symbol, as `perform: #sel` does), as Pharo lists them. */
export function sendersOf(heap: Heap, selector: string): MethodRef[] {
  const sym = findSymbol(heap, selector);
  const special = SPECIAL_SELECTORS.findIndex(([s]) => s === selector);
  if (sym === 0 && special < 0) return [];
  const out: MethodRef[] = [];
  forEachMethod(heap, (cls, sel, m) => {
    if (!isCompiledMethod(heap, m)) return;
    // The four trailing literals (properties, source, selector, class) are not sends.
    const own = literalCount(heap, m) - 4;
    let found = false;
    for (let i = 0; i < own && !found; i++) found = sym !== 0 && literalMentions(heap, methodLiteral(heap, m, i), sym);
    if (!found && special >= 0) found = sendsSpecial(heap, m, special);
    if (found) out.push(refOf(heap, cls, stringValue(heap, sel)));
  });
  return out.sort(byName);
}

/** Every selector some class implements, sorted. */
export function allSelectors(heap: Heap): string[] {
  const seen = new Set<number>();
  forEachMethod(heap, (_cls, sel) => { seen.add(sel); });
  return [...seen].map((s) => stringValue(heap, s)).sort();
}

/** Globals (classes included) and workspace variables, sorted. */
export function globalNames(heap: Heap): string[] {
  const names = new Set<string>();
  for (const special of [Special.smalltalk, Special.workspace]) {
    const dict = specialObject(heap, special);
    if (dict === heap.nilOop) continue;
    for (const a of associations(heap, dict)) {
      const key = heap.fetch(a, 0);
      const name = text(heap, key);
      if (name !== null) names.add(name);
    }
  }
  return [...names].sort();
}

/** The names in an Array of Strings/Symbols (instance variable names), [] for nil. */
export function symbolNames(heap: Heap, oop: number): string[] {
  if ((oop & 3) !== 0 || oop === heap.nilOop || heap.classIndexOf(oop) !== ClassIndex.Array) return [];
  return arrayElements(heap, oop).map((e) => text(heap, e) ?? '?');
}

function quoted(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

const SUBCLASS_KEYWORD: Record<number, string> = {
  [Format.INDEXABLE]: 'variableSubclass:',
  [Format.WEAK]: 'weakSubclass:',
  [Format.WORDS]: 'variableWordSubclass:',
};

/** The message that defines cls, as Pharo prints it (plus class-side instance variables). */
export function classDefinition(heap: Heap, cls: number): string {
  const nil = heap.nilOop;
  const name = text(heap, heap.fetch(cls, ClassSlot.name)) ?? '?';
  const sup = heap.fetch(cls, ClassSlot.superclass);
  const supName = sup === nil ? 'nil' : (text(heap, heap.fetch(sup, ClassSlot.name)) ?? '?');
  const format = instFormat(heap, cls);
  const keyword = isBytesFormat(format) ? 'variableByteSubclass:' : (SUBCLASS_KEYWORD[format] ?? 'subclass:');
  const pool = heap.fetch(cls, ClassSlot.classPool);
  const classVars = pool === nil ? [] : associations(heap, pool).map((a) => text(heap, heap.fetch(a, 0)) ?? '?').sort();
  const pools = heap.fetch(cls, ClassSlot.sharedPools);
  const poolNames = pools === nil ? [] : arrayElements(heap, pools).map((p) => (isClass(heap, p) ? text(heap, heap.fetch(p, ClassSlot.name)) : null) ?? '?');
  const category = text(heap, heap.fetch(cls, ClassSlot.category)) ?? 'Unclassified';
  const lines = [
    `${supName} ${keyword} #${name}`,
    `\tinstanceVariableNames: ${quoted(symbolNames(heap, heap.fetch(cls, ClassSlot.instanceVariables)).join(' '))}`,
    `\tclassVariableNames: ${quoted(classVars.join(' '))}`,
  ];
  if (poolNames.length > 0) lines.push(`\tpoolDictionaries: ${quoted(poolNames.join(' '))}`);
  lines.push(`\tpackage: ${quoted(category)}`);
  const classInstVars = symbolNames(heap, heap.fetch(classOf(heap, cls), ClassSlot.instanceVariables));
  if (classInstVars.length > 0) lines.push('', `${name} class instanceVariableNames: ${quoted(classInstVars.join(' '))}`);
  return lines.join('\n');
}

function protocolsOf(heap: Heap, cls: number): Protocol[] {
  const dict = heap.fetch(cls, ClassSlot.methodDict);
  if (dict === heap.nilOop) return [];
  const groups = new Map<string, string[]>();
  for (const [sel, m] of methodDictEntries(heap, dict)) {
    const cat = isCompiledMethod(heap, m) ? methodCategory(heap, m) : UNCLASSIFIED;
    const list = groups.get(cat) ?? [];
    list.push(stringValue(heap, sel));
    groups.set(cat, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, selectors]) => ({ name, selectors: selectors.sort() }));
}

export function describeClass(heap: Heap, className: string): ClassDescription {
  const cls = findClass(heap, className);
  return {
    definition: classDefinition(heap, cls),
    comment: text(heap, heap.fetch(cls, ClassSlot.comment)) ?? '',
    instanceProtocols: protocolsOf(heap, cls),
    classProtocols: protocolsOf(heap, classOf(heap, cls)),
  };
}

export function sourceOf(heap: Heap, ref: MethodRef): string {
  const source = methodSourceText(heap, findMethod(heap, ref));
  if (source === null) throw new Error(`${refName(ref)} has no source`);
  return source;
}

// ---- disassembly ------------------------------------------------------------------------

/** A heap literal as the compiler's Literal, for the disassembler's comments. */
function literalOf(heap: Heap, oop: number, depth = 0): Literal {
  const nil = heap.nilOop;
  if (isSmallInt(oop)) return { kind: 'integer', value: BigInt(smallIntValue(oop)) };
  if (isCharacter(oop)) return { kind: 'character', value: characterValue(oop) };
  if (oop === nil) return { kind: 'nil' };
  if (oop === specialObject(heap, Special.true)) return { kind: 'true' };
  if (oop === specialObject(heap, Special.false)) return { kind: 'false' };
  if (isSymbol(heap, oop)) return { kind: 'symbol', value: stringValue(heap, oop) };
  if (isStringLike(heap, oop)) return { kind: 'string', value: stringValue(heap, oop) };
  if (isFloat(heap, oop)) return { kind: 'float', value: heap.floatValue(oop) };
  const int = integerValue(heap, oop);
  if (int !== null) return { kind: 'integer', value: int };
  const k = heap.classIndexOf(oop);
  if (k === ClassIndex.Array && depth < 8) return { kind: 'array', elements: arrayElements(heap, oop).map((e) => literalOf(heap, e, depth + 1)) };
  if (k === ClassIndex.ByteArray) return { kind: 'bytes', value: [...heap.bytesOf(oop)] };
  if (k === ClassIndex.Association) return { kind: 'binding', name: text(heap, heap.fetch(oop, 0)) ?? '?' };
  const name = text(heap, heap.fetch(classOf(heap, oop), ClassSlot.name)) ?? 'Object';
  return { kind: 'binding', name: `<${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}>` };
}

function primitiveOf(index: number): Primitive {
  if (index === 0) return { kind: 'none' };
  const row = NAMED_PRIMITIVES[index - FIRST_NAMED_PRIMITIVE];
  if (index >= FIRST_NAMED_PRIMITIVE && row !== undefined) return { kind: 'named', module: row[0], name: row[1] };
  return { kind: 'numbered', index };
}

function pragmasOf(heap: Heap, method: number): Pragma[] {
  const props = methodProperties(heap, method);
  if ((props & 3) !== 0 || props === heap.nilOop || heap.slotCount(props) <= PROP_PRAGMAS) return [];
  const list = heap.fetch(props, PROP_PRAGMAS);
  if ((list & 3) !== 0 || list === heap.nilOop || heap.classIndexOf(list) !== ClassIndex.Array) return [];
  return arrayElements(heap, list).map((p) => {
    const [keyword, ...args] = arrayElements(heap, p);
    return { keyword: text(heap, keyword ?? heap.nilOop) ?? '?', args: args.map((a) => literalOf(heap, a)) };
  });
}

/** The installed method as a MethodSpec: its real bytecodes and literals, read from the heap. */
export function specOfMethod(heap: Heap, method: number, ref: MethodRef): MethodSpec {
  const start = bytecodeStart(heap, method);
  const own = literalCount(heap, method) - 4;
  return {
    selector: ref.selector,
    className: `${ref.className}${ref.isMeta ? ' class' : ''}`,
    category: methodCategory(heap, method),
    numArgs: methodNumArgs(heap, method),
    numTemps: methodNumTemps(heap, method),
    frameSize: methodFrameSize(heap, method),
    primitive: primitiveOf(methodPrimitive(heap, method)),
    pragmas: pragmasOf(heap, method),
    literals: Array.from({ length: own }, (_, i) => literalOf(heap, methodLiteral(heap, method, i))),
    bytecodes: heap.bytes.slice(start, start + bytecodeLength(heap, method)),
    sourceMap: new Map(),
    source: methodSourceText(heap, method) ?? '',
    undeclared: [],
  };
}

/** The disassembly of `ref`, one line per instruction (temp names recovered from its source). */
export function disassembleMethod(heap: Heap, ref: MethodRef): string[] {
  const method = findMethod(heap, ref);
  const cls = sideOf(heap, ref);
  return disassemble(specOfMethod(heap, method, ref), allInstVarNames(heap, cls)).split('\n');
}

// ---- raw slots for .inspect ---------------------------------------------------------------

/** An object's slots: named ones by instance variable name, indexed ones by 1-based index. */
export interface RawSlots {
  readonly className: string;
  readonly named: readonly { readonly name: string; readonly index: number }[];
  /** How indexed slots read: oops (pointers), or plain numbers (bytes, words), or characters. */
  readonly indexedKind: 'pointers' | 'numbers' | 'characters' | 'none';
  readonly indexedSize: number;
}

export function rawSlots(heap: Heap, oop: number): RawSlots {
  const cls = classOf(heap, oop);
  const className = refOf(heap, cls, '').className + (isMetaclass(heap, cls) ? ' class' : '');
  if ((oop & 3) !== 0) return { className, named: [], indexedKind: 'none', indexedSize: 0 };
  const names = allInstVarNames(heap, cls);
  const fixed = Math.min(instSize(heap, cls), names.length);
  const named = names.slice(0, fixed).map((name, index) => ({ name, index }));
  const format = heap.formatOf(oop);
  if (format === Format.INDEXABLE || format === Format.WEAK) {
    return { className, named, indexedKind: 'pointers', indexedSize: heap.slotCount(oop) - fixed };
  }
  if (isBytesFormat(format)) {
    return { className, named, indexedKind: isStringLike(heap, oop) ? 'characters' : 'numbers', indexedSize: heap.byteLength(oop) };
  }
  if (format === Format.WORDS && !isFloat(heap, oop)) {
    return { className, named, indexedKind: isStringLike(heap, oop) ? 'characters' : 'numbers', indexedSize: heap.slotCount(oop) };
  }
  return { className, named, indexedKind: 'none', indexedSize: 0 };
}

/** Indexed slot i (1-based) of a bytes or words object, as a number or a character. */
export function plainIndexed(heap: Heap, oop: number, i: number, kind: 'numbers' | 'characters'): string {
  const value = isBytesFormat(heap.formatOf(oop)) ? heap.byteAt(oop, i - 1) : heap.fetch(oop, i - 1) >>> 0;
  if (kind === 'numbers') return String(value);
  return value > 32 && value !== 127 ? `$${String.fromCodePoint(value)}` : `(Character value: ${value})`;
}
