// Whole-corpus checks: every generated method (and every kernel method, when the kernel
// sources exist) compiles to code that decodes exactly, keeps consistent stack depths,
// fits its frameSize exactly, maps every instruction to source, and disassembles.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileMethod, type CompileEnv } from '../../compiler/compile.ts';
import { disassemble } from '../../compiler/disassembler.ts';
import { CompileError } from '../../compiler/errors.ts';
import { readTonelPackage } from '../../compiler/tonel.ts';
import type { MethodSpec } from '../../vm/method-spec.ts';
import { LENGTHS } from '../../vm/opcodes.ts';
import { CORPUS_INST_VARS, generateCorpus } from '../../bench/compiler-corpus.ts';
import { checkMethod } from './codegen-check.ts';

function checkAll(spec: MethodSpec): void {
  const contexts = checkMethod(spec);
  expect(spec.frameSize).toBe(Math.max(...contexts.map((c) => c.slots + c.maxDepth)));
  const starts: number[] = [];
  for (let pc = 0; pc < spec.bytecodes.length; pc += LENGTHS[spec.bytecodes[pc]]) starts.push(pc);
  expect([...spec.sourceMap.keys()].sort((a, b) => a - b)).toEqual(starts);
  for (const r of spec.sourceMap.values()) {
    expect(r.start).toBeGreaterThanOrEqual(0);
    expect(r.end).toBeLessThanOrEqual(spec.source.length);
  }
  const text = disassemble(spec);
  const code = text.split('\nliterals:\n')[0].split('\n').slice(1).filter((l) => !l.startsWith('<'));
  expect(code.map((l) => Number(l.trim().split(' ')[0]))).toEqual(starts);
}

describe('the static checker', () => {
  const env: CompileEnv = { instVarNames: [], isBound: () => true };
  const spec = compileMethod('foo: x ^[:y | x + y] value: 3', env);

  it('accepts the compiler output', () => {
    expect(() => checkMethod(spec)).not.toThrow();
  });

  it('rejects a frame that is too small, truncated code and a broken jump', () => {
    expect(() => checkMethod({ ...spec, frameSize: spec.frameSize - 1 })).toThrow(/frameSize/);
    expect(() => checkMethod({ ...spec, bytecodes: spec.bytecodes.slice(0, -1) })).toThrow();
    const loop = compileMethod('foo: x [x] whileTrue', env);
    const bad = Uint8Array.from(loop.bytecodes);
    bad[bad.length - 3] += 1;
    expect(() => checkMethod({ ...loop, bytecodes: bad })).toThrow();
  });
});

describe('generated corpus', () => {
  it('compiles 500 generated methods to well-formed code', () => {
    const env: CompileEnv = { instVarNames: CORPUS_INST_VARS, isBound: (n) => /^[A-Z]/.test(n) };
    for (const source of generateCorpus(500, 3)) {
      try {
        checkAll(compileMethod(source, env));
      } catch (e) {
        throw new Error(`${(e as Error).message}\nin:\n${source}`);
      }
    }
  });
});

const kernel = join(import.meta.dirname, '..', '..', 'images', 'kernel');

describe.runIf(existsSync(kernel))('kernel sources', () => {
  it('compiles every kernel method that resolves to well-formed code', () => {
    let compiled = 0;
    for (const dir of readdirSync(kernel)) {
      if (!existsSync(join(kernel, dir, 'package.st'))) continue;
      for (const def of readTonelPackage(join(kernel, dir)).definitions) {
        if (def.kind !== 'method') continue;
        const env: CompileEnv = { instVarNames: [], isBound: () => true };
        let spec: MethodSpec;
        try {
          spec = compileMethod(def.source, env);
        } catch (e) {
          if (e instanceof CompileError) continue;
          throw e;
        }
        checkAll(spec);
        compiled++;
      }
    }
    expect(compiled).toBeGreaterThan(0);
  });
});
