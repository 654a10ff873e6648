// Reading Tonel, the one-file-per-class source format of Pharo 7-12 (pharo-vcs/tonel). A
// package is a directory with package.st (`Package { #name : #Pkg }`), Foo.class.st
// (optional "class comment", `Class { STON map }`, then methods) and Foo.extension.st
// (`Extension { #name : #Foo }`, then methods). A method is an optional STON metadata map
// and `Foo >> pattern [ body ]` or `Foo class >> pattern [ body ]`. As in Pharo's reader,
// the method source is the pattern followed by the body's text exactly, minus the one
// newline (and trailing blanks) that the writer puts before the closing `]`.
// Writing lives in tonel-writer.ts and is re-exported here.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLASS_TYPES } from './definitions.ts';
import type { ClassDefinition, ClassType, Definition, ExtensionDefinition, MethodDefinition, PackageDefinition } from './definitions.ts';
import { SourceText, badVariableNames, isIdentifier, isSpace, scanBrackets, scanPattern, skipSpace } from './source-scan.ts';
import { packageAndTag } from './definition-checks.ts';
import { readStonMap } from './ston.ts';
import type { StonMap, StonValue } from './ston.ts';

export { writeTonelClass, writeTonelExtension, writeTonelPackage } from './tonel-writer.ts';

/** Reads one Tonel file (a .class.st or .extension.st) into its definitions: the class or
 *  extension first, then its methods in file order. `packageName`, when known (package.st),
 *  splits a Pharo 7-11 `#category : #'Pkg-Tag'` into package and tag. */
export function readTonelFile(text: string, fileName: string, packageName?: string): Definition[] {
  const src = new SourceText(text, fileName);
  const t = src.text;
  let i = skipSpace(t, 0);
  let comment = '';
  if (t[i] === '"') {
    const c = readClassComment(src, i);
    comment = c.comment;
    i = skipSpace(t, c.end);
  }
  const head = readHeader(src, i);
  let owner: ClassDefinition | ExtensionDefinition;
  if (head.word === 'Class') owner = classFromMap(src, head.map, head.offset, comment, packageName);
  else if (head.word === 'Extension') owner = { kind: 'extension', name: nameFrom(src, head.map, 'extension'), position: src.position(head.offset) };
  else throw src.error(head.offset, 'this is a package.st file: read the package directory with readTonelPackage');
  const defs: Definition[] = [owner];
  i = skipSpace(t, head.end);
  while (i < t.length) {
    const m = readMethod(src, i, owner.name);
    defs.push(m.method);
    i = skipSpace(t, m.end);
  }
  return defs;
}

/** Reads package.st and answers the package name. */
export function readTonelPackageName(text: string, fileName: string): string {
  const src = new SourceText(text, fileName);
  const head = readHeader(src, skipSpace(src.text, 0));
  if (head.word !== 'Package') throw src.error(head.offset, `expected Package { #name : ... } in package.st, found ${head.word}`);
  const name = head.map.entries.get('name');
  if (!name) throw src.error(head.map.offset, 'the package definition has no #name');
  if (typeof name.value !== 'string' || name.value === '') throw src.error(name.offset, '#name must be a symbol or string naming the package');
  const rest = skipSpace(src.text, head.end);
  if (rest < src.text.length) throw src.error(rest, 'unexpected text after the package definition');
  return name.value;
}

/** Reads a Tonel package directory: package.st and every *.class.st and *.extension.st
 *  (a *.trait.st is refused). Classes come first, superclasses before their subclasses
 *  (otherwise by name), then extensions by name; each file's methods follow its definition. */
export function readTonelPackage(dir: string): PackageDefinition {
  const pkgFile = join(dir, 'package.st');
  let pkgText: string;
  try {
    pkgText = readFileSync(pkgFile, 'utf8');
  } catch {
    throw new Error(`${dir}: not a Tonel package directory (no readable package.st)`);
  }
  const name = readTonelPackageName(pkgText, pkgFile);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.class.st') || f.endsWith('.extension.st') || f.endsWith('.trait.st'))
    .sort();
  const classes = new Map<string, { file: string; defs: Definition[] }>();
  const extensions: Definition[][] = [];
  for (const f of files) {
    const path = join(dir, f);
    const defs = readTonelFile(readFileSync(path, 'utf8'), path, name);
    const head = defs[0]!;
    if (head.kind !== 'class') {
      extensions.push(defs);
      continue;
    }
    const earlier = classes.get(head.name);
    if (earlier) {
      const src = new SourceText(readFileSync(path, 'utf8'), path);
      throw src.error(head.position.offset, `class ${head.name} is defined twice: also in ${earlier.file}`);
    }
    classes.set(head.name, { file: path, defs });
  }
  const definitions: Definition[] = [];
  for (const name of superclassesFirst(classes)) definitions.push(...classes.get(name)!.defs);
  for (const defs of extensions) definitions.push(...defs);
  return { name, definitions };
}

/** Class names ordered so that each class defined here follows its superclass. */
function superclassesFirst(classes: Map<string, { file: string; defs: Definition[] }>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    const s = state.get(name);
    if (s === 'done') return;
    const entry = classes.get(name)!;
    const def = entry.defs[0] as ClassDefinition;
    if (s === 'visiting') {
      const src = new SourceText(readFileSync(entry.file, 'utf8'), entry.file);
      throw src.error(def.position.offset, `superclass cycle: ${[...path, name].join(' -> ')}`);
    }
    state.set(name, 'visiting');
    if (def.superclass !== null && classes.has(def.superclass)) visit(def.superclass, [...path, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of [...classes.keys()].sort()) visit(name, []);
  return order;
}

/** The leading class comment: `"` ... `"` with `""` for a quote inside. Pharo writes it
 *  with a newline after the opening and before the closing quote; those are not part of
 *  the comment (blanks up to one newline are dropped at each end, as Pharo's reader does). */
function readClassComment(src: SourceText, open: number): { comment: string; end: number } {
  const t = src.text;
  let i = open + 1;
  for (;;) {
    const q = t.indexOf('"', i);
    if (q < 0) throw src.error(src.endOfContent(), `expected " to close the class comment opened at ${src.where(open)}`);
    if (t[q + 1] === '"') {
      i = q + 2;
      continue;
    }
    let from = open + 1;
    for (let nl = false; from < q && !nl && isSpace(t.charCodeAt(from)); from++) nl = t[from] === '\n';
    const to = trimOneLineEnd(t, from, q);
    return { comment: t.slice(from, to).replace(/""/g, '"'), end: q + 1 };
  }
}

/** End of `t[from, to)` without its trailing blanks up to and including one newline. */
function trimOneLineEnd(t: string, from: number, to: number): number {
  for (let nl = false; to > from && !nl && isSpace(t.charCodeAt(to - 1)); to--) nl = t[to - 1] === '\n';
  return to;
}

/** `Word { map }` at i: the definition word (Class, Extension, Package, Trait) and map. */
function readHeader(src: SourceText, i: number): { word: string; offset: number; map: StonMap; end: number } {
  const t = src.text;
  const m = /^[A-Za-z]+/.exec(t.slice(i, i + 40));
  if (!m) {
    if (i >= t.length) throw src.error(i, 'empty Tonel file: expected Class { ... } or Extension { ... }');
    throw src.error(i, 'expected Class { ... } or Extension { ... } (a Tonel definition)');
  }
  if (m[0] === 'Trait') throw src.error(i, 'traits are not supported: Strata cannot load Trait definitions');
  if (!['Class', 'Extension', 'Package'].includes(m[0])) throw src.error(i, `unknown Tonel definition ${m[0]}: expected Class { ... } or Extension { ... }`);
  const { map, end } = readStonMap(src, i + m[0].length);
  return { word: m[0], offset: i, map, end };
}

function nameFrom(src: SourceText, map: StonMap, what: string): string {
  const e = map.entries.get('name');
  if (!e) throw src.error(map.offset, `the ${what} definition has no #name`);
  if (typeof e.value !== 'string' || !isIdentifier(e.value)) throw src.error(e.offset, `bad class name ${show(e.value)}: expected an identifier`);
  return e.value;
}

function show(v: StonValue): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
}

function stringEntry(src: SourceText, map: StonMap, key: string): string | undefined {
  const e = map.entries.get(key);
  if (!e) return undefined;
  if (typeof e.value !== 'string') throw src.error(e.offset, `#${key} must be a symbol or a string`);
  return e.value;
}

function namesEntry(src: SourceText, map: StonMap, key: string, what: string): string[] {
  const e = map.entries.get(key);
  if (!e) return [];
  if (!Array.isArray(e.value) || !e.value.every((v) => typeof v === 'string')) {
    throw src.error(e.offset, `#${key} must be a list of ${what} names, e.g. [ 'a', 'b' ]`);
  }
  const names = e.value as string[];
  const bad = badVariableNames(names, what);
  if (bad) throw src.error(e.offset, bad);
  return names;
}

const UNSUPPORTED_KEYS: Record<string, string> = {
  traits: 'traits are not supported (#traits)',
  classTraits: 'traits are not supported (#classTraits)',
  slots: 'slots are not supported (#slots): declare plain #instVars',
  classSlots: 'slots are not supported (#classSlots): declare plain #classInstVars',
};

function classFromMap(src: SourceText, map: StonMap, offset: number, comment: string, packageName?: string): ClassDefinition {
  const name = nameFrom(src, map, 'class');
  for (const [key, reason] of Object.entries(UNSUPPORTED_KEYS)) {
    const e = map.entries.get(key);
    if (e && !(e.value === '{}' || (Array.isArray(e.value) && e.value.length === 0))) throw src.error(e.offset, reason);
  }
  const sup = map.entries.get('superclass');
  if (!sup) throw src.error(map.offset, `the class definition of ${name} has no #superclass (use #nil for a root class)`);
  let superclass: string | null;
  if (sup.value === null || sup.value === 'nil') superclass = null;
  else if (typeof sup.value === 'string' && isIdentifier(sup.value)) superclass = sup.value;
  else throw src.error(sup.offset, `bad superclass name ${show(sup.value)}: expected an identifier or #nil`);
  const typeName = stringEntry(src, map, 'type') ?? 'normal';
  if (!CLASS_TYPES.includes(typeName as ClassType)) {
    throw src.error(map.entries.get('type')!.offset, `class type #${typeName} is not supported: expected one of ${CLASS_TYPES.map((c) => '#' + c).join(' ')}`);
  }
  const instVars = namesEntry(src, map, 'instVars', 'instance variable');
  const classVars = namesEntry(src, map, 'classVars', 'class variable');
  const classInstVars = namesEntry(src, map, 'classInstVars', 'class-side instance variable');
  const pools = namesEntry(src, map, 'pools', 'pool');
  const place = packageAndTag(stringEntry(src, map, 'category'), stringEntry(src, map, 'package'), stringEntry(src, map, 'tag'), packageName);
  if (!place) throw src.error(map.offset, `the class definition of ${name} has no #category or #package`);
  return {
    kind: 'class',
    name,
    superclass,
    instVars,
    classVars,
    classInstVars,
    pools,
    ...place,
    type: typeName as ClassType,
    comment,
    position: src.position(offset),
  };
}

/** One method at i: `[{ metadata }] Foo [class] >> pattern [ body ]`. */
function readMethod(src: SourceText, i: number, owner: string): { method: MethodDefinition; end: number } {
  const t = src.text;
  let category = '';
  if (t[i] === '{') {
    const { map, end } = readStonMap(src, i);
    category = stringEntry(src, map, 'category') ?? '';
    i = skipSpace(t, end);
  }
  const newline = t.indexOf('\n', i);
  const arrows = t.indexOf('>>', i);
  if (arrows < 0 || (newline >= 0 && arrows > newline)) {
    throw src.error(i, 'expected a method definition (Foo >> selector [ ... ]) or its { #category : ... } metadata');
  }
  const receiver = t.slice(i, arrows).trim();
  const parts = receiver.split(/\s+/);
  if (!isIdentifier(parts[0]!) || parts.length > 2 || (parts.length === 2 && parts[1] !== 'class')) {
    throw src.error(i, `bad class name '${receiver}' in a method definition: expected Foo >> or Foo class >>`);
  }
  if (parts[0] !== owner) throw src.error(i, `method for ${parts[0]} in the file that defines ${owner}`);
  const p = skipSpace(t, arrows + 2);
  const pattern = scanPattern(t, p);
  if ('failAt' in pattern) throw src.error(pattern.failAt, pattern.reason);
  const open = skipSpace(t, pattern.end);
  if (t[open] !== '[') throw src.error(open, `expected [ to open the body of ${receiver} >> ${pattern.selector}`);
  const close = scanBrackets(src, open, 'method body');
  // Like Pharo's cleanSelector: the writer's one space before `[` is not part of the pattern.
  const head = t.slice(p, open);
  const patternText = head.endsWith(' ') ? head.slice(0, -1) : head;
  const body = t.slice(open + 1, trimOneLineEnd(t, open + 1, close));
  return {
    method: { kind: 'method', className: parts[0]!, isMeta: parts.length === 2, category, source: patternText + body, position: src.position(p) },
    end: close + 1,
  };
}
