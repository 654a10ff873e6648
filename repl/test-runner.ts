// Running SUnit tests of a live world from the host, one test per evaluation: the class side
// of SUnit-Core answers the test classes (TestCase allTestClasses) and their selectors
// (testSelectors), and `runForReport:` runs one test into a fresh TestResult and answers
// {status. description. stack}. One evaluation per test lets the host stop a test that runs
// too long (the VM is interrupted at its next slice) without losing the others.
//
// No oop is kept across evaluations (a full GC may move any object of old space, classes
// too): classes are found again by name before each send, and answers are read into JS
// values as soon as an evaluation ends.

import { ClassSlot } from '../vm/class-layout.ts';
import { classNamed } from '../images/install-definition.ts';
import { className, superclassOf } from '../vm/classes.ts';
import { arrayElements, intern, isStringLike, stringValue } from '../vm/objects.ts';
import { ClassIndex } from '../vm/special.ts';
import type { VM } from '../vm/vm.ts';

export type TestStatus = 'passed' | 'failed' | 'error' | 'skipped' | 'expectedFailure' | 'unexpectedPass' | 'timeout';

export interface TestOutcome {
  className: string;
  selector: string;
  status: TestStatus;
  /** What went wrong ('' for a pass). */
  description: string;
  /** Smalltalk stack frames, innermost first. */
  stack: string[];
  ms: number;
}

/** A failure of the driver itself: the image lacks SUnit, or SUnit's class side failed. */
export class TestRunnerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TestRunnerError';
  }
}

export interface TestClassInfo {
  name: string;
  /** The class's category (its package, or package-tag). */
  category: string;
}

/** Whether category belongs to package (is it, or begins with `package-`). */
export function inPackage(category: string, pkg: string): boolean {
  return category === pkg || category.startsWith(`${pkg}-`);
}

export class TestRunner {
  readonly vm: VM;
  /** Milliseconds a test may run before it is stopped and counted as an error. */
  readonly timeoutMs: number;
  /** Set when the user interrupts (Ctrl-C): the test running is stopped and no other starts. */
  cancelled: boolean;
  private timedOut: boolean;

  constructor(vm: VM, timeoutMs: number) {
    this.vm = vm;
    this.timeoutMs = timeoutMs;
    this.cancelled = false;
    this.timedOut = false;
    if (classNamed(vm.heap, 'TestCase') === 0) {
      throw new TestRunnerError('this image has no SUnit (no class TestCase): load images/kernel/SUnit-Core or rebuild the base image');
    }
  }

  cancel(): void {
    this.cancelled = true;
    this.vm.interrupt();
  }

  /** Every concrete test class of the image, sorted by name. */
  async testClasses(): Promise<TestClassInfo[]> {
    const heap = this.vm.heap;
    const o = await this.vm.send(classNamed(heap, 'TestCase'), 'allTestClasses');
    if (o.kind === 'error') throw new TestRunnerError(`TestCase allTestClasses failed: ${o.description}`);
    return arrayElements(heap, o.value).map((cls) => ({ name: className(heap, cls), category: this.categoryOf(cls) }));
  }

  /** Whether name is a class that inherits from TestCase. */
  isTestClass(name: string): boolean {
    const heap = this.vm.heap;
    const testCase = classNamed(heap, 'TestCase');
    for (let c = classNamed(heap, name); c !== 0 && c !== heap.nilOop; c = superclassOf(heap, c)) {
      if (c === testCase) return true;
    }
    return false;
  }

  async testSelectors(name: string): Promise<string[]> {
    const heap = this.vm.heap;
    const cls = classNamed(heap, name);
    if (cls === 0) throw new TestRunnerError(`no class named ${name}`);
    const o = await this.vm.send(cls, 'testSelectors');
    if (o.kind === 'error') throw new TestRunnerError(`${name} testSelectors failed: ${o.description}`);
    return arrayElements(heap, o.value).map((s) => stringValue(heap, s));
  }

  /** Runs one test (SUnit's setUp, test, tearDown) within the time limit. */
  async run(name: string, selector: string): Promise<TestOutcome> {
    const heap = this.vm.heap;
    const t0 = performance.now();
    const done = (status: TestStatus, description: string, stack: string[]): TestOutcome =>
      ({ className: name, selector, status, description, stack, ms: performance.now() - t0 });
    const cls = classNamed(heap, name);
    if (cls === 0) return done('error', `no class named ${name}`, []);
    this.timedOut = false;
    const timer = setTimeout(() => {
      this.timedOut = true;
      this.vm.interrupt();
    }, this.timeoutMs);
    let o;
    try {
      o = await this.vm.send(cls, 'runForReport:', [intern(heap, selector)]);
    } finally {
      clearTimeout(timer);
    }
    if (o.kind === 'error') {
      const stack = testFrames(o.trace);
      if (o.description === 'Interrupted' && this.timedOut) {
        return done('timeout', `timed out after ${formatSeconds(this.timeoutMs)} (--timeout SECONDS)`, stack);
      }
      return done('error', o.description, stack);
    }
    return this.readReport(o.value, done);
  }

  private readReport(report: number, done: (s: TestStatus, d: string, stack: string[]) => TestOutcome): TestOutcome {
    const heap = this.vm.heap;
    const parts = heap.classIndexOf(report) === ClassIndex.Array ? arrayElements(heap, report) : [];
    const text = (oop: number | undefined): string => (oop !== undefined && isStringLike(heap, oop) ? stringValue(heap, oop) : '');
    const status = text(parts[0]);
    if (!STATUSES.has(status)) return done('error', `runForReport: answered an unexpected report (${status || 'not an Array'})`, []);
    const stackOop = parts[2];
    const stack = stackOop !== undefined && heap.classIndexOf(stackOop) === ClassIndex.Array
      ? arrayElements(heap, stackOop).map((l) => text(l)) : [];
    return done(status as TestStatus, text(parts[1]), stack);
  }

  private categoryOf(cls: number): string {
    const cat = this.vm.heap.fetch(cls, ClassSlot.category);
    return isStringLike(this.vm.heap, cat) ? stringValue(this.vm.heap, cat) : '';
  }
}

const STATUSES: ReadonlySet<string> = new Set(['passed', 'failed', 'error', 'skipped', 'expectedFailure', 'unexpectedPass']);

/** The frames above SUnit's runner (as TestResult>>stackOf: cuts them in Smalltalk). */
function testFrames(trace: readonly string[]): string[] {
  const end = trace.findIndex((l) => RUNNER_FRAMES.some((f) => l.startsWith(f)));
  return end < 0 ? [...trace] : trace.slice(0, end);
}

const RUNNER_FRAMES = ['TestCase>>performTest', 'TestCase>>runCase', '[] in TestCase>>runCase'];

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
