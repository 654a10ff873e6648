// Helpers shared by the Tonel and chunk format tests.

import equal from 'fast-deep-equal';
import { expect } from 'vitest';
import { SourceFormatError } from '../../compiler/definitions.ts';
import type { Definition } from '../../compiler/definitions.ts';

/** Definitions without their positions, for comparing what two reads produced. */
export function withoutPositions(defs: Definition[]): unknown[] {
  return defs.map((d) => {
    const { position: _position, ...rest } = d;
    return rest;
  });
}

/** Asserts that two definition lists are the same, positions aside, with a readable diff
 *  when they are not. */
export function expectSameDefinitions(actual: Definition[], expected: Definition[]): void {
  const a = withoutPositions(actual);
  const e = withoutPositions(expected);
  if (!equal(a, e)) expect(a).toEqual(e);
  expect(equal(a, e)).toBe(true);
}

/** Runs `f`, expects a SourceFormatError, checks its shape (`file:line:col: reason`, the
 *  source line, a caret under the column) and answers it. */
export function formatError(f: () => unknown): SourceFormatError {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(SourceFormatError);
  const err = caught as SourceFormatError;
  const lines = err.message.split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toBe(`${err.file}:${err.line}:${err.column}: ${err.reason}`);
  expect(lines[1]).toBe(err.sourceLine);
  expect(lines[2]!.length).toBe(err.column);
  expect(lines[2]!.endsWith('^')).toBe(true);
  return err;
}
