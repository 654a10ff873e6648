// Reading a Tonel package when some of its files are bad: compiler/tonel.ts's
// readTonelPackage stops at the first format error, which would lose every good class of
// the package. This reads package.st and each class or extension file on its own, hands the
// format errors of bad files to the caller, and orders the good definitions as
// readTonelPackage does (classes superclasses first, then extensions, each file's methods
// after its definition), so one bad file costs only its own definitions.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SourceFormatError, type ClassDefinition, type Definition, type PackageDefinition } from '../compiler/definitions.ts';
import { readTonelFile, readTonelPackageName } from '../compiler/tonel.ts';

/** The package's good definitions; each bad file (or a bad package.st) goes to onError. */
export function readTonelPackageTolerantly(dir: string, onError: (e: SourceFormatError) => void): PackageDefinition | null {
  const pkgFile = join(dir, 'package.st');
  let name: string;
  try {
    name = readTonelPackageName(readFileSync(pkgFile, 'utf8'), pkgFile);
  } catch (e) {
    if (e instanceof SourceFormatError) {
      onError(e);
      return null;
    }
    throw e;
  }
  const classes = new Map<string, Definition[]>();
  const extensions: Definition[][] = [];
  const files = readdirSync(dir).filter((f) => f.endsWith('.class.st') || f.endsWith('.extension.st') || f.endsWith('.trait.st')).sort();
  for (const f of files) {
    const path = join(dir, f);
    let defs: Definition[];
    try {
      defs = readTonelFile(readFileSync(path, 'utf8'), path, name);
    } catch (e) {
      if (!(e instanceof SourceFormatError)) throw e;
      onError(e);
      continue;
    }
    const head = defs[0]!;
    if (head.kind !== 'class') extensions.push(defs);
    else if (!classes.has(head.name)) classes.set(head.name, defs);
  }
  const definitions: Definition[] = [];
  const done = new Set<string>();
  const visit = (className: string, depth: number): void => {
    if (done.has(className) || depth > classes.size) return;
    const defs = classes.get(className)!;
    const superclass = (defs[0] as ClassDefinition).superclass;
    if (superclass !== null && classes.has(superclass)) visit(superclass, depth + 1);
    if (done.has(className)) return;
    done.add(className);
    definitions.push(...defs);
  };
  for (const className of [...classes.keys()].sort()) visit(className, 0);
  for (const defs of extensions) definitions.push(...defs);
  return { name, definitions };
}
