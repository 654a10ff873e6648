// Loading Tonel packages into a booted world (strata ship --load DIR): an application's
// own classes on top of the base image, as the bootstrap loads the kernel: every class
// definition first (superclasses first, across the packages), then every method, then the
// class-side #initialize of each class that defines one, in definition order.
//
// Problems (a method that does not compile, a refused class definition, an initializer that
// fails) are collected with file:line, so one mistake does not hide the others; the caller
// refuses to ship when there are any.

import fs from 'node:fs';
import path from 'node:path';
import { readTonelPackage } from '../compiler/tonel.ts';
import type { ClassDefinition, Definition } from '../compiler/definitions.ts';
import { ClassDefinitionError, defineClass, setSharedPools } from '../vm/class-builder.ts';
import { ClassSlot } from '../vm/class-layout.ts';
import { classOf, methodDictAt } from '../vm/classes.ts';
import { globalValue } from '../vm/install.ts';
import { intern } from '../vm/objects.ts';
import type { VM } from '../vm/vm.ts';
import { installDefinition, type BuildProblem } from './bootstrap.ts';
import { formatOutcomeError } from './ship-runner.ts';

export interface LoadReport {
  packages: string[];
  classes: number;
  methods: number;
  problems: BuildProblem[];
}

/**
 * The package directories under `dir`: dir itself when it holds a package.st, else its
 * subdirectories that do (in the order of a packages.txt there, else by name).
 */
export function packageDirsIn(dir: string): string[] {
  if (fs.existsSync(path.join(dir, 'package.st'))) return [dir];
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${dir}: no such directory`);
  const list = path.join(dir, 'packages.txt');
  const names = fs.existsSync(list)
    ? fs.readFileSync(list, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
    : fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'package.st'))).sort();
  if (names.length === 0) throw new Error(`${dir}: no Tonel package here (a directory with a package.st, or directories of them)`);
  return names.map((n) => path.join(dir, n));
}

function superclassesFirst(defs: ClassDefinition[]): ClassDefinition[] {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const done = new Set<string>();
  const out: ClassDefinition[] = [];
  const visit = (d: ClassDefinition): void => {
    if (done.has(d.name)) return;
    done.add(d.name);
    const sup = d.superclass === null ? undefined : byName.get(d.superclass);
    if (sup) visit(sup);
    out.push(d);
  };
  defs.forEach(visit);
  return out;
}

/** Loads the packages in `dirs` (each as packageDirsIn resolves it) into the VM's world. */
export function loadPackages(vm: VM, dirs: readonly string[]): LoadReport {
  const heap = vm.heap;
  const report: LoadReport = { packages: [], classes: 0, methods: 0, problems: [] };
  const defs: { def: Definition; root: string }[] = [];
  for (const given of dirs) {
    let packageDirs: string[];
    try {
      packageDirs = packageDirsIn(given);
    } catch (e) {
      report.problems.push({ where: given, message: (e as Error).message });
      continue;
    }
    for (const dir of packageDirs) {
      try {
        const pkg = readTonelPackage(dir);
        report.packages.push(pkg.name);
        for (const def of pkg.definitions) defs.push({ def, root: dir });
      } catch (e) {
        report.problems.push({ where: dir, message: (e as Error).message });
      }
    }
  }
  const where = (d: Definition, root: string): string =>
    'position' in d ? `${path.relative(path.dirname(root), d.position.file)}:${d.position.line}` : root;

  const classDefs = superclassesFirst(defs.map((x) => x.def).filter((d): d is ClassDefinition => d.kind === 'class'));
  const rootOf = new Map(defs.map((x) => [x.def, x.root]));
  const defined: ClassDefinition[] = [];
  for (const d of classDefs) {
    try {
      const superclass = d.superclass === null ? heap.nilOop : globalValue(heap, d.superclass);
      if (!superclass) throw new ClassDefinitionError(`unknown superclass ${d.superclass}`);
      defineClass(heap, {
        name: d.name, superclass, type: d.type, instVarNames: d.instVars, classVarNames: d.classVars,
        poolNames: [], category: d.category, comment: d.comment, classInstVarNames: d.classInstVars,
      });
      if (d.pools.length > 0) setSharedPools(heap, globalValue(heap, d.name), d.pools);
      defined.push(d);
      report.classes++;
    } catch (e) {
      report.problems.push({ where: `${where(d, rootOf.get(d) ?? '')} (${d.name})`, message: (e as Error).message });
    }
  }
  vm.state.cache.flush();
  for (const { def, root } of defs) {
    if (def.kind !== 'method') continue;
    // installDefinition names files relative to its directory argument's parent.
    const problem = installDefinition(vm, def, root);
    if (problem) report.problems.push(problem);
    else report.methods++;
  }
  for (const d of defined) {
    const cls = globalValue(heap, d.name);
    const meta = classOf(heap, cls);
    if (methodDictAt(heap, heap.fetch(meta, ClassSlot.methodDict), intern(heap, 'initialize')) === 0) continue;
    const outcome = vm.sendSync(cls, 'initialize');
    if (outcome.kind === 'error') report.problems.push({ where: `${d.name} class>>initialize`, message: formatOutcomeError(outcome).trimEnd() });
  }
  return report;
}
