// The bootstrap: native skeleton (skeleton.ts), then every Tonel package under
// images/kernel/ in the order of kernel/packages.txt: all class definitions first (across
// packages, superclasses first), then every method, then class-side #initialize of each
// class that defines one (in definition order), then a full GC and the save.
//
// Problems do not stop the build: a method that fails to compile, a class definition the VM
// refuses, an initializer that signals an error are collected in the report (with file and
// line) so one bad method does not hide the others. `strata build` prints them.
//
// Determinism: the same sources give the same bytes. Nothing here depends on time, the
// working directory or hash-map order; identity hashes come from the heap's seeded generator;
// file names recorded in methods are relative to the kernel directory's parent.

import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './project-root.ts';
import { readTonelPackage } from '../compiler/tonel.ts';
import type { ClassDefinition, Definition, MethodDefinition } from '../compiler/definitions.ts';
import { CompileError } from '../compiler/errors.ts';
import { defineClass, setSharedPools } from '../vm/class-builder.ts';
import { classOf, methodDictAt } from '../vm/classes.ts';
import { ClassSlot } from '../vm/class-layout.ts';
import { fullGC } from '../vm/gc.ts';
import { BufferHost, type Host } from '../vm/host.ts';
import { globalValue, installMethod, InstallError } from '../vm/install.ts';
import { associations } from '../vm/dictionaries.ts';
import { intern, specialObject, stringValue } from '../vm/objects.ts';
import { Special } from '../vm/special.ts';
import { VM } from '../vm/vm.ts';
import { compileForHost } from './compile-hook.ts';
import { classSpecFor, compileMethodDefinition, methodClassFor } from './install-definition.ts';
import { createSkeleton } from './skeleton.ts';
import { saveImage } from './writer.ts';

export const KERNEL_DIR = path.join(PROJECT_ROOT, 'images', 'kernel');
export const DEFAULT_IMAGE_PATH = path.join(PROJECT_ROOT, 'build', 'base.image');

export interface BuildProblem {
  /** `file:line` or a class name. */
  where: string;
  message: string;
}

export interface BuildReport {
  packages: string[];
  classes: number;
  methods: number;
  initialized: string[];
  /** Names still unbound (in Undeclared) after the build. */
  undeclared: string[];
  problems: BuildProblem[];
}

export interface BuildOptions {
  kernelDir?: string;
  /** Where Smalltalk output (Transcript) goes during the build; collected by default. */
  host?: Host;
}

/** The package directories in load order: packages.txt if present, else alphabetical. */
export function packageDirs(kernelDir: string): string[] {
  const list = path.join(kernelDir, 'packages.txt');
  const names = fs.existsSync(list)
    ? fs.readFileSync(list, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
    : fs.readdirSync(kernelDir).filter((d) => fs.existsSync(path.join(kernelDir, d, 'package.st'))).sort();
  return names.map((n) => path.join(kernelDir, n));
}

/** Class definitions ordered superclass first (stable otherwise). */
function superclassesFirst(defs: ClassDefinition[]): ClassDefinition[] {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const done = new Set<string>();
  const out: ClassDefinition[] = [];
  const visit = (d: ClassDefinition, depth: number): void => {
    if (done.has(d.name) || depth > 1000) return;
    done.add(d.name);
    const sup = d.superclass === null ? undefined : byName.get(d.superclass);
    if (sup) visit(sup, depth + 1);
    out.push(d);
  };
  for (const d of defs) visit(d, 0);
  // A class visited early for a subclass must still come after its own superclass: the
  // recursion above guarantees it (the superclass is pushed before the class).
  return out;
}

function where(file: string, line: number, kernelDir: string): string {
  return `${path.relative(path.dirname(kernelDir), file).split(path.sep).join('/')}:${line}`;
}

/** Builds a world from the kernel sources; the VM is ready to evaluate. */
export function buildWorld(options: BuildOptions = {}): { vm: VM; report: BuildReport } {
  const kernelDir = options.kernelDir ?? KERNEL_DIR;
  const heap = createSkeleton();
  const host = options.host ?? new BufferHost();
  host.compile = compileForHost;
  const vm = new VM(heap, host);
  const report: BuildReport = { packages: [], classes: 0, methods: 0, initialized: [], undeclared: [], problems: [] };

  const defs: Definition[] = [];
  for (const dir of packageDirs(kernelDir)) {
    try {
      const pkg = readTonelPackage(dir);
      report.packages.push(pkg.name);
      defs.push(...pkg.definitions);
    } catch (e) {
      report.problems.push({ where: path.basename(dir), message: (e as Error).message });
    }
  }
  const classDefs = superclassesFirst(defs.filter((d): d is ClassDefinition => d.kind === 'class'));
  const defined: ClassDefinition[] = [];
  for (const d of classDefs) {
    try {
      defineClass(heap, classSpecFor(heap, d, false));
      defined.push(d);
      report.classes++;
    } catch (e) {
      report.problems.push({ where: `${where(d.position.file, d.position.line, kernelDir)} (${d.name})`, message: (e as Error).message });
    }
  }
  for (const d of defined) {
    if (d.pools.length === 0) continue;
    try {
      setSharedPools(heap, globalValue(heap, d.name), d.pools);
    } catch (e) {
      report.problems.push({ where: d.name, message: (e as Error).message });
    }
  }
  vm.state.cache.flush();

  for (const d of defs) {
    if (d.kind !== 'method') continue;
    const problem = installDefinition(vm, d, kernelDir);
    if (problem) report.problems.push(problem);
    else report.methods++;
  }

  for (const d of defined) {
    const cls = globalValue(heap, d.name);
    const meta = classOf(heap, cls);
    if (methodDictAt(heap, heap.fetch(meta, ClassSlot.methodDict), intern(heap, 'initialize')) === 0) continue;
    const outcome = vm.sendSync(cls, 'initialize');
    if (outcome.kind === 'error') {
      report.problems.push({ where: `${d.name} class>>initialize`, message: [outcome.description, ...outcome.trace.map((l) => `  ${l}`)].join('\n') });
    } else {
      report.initialized.push(d.name);
    }
  }
  const undeclared = specialObject(heap, Special.undeclared);
  report.undeclared = associations(heap, undeclared).map((a) => stringValue(heap, heap.fetch(a, 0))).sort();
  return { vm, report };
}

/** Compiles and installs one method definition; answers a problem or null. */
export function installDefinition(vm: VM, d: MethodDefinition, kernelDir: string): BuildProblem | null {
  const heap = vm.heap;
  const at = where(d.position.file, d.position.line, kernelDir);
  try {
    const cls = methodClassFor(heap, d);
    installMethod(heap, vm.state.cache, compileMethodDefinition(heap, d, cls), cls, { file: at.slice(0, at.lastIndexOf(':')), line: d.position.line });
    return null;
  } catch (e) {
    if (e instanceof CompileError || e instanceof InstallError) return { where: at, message: e.message };
    throw e;
  }
}

/** Builds the world, compacts it and saves it at out; answers the report. */
export function buildBaseImage(out: string = DEFAULT_IMAGE_PATH, options: BuildOptions = {}): BuildReport {
  const { vm, report } = buildWorld(options);
  fullGC(vm.heap);
  vm.state.afterGC();
  fs.mkdirSync(path.dirname(out), { recursive: true });
  saveImage(vm.heap, out);
  return report;
}

/** A one-paragraph summary plus every problem, for `strata build`. */
export function formatReport(report: BuildReport): string {
  const lines = [
    `${report.packages.length} packages, ${report.classes} classes, ${report.methods} methods; initialized ${report.initialized.length} classes`,
  ];
  if (report.undeclared.length > 0) lines.push(`undeclared: ${report.undeclared.join(' ')}`);
  for (const p of report.problems) lines.push(`${p.where}: ${p.message}`);
  return `${lines.join('\n')}\n`;
}
