// Rules about definitions that both source formats share: how package, tag and category
// relate, what makes a class definition writable, and how an error about a definition
// (rather than about a spot in a file being read) is reported.

import { SourceFormatError } from './definitions.ts';
import type { ClassDefinition, Definition } from './definitions.ts';
import { badVariableNames, isIdentifier } from './source-scan.ts';

/** Package, tag and category from what a definition states. Given a package, the category
 *  defaults to `package-tag`. With only a category, the package is `packageName` (the one
 *  being read, when known) if the category starts with it, as in Pharo 7-11's
 *  `#category : #'Pkg-Tag'`, otherwise the whole category. Null when neither is given. */
export function packageAndTag(
  category: string | undefined,
  pkg: string | undefined,
  tag: string | undefined,
  packageName?: string,
): { category: string; package: string; tag: string | null } | null {
  if (pkg !== undefined) {
    const t = tag === undefined || tag === '' ? null : tag;
    return { category: category ?? composedCategory(pkg, t), package: pkg, tag: t };
  }
  if (category === undefined) return null;
  if (packageName !== undefined && category.startsWith(packageName + '-') && category.length > packageName.length + 1) {
    return { category, package: packageName, tag: category.slice(packageName.length + 1) };
  }
  return { category, package: category, tag: null };
}

export function composedCategory(pkg: string, tag: string | null): string {
  return tag === null ? pkg : `${pkg}-${tag}`;
}

/** Refuses a class definition whose names could not be read back. */
export function checkClassDefinition(def: ClassDefinition): void {
  if (!isIdentifier(def.name)) throw definitionError(def, `cannot write class '${def.name}': not a class name`);
  if (def.superclass !== null && !isIdentifier(def.superclass)) {
    throw definitionError(def, `cannot write class ${def.name}: bad superclass name '${def.superclass}'`);
  }
  const bad =
    badVariableNames(def.instVars, 'instance variable') ??
    badVariableNames(def.classVars, 'class variable') ??
    badVariableNames(def.classInstVars, 'class-side instance variable') ??
    badVariableNames(def.pools, 'pool');
  if (bad) throw definitionError(def, `cannot write class ${def.name}: ${bad}`);
}

/** An error about a definition being written: it points at where the definition was read
 *  and shows the first line of its source (or its name). */
export function definitionError(d: Definition, reason: string): SourceFormatError {
  const text = 'source' in d ? (d.source.split('\n')[0] ?? '') : d.name;
  return new SourceFormatError(reason, d.position, ' '.repeat(Math.max(0, d.position.column - 1)) + text);
}
