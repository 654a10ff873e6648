// `strata fileout PACKAGE DIR`: a package of the live world as Tonel definitions, read
// straight from the heap. A class belongs to PACKAGE when its category is PACKAGE or
// starts with `PACKAGE-` (the rest is its tag); a method of another package's class
// belongs to PACKAGE when its protocol is `*PACKAGE` or `*PACKAGE-...` (Pharo's extension
// convention, compared without case). compiler/tonel-writer.ts writes the files.

import type { ClassDefinition, Definition, MethodDefinition, PackageDefinition, SourcePosition } from '../compiler/definitions.ts';
import type { Heap } from '../vm/heap.ts';
import { ClassSlot } from '../vm/class-layout.ts';
import { classOf, instFormat, isMetaclass, methodDictEntries } from '../vm/classes.ts';
import { associations } from '../vm/dictionaries.ts';
import { Format, isBytesFormat, isCompiledMethodFormat } from '../vm/layout.ts';
import { isCompiledMethod } from '../vm/method-layout.ts';
import { arrayElements, stringValue } from '../vm/objects.ts';
import { allBehaviors, methodCategory, methodSourceText, symbolNames, text } from './introspection.ts';

const NOWHERE: SourcePosition = { file: '', line: 0, column: 0, offset: 0 };

function classType(format: number): ClassDefinition['type'] {
  if (isBytesFormat(format)) return 'bytes';
  if (isCompiledMethodFormat(format)) return 'compiledMethod';
  if (format === Format.INDEXABLE) return 'variable';
  if (format === Format.WORDS) return 'words';
  if (format === Format.WEAK) return 'weak';
  return 'normal';
}

function nameOf(heap: Heap, cls: number): string {
  return text(heap, heap.fetch(cls, ClassSlot.name)) ?? '?';
}

function classDefinitionOf(heap: Heap, cls: number, pkg: string): ClassDefinition {
  const nil = heap.nilOop;
  const sup = heap.fetch(cls, ClassSlot.superclass);
  const pool = heap.fetch(cls, ClassSlot.classPool);
  const pools = heap.fetch(cls, ClassSlot.sharedPools);
  const category = text(heap, heap.fetch(cls, ClassSlot.category)) ?? pkg;
  return {
    kind: 'class',
    name: nameOf(heap, cls),
    superclass: sup === nil ? null : nameOf(heap, sup),
    instVars: symbolNames(heap, heap.fetch(cls, ClassSlot.instanceVariables)),
    classVars: pool === nil ? [] : associations(heap, pool).map((a) => text(heap, heap.fetch(a, 0)) ?? '?').sort(),
    classInstVars: symbolNames(heap, heap.fetch(classOf(heap, cls), ClassSlot.instanceVariables)),
    pools: pools === nil ? [] : arrayElements(heap, pools).map((p) => nameOf(heap, p)),
    category,
    package: pkg,
    tag: category.length > pkg.length ? category.slice(pkg.length + 1) : null,
    type: classType(instFormat(heap, cls)),
    comment: text(heap, heap.fetch(cls, ClassSlot.comment)) ?? '',
    position: NOWHERE,
  };
}

/** The methods of one side of a class that `keep` accepts (by protocol), with their sources. */
function methodsOf(heap: Heap, behavior: number, className: string, keep: (category: string) => boolean): MethodDefinition[] {
  const dict = heap.fetch(behavior, ClassSlot.methodDict);
  if (dict === heap.nilOop) return [];
  const out: MethodDefinition[] = [];
  for (const [sel, m] of methodDictEntries(heap, dict)) {
    if (!isCompiledMethod(heap, m)) continue;
    const category = methodCategory(heap, m);
    if (!keep(category)) continue;
    const source = methodSourceText(heap, m);
    if (source === null) throw new Error(`${className}>>${stringValue(heap, sel)} has no source to write`);
    out.push({ kind: 'method', className, isMeta: isMetaclass(heap, behavior), category, source, position: NOWHERE });
  }
  return out;
}

/** The classes, extensions and methods of package `pkg`; throws when it has none. */
export function packageDefinition(heap: Heap, pkg: string): PackageDefinition {
  const lower = pkg.toLowerCase();
  const isExtension = (category: string): boolean => {
    const c = category.toLowerCase();
    return c === `*${lower}` || c.startsWith(`*${lower}-`);
  };
  const definitions: Definition[] = [];
  const classes = allBehaviors(heap).filter((c) => !isMetaclass(heap, c));
  for (const cls of classes) {
    const category = text(heap, heap.fetch(cls, ClassSlot.category)) ?? '';
    const name = nameOf(heap, cls);
    const meta = classOf(heap, cls);
    if (category === pkg || category.startsWith(`${pkg}-`)) {
      definitions.push(classDefinitionOf(heap, cls, pkg));
      const own = (c: string): boolean => !c.startsWith('*');
      definitions.push(...methodsOf(heap, cls, name, own), ...methodsOf(heap, meta, name, own));
    } else {
      const ext = [...methodsOf(heap, cls, name, isExtension), ...methodsOf(heap, meta, name, isExtension)];
      if (ext.length > 0) definitions.push({ kind: 'extension', name, position: NOWHERE }, ...ext);
    }
  }
  if (definitions.length === 0) throw new Error(`no package named ${pkg}: no class has that category and no method the protocol *${pkg}`);
  return { name: pkg, definitions };
}
