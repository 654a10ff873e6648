import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKernelImage, SAMPLES, strata, tempDir, writeFile } from './kernel-image.ts';

let dir: string;
let base: string;
beforeAll(() => {
  dir = tempDir('strata-test-');
  base = buildKernelImage(dir);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string): string => writeFile(dir, name, text);

const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';

describe('strata test', () => {
  it("runs the kernel's own suite green (loading images/kernel/*-Tests) and ends with the summary line", () => {
    const r = strata(['test', '--image', base], { timeout: 300_000 });
    expect(r.stderr).toBe('');
    const summary = lastLine(r.stdout);
    expect(summary).toMatch(/^tests: \d+ passed, 0 failed$/);
    expect(Number(/^tests: (\d+)/.exec(summary)![1])).toBeGreaterThan(200);
    for (const cls of ['ObjectTest', 'IntegerTest', 'ExceptionTest', 'ReflectionTest', 'StringTest', 'HashedCollectionTest', 'StreamTest', 'SUnitTest']) {
      expect(r.stdout).toMatch(new RegExp(`^${cls}: \\d+ passed \\(\\d+ ms\\)$`, 'm'));
    }
    expect(r.status).toBe(0);
  }, 300_000);

  it('loads and runs the sample tests from a path, and runs one class or one test by name', () => {
    const r = strata(['test', '--image', base, path.join(SAMPLES, 'chunk/bank.st'), 'SUnit-Tests', 'IntegerTest>>testGcdLcm']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^BankTest: 13 passed/m);
    expect(r.stdout).toMatch(/^SUnitTest: \d+ passed/m);
    expect(r.stdout).toMatch(/^IntegerTest: 1 passed/m);
    expect(r.status).toBe(0);
  });

  it('prints each failure with its stack, counts failures and errors apart, and exits 1', () => {
    const file = write('failing.st', "TestCase subclass: #FailingTest\n\tinstanceVariableNames: ''\n\tclassVariableNames: ''\n\tcategory: 'Failing'!\n\n"
      + "!FailingTest methodsFor: 'tests'!\ntestPasses\n\tself assert: 1 + 1 equals: 2!\ntestFails\n\tself assert: 1 + 1 equals: 3!\n"
      + "testErrs\n\t^ #() first!\ntestSkips\n\tself skip: 'later'! !\n");
    const r = strata(['test', '--image', base, file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FailingTest: 1 passed, 1 failed, 1 errors, 1 skipped \(\d+ ms\)$/m);
    expect(r.stdout).toContain('  FAIL FailingTest>>testFails: Got 2 instead of 3.\n      FailingTest>>testFails (');
    expect(r.stdout).toMatch(/failing\.st:10\)\n/);
    expect(r.stdout).toMatch(/  ERROR FailingTest>>testErrs: .*\n(      .*\n)*      FailingTest>>testErrs \(.*failing\.st:12\)\n/);
    expect(r.stdout).toContain('(1 assertion failure, 1 error)\n');
    expect(lastLine(r.stdout)).toBe('tests: 1 passed, 2 failed, 1 skipped');
  });

  it('stops a test that runs past --timeout and counts it as an error', () => {
    const file = write('slow.st', "TestCase subclass: #SlowTest\n\tinstanceVariableNames: ''\n\tclassVariableNames: ''\n\tcategory: 'Slow'!\n\n"
      + "!SlowTest methodsFor: 'tests'!\ntestForever\n\t[ true ] whileTrue!\ntestQuick\n\tself assert: true! !\n");
    const t0 = Date.now();
    const r = strata(['test', '--image', base, file, '--timeout', '0.5']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('  TIMEOUT SlowTest>>testForever: timed out after 0.5 s');
    expect(lastLine(r.stdout)).toBe('tests: 1 passed, 1 failed');
    expect(Date.now() - t0).toBeLessThan(60_000);
  });

  it('exits 2 for an unknown name, a file that does not load, and bad options', () => {
    const unknown = strata(['test', '--image', base, 'NoSuchTestAnywhere']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe('strata test: NoSuchTestAnywhere: no test class, package or file of that name\n');
    const broken = write('broken.st', "TestCase subclass: #BrokenTest instanceVariableNames: '' classVariableNames: '' category: 'B'!\n!BrokenTest methodsFor: 't'!\ntestA\n\t^ 1 +! !\n");
    const b = strata(['test', '--image', base, broken]);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/broken\.st:4:7: expected an argument after \+\n/);
    expect(strata(['test', '--image', base, '--timeout', 'soon']).status).toBe(2);
  });
});
