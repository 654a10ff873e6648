// The ReplSession backed by the real VM: a booted world (images/world.ts), a host that streams
// what Smalltalk writes to the REPL's listeners, and the image's changes log (changes.ts).
//
// One operation runs at a time: every call that runs Smalltalk or touches the heap goes
// through `exclusive`, a promise chain, so a save never lands in the middle of an evaluation
// and two evaluations never share the VM. Evaluations run in slices (slice-runner.ts), so the
// event loop keeps serving ink's rendering, Transcript output and Ctrl-C while one runs.
//
// Oops are never kept across a run of the VM: the GC may move objects at any safe point.
// Where an oop must survive Smalltalk running (.inspect printing each slot), it is held in
// heap.roots, which the GC updates in place.

import nodePath from 'node:path';
import { formatProblem, formatSummary, loadFiles } from '../images/loader.ts';
import { saveWorld } from '../images/save-hook.ts';
import { bootWorld, DEFAULT_IMAGE_PATH } from '../images/world.ts';
import type { HeapOptions } from '../vm/heap.ts';
import { HostCompileError } from '../vm/host.ts';
import { installMethod, InstallError } from '../vm/install.ts';
import { isStringLike, stringValue } from '../vm/objects.ts';
import type { Outcome } from '../vm/state.ts';
import type { VM } from '../vm/vm.ts';
import { ChangesLog, changeLabel, changesPathFor, doitKind, hashHex, newSessionId, selectorOf } from './changes.ts';
import { compileTypedMethod } from './define-method.ts';
import type { ChangeBody, ChangeRecord } from './changes.ts';
import {
  allSelectors, describeClass, disassembleMethod, findMethod, globalNames, implementorsOf, methodSourceText, sendersOf, sourceOf,
} from './introspection.ts';
import { inspectObject } from './inspector.ts';
import { SessionHost } from './session-host.ts';
import { SliceRunner } from './slice-runner.ts';
import { formatMethodRef } from './session.ts';
import type {
  ClassDescription, EvalResult, Inspection, MethodRef, RecoverableChange, ReplSession, SaveKind,
} from './session.ts';

/** How long an exit waits for the REPL to render what was written (ink batches for ~50 ms). */
const EXIT_FLUSH_MS = 100;

export interface VmSessionOptions {
  /** Append accepted definitions and doits to IMAGE.changes (default true). */
  readonly changes?: boolean;
  /** Called once Smalltalk asks the process to end (`Smalltalk quit`, `exit:`); the
   *  evaluation ends when it returns (or its promise settles). By default the process exits
   *  with that code, after a moment that lets the REPL show the output written before. */
  readonly onExit?: (code: number) => void | Promise<void>;
  /** The clock for changes log timestamps (tests). */
  readonly now?: () => Date;
  readonly heap?: HeapOptions;
}

function errorResult(e: unknown): EvalResult {
  const [first = '', ...rest] = (e instanceof Error ? e.message : String(e)).split('\n');
  return { kind: 'error', description: first, trace: rest };
}

export class VmSession implements ReplSession {
  readonly vm: VM;
  /** This session's id in changes logs. */
  readonly sessionId: string;
  private readonly host: SessionHost;
  private currentImage: string;
  private log: ChangesLog | null;
  private queue: Promise<unknown>;
  /** True once interrupt() was called for the running evaluation. */
  private interrupted: boolean;
  private selectorCache: readonly string[] | null;
  private readonly runner: SliceRunner;
  private closed: boolean;
  private readonly onExit: (code: number) => void | Promise<void>;
  private readonly now: () => Date;

  constructor(vm: VM, host: SessionHost, imagePath: string, options: VmSessionOptions) {
    this.vm = vm;
    this.host = host;
    this.sessionId = newSessionId();
    this.currentImage = imagePath;
    this.now = options.now ?? (() => new Date());
    this.log = options.changes === false ? null : this.openLog(imagePath);
    this.queue = Promise.resolve();
    this.interrupted = false;
    this.selectorCache = null;
    this.runner = new SliceRunner(vm);
    this.closed = false;
    this.onExit = options.onExit ?? (async (code) => {
      await new Promise((resolve) => setTimeout(resolve, EXIT_FLUSH_MS));
      this.log?.close();
      process.exit(code);
    });
    host.onExitRequest = () => vm.interrupt();
    // `Smalltalk saveImage:` and friends: the changes log records those saves too.
    const hook = host.saveImage;
    if (hook !== null) {
      host.saveImage = (heap, path, kind) => {
        const summary = hook(heap, path, kind);
        if (kind !== 'compact') this.noteSaved(path, hashHex(heap.imageHash));
        return summary;
      };
    }
  }

  get imagePath(): string {
    return this.currentImage;
  }

  /** The changes log this session writes, or null when logging is off. */
  get changesPath(): string | null {
    return this.log?.path ?? null;
  }

  // ---- evaluation ----------------------------------------------------------------------

  evaluate(source: string): Promise<EvalResult> {
    return this.exclusive(() => this.runDoit(source, null));
  }

  defineMethod(className: string, isMeta: boolean, source: string, category: string): Promise<EvalResult> {
    return this.exclusive(() => Promise.resolve(this.installTyped(className, isMeta, source, category, null)));
  }

  interrupt(): void {
    // Also while the evaluation waits (a Delay, a Semaphore) and no context runs; a request
    // with nothing running is forgotten at the start of the next run.
    this.interrupted = true;
    this.runner.interrupt();
  }

  onTranscript(listener: (text: string) => void): () => void {
    this.host.listeners.add(listener);
    return () => { this.host.listeners.delete(listener); };
  }

  private async runDoit(source: string, replayOf: string | null): Promise<EvalResult> {
    const outcome = await this.acceptDoit(source, replayOf);
    if (outcome.kind !== 'value' || 'printString' in outcome) return outcome;
    return this.printIt(outcome.value);
  }

  /** Compiles a doit; when it compiles, logs it (accepted) and runs it. */
  private async acceptDoit(source: string, replayOf: string | null): Promise<EvalResult | { kind: 'value'; value: number }> {
    const vm = this.vm;
    let method: number;
    try {
      method = vm.compileDoit(source);
    } catch (e) {
      if (e instanceof HostCompileError || e instanceof InstallError) return errorResult(e);
      throw e;
    }
    this.logChange({ kind: doitKind(source), source }, replayOf);
    return this.run(() => {
      vm.start(method, vm.heap.nilOop);
      return this.runner.run();
    });
  }

  /** Runs the VM once (an evaluation or a send) and reads how it ended. */
  private async run(go: () => Promise<Outcome>): Promise<EvalResult | { kind: 'value'; value: number }> {
    this.interrupted = false;
    this.selectorCache = null;
    let outcome: Outcome;
    try {
      outcome = await go();
    } finally {
      this.reportLogProblem();
    }
    const exit = this.host.exitRequest;
    if (exit !== null) {
      this.host.exitRequest = null;
      await this.onExit(exit);
      return { kind: 'value', printString: '' };
    }
    if (outcome.kind === 'value') return outcome;
    if (this.interrupted && outcome.description === 'Interrupted') return { kind: 'interrupted', trace: outcome.trace };
    return { kind: 'error', description: outcome.description, trace: outcome.trace };
  }

  /** The printString of oop (sent, so it can be interrupted and its errors are reported). */
  private async printIt(oop: number): Promise<EvalResult> {
    const vm = this.vm;
    const printed = await this.run(() => vm.send(oop, 'printString'));
    if (printed.kind !== 'value') return printed;
    if ('printString' in printed) return printed;
    const text = isStringLike(vm.heap, printed.value) ? stringValue(vm.heap, printed.value) : vm.describe(oop);
    return { kind: 'value', printString: text };
  }

  private installTyped(className: string, isMeta: boolean, source: string, category: string, replayOf: string | null): EvalResult {
    const heap = this.vm.heap;
    const typed = compileTypedMethod(heap, this.vm.host, className, isMeta, source, category);
    if (!typed.ok) return errorResult(new Error(typed.message));
    const { spec, target } = typed;
    this.logChange({ kind: 'method', className, isMeta, category: spec.category, source }, replayOf);
    try {
      installMethod(heap, this.vm.state.cache, spec, target);
    } catch (e) {
      if (e instanceof InstallError) return errorResult(e);
      throw e;
    }
    this.selectorCache = null;
    return { kind: 'value', printString: formatMethodRef({ className, isMeta, selector: spec.selector }) };
  }

  // ---- names for completion -------------------------------------------------------------

  globalNames(): readonly string[] {
    return globalNames(this.vm.heap);
  }

  selectors(): readonly string[] {
    this.selectorCache ??= allSelectors(this.vm.heap);
    return this.selectorCache;
  }

  // ---- the image -------------------------------------------------------------------------

  save(path?: string, kind: SaveKind = 'full'): Promise<string> {
    return this.exclusive(async () => {
      const target = path ?? this.currentImage;
      const heap = this.vm.heap;
      const state = this.vm.state;
      // A process forked by an earlier input may be between slices: its registers are oops
      // the save's GC must see and update.
      const at = heap.roots.length;
      heap.roots.push(state.ctx, state.baseContext);
      try {
        saveWorld(heap, target, kind);
      } finally {
        state.ctx = heap.roots[at]!;
        state.baseContext = heap.roots[at + 1]!;
        heap.roots.length = at;
        state.afterGC();
      }
      // A compacted image is a new world: this session goes on with its own heap and image.
      if (kind === 'compact') return target;
      this.noteSaved(target, hashHex(heap.imageHash));
      return target;
    });
  }

  /** After a save of this world to `target`: the log beside it gets a snapshot marker, and
   *  `target` becomes the session's image (the default of the next save). */
  private noteSaved(target: string, hash: string): void {
    if (this.log !== null) {
      if (nodePath.resolve(target) !== nodePath.resolve(this.log.path.slice(0, -'.changes'.length))) {
        this.log.close();
        this.log = this.openLog(target);
      }
      this.log.markSnapshot(hash);
      this.log.bootHash = hash;
      this.reportLogProblem();
    }
    this.currentImage = target;
  }

  /** Loads files through images/loader.ts; problems are printed as they are found. The load
   *  is logged (as `.load` of the absolute paths) so recovery can load the files again. */
  load(files: readonly string[]): Promise<readonly string[]> {
    return this.exclusive(async () => (await this.loadNow(files, null)).lines);
  }

  private async loadNow(files: readonly string[], replayOf: string | null): Promise<{ lines: string[]; problems: number }> {
    const paths = files.map((f) => nodePath.resolve(f));
    this.logChange({ kind: 'load', paths }, replayOf);
    this.interrupted = false;
    this.selectorCache = null;
    const summary = await loadFiles(this.vm, paths, { onProblem: (p) => this.host.emit(`${formatProblem(p)}\n`) });
    this.reportLogProblem();
    const lines = formatSummary(summary).map((l) => l.replace(/^\S+(?=: )/, (abs) => files[paths.indexOf(abs)] ?? abs));
    if (summary.stopped && this.interrupted) lines.push('Interrupted');
    return { lines, problems: summary.problems.length };
  }

  // ---- tools -----------------------------------------------------------------------------

  browse(className: string): Promise<ClassDescription> {
    return this.exclusive(() => Promise.resolve(describeClass(this.vm.heap, className)));
  }

  source(method: MethodRef): Promise<string> {
    return this.exclusive(() => Promise.resolve(sourceOf(this.vm.heap, method)));
  }

  senders(selector: string): Promise<readonly MethodRef[]> {
    return this.exclusive(() => Promise.resolve(sendersOf(this.vm.heap, selector)));
  }

  implementors(selector: string): Promise<readonly MethodRef[]> {
    return this.exclusive(() => Promise.resolve(implementorsOf(this.vm.heap, selector)));
  }

  disassemble(method: MethodRef): Promise<readonly string[]> {
    return this.exclusive(() => Promise.resolve(disassembleMethod(this.vm.heap, method)));
  }

  inspect(source: string): Promise<Inspection> {
    return this.exclusive(async (): Promise<Inspection> => {
      const outcome = await this.acceptDoit(source, null);
      if (outcome.kind !== 'value') return outcome;
      if ('printString' in outcome) return { kind: 'error', description: 'nothing to inspect', trace: [] };
      return inspectObject(this.vm.heap, outcome.value, (oop) => this.printIt(oop));
    });
  }

  // ---- changes log and recovery ------------------------------------------------------------

  recoverable(): Promise<readonly RecoverableChange[]> {
    return this.exclusive(() => Promise.resolve(this.recoverableRecords().map((r, i) => ({
      index: i + 1,
      timestamp: r.timestamp,
      kind: r.body.kind === 'load' ? 'doit' : r.body.kind,
      label: changeLabel(r.body),
    }))));
  }

  replay(indexes: readonly number[]): Promise<readonly EvalResult[]> {
    return this.exclusive(async () => {
      const records = this.recoverableRecords();
      const results: EvalResult[] = [];
      for (const i of indexes) {
        const r = records[i - 1];
        if (r === undefined) {
          results.push({ kind: 'error', description: `no change ${i}: the list has ${records.length}`, trace: [] });
          continue;
        }
        results.push(await this.replayOne(r));
      }
      return results;
    });
  }

  private async replayOne(r: ChangeRecord): Promise<EvalResult> {
    const original = r.replayOf ?? r.id;
    const b = r.body;
    switch (b.kind) {
      case 'method': return this.installTyped(b.className, b.isMeta, b.source, b.category, original);
      case 'load': {
        const { lines, problems } = await this.loadNow(b.paths, original);
        return problems === 0
          ? { kind: 'value', printString: lines.join('; ') }
          : { kind: 'error', description: `${problems} problem${problems === 1 ? '' : 's'} loading ${b.paths.join(' ')}`, trace: lines };
      }
      default: return this.runDoit(b.source, original);
    }
  }

  /** Logged changes the image lacks: see changes.ts; methods the world already has, with the
   *  same source, are left out. */
  private recoverableRecords(): ChangeRecord[] {
    if (this.log === null) return [];
    const heap = this.vm.heap;
    const records = this.log.recoverable(hashHex(heap.imageHash));
    this.reportLogProblem();
    return records.filter((r) => {
      const b = r.body;
      if (b.kind !== 'method') return true;
      try {
        const ref = { className: b.className, isMeta: b.isMeta, selector: selectorOf(b.source) };
        return methodSourceText(heap, findMethod(heap, ref))?.trim() !== b.source.trim();
      } catch {
        return true;
      }
    });
  }

  private openLog(imagePath: string): ChangesLog {
    return new ChangesLog(changesPathFor(imagePath), this.sessionId, hashHex(this.vm.heap.imageHash), this.now);
  }

  private logChange(body: ChangeBody, replayOf: string | null): void {
    this.log?.appendChange(body, replayOf);
    this.reportLogProblem();
  }

  private reportLogProblem(): void {
    const problem = this.log?.takeProblem();
    if (problem) this.host.emit(`${problem}\n`);
  }

  // ---- lifetime ----------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.interrupt();
    await this.queue.catch(() => {});
    this.log?.close();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the session is closed'));
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }
}

/** Boots `imagePath` (null: the base image) into a session. */
export async function openVmSession(imagePath: string | null, options: VmSessionOptions = {}): Promise<VmSession> {
  const path = imagePath ?? DEFAULT_IMAGE_PATH;
  const host = new SessionHost();
  const vm = bootWorld(path, { host, heap: options.heap });
  return new VmSession(vm, host, path, options);
}

