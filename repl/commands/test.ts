// `strata test [NAME...] [--image IN] [--timeout SECONDS]`: runs SUnit tests in an image and
// prints one line per test class, each test that did not pass with its description and
// Smalltalk stack, and last the summary line that CI reads:
//
//   (2 assertion failures, 1 error, 1 expected failure)
//   tests: 412 passed, 3 failed, 3 skipped
//
// `failed` counts, as issue 5 asks, every test that did not pass: failed assertions
// (TestFailure), unexpected passes of expectedFailures, tests ended by any other exception
// (errors) and time-outs; the line before breaks it down when there is anything to break
// down. The last line keeps the plain `N passed, N failed[, N skipped]` shape that CI
// tools read. Exit code 1 when a test failed.
//
// NAME is a test class, `Class>>selector` (one test), a package (every test class whose
// category is it or begins with `it-`), or a file or directory to load first (a Tonel
// package, chunk file or script: its test classes run). A package of the kernel's sources
// (images/kernel/NAME), or the kernel test package of a named test class, is loaded when
// the image lacks it. Without NAME: every test class of
// the image, after loading the kernel's own suite (images/kernel/*-Tests) if it is missing.
//
// Exit codes: 0 all passed; 1 a test failed; 2 bad usage, an unknown NAME, a file that does
// not load, or an image without SUnit.

import fs from 'node:fs';
import path from 'node:path';
import { KERNEL_DIR } from '../../images/bootstrap.ts';
import { formatProblem, isBadFile, loadFiles } from '../../images/loader.ts';
import { AppHost } from '../../images/ship-host.ts';
import { bootWorld } from '../../images/world.ts';
import type { VM } from '../../vm/vm.ts';
import { Exit, UsageError, type CliIO, type Command } from '../command.ts';
import { inPackage, TestRunner, TestRunnerError, type TestOutcome } from '../test-runner.ts';
import { IMAGE_OPTION_HELP, imagePath, parseArgs } from './args.ts';

/** A test class to run: all its tests, or only the named ones. */
interface Target {
  className: string;
  selectors: string[] | null;
}

/** The kernel's test packages (images/kernel/*-Tests), by name. */
export function kernelTestPackages(kernelDir: string = KERNEL_DIR): string[] {
  if (!fs.existsSync(kernelDir)) return [];
  return fs.readdirSync(kernelDir)
    .filter((d) => d.endsWith('-Tests') && fs.existsSync(path.join(kernelDir, d, 'package.st')))
    .sort();
}

export const testCommand: Command = {
  name: 'test',
  args: '[NAME...] [--image IN] [--timeout SECONDS]',
  summary: "run SUnit tests (by default the kernel's own suite) and print a summary line",
  details: [
    IMAGE_OPTION_HELP,
    '  --timeout S    stop a test that runs longer than S seconds (default 10); it counts as an error',
    'NAME is a test class, Class>>selector, a package, or a Tonel package / chunk file to load first.',
    "Without NAME: every test class in the image, after loading images/kernel/*-Tests if missing.",
    'Prints each failure with its Smalltalk stack, then: tests: N passed, N failed[, N skipped]',
    '(failed: failed assertions, errors and time-outs; the line before breaks them down).',
    'Exit codes: 0 all passed, 1 a test failed, 2 bad usage or a file that does not load.',
  ].join('\n'),
  async run(args, io) {
    const parsed = parseArgs(args, 'test', { values: [['--image'], ['--timeout']] });
    const timeoutText = parsed.values.get('--timeout') ?? '10';
    const seconds = Number(timeoutText);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout needs a positive number of seconds, got '${timeoutText}'`, 'test');
    const vm = bootWorld(imagePath(parsed), { host: new AppHost([], null) });
    let runner: TestRunner;
    try {
      runner = new TestRunner(vm, Math.round(seconds * 1000));
    } catch (e) {
      if (!(e instanceof TestRunnerError)) throw e;
      io.stderr(`strata test: ${e.message}\n`);
      return Exit.usage;
    }
    const onSigint = (): void => runner.cancel();
    process.on('SIGINT', onSigint);
    try {
      const loadProblems = { bad: 0, failed: 0 };
      const targets = await resolveTargets(vm, runner, parsed.positional, io, loadProblems);
      if (targets === null) return Exit.usage;
      const totals = await runTargets(runner, targets, io);
      if (runner.cancelled) io.stdout('interrupted\n');
      if (loadProblems.bad + loadProblems.failed > 0) {
        io.stdout(`${loadProblems.bad + loadProblems.failed} problem(s) while loading (above)\n`);
      }
      io.stdout(summaryLine(totals));
      if (loadProblems.bad > 0) return Exit.usage;
      return totals.failed + totals.errors > 0 || loadProblems.failed > 0 || runner.cancelled ? Exit.error : Exit.ok;
    } catch (e) {
      if (!(e instanceof TestRunnerError)) throw e;
      io.stderr(`strata test: ${e.message}\n`);
      return Exit.usage;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};

interface Totals {
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  expected: number;
}

export function summaryLine(t: Totals): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const parts = [
    t.failed > 0 ? plural(t.failed, 'assertion failure') : '',
    t.errors > 0 ? plural(t.errors, 'error') : '',
    t.expected > 0 ? plural(t.expected, 'expected failure') : '',
  ].filter((p) => p !== '');
  const breakdown = parts.length > 0 ? `(${parts.join(', ')})\n` : '';
  let line = `tests: ${t.passed} passed, ${t.failed + t.errors} failed`;
  if (t.skipped > 0) line += `, ${t.skipped} skipped`;
  return `${breakdown}${line}\n`;
}

/** The classes to run, in order; null (after a message) when a NAME names nothing. */
async function resolveTargets(
  vm: VM, runner: TestRunner, names: readonly string[], io: CliIO, problems: { bad: number; failed: number },
): Promise<Target[] | null> {
  const load = async (paths: string[]): Promise<string[]> => {
    const summary = await loadFiles(vm, paths, { onProblem: (p) => io.stderr(formatProblem(p)) });
    for (const p of summary.problems) {
      if (isBadFile(p)) problems.bad++;
      else problems.failed++;
    }
    return summary.definedClasses;
  };
  const all = async (): Promise<Target[]> => (await runner.testClasses()).map((c) => ({ className: c.name, selectors: null }));
  const inPkg = async (pkg: string): Promise<Target[]> =>
    (await runner.testClasses()).filter((c) => inPackage(c.category, pkg)).map((c) => ({ className: c.name, selectors: null }));

  if (names.length === 0) {
    const missing: string[] = [];
    for (const pkg of kernelTestPackages()) if ((await inPkg(pkg)).length === 0) missing.push(path.join(KERNEL_DIR, pkg));
    if (missing.length > 0) await load(missing);
    return all();
  }
  /** A test class of the kernel's suite that the image lacks: load its package. */
  const ensureClass = async (className: string): Promise<boolean> => {
    if (runner.isTestClass(className)) return true;
    const pkg = kernelTestPackages().find((p) => fs.existsSync(path.join(KERNEL_DIR, p, `${className}.class.st`)));
    if (pkg === undefined) return false;
    await load([path.join(KERNEL_DIR, pkg)]);
    return runner.isTestClass(className);
  };
  const targets: Target[] = [];
  for (const name of names) {
    const method = /^([A-Za-z_]\w*)>>#?(\w+)$/.exec(name);
    if (method) {
      if (!await ensureClass(method[1]!)) return unknown(io, name, `${method[1]} is not a test class (a subclass of TestCase) in this image`);
      targets.push({ className: method[1]!, selectors: [method[2]!] });
    } else if (fs.existsSync(name)) {
      const defined = new Set(await load([name]));
      targets.push(...(await all()).filter((t) => defined.has(t.className)));
    } else if (/^[A-Z]\w*$/.test(name) && await ensureClass(name)) {
      targets.push({ className: name, selectors: null });
    } else {
      let found = await inPkg(name);
      if (found.length === 0 && fs.existsSync(path.join(KERNEL_DIR, name, 'package.st'))) {
        await load([path.join(KERNEL_DIR, name)]);
        found = await inPkg(name);
      }
      if (found.length === 0) return unknown(io, name, 'no test class, package or file of that name');
      targets.push(...found);
    }
  }
  return targets;
}

function unknown(io: CliIO, name: string, why: string): null {
  io.stderr(`strata test: ${name}: ${why}\n`);
  return null;
}

const LABEL: Partial<Record<TestOutcome['status'], string>> = {
  failed: 'FAIL', error: 'ERROR', timeout: 'TIMEOUT', unexpectedPass: 'UNEXPECTED PASS', skipped: 'SKIP',
};

async function runTargets(runner: TestRunner, targets: readonly Target[], io: CliIO): Promise<Totals> {
  const totals: Totals = { passed: 0, failed: 0, errors: 0, skipped: 0, expected: 0 };
  const seen = new Set<string>();
  for (const target of targets) {
    if (runner.cancelled) break;
    let all: string[];
    try {
      all = target.selectors ?? await runner.testSelectors(target.className);
    } catch (e) {
      if (!(e instanceof TestRunnerError)) throw e;
      totals.errors++;
      io.stdout(`${target.className}: cannot list its tests\n  ERROR ${e.message}\n`);
      continue;
    }
    const selectors = all.filter((s) => !seen.has(`${target.className}>>${s}`));
    if (selectors.length === 0) continue;
    const counts: Totals = { passed: 0, failed: 0, errors: 0, skipped: 0, expected: 0 };
    const reports: string[] = [];
    const t0 = performance.now();
    for (const selector of selectors) {
      const key = `${target.className}>>${selector}`;
      seen.add(key);
      if (runner.cancelled) break;
      const o = await runner.run(target.className, selector);
      count(counts, o);
      const label = LABEL[o.status];
      if (label !== undefined && o.status !== 'skipped') {
        reports.push(`  ${label} ${key}: ${o.description}\n${o.stack.map((l) => `      ${l}\n`).join('')}`);
      }
    }
    for (const k of Object.keys(totals) as (keyof Totals)[]) totals[k] += counts[k];
    const extras = [counts.failed > 0 ? `${counts.failed} failed` : '', counts.errors > 0 ? `${counts.errors} errors` : '',
      counts.skipped > 0 ? `${counts.skipped} skipped` : '', counts.expected > 0 ? `${counts.expected} expected failures` : '']
      .filter((s) => s !== '');
    const ms = Math.round(performance.now() - t0);
    io.stdout(`${target.className}: ${[`${counts.passed} passed`, ...extras].join(', ')} (${ms} ms)\n${reports.join('')}`);
  }
  return totals;
}

function count(t: Totals, o: TestOutcome): void {
  switch (o.status) {
    case 'passed': t.passed++; break;
    case 'skipped': t.skipped++; break;
    case 'expectedFailure': t.expected++; break;
    case 'failed': case 'unexpectedPass': t.failed++; break;
    case 'error': case 'timeout': t.errors++; break;
  }
}
