// Loading source code into a live world: Tonel packages (a package directory, a directory of
// them, or one .class.st/.extension.st file), chunk-format fileouts (.st, as Squeak, Pharo
// and GNU Smalltalk write them) and scripts (statements run as one doit). This is what
// `strata load`, `strata run`, `strata test` and the REPL's .load use; classes and methods
// are made by install-definition.ts, which the bootstrap shares.
//
// Two orders, as in Pharo:
//   - A Tonel package loads like Monticello: every class definition (superclasses first),
//     then the pools, then every method, then the class-side #initialize of each class of
//     the package whose class-side initialize was added or changed by this load.
//   - A chunk file files in like Squeak's fileIn: definitions, methods and doits in file
//     order; a fileout ends with its own `Foo initialize!` doits, so none is added.
//
// Redefining an existing class updates it in place: instances of a class whose shape
// changed are migrated and the methods that index its instance variables recompiled.
//
// Errors never end a load early by default: each is reported (onProblem) with file,
// line, column and a caret, or with the Smalltalk stack, and loading goes on with the next
// definition; methods of a class whose definition failed are skipped (counted, not each
// reported). With `stopOnError` (strata run) the first problem ends the load and the rest
// is counted as skipped. An interrupt (vm.interrupt, Ctrl-C) always ends it.

import fs from 'node:fs';
import path from 'node:path';
import { readChunkFile } from '../compiler/chunk.ts';
import { compileDoit } from '../compiler/compile.ts';
import { CompileError } from '../compiler/errors.ts';
import { SourceFormatError } from '../compiler/definitions.ts';
import type { ClassDefinition, Definition, DoitDefinition, ExtensionDefinition, MethodDefinition, SourcePosition } from '../compiler/definitions.ts';
import { readTonelFile, readTonelPackage } from '../compiler/tonel.ts';
import { ClassDefinitionError, setSharedPools } from '../vm/class-builder.ts';
import { classAtIndex } from '../vm/classes.ts';
import { InstallError, lookupBinding, newCompiledMethod } from '../vm/install.ts';
import { ClassIndex } from '../vm/special.ts';
import type { Outcome } from '../vm/state.ts';
import type { VM } from '../vm/vm.ts';
import { classNamed, defineClassFrom, installMethodDefinition } from './install-definition.ts';
import { readTonelPackageTolerantly } from './package-reader.ts';
import {
  fileProblem, formatErrorProblem, runtimeProblem, SourceLines, type LoadProblem,
} from './load-problems.ts';
import { classifySource, packageDirectories, SourceFileError, type SourceKind } from './source-kind.ts';

export { formatProblem, isBadFile, type LoadProblem, type ProblemKind } from './load-problems.ts';
export type { SourceKind } from './source-kind.ts';

export interface LoadOptions {
  /** End the load at the first problem (the rest is counted as skipped). Default false. */
  stopOnError?: boolean;
  /** Called with each problem as it is found, before the load goes on. */
  onProblem?: (problem: LoadProblem) => void;
}

/** What one path added. */
export interface FileSummary {
  path: string;
  kind: SourceKind;
  /** Names of the Tonel packages read (none for chunk files and scripts). */
  packages: string[];
  classes: number;
  methods: number;
  doits: number;
  /** Classes whose class-side #initialize ran. */
  initialized: string[];
  problems: number;
}

export interface LoadSummary {
  files: FileSummary[];
  classes: number;
  methods: number;
  doits: number;
  initialized: string[];
  problems: LoadProblem[];
  /** Definitions not loaded: methods of classes that failed, and everything after a stop. */
  skipped: number;
  /** Whether the load ended early (stopOnError, or an interrupt). */
  stopped: boolean;
  /** Names of the classes each load defined or redefined, in order (for `strata test`). */
  definedClasses: string[];
}

/** Loads each path in order (see the header for the formats and the error policy). */
export async function loadFiles(vm: VM, paths: readonly string[], options: LoadOptions = {}): Promise<LoadSummary> {
  const loader = new Loader(vm, options);
  for (const p of paths) {
    if (loader.stopped) break;
    await loader.loadPath(p);
  }
  return loader.summary;
}

/**
 * Loads definitions already read. `order` 'fileIn' (default) takes them in the order given,
 * as a chunk file; 'package' as a Tonel package (classes, methods, then initializers).
 */
export async function loadDefinitions(
  vm: VM, defs: readonly Definition[], options: LoadOptions & { order?: 'fileIn' | 'package'; name?: string } = {},
): Promise<LoadSummary> {
  const loader = new Loader(vm, options);
  const file = loader.beginFile(options.name ?? '<definitions>', options.order === 'package' ? 'tonel-file' : 'chunk');
  if (options.order === 'package') await loader.loadPackage(defs, file);
  else await loader.fileIn(defs, file);
  return loader.summary;
}

/** One line per path, then the totals; for `strata load` and the REPL. */
export function formatSummary(s: LoadSummary): string[] {
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : what.endsWith('s') ? 'es' : 's'}`;
  const lines = s.files.map((f) => {
    const parts = [count(f.classes, 'class'), count(f.methods, 'method')];
    if (f.doits > 0) parts.push(count(f.doits, 'doit'));
    if (f.initialized.length > 0) parts.push(`initialized ${f.initialized.join(' ')}`);
    if (f.problems > 0) parts.push(count(f.problems, 'problem'));
    return `${f.path}: ${parts.join(', ')}`;
  });
  if (s.skipped > 0) lines.push(`skipped ${count(s.skipped, 'definition')}${s.stopped ? ' after the first problem' : ' of classes that failed to load'}`);
  return lines;
}

class Loader {
  readonly vm: VM;
  readonly options: LoadOptions;
  readonly summary: LoadSummary;
  readonly lines: SourceLines;
  /** Classes whose definition (or extension target) failed in this load: their methods are skipped. */
  readonly failedClasses: Set<string>;
  stopped: boolean;

  constructor(vm: VM, options: LoadOptions) {
    this.vm = vm;
    this.options = options;
    this.summary = { files: [], classes: 0, methods: 0, doits: 0, initialized: [], problems: [], skipped: 0, stopped: false, definedClasses: [] };
    this.lines = new SourceLines();
    this.failedClasses = new Set();
    this.stopped = false;
  }

  beginFile(p: string, kind: SourceKind): FileSummary {
    const f: FileSummary = { path: p, kind, packages: [], classes: 0, methods: 0, doits: 0, initialized: [], problems: 0 };
    this.summary.files.push(f);
    return f;
  }

  report(problem: LoadProblem, file: FileSummary): void {
    this.summary.problems.push(problem);
    file.problems++;
    this.options.onProblem?.(problem);
    if (this.options.stopOnError) this.stop();
  }

  stop(): void {
    this.stopped = true;
    this.summary.stopped = true;
  }

  async loadPath(given: string): Promise<void> {
    let source;
    try {
      source = classifySource(given);
    } catch (e) {
      if (!(e instanceof SourceFileError)) throw e;
      this.report(fileProblem(given, e.message.slice(given.length + 2)), this.beginFile(given, 'script'));
      return;
    }
    const file = this.beginFile(source.path, source.kind);
    if (source.text !== '') this.lines.remember(source.path, source.text);
    switch (source.kind) {
      case 'tonel-package':
        return this.loadPackageDir(source.path, file);
      case 'package-directory':
        for (const dir of packageDirectories(source.path)) {
          if (this.stopped) return;
          await this.loadPackageDir(dir, file);
        }
        return;
      case 'tonel-file': {
        const defs = this.read(file, () => readTonelFile(source.text, source.path));
        if (defs !== null) await this.loadPackage(defs, file);
        return;
      }
      case 'chunk': {
        const defs = this.read(file, () => readChunkFile(source.text, source.path));
        if (defs !== null) await this.fileIn(defs, file);
        return;
      }
      case 'script':
        await this.runDoit({ kind: 'doit', source: source.text, position: { file: source.path, line: 1, column: 1, offset: 0 } }, file, true);
    }
  }

  /** A package directory; when a file of it is bad, the package's other files still load. */
  private async loadPackageDir(dir: string, file: FileSummary): Promise<void> {
    let pkg = this.read(file, () => readTonelPackage(dir));
    if (pkg === null && fs.existsSync(path.join(dir, 'package.st'))) {
      const reported = new Set(this.summary.problems.map((p) => `${p.file}:${p.line}:${p.column}`));
      pkg = readTonelPackageTolerantly(dir, (e) => {
        if (!reported.has(`${e.file}:${e.line}:${e.column}`)) this.report(formatErrorProblem(e), file);
      });
    }
    if (pkg === null) return;
    file.packages.push(pkg.name);
    await this.loadPackage(pkg.definitions, file);
  }

  /** Runs a reader; a format error becomes a problem (the file is skipped) and null. */
  private read<T>(file: FileSummary, reader: () => T): T | null {
    try {
      return reader();
    } catch (e) {
      if (e instanceof SourceFormatError) this.report(formatErrorProblem(e), file);
      else if (e instanceof Error && /not a Tonel package directory/.test(e.message)) this.report(fileProblem(file.path, e.message), file);
      else throw e;
      return null;
    }
  }

  async fileIn(defs: readonly Definition[], file: FileSummary): Promise<void> {
    for (const d of defs) {
      if (this.stopped) {
        if (d.kind !== 'extension') this.summary.skipped++;
        continue;
      }
      if (d.kind === 'class') this.defineClass(d, file, true);
      else if (d.kind === 'extension') this.checkExtension(d, file);
      else if (d.kind === 'method') this.installMethod(d, file);
      else await this.runDoit(d, file, false);
    }
  }

  async loadPackage(defs: readonly Definition[], file: FileSummary): Promise<void> {
    const classes = defs.filter((d): d is ClassDefinition => d.kind === 'class');
    const defined: ClassDefinition[] = [];
    for (const d of classes) {
      if (this.stopped) break;
      if (this.defineClass(d, file, false)) defined.push(d);
    }
    for (const d of defined) {
      if (this.stopped || d.pools.length === 0) continue;
      try {
        setSharedPools(this.vm.heap, classNamed(this.vm.heap, d.name), d.pools);
      } catch (e) {
        if (!(e instanceof ClassDefinitionError)) throw e;
        this.report(this.lines.at('definition', d.position, e.message), file);
      }
    }
    const toInitialize = new Set<string>();
    for (const d of defs) {
      if (d.kind === 'class') continue;
      if (this.stopped) {
        if (d.kind === 'method') this.summary.skipped++;
        continue;
      }
      if (d.kind === 'extension') this.checkExtension(d, file);
      else if (d.kind === 'method' && this.installMethod(d, file) === 'initializer') toInitialize.add(d.className);
      else if (d.kind === 'doit') await this.runDoit(d, file, false);
    }
    for (const d of defined) {
      if (this.stopped) return;
      if (toInitialize.has(d.name)) await this.initialize(d, file);
    }
  }

  /** Defines or redefines a class; answers whether it worked. */
  private defineClass(d: ClassDefinition, file: FileSummary, withPools: boolean): boolean {
    try {
      defineClassFrom(this.vm, d, withPools);
      this.failedClasses.delete(d.name);
      this.summary.classes++;
      file.classes++;
      this.summary.definedClasses.push(d.name);
      return true;
    } catch (e) {
      if (!(e instanceof ClassDefinitionError)) throw e;
      this.failedClasses.add(d.name);
      const reason = e.message.startsWith(`${d.name}: `) ? e.message.slice(d.name.length + 2) : e.message;
      this.report(this.lines.at('definition', d.position, `cannot define ${d.name}: ${reason}`), file);
      return false;
    }
  }

  private checkExtension(d: ExtensionDefinition, file: FileSummary): void {
    if (classNamed(this.vm.heap, d.name) !== 0 || this.failedClasses.has(d.name)) return;
    this.failedClasses.add(d.name);
    this.report(this.lines.at('definition', d.position, `methods for ${d.name}, which is not a class in this image`), file);
  }

  /** Installs a method; answers 'initializer' for a new or changed class-side #initialize. */
  private installMethod(d: MethodDefinition, file: FileSummary): 'ok' | 'initializer' | 'failed' {
    if (this.failedClasses.has(d.className)) {
      this.summary.skipped++;
      return 'failed';
    }
    try {
      const origin = { file: d.position.file, line: d.position.line };
      const installed = installMethodDefinition(this.vm, d, origin);
      this.summary.methods++;
      file.methods++;
      const changed = installed.previousSource === null || installed.previousSource !== d.source;
      return d.isMeta && installed.selector === 'initialize' && changed ? 'initializer' : 'ok';
    } catch (e) {
      if (e instanceof CompileError) this.report(this.lines.compileError(e, d.position), file);
      else if (e instanceof InstallError) this.report(this.lines.at('definition', d.position, e.message), file);
      else throw e;
      return 'failed';
    }
  }

  /** Compiles and runs a doit (a script is one); problems are reported at its position. */
  private async runDoit(d: DoitDefinition, file: FileSummary, isScript: boolean): Promise<void> {
    const heap = this.vm.heap;
    const nilClass = classAtIndex(heap, ClassIndex.UndefinedObject);
    let method: number;
    try {
      const spec = compileDoit(d.source, { instVarNames: [], isBound: (name) => lookupBinding(heap, name, nilClass, true) !== 0 });
      method = newCompiledMethod(heap, spec, nilClass, { file: d.position.file, line: d.position.line });
    } catch (e) {
      if (e instanceof CompileError) this.report(this.lines.compileError(e, d.position), file);
      else if (e instanceof InstallError) this.report(this.lines.at('syntax', d.position, e.message), file);
      else throw e;
      return;
    }
    this.summary.doits += isScript ? 0 : 1;
    file.doits += isScript ? 0 : 1;
    this.vm.start(method, heap.nilOop);
    this.check(await this.vm.runSlices(), d.position, file);
  }

  private async initialize(d: ClassDefinition, file: FileSummary): Promise<void> {
    const cls = classNamed(this.vm.heap, d.name);
    if (cls === 0) return;
    const outcome = await this.vm.send(cls, 'initialize');
    if (this.check(outcome, d.position, file, `${d.name} class>>initialize: `)) {
      this.summary.initialized.push(d.name);
      file.initialized.push(d.name);
    }
  }

  /** Reports an error outcome; answers whether the evaluation ended normally. */
  private check(o: Outcome, pos: SourcePosition, file: FileSummary, prefix = ''): boolean {
    if (o.kind === 'value') return true;
    this.report(runtimeProblem(pos, prefix + o.description, o.trace), file);
    if (o.description === 'Interrupted') this.stop();
    return false;
  }
}
