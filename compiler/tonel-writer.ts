// Writing Tonel as Pharo's TonelWriter lays it out: the class comment in quotes, the class
// definition as a tab-indented STON map, then each method as a blank line, its metadata
// `{ #category : #accessing }`, `Foo >> pattern [` + body + `\n]`. Class-side methods come
// first, then instance-side ones, each sorted by selector (Pharo's order); extension files
// sort all methods by selector. readTonelFile(writeTonelClass(...)) gives back the same
// definitions.

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkClassDefinition, definitionError } from './definition-checks.ts';
import type { ClassDefinition, MethodDefinition, PackageDefinition } from './definitions.ts';
import { SourceText, isIdentifier, scanBrackets, scanPattern } from './source-scan.ts';
import { writeStonMap } from './ston.ts';
import type { StonOut } from './ston.ts';

/** The text of Foo.class.st for a class and its methods (both sides). */
export function writeTonelClass(def: ClassDefinition, methods: MethodDefinition[]): string {
  checkClassDefinition(def);
  for (const m of methods) if (m.className !== def.name) throw definitionError(m, `method for ${m.className} given to the writer of class ${def.name}`);
  const names = (xs: string[]): StonOut => xs.map((x) => ({ string: x }));
  const entries: [string, StonOut][] = [
    ['name', { symbol: def.name }],
    ['superclass', { symbol: def.superclass ?? 'nil' }],
  ];
  if (def.type !== 'normal') entries.push(['type', { symbol: def.type }]);
  if (def.instVars.length > 0) entries.push(['instVars', names(def.instVars)]);
  if (def.classVars.length > 0) entries.push(['classVars', names(def.classVars)]);
  if (def.pools.length > 0) entries.push(['pools', names(def.pools)]);
  if (def.classInstVars.length > 0) entries.push(['classInstVars', names(def.classInstVars)]);
  entries.push(['category', { symbol: def.category }], ['package', { symbol: def.package }]);
  if (def.tag !== null) entries.push(['tag', { symbol: def.tag }]);
  let out = def.comment === '' ? '' : `"\n${def.comment.replace(/"/g, '""')}\n"\n`;
  out += `Class ${writeStonMap(entries)}\n`;
  const sorted = (meta: boolean) => sortBySelector(methods.filter((m) => m.isMeta === meta));
  for (const m of [...sorted(true), ...sorted(false)]) out += methodText(m);
  return out;
}

/** The text of Foo.extension.st: methods of a class defined in another package. */
export function writeTonelExtension(name: string, methods: MethodDefinition[]): string {
  if (!isIdentifier(name)) throw new Error(`cannot write an extension of '${name}': not a class name`);
  for (const m of methods) if (m.className !== name) throw definitionError(m, `method for ${m.className} given to the writer of the extension of ${name}`);
  let out = `Extension ${writeStonMap([['name', { symbol: name }]])}\n`;
  for (const m of sortBySelector(methods)) out += methodText(m);
  return out;
}

/** Writes a package directory: package.st, one .class.st per class and one .extension.st
 *  per extended class (a method for a class the package does not define makes that class
 *  an extension). Class and extension files of the directory that the package no longer
 *  has are removed, as Pharo rewrites a package directory whole; other files stay. */
export function writeTonelPackage(pkg: PackageDefinition, dir: string): void {
  const classes = new Map<string, ClassDefinition>();
  const extensions = new Set<string>();
  const methods = new Map<string, MethodDefinition[]>();
  for (const d of pkg.definitions) {
    if (d.kind === 'class') {
      if (classes.has(d.name)) throw definitionError(d, `class ${d.name} is defined twice in package ${pkg.name}`);
      classes.set(d.name, d);
    } else if (d.kind === 'extension') extensions.add(d.name);
    else if (d.kind === 'method') {
      const list = methods.get(d.className) ?? [];
      list.push(d);
      methods.set(d.className, list);
      extensions.add(d.className);
    } else throw definitionError(d, 'Tonel cannot hold doits (expressions to evaluate): only classes, extensions and methods');
  }
  const files = new Map<string, string>();
  files.set('package.st', `Package ${writeStonMap([['name', { symbol: pkg.name }]])}\n`);
  for (const [name, def] of classes) files.set(`${name}.class.st`, writeTonelClass(def, methods.get(name) ?? []));
  for (const name of extensions) {
    if (!classes.has(name)) files.set(`${name}.extension.st`, writeTonelExtension(name, methods.get(name) ?? []));
  }
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) {
    const ours = f.endsWith('.class.st') || f.endsWith('.extension.st') || f.endsWith('.trait.st');
    if (ours && !files.has(f)) rmSync(join(dir, f));
  }
  for (const [f, text] of files) writeFileSync(join(dir, f), text);
}

function sortBySelector(methods: MethodDefinition[]): MethodDefinition[] {
  const keyed = methods.map((m) => ({ m, selector: split(m).selector }));
  keyed.sort((a, b) => (a.selector < b.selector ? -1 : a.selector > b.selector ? 1 : Number(b.m.isMeta) - Number(a.m.isMeta)));
  return keyed.map((k) => k.m);
}

function methodText(m: MethodDefinition): string {
  const { declaration, body } = split(m);
  const meta = m.category === '' ? '' : `${writeStonMap([['category', { symbol: m.category }]])}\n`;
  return `\n${meta}${m.className}${m.isMeta ? ' class' : ''} >> ${declaration} [${body}\n]\n`;
}

/** Splits a method source into its pattern (`at: i put: v`) and the rest, as Pharo's
 *  writer does; blanks and comments before the pattern cannot be written and are dropped.
 *  Refuses a body whose brackets, strings or comments would not read back as one body. */
function split(m: MethodDefinition): { selector: string; declaration: string; body: string } {
  const src = m.source;
  const p = scanPattern(src, 0);
  if ('failAt' in p) throw definitionError(m, `cannot write this method in Tonel: ${p.reason}`);
  const start = scanPatternStart(src);
  const body = src.slice(p.end);
  const probe = new SourceText(`[${body}\n]`, `${m.className}>>${p.selector}`);
  let close = -1;
  try {
    close = scanBrackets(probe, 0, 'method body');
  } catch {
    close = -1;
  }
  if (close !== probe.text.length - 1) {
    throw definitionError(m, `cannot write ${m.className}>>${p.selector} in Tonel: its brackets, strings or comments do not balance`);
  }
  return { selector: p.selector, declaration: src.slice(start, p.end), body };
}

/** Offset of the first pattern token, past leading blanks and comments. */
function scanPatternStart(src: string): number {
  let i = 0;
  for (;;) {
    while (i < src.length && /\s/.test(src[i]!)) i++;
    if (src[i] !== '"') return i;
    const close = src.indexOf('"', i + 1);
    if (close < 0) return src.length;
    i = close + 1;
  }
}
