// Shared helpers for the codegen tests: a standard environment, instruction listings
// and compile-and-run shortcuts through the reference interpreter of codegen-vm.ts.

import { compileDoit, compileMethod, type CompileEnv } from '../../compiler/compile.ts';
import type { MethodSpec } from '../../vm/method-spec.ts';
import { decodeOperands, LENGTHS, OPCODES } from '../../vm/opcodes.ts';
import { checkMethod } from './codegen-check.ts';
import { MiniVM, Obj, type Value } from './codegen-vm.ts';

export const env: CompileEnv = {
  instVarNames: ['a', 'b'],
  isBound: (name) => /^[A-Z]/.test(name),
};

/** Compiles and statically checks (decode, depths, frameSize) a method. */
export function method(source: string, e: CompileEnv = env): MethodSpec {
  const spec = compileMethod(source, e, { className: 'Foo', category: 'test' });
  checkMethod(spec);
  return spec;
}

export function doit(source: string, e: CompileEnv = env): MethodSpec {
  const spec = compileDoit(source, e);
  checkMethod(spec);
  return spec;
}

/** Instructions as 'NAME op op' strings. */
export function ops(spec: MethodSpec): string[] {
  const out: string[] = [];
  const code = spec.bytecodes;
  for (let pc = 0; pc < code.length; pc += LENGTHS[code[pc]]) {
    out.push([OPCODES[code[pc]].name, ...decodeOperands(code, pc)].join(' '));
  }
  return out;
}

/** Opcode names only. */
export function names(spec: MethodSpec): string[] {
  return ops(spec).map((s) => s.split(' ')[0]);
}

/** Runs a doit in a fresh reference VM; answers its value. */
export function evalDoit(source: string): Value {
  return new MiniVM().run(doit(source));
}

/** Runs method `source` on a receiver with ivars a, b; `others` are more methods of its class. */
export function runMethod(source: string, args: Value[] = [], others: string[] = []): { value: Value; receiver: Obj } {
  const methods = new Map<string, MethodSpec>();
  const main = method(source);
  methods.set(main.selector, main);
  for (const s of others) {
    const m = method(s);
    methods.set(m.selector, m);
  }
  const receiver = new Obj([null, null], methods);
  return { value: new MiniVM().run(main, receiver, args), receiver };
}
